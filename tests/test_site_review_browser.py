"""The site's review features in the system Chromium (Playwright, as tests/test_site_browser.py): search highlights
where it matched and opens the collapsed steps that hold a match, never matches across two texts, the "changed in
VERSION" filter, and the index's height with the steps collapsed."""


import pytest

from site_history import ADDED, CHROMIUM, CHROMIUM_MISSING, RECLAIMED, REWORDED, built_site, launched_chromium

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
pytestmark = [pytest.mark.browser,  # every test drives the site in headless Chromium
              pytest.mark.skipif(CHROMIUM is None, reason=CHROMIUM_MISSING)]
SHARED = "652325100-0100"  # 对应上级部门 奇台县公安局、奇台县住房和城乡建设局; its 上级部门职责 begin "1.县民政局负责…"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    repo, out = built_site(tmp_path_factory)
    return out


@pytest.fixture(scope="module")
def browser():
    yield from launched_chromium(playwright_api)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort())
    opened = context.new_page()
    yield opened
    context.close()


def visible_ids(page):
    return page.eval_on_selector_all("article.item:not([hidden])", "items => items.map(item => item.dataset.id)")


def open_index(page, built, query=""):
    page.goto((built / "index.html").as_uri() + query)
    page.wait_for_selector("#filters:not([hidden])")


def test_search_highlights_where_it_matched_and_opens_the_collapsed_steps_that_hold_it(built, page, tmp_path):
    open_index(page, built)
    shared = page.locator(f'article.item[data-id="{SHARED}"]')
    assert shared.locator("details[open]").count() == 0
    page.locator("#q").fill("民政")
    assert SHARED in visible_ids(page)
    marks = page.eval_on_selector_all("article.item:not([hidden])", "items => items.map(item => item.querySelectorAll('mark').length)")
    assert all(marks), "every item shown says where it matched"
    assert set(page.eval_on_selector_all("mark", "marks => marks.map(mark => mark.textContent)")) == {"民政"}
    # the match of this item (whose departments are 公安局 and 住建局) is in its county duties: shown, opened
    opened = shared.locator("details[open]")
    assert opened.count() == 1 and opened.locator("summary").inner_text().startswith("上级部门职责")
    assert opened.locator("li mark").first.is_visible()
    assert shared.locator("li").first.inner_text().startswith("1.县民政局负责")
    page.screenshot(path=str(tmp_path / "search.png"))
    page.locator("#q").fill("")
    assert page.locator("mark").count() == 0 and shared.locator("details[open]").count() == 0  # closed again
    assert shared.locator("li").first.evaluate("li => li.childNodes.length") == 1  # the text is one text again
    assert shared.locator("li").first.text_content().startswith("1.县民政局负责")


def test_a_word_never_matches_across_two_texts(built, page):
    open_index(page, built)
    page.locator("#q").fill("工作；2.县公安局")  # the end of one step and the start of the next: one text in textContent
    assert SHARED not in visible_ids(page)
    page.locator("#q").fill("工作； 2.县公安局")  # two words, each inside a step: it matches
    assert SHARED in visible_ids(page)


def test_a_step_list_opens_on_a_click_and_the_index_is_far_shorter(built, page):
    open_index(page, built)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 24000, height  # 37,831 px with every step open (1280 px wide), 22,433 collapsed: docs/site.md
    shared = page.locator(f'article.item[data-id="{SHARED}"]')
    assert not shared.locator("li").first.is_visible()
    shared.locator("summary").first.click()
    assert shared.locator("li").first.is_visible()


def test_the_changed_filter_shows_the_items_changed_in_the_latest_version(built, page, tmp_path):
    open_index(page, built)
    page.locator("#f-changed").check()
    assert sorted(visible_ids(page)) == sorted([REWORDED, RECLAIMED, ADDED])
    assert page.locator("#count").inner_text() == "显示 3 / 180 项"
    badge = page.locator(f'article.item[data-id="{REWORDED}"] a.badge')
    assert badge.inner_text() == "1.1.0 修改 changed in 1.1.0"
    page.screenshot(path=str(tmp_path / "changed.png"), full_page=True)
    badge.click()
    assert page.url.endswith("#history") and page.locator("h2#history").is_visible()
    open_index(page, built, "?changed=1&q=宣讲")
    assert visible_ids(page) == [REWORDED] and page.locator("#f-changed").is_checked()
    page.locator("#q").fill("changed in")  # the badge is not the item's text
    assert visible_ids(page) == []
