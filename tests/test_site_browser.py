"""The site in a real browser: the system Chromium driven by Playwright, one launch for the module.

The site is built from a real git history (an item reworded, one reclaimed, one added) and opened
from file://. Every request the pages make is recorded: only file:// is allowed, anything else is
aborted and fails the test.
"""


import pytest

from dutylist.core.edition import FolderReader, load_edition
from site_history import ADDED, CHROMIUM, CHROMIUM_MISSING, RECLAIMED, REWORDED, built_site, launched_chromium

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
pytestmark = [pytest.mark.browser,  # every test drives the site in headless Chromium
              pytest.mark.skipif(CHROMIUM is None, reason=CHROMIUM_MISSING)]
DEPARTMENT = "奇台县住房和城乡建设局"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    repo, out = built_site(tmp_path_factory)
    return out, load_edition(FolderReader(repo.root))


@pytest.fixture(scope="module")
def browser():
    yield from launched_chromium(playwright_api)


@pytest.fixture(scope="module")
def requests():
    return []


@pytest.fixture
def page(browser, requests):
    context = browser.new_context()

    def record(route):
        requests.append(route.request.url)
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", record)
    opened = context.new_page()
    yield opened
    context.close()


def visible_ids(page):
    return page.eval_on_selector_all("article.item:not([hidden])", "items => items.map(item => item.dataset.id)")


def test_the_index_shows_every_item_of_the_current_edition(built, page):
    out, edition = built
    page.goto((out / "index.html").as_uri())
    assert sorted(visible_ids(page)) == sorted(edition["items"])
    assert page.locator("#count").inner_text() == f"共 {len(edition['items'])} 项"
    assert page.locator("#list-reclaimed h2").inner_text() == "3. 上级部门收回事项清单 (27 项)"


def test_typing_a_department_filters_to_the_items_naming_it_and_the_count_follows(built, page):
    out, edition = built
    page.goto((out / "index.html").as_uri())
    page.locator("#q").press_sequentially(DEPARTMENT[:4])  # typed key by key, as a person does
    page.locator("#q").fill(DEPARTMENT)
    expected = sorted(item_id for item_id, item in edition["items"].items() if any(DEPARTMENT in str(value) for value in item.values()))
    assert RECLAIMED in expected and len(expected) < len(edition["items"])
    assert any(DEPARTMENT in item.get("departments", []) for item in edition["items"].values())
    assert sorted(visible_ids(page)) == expected
    assert page.locator("#count").inner_text() == f"显示 {len(expected)} / {len(edition['items'])} 项"
    page.locator("#f-list").select_option("reclaimed")
    reclaimed = [item_id for item_id in expected if edition["items"][item_id]["list"] == "reclaimed"]
    assert sorted(visible_ids(page)) == sorted(reclaimed)
    assert page.locator("#count").inner_text() == f"显示 {len(reclaimed)} / {len(edition['items'])} 项"
    assert page.locator("#list-basic .none").is_visible()


def test_the_department_filter_keeps_only_the_items_naming_it(built, page):
    out, edition = built
    page.goto((out / "index.html").as_uri())
    page.locator("#f-department").select_option(DEPARTMENT)
    expected = sorted(item_id for item_id, item in edition["items"].items() if DEPARTMENT in item.get("departments", []))
    assert sorted(visible_ids(page)) == expected and RECLAIMED in expected


def test_a_department_page_opens_the_list_filtered_by_it(built, page):
    out, edition = built
    page.goto((out / "departments" / "index.html").as_uri())
    page.get_by_role("link", name=DEPARTMENT, exact=True).click()
    page.get_by_role("link", name="在现行清单中筛选 Filter the current list by this department").click()
    expected = sorted(item_id for item_id, item in edition["items"].items() if DEPARTMENT in item.get("departments", []))
    assert sorted(visible_ids(page)) == expected
    assert page.locator("#f-department").input_value() == DEPARTMENT


def test_an_item_page_shows_its_history_with_the_highlighted_change(built, page):
    out, _ = built
    page.goto((out / "items" / f"{REWORDED}.html").as_uri())
    history = page.locator("ol.history > li")
    assert history.count() == 2
    assert history.nth(1).locator("h3 a").inner_text() == "1.1.0"
    assert history.nth(1).locator("ins").all_inner_texts() == ["、进社区"]
    assert page.locator("ol.history ins").first.evaluate("element => getComputedStyle(element).backgroundColor") == "rgb(204, 255, 216)"


def test_a_version_page_links_to_the_items_it_changed_and_the_links_open_them(built, page):
    out, _ = built
    page.goto((out / "versions" / "1.1.0.html").as_uri())
    links = page.eval_on_selector_all("main a[href^='../items/']", "links => links.map(link => link.textContent)")
    assert sorted(set(links)) == sorted([REWORDED, RECLAIMED, ADDED])
    page.locator(f"main a[href='../items/{ADDED}.html']").first.click()
    page.wait_for_url(f"**/items/{ADDED}.html")
    assert page.locator("h1").inner_text().startswith(ADDED)


def test_without_javascript_everything_is_readable_and_the_search_box_is_hidden(built, browser):
    out, edition = built
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto((out / "index.html").as_uri())
        assert page.locator("article.item:visible").count() == len(edition["items"])
        assert not page.locator("#filters").is_visible()
    finally:
        context.close()


def test_the_search_box_is_reached_with_the_keyboard(built, page):
    out, _ = built
    page.goto((out / "index.html").as_uri())
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type(ADDED)
    assert visible_ids(page) == [ADDED]


def test_no_request_leaves_the_site(built, requests):
    """Runs last in this module: every page opened above asked only for files of the site."""
    out, _ = built
    assert any(url.endswith("/assets/search.js") for url in requests) and any(url.endswith("/assets/site.css") for url in requests)
    assert [url for url in requests if not url.startswith(out.as_uri() + "/")] == []
