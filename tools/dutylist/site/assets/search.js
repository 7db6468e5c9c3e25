// dutylist site: the search box of the index, the only script of the site. Without it the whole list shows.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var query = document.getElementById("q");
  var listFilter = document.getElementById("f-list");
  var categoryFilter = document.getElementById("f-category");
  var departmentFilter = document.getElementById("f-department");
  var count = document.getElementById("count");
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.list"));
  var items = Array.prototype.slice.call(document.querySelectorAll("article.item"));
  // each item's whole text (name, category, id, departments, steps), searched as a plain substring: Chinese needs no tokenizer
  var texts = items.map(function (item) { return item.textContent.replace(/\s+/g, " ").toLowerCase(); });

  function apply() {
    var words = query.value.toLowerCase().split(/\s+/).filter(Boolean);
    var list = listFilter.value, category = categoryFilter.value, department = departmentFilter.value;
    var shown = 0;
    items.forEach(function (item, index) {
      var visible = (!list || item.getAttribute("data-list") === list)
        && (!category || item.getAttribute("data-category") === category)
        && (!department || item.getAttribute("data-departments").split("、").indexOf(department) >= 0)
        && words.every(function (word) { return texts[index].indexOf(word) >= 0; });
      item.hidden = !visible;
      if (visible) { shown += 1; }
    });
    sections.forEach(function (section) {
      var total = section.querySelectorAll("article.item").length;
      var visible = section.querySelectorAll("article.item:not([hidden])").length;
      section.querySelector(".count").textContent = visible === total ? "(" + total + " 项)" : "(" + visible + " / " + total + " 项)";
      section.querySelector(".none").hidden = visible > 0;
    });
    count.textContent = shown === items.length ? "共 " + items.length + " 项" : "显示 " + shown + " / " + items.length + " 项";
  }

  // a link such as index.html?department=奇台县民政局 opens the list already filtered
  var params = new URLSearchParams(window.location.search);
  query.value = params.get("q") || "";
  [[listFilter, "list"], [categoryFilter, "category"], [departmentFilter, "department"]].forEach(function (pair) {
    var wanted = params.get(pair[1]);
    if (wanted && Array.prototype.some.call(pair[0].options, function (option) { return option.value === wanted; })) {
      pair[0].value = wanted;
    }
  });

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();
}());
