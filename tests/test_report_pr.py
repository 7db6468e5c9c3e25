"""A report that fits a pull-request comment (--max-chars), the changelog pages folded the same way, and the HTML
report's table of contents (looked at in headless Chromium)."""

import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from conftest import ROOT
from dutylist.cli import cli

CMARK = shutil.which("cmark-gfm")
CHROMIUM = "/usr/bin/chromium" if shutil.which("/usr/bin/chromium") else shutil.which("chromium")
ITEMS = 152  # items changed from 1.0.0 to 1.1.0
CUT = re.compile(r"^> ✂ \*\*截断 Cut to fit ([\d,]+) characters\.\*\* Left out: (.*)\. 完整报告 The whole report: (.+)$")


def diff(*args):
    return CliRunner().invoke(cli, ["diff", "1.0.0", "1.1.0", "--repo", str(ROOT), *args])


def comment(max_chars, *args):
    result = diff("--format", "markdown", "--max-chars", str(max_chars), *args)
    assert result.exit_code == 0, result.output
    return result.output


def item_headings(text):
    return re.findall(r"^### `(652325100-\d{4})`", text, flags=re.M)


@pytest.mark.slow
def test_the_whole_report_is_too_long_for_a_comment_and_the_cut_one_fits():
    whole = diff("--format", "markdown").output
    assert len(whole) > 65536  # GitHub's limit: the reason for --max-chars
    text = comment(65000)
    assert len(text) <= 65000
    assert text.startswith("# 履职事项清单变更报告 Change report\n") and "## 摘要 Summary" in text
    assert text.index("## 摘要 Summary") < text.index("<details>")
    assert text.count("<details>") == text.count("</details>") and "<details open>" not in text  # every section folded
    found = CUT.match(text.rstrip("\n").splitlines()[-1])
    assert found and found.group(1) == "65,000"
    assert "更正记录 Corrections" in found.group(2) and "描述文件 Descriptor" in found.group(2)
    assert found.group(3) == "`dutylist diff 1.0.0 1.1.0 --format html -o report.html`"


@pytest.mark.slow
@pytest.mark.parametrize("max_chars", [2000, 5000, 20000, 40000])
def test_a_report_is_cut_at_whole_items_and_says_how_many_were_left_out(max_chars):
    text = comment(max_chars)
    assert len(text) <= max_chars
    kept = item_headings(text)
    found = CUT.match(text.rstrip("\n").splitlines()[-1])
    assert found, text[-500:]
    left = re.match(r"(\d+) of (\d+) item changes \(修改 Changed (\d+)\)", found.group(2))
    assert left and int(left.group(2)) == ITEMS and int(left.group(1)) == int(left.group(3)) == ITEMS - len(kept)
    whole = diff("--format", "markdown").output
    assert kept == item_headings(whole)[:len(kept)]  # the first items, in order, each with all its lines
    for item in kept[:-1]:
        start = whole.index(f"### `{item}`")
        block = whole[start:whole.index("\n### ", start + 1)]
        assert block in text
    assert text.count("<details>") == text.count("</details>")


@pytest.mark.slow
def test_a_report_that_fits_is_whole_and_folded():
    text = comment(10 ** 6)
    assert "✂" not in text
    whole = diff("--format", "markdown").output
    assert item_headings(text) == item_headings(whole) and len(item_headings(text)) == ITEMS
    titles = re.findall(r"^<summary><strong>(.*)</strong></summary>$", text, flags=re.M)
    assert titles == [heading for heading in re.findall(r"^## (.*)$", whole, flags=re.M) if heading != "摘要 Summary"]
    unfolded = re.sub(r"<details>\n<summary><strong>(.*)</strong></summary>", r"## \1", text).replace("\n\n</details>", "")
    body = whole.split("## 摘要 Summary", 1)[1].split("\n## ", 1)[1]  # after the summary, which the comment shortens
    assert unfolded.endswith(body)


@pytest.mark.slow
def test_the_whole_report_can_be_named_by_a_url():
    text = comment(20000, "--report-url", "https://forge.example/town/duties/actions/runs/7")
    assert text.rstrip().endswith("[https\\://forge.example/town/duties/actions/runs/7](https://forge.example/town/duties/actions/runs/7)")
    for odd in ("javascript:alert(1)", "https://x.example/a b", "https://x.example/)[evil](https://y"):
        line = comment(20000, "--report-url", odd).rstrip().splitlines()[-1]
        where = line.split("The whole report: ", 1)[1]
        assert where == f"`{odd}`", line  # shown as code, not linked


@pytest.mark.parametrize("args, message", [
    (["--format", "markdown", "--max-chars", "1999"], "1999 is not in the range x>=2000"),
    (["--format", "text", "--max-chars", "65000"], "--max-chars cuts a Markdown report"),
    (["--format", "markdown", "--report-url", "https://x.example"], "add --max-chars N"),
])
def test_misused_options_exit_2_with_what_to_do(args, message):
    result = diff(*args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_departments_are_the_pieces_of_a_report_by_department():
    text = comment(15000, "--by", "department")
    assert len(text) <= 15000 and "<summary><strong>按部门 By department</strong></summary>" in text
    departments = re.findall(r"^### (.*) \(\d+\)$", text, flags=re.M)
    assert departments and "✂" in text.splitlines()[-1]
    shown = set(re.findall(r"^#### .*?`(652325100-\d{4})`", text, flags=re.M))
    found = CUT.match(text.rstrip("\n").splitlines()[-1])
    assert found.group(2).startswith(f"{ITEMS - len(shown)} of {ITEMS} item changes; ")  # an item under two departments counts once
    before_cut = text.split("> ✂ 本节其余内容", 1)[0].rstrip().splitlines()
    assert not before_cut[-1].startswith("### ")  # no department heading left without its items


@pytest.mark.slow
@pytest.mark.skipif(CMARK is None, reason="cmark-gfm (GitHub's Markdown renderer) is not installed; .ci/run installs it")
def test_github_renders_each_folded_section_with_its_markdown_inside():
    text = comment(20000)
    page = subprocess.run([CMARK, "--unsafe", "-e", "table", "-e", "strikethrough", "-e", "tagfilter"], input=text.encode(),
                          capture_output=True, check=True, timeout=60).stdout.decode()
    assert page.count("<details>") == page.count("</details>") == text.count("<details>")
    folded = page.split("<summary><strong>修改 Changed (152)</strong></summary>", 1)[1].split("</details>", 1)[0]
    assert "<h3><code>652325100-0001</code>" in folded and "<li><strong>事项名称:</strong>" in folded and "<ins>，</ins>" in folded
    assert "<table>" in page.split("<details>", 1)[0]  # the summary's tables, before the first folded section


# --- the changelog's pages fold the same sections ------------------------------------------------------------

def test_the_changelog_page_folds_its_sections_with_the_item_changes_open():
    page = (ROOT / "changelog" / "1.1.0.md").read_text(encoding="utf-8")
    folds = re.findall(r"^<details( open)?>\n<summary><strong>(.*?)(?: \(\d+\))?</strong></summary>$", page, flags=re.M)
    assert [(title, bool(opened)) for opened, title in folds] == [
        ("修改 Changed", True), ("登记表 事项类别 Categories", False), ("登记表 部门 Departments", False),
        ("更正记录 Corrections", True), ("表结构 Schema", True), ("描述文件 Descriptor", False), ("按部门 By department", False)]
    assert page.count("<details") == page.count("</details>")


@pytest.mark.slow
def test_the_changelog_still_matches_the_history():
    result = CliRunner().invoke(cli, ["changelog", "--check", "--repo", str(ROOT)])
    assert result.exit_code == 0, result.output


# --- the HTML report's table of contents ---------------------------------------------------------------------

def html_report(tmp_path):
    target = tmp_path / "report.html"
    result = diff("-o", str(target))
    assert result.exit_code == 0, result.output
    return target


@pytest.mark.slow
def test_the_html_report_has_a_table_of_contents_linking_to_each_section(tmp_path):
    page = html_report(tmp_path).read_text(encoding="utf-8")
    toc = re.search(r'<nav class="toc" aria-label="目录 Contents"><h2>目录 Contents</h2><ol>(.*?)</ol></nav>', page)
    assert toc and page.index("<nav") < page.index("<h2 id=")
    links = re.findall(r'<li><a href="#(section-\d+)">(.*?)</a></li>', toc.group(1))
    headings = re.findall(r'<h2 id="(section-\d+)">(.*?)</h2>', page)
    assert links == headings and len(links) == 7
    assert [title for _, title in links][:2] == ["摘要 Summary", "修改 Changed (152)"]


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium; .ci/run installs it)")
def test_a_link_of_the_table_of_contents_scrolls_to_its_section(tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    target = html_report(tmp_path)
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            page.goto(target.as_uri())
            toc = page.locator("nav.toc")
            assert toc.is_visible() and toc.locator("a").count() == 7
            page.screenshot(path=str(tmp_path / "toc.png"))  # looked at while writing this test: the box above the summary
            assert page.evaluate("window.scrollY") == 0
            toc.get_by_role("link", name="描述文件 Descriptor").click()
            page.wait_for_function("window.scrollY > 0")
            heading = page.locator("#section-7")
            assert heading.inner_text() == "描述文件 Descriptor" and page.url.endswith("#section-7")
            box = heading.bounding_box()
            assert box is not None and 0 <= box["y"] < 800  # in view
        finally:
            browser.close()
