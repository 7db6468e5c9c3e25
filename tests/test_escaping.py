"""Every output format of the diff report keeps hostile text inert: HTML and Markdown escape it, text and JSON keep it exact.

A duty name, a department or a step may hold anything an editor types: `<script>`, `|`, `*`, backticks, `&`.
"""

import json
import re

import pytest
from click.testing import CliRunner

from diff_repo import PackageRepo, assert_golden
from dutylist.cli import cli
from dutylist.diff import render_html, render_markdown, render_text
from dutylist.diff.compare import compare, empty_edition
from editions import edition, item

SCRIPT = "<script>alert(1)</script>"
HOSTILE_NAME = f"名称{SCRIPT}|表格|*强调*`代码`&amp;_下划_[链接](x)#~"
HOSTILE_DEPARTMENT = "县<b>局</b>|*&"
HOSTILE_STEP = "1.<img src=x onerror=alert(1)>|`*&"


def hostile_report():
    """A report in which hostile text reaches every kind of block: headings, lists, steps, set changes, registers."""
    old = edition(
        item(1, name="原名称"),
        item(2, "coordinated", name="配合事项", departments=["奇台县民政局"], county_duties=["1.统筹。"]),
        item(3, name="被删除的事项"),
        version="1.0.0",
    )
    new = edition(
        item(1, name=HOSTILE_NAME),
        item(2, "coordinated", name="配合事项", departments=[HOSTILE_DEPARTMENT], county_duties=[HOSTILE_STEP]),
        item(4, "coordinated", name=HOSTILE_NAME + "新增", departments=[HOSTILE_DEPARTMENT], county_duties=[HOSTILE_STEP]),
        version="1.1.0<i>",
        registers={"categories": {"<b>类别</b>": {"name": "<b>类别</b>", "name_en": "x|y"}}, "departments": {}},
    )
    return compare(old, new)


@pytest.fixture(scope="module")
def report():
    return hostile_report()


def test_html_escapes_every_hostile_text(report):
    page = render_html.render(report)
    assert "<script" not in page.lower()
    assert "<img" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "县&lt;b&gt;局&lt;/b&gt;" in page
    assert "&amp;amp;" in page  # the name's own "&amp;" is shown as typed, not as "&"
    # the only tags are the page's own structure and highlighting
    tags = set(re.findall(r"</?([a-zA-Z0-9]+)", page))
    assert tags <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "p", "blockquote",
                    "ul", "li", "table", "thead", "tbody", "tr", "th", "td", "ins", "del", "code", "strong", "br",
                    "nav", "ol", "a"}  # the table of contents: its links go to the page's own sections only
    assert set(re.findall(r"<a ([^>]*)>", page)) <= {f'href="#section-{number}"' for number in range(1, 20)}


def test_html_by_department_escapes_the_department_heading(report):
    page = render_html.render(report, by="department")
    assert "<b>" not in page
    assert "县&lt;b&gt;局&lt;/b&gt;|*&amp;" in page


def test_html_title_escapes_the_version(report):
    page = render_html.render(report)
    title = re.search(r"<title>(.*)</title>", page).group(1)
    assert "1.1.0&lt;i&gt;" in title


def markdown_text_outside_tags(markdown):
    return re.sub(r"</?(ins|del)>|<br>", "", markdown)


def test_markdown_escapes_html_and_markdown_specials(report):
    markdown = render_markdown.render(report)
    assert "<script" not in markdown and "<img" not in markdown and "<b>" not in markdown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    assert r"\|表格\|" in markdown
    assert r"\*强调\*" in markdown
    assert r"\`代码\`" in markdown
    assert r"&amp;amp;" in markdown
    assert r"\_下划\_" in markdown and r"\[链接\]" in markdown and r"\#\~" in markdown
    assert "县&lt;b&gt;局&lt;/b&gt;\\|\\*&amp;" in markdown
    assert "1.&lt;img src=x onerror=alert(1)&gt;\\|\\`\\*&amp;" in markdown


def test_markdown_tables_keep_their_columns(report):
    """A | in a cell must not add a column: every table row has the header's number of cells."""
    markdown = render_markdown.render(report)
    for table in re.findall(r"(?:^\|.*\|$\n?)+", markdown, flags=re.M):
        rows = table.strip().splitlines()
        widths = {len(re.split(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, table


def test_markdown_escape_unit():
    assert render_markdown.escape("a|b*c`d&e<f>g\\h_i[j]k#l~m\nn") == "a\\|b\\*c\\`d&amp;e&lt;f&gt;g\\\\h\\_i\\[j\\]k\\#l\\~m<br>n"
    assert render_markdown.fragment("ins", "<x>|") == "<ins>&lt;x&gt;\\|</ins>"
    assert render_markdown.fragment("del", "*") == "<del>\\*</del>"
    assert render_markdown.fragment("strong", "a* ") == "**a\\*** "
    assert render_markdown.fragment("strong", "a*") == "**a\\***"
    assert render_markdown.fragment("code", "") == ""
    assert render_markdown.fragment("ins", "") == ""


def test_html_inline_unit():
    assert render_html.inline([("text", "<a&b>"), ("ins", "<i>"), ("del", '"q"'), ("code", "&"), ("strong", "x\ny")]) == (
        "&lt;a&amp;b&gt;<ins>&lt;i&gt;</ins><del>&quot;q&quot;</del><code>&amp;</code><strong>x<br>y</strong>")
    assert render_html.inline([("ins", "")]) == ""


def test_text_keeps_the_hostile_text_exact(report):
    text = render_text.render(report)
    assert HOSTILE_NAME in text
    assert HOSTILE_DEPARTMENT in text
    assert HOSTILE_STEP in text


def test_json_round_trips_the_hostile_text(report):
    document = json.loads(json.dumps(report, ensure_ascii=False))
    names = {entry["id"]: entry["name"] for entry in document["items"]}
    assert names["652325100-0001"] == HOSTILE_NAME
    assert names["652325100-0004"] == HOSTILE_NAME + "新增"


@pytest.mark.slow
def test_cli_escapes_a_hostile_name_in_every_format(tmp_path):
    """Through the command line, on a real git repository: the hostile name is inert in HTML and Markdown, exact in text and JSON."""
    repo = PackageRepo(tmp_path / "repo")
    repo.commit("base", tag="base")
    repo.update("basic-duties", "652325100-0001", name=HOSTILE_NAME)
    repo.commit("hostile")
    outputs = {}
    for fmt in ("html", "markdown", "text", "json"):
        result = CliRunner().invoke(cli, ["diff", "base", "HEAD", "--repo", str(repo.root), "--format", fmt], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        outputs[fmt] = result.stdout
    assert "<script" not in outputs["html"] and "&lt;script&gt;" in outputs["html"]
    assert "<script" not in outputs["markdown"] and "\\|表格\\|" in outputs["markdown"]
    assert HOSTILE_NAME in outputs["text"]
    changes = json.loads(outputs["json"])["items"]
    assert [change["name"] for change in changes if change["id"] == "652325100-0001"] == [HOSTILE_NAME]


# --- the whole pages, against golden files a reviewer can read --------------------------------------------------

def first_version_report():
    return compare(empty_edition(), edition(item(1, name=HOSTILE_NAME), version="1.0.0"))


@pytest.mark.parametrize("name, render", [
    ("hostile.html", lambda: render_html.render(hostile_report())),
    ("hostile-by-department.html", lambda: render_html.render(hostile_report(), by="department")),
    ("hostile-first-version.html", lambda: render_html.render(first_version_report())),
    ("to-empty-edition.html", lambda: render_html.render(compare(edition(item(1, name=HOSTILE_NAME)), empty_edition()))),
    ("hostile.md", lambda: render_markdown.render(hostile_report())),
    ("hostile-by-department.md", lambda: render_markdown.render(hostile_report(), by="department")),
    ("hostile-first-version.md", lambda: render_markdown.render(first_version_report())),
])
def test_hostile_reports_match_their_golden_files(name, render):
    assert_golden(name, render())


def test_a_code_span_keeps_its_pipe_escaped_in_a_table_cell_and_only_there():
    """GitHub ends a table cell at a `|` even inside a code span, so the table escapes it; elsewhere the backslash
    would show."""
    assert render_markdown.inline([("code", "a|b")], in_table=True) == "`a\\|b`"
    assert render_markdown.inline([("code", "a|b")]) == "`a|b`"
    assert render_markdown.fragment("code", "a|b") == "`a|b`"
    rendered = render_markdown.table([[("code", "h|1")], [("text", "n")]], [[[("code", "c|d")], [("text", "1")]]])
    assert "`h\\|1`" in rendered and "`c\\|d`" in rendered


def test_the_brief_markdown_report_leaves_the_item_details_to_the_full_one():
    from dutylist.diff.compare import compare
    from editions import edition, item
    report = compare(edition(item(1)), edition(item(1, name="改过的名称")))
    assert "改过的名称" in render_markdown.render(report)
    assert "改过的名称" not in render_markdown.render(report, brief=True)
