// dutylist site: the search box of the index, the only script of the site. Without it the whole list shows.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var query = document.getElementById("q");
  var listFilter = document.getElementById("f-list");
  var categoryFilter = document.getElementById("f-category");
  var departmentFilter = document.getElementById("f-department");
  var changedFilter = document.getElementById("f-changed");  // absent when the latest version changed no item
  var count = document.getElementById("count");
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.list"));
  var items = Array.prototype.slice.call(document.querySelectorAll("article.item"));
  // each item's texts, one per text node (a name, a department, a step), read at the first search: a word matches
  // inside one of them, never across two, so that every match can be highlighted where it is. A plain substring:
  // Chinese needs no tokenizer. The badge ("changed in 1.1.0") is not the item's text: it is not searched.
  var texts = null;
  var marked = [];  // the items that hold <mark>s now

  function textNodes(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, function (node) {
      return node.parentNode.closest(".badge") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
    });
    var found = [];
    while (walker.nextNode()) {
      if (walker.currentNode.nodeValue.trim()) { found.push(walker.currentNode); }
    }
    return found;
  }

  function normal(node) { return node.nodeValue.toLowerCase(); }

  function matches(index, words) {
    if (!words.length) { return true; }
    if (texts === null) { texts = items.map(function (item) { return textNodes(item).map(normal); }); }
    return words.every(function (word) {
      return texts[index].some(function (text) { return text.indexOf(word) >= 0; });
    });
  }

  function unmark(item) {
    Array.prototype.forEach.call(item.querySelectorAll("mark"), function (mark) {
      var parent = mark.parentNode;
      parent.replaceChild(document.createTextNode(mark.textContent), mark);
      parent.normalize();
    });
    Array.prototype.forEach.call(item.querySelectorAll("details[data-opened-by-search]"), function (details) {
      details.open = false;
      details.removeAttribute("data-opened-by-search");
    });
  }

  // wrap every occurrence of the words in <mark>, and open a collapsed step list that holds one
  function mark(item, words) {
    textNodes(item).forEach(function (node) {
      var text = node.nodeValue, lower = text.toLowerCase(), spans = [];
      words.forEach(function (word) {
        for (var at = lower.indexOf(word); at >= 0; at = lower.indexOf(word, at + word.length)) { spans.push([at, at + word.length]); }
      });
      if (!spans.length) { return; }
      spans.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
      var pieces = document.createDocumentFragment(), done = 0;
      spans.forEach(function (span) {
        if (span[1] <= done) { return; }
        var start = Math.max(span[0], done);
        if (start > done) { pieces.appendChild(document.createTextNode(text.slice(done, start))); }
        var marked = document.createElement("mark");
        marked.textContent = text.slice(start, span[1]);
        pieces.appendChild(marked);
        done = span[1];
      });
      if (done < text.length) { pieces.appendChild(document.createTextNode(text.slice(done))); }
      var details = node.parentNode.closest("details");
      if (details && !details.open) {
        details.open = true;
        details.setAttribute("data-opened-by-search", "");
      }
      node.parentNode.replaceChild(pieces, node);
    });
  }

  function apply() {
    var words = query.value.toLowerCase().split(/\s+/).filter(Boolean);
    var list = listFilter.value, category = categoryFilter.value, department = departmentFilter.value;
    var changedOnly = changedFilter && changedFilter.checked;
    var shown = 0;
    marked.forEach(unmark);
    marked = [];
    items.forEach(function (item, index) {
      var visible = (!list || item.getAttribute("data-list") === list)
        && (!category || item.getAttribute("data-category") === category)
        && (!department || item.getAttribute("data-departments").split("、").indexOf(department) >= 0)
        && (!changedOnly || item.hasAttribute("data-changed"))
        && matches(index, words);
      if (visible && words.length) {
        mark(item, words);
        marked.push(item);
      }
      item.hidden = !visible;
      if (visible) { shown += 1; }
    });
    sections.forEach(function (section) {
      var total = section.querySelectorAll("article.item").length;
      var visible = section.querySelectorAll("article.item:not([hidden])").length;
      section.querySelector("h2 .count").textContent = visible === total ? "(" + total + " 项)" : "(" + visible + " / " + total + " 项)";
      section.querySelector(".none").hidden = visible > 0;
    });
    count.textContent = shown === items.length ? "共 " + items.length + " 项" : "显示 " + shown + " / " + items.length + " 项";
  }

  // a link such as index.html?department=奇台县民政局 (or ?changed=1) opens the list already filtered
  var params = new URLSearchParams(window.location.search);
  query.value = params.get("q") || "";
  [[listFilter, "list"], [categoryFilter, "category"], [departmentFilter, "department"]].forEach(function (pair) {
    var wanted = params.get(pair[1]);
    if (wanted && Array.prototype.some.call(pair[0].options, function (option) { return option.value === wanted; })) {
      pair[0].value = wanted;
    }
  });
  if (changedFilter) { changedFilter.checked = params.get("changed") === "1"; }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();
}());
