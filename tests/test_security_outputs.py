"""Every output is safe where it is read (issue 18): Markdown rendered by GitHub, a terminal, a workbook.

tests/test_escaping.py checks that the diff report escapes HTML and Markdown punctuation; this file adds
what an attacker with a pull request can still try: an id whose backticks break out of its code span to
show an image and raw HTML, bare URLs, @mentions and #123 references that GitHub would link, a
CHANGELOG.md heading, terminal escapes in a resource path, C1 and bidi controls in JSON, and a workbook
cell longer than a workbook holds.

The Markdown is rendered the way GitHub renders it: by cmark-gfm with GitHub's extensions (autolink,
table, strikethrough, tagfilter) when the `cmark-gfm` program is installed (Debian's package of that name;
.ci/run installs it), and always by markdown-it-py (CommonMark, raw HTML on). A test that needs
cmark-gfm and cannot find it is skipped, saying so: markdown-it-py does not autolink bare URLs as GFM does.
"""

import csv
import html
import json
import re
import shutil
import subprocess

import openpyxl
import pytest
from click.testing import CliRunner

from diff_repo import PackageRepo
from dutylist.cli import cli
from dutylist.core import markdown
from dutylist.diff import render_markdown
from dutylist.diff.compare import compare
from dutylist.release import changelog
from editions import edition, item

IMAGE = "![p](https://evil.example/p.png)"
HOSTILE_ID = f"652325100-0001` {IMAGE} <img src=x onerror=alert(1)> ``x``"
HOSTILE_NAME = (f"见 https://evil.example/a 与 www.evil.example，联系 @octocat 或 admin@evil.example，"
                f"参见 #123 {IMAGE} <img src=x> <https://evil.example/b> [l](javascript:alert(1))")
# the tags a rendered report may hold: the page structure the renderers write, nothing a value brought
ALLOWED_TAGS = {"p", "h1", "h2", "h3", "h4", "ul", "li", "ol", "blockquote", "code", "strong", "em", "ins", "del", "br",
                "table", "thead", "tbody", "tr", "th", "td", "details", "summary"}  # sections fold in <details> (GitHub keeps them)
MENTION = re.compile(r"(?:^|[^0-9A-Za-z_`])@[0-9A-Za-z]")  # GitHub's mention filter, on the rendered text
ISSUE_REFERENCE = re.compile(r"(?:^|[^0-9A-Za-z_&])#[0-9]")  # and its issue-reference filter
CMARK = shutil.which("cmark-gfm")
needs_cmark = pytest.mark.skipif(CMARK is None, reason="cmark-gfm (GitHub's Markdown renderer, Debian package cmark-gfm) "
                                                      "is not installed; .ci/run installs it")


def render_gfm(text):
    """HTML as GitHub's renderer makes it, before its sanitiser (--unsafe keeps raw HTML, so that we see any)."""
    result = subprocess.run([CMARK, "--unsafe", "-e", "autolink", "-e", "table", "-e", "strikethrough", "-e", "tagfilter"],
                            input=text.encode("utf-8"), capture_output=True, check=True, timeout=60)
    return result.stdout.decode("utf-8")


def render_commonmark(text):
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py is not installed")
    return markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


RENDERERS = [pytest.param(render_gfm, id="cmark-gfm", marks=needs_cmark), pytest.param(render_commonmark, id="markdown-it")]


def assert_inert(page, own_links=()):
    """No image, no link (but own_links, the hrefs the page writes itself), no tag but the report's own, no
    mention and no issue reference in the rendered HTML."""
    assert "<img" not in page and "<a>" not in page, page
    assert set(re.findall(r"<a ([^>]*)>", page)) <= {f'href="{href}"' for href in own_links}, page
    tags = set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", page))
    assert tags <= ALLOWED_TAGS | ({"a"} if own_links else set()), tags - ALLOWED_TAGS
    prose = html.unescape(re.sub(r"<code>.*?</code>", "", page, flags=re.S))
    prose = re.sub(r"<[^>]+>", " ", prose)
    assert not MENTION.search(prose), MENTION.search(prose)
    assert not ISSUE_REFERENCE.search(prose), ISSUE_REFERENCE.search(prose)


def code_spans(page):
    return [html.unescape(span) for span in re.findall(r"<code>(.*?)</code>", page, flags=re.S)]


# --- 1. Markdown: the one escaper, core/markdown.py ---------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("value", ["`", "``", "a`b", "`a", "a`", "``a``", " ` ", "a```b`c", "x y", " a ", "<img src=x>", HOSTILE_ID])
@pytest.mark.parametrize("render", RENDERERS)
def test_a_code_span_shows_its_value_exactly(value, render):
    page = render(f"before {markdown.code(value)} after\n")
    assert code_spans(page) == [value], page
    assert "<img" not in page


def test_a_code_span_has_no_line_break_and_no_empty_fence():
    assert markdown.code("a\nb") == "`a b`"
    assert markdown.code("") == ""
    assert markdown.code("a`b") == "``a`b``" and markdown.code("`") == "`` ` ``"


@needs_cmark
def test_a_code_span_in_a_table_keeps_the_columns():
    row = f"| {markdown.code('a|b`|', in_table=True)} | {markdown.text('c|d')} |"
    page = render_gfm(f"| x | y |\n|---|---|\n{row}\n")
    assert page.count("<td>") == 2, page
    assert code_spans(page) == ["a|b`|"]


@pytest.mark.parametrize("render", RENDERERS)
def test_text_renders_as_written_and_inert(render):
    page = render(markdown.text(HOSTILE_NAME) + "\n")
    assert_inert(page)
    shown = html.unescape(re.sub(r"<[^>]+>", "", page)).strip().replace("\u200b", "")
    assert shown == HOSTILE_NAME


def test_text_neutralises_urls_mentions_and_references_in_the_markdown_itself():
    escaped = markdown.text("https://a.example www.b.example WWW.c.example @me x@y.example #12 # 12 C#")
    assert "https\\://" in escaped and "www." not in escaped.lower()
    assert "@\u200bme" in escaped and "x@\u200by.example" in escaped
    assert "#\u200b12" in escaped and "\\# 12" in escaped and "C\\#" in escaped


def hostile_report():
    old = edition(item(1, name="原名称"), item(2, name="事项2"), version="1.0.0")
    new = edition(item(1, name=HOSTILE_NAME), item(3, id=HOSTILE_ID, name=HOSTILE_NAME), item(2, name="事项2"), version="1.1.0")
    return compare(old, new)


@pytest.mark.parametrize("render", RENDERERS)
@pytest.mark.parametrize("by", [None, "department"])
def test_the_markdown_report_is_inert_and_shows_the_id_in_its_code_span(render, by):
    page = render(render_markdown.render(hostile_report(), by))
    assert_inert(page)
    assert any(HOSTILE_ID in span for span in code_spans(page)), code_spans(page)


@pytest.mark.parametrize("render", RENDERERS)
def test_the_changelogs_department_view_is_inert(render):
    report = compare(edition(item(2, "coordinated", departments=["部门"])),
                     edition(item(3, "coordinated", id=HOSTILE_ID, name=HOSTILE_NAME, departments=[HOSTILE_NAME])))
    page = render(changelog.by_department(report))
    assert_inert(page)
    assert HOSTILE_ID in code_spans(page)


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(arg) for arg in args], env=env)


def assert_clean(result, exit_code=0):
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


@pytest.mark.slow
@needs_cmark
def test_the_cli_markdown_report_of_a_hostile_pull_request_is_inert(tmp_path):
    """Through the command line: an id and a name changed in a commit, the report rendered as GitHub does."""
    repo = PackageRepo(tmp_path / "repo")
    repo.commit("base", tag="base")
    repo.update("basic-duties", "652325100-0001", id=HOSTILE_ID, name=HOSTILE_NAME)
    repo.commit("hostile")
    result = run("diff", "base", "HEAD", "--repo", repo.root, "--format", "markdown", "--full")
    assert_clean(result)
    page = render_gfm(result.stdout)
    assert_inert(page)
    assert any(HOSTILE_ID in span for span in code_spans(page))


@pytest.mark.slow
@needs_cmark
def test_changelog_headings_and_tables_are_inert(tmp_path):
    """A hostile edition name and category in the descriptor and registers: CHANGELOG.md's heading and 1.0.0.md stay inert."""
    repo = PackageRepo(tmp_path / "repo")
    repo.edit_json("datapackage.json", lambda descriptor: descriptor.update(edition=f"2025-07 {HOSTILE_NAME}"))
    fieldnames, rows = repo.rows("categories")
    rows[0]["name_en"] = HOSTILE_NAME
    repo.write_rows("categories", fieldnames, rows)
    repo.commit("Publish 1.0.0")
    result = run("changelog", "--repo", repo.root)
    assert_clean(result)
    index = (repo.root / "changelog" / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = [line for line in index.splitlines() if line.startswith("## 1.0.0")]
    assert len(headings) == 1 and "\\[p\\]" in headings[0] and "&lt;img" in headings[0], headings
    for name in ("CHANGELOG.md", "1.0.0.md"):
        page = render_gfm((repo.root / "changelog" / name).read_text(encoding="utf-8"))
        # the release-notes markers and the links to the version's files are the changelog's own
        assert_inert(re.sub(r"<!--.*?-->", "", page, flags=re.S), own_links=("1.0.0.md", "1.0.0.json"))
    assert run("changelog", "--check", "--repo", repo.root).exit_code == 0  # the sections are still found by version


@pytest.mark.parametrize("render", RENDERERS)
def test_the_data_dictionary_of_a_hostile_schema_is_inert(package_copy, render):
    """README.md's data dictionary: a schema's titles, descriptions and enum values come from the pull request too."""
    schema_path = package_copy / "schemas" / "categories.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["fields"][0].update(title=HOSTILE_NAME, description=HOSTILE_NAME + "\n| x | y |")
    schema["fields"][-1].setdefault("constraints", {})["enum"] = [HOSTILE_ID, "a|b"]
    schema_path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    result = run("data-dictionary", "--repo", package_copy)
    assert_clean(result)
    page = render(result.stdout)
    assert_inert(page)
    assert HOSTILE_ID in code_spans(page)
    assert all(row.count("<td>") == 5 for row in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S) if "<td>" in row)


# --- 2. Terminal: control characters are shown, never sent ------------------------------------------------

TERMINAL_ATTACK = "\x1b]0;pwned\x07\x1b[2J\x1b[31m\r\x9b31m\u202e\u2066"
RAW = ["\x1b", "\x07", "\r", "\x9b", "\u202e", "\u2066"]


def assert_no_raw_control(text):
    for character in RAW:
        assert character not in text, (repr(character), text)


@pytest.fixture
def escaping_path_repo(tmp_path):
    """A package whose basic list lives in a file whose name holds terminal escapes, committed."""
    repo = PackageRepo(tmp_path / "repo")
    hostile = f"data/basic{TERMINAL_ATTACK}.csv"
    (repo.root / "data" / "basic-duties.csv").rename(repo.root / hostile)
    repo.edit_json("datapackage.json", lambda descriptor: next(
        resource for resource in descriptor["resources"] if resource["name"] == "basic-duties").update(path=hostile))
    return repo, hostile


def test_validate_text_shows_the_escapes_of_a_resource_path(escaping_path_repo):
    repo, hostile = escaping_path_repo
    (repo.root / hostile).unlink()  # a finding about that path: file-missing
    result = run("validate", repo.root)
    assert_clean(result, 1)
    # the path breaks the resource-path grammar (core/names.py), so its finding quotes it as Python does
    assert r"\x1b]0;pwned\x07" in result.output and r"\u202e" in result.output and r"\x9b" in result.output
    assert_no_raw_control(result.output)


def test_validate_json_keeps_the_path_exact_and_escapes_every_control(escaping_path_repo):
    repo, hostile = escaping_path_repo
    (repo.root / hostile).unlink()
    result = run("validate", repo.root, "--format", "json")
    assert_clean(result, 1)
    assert_no_raw_control(result.stdout)  # json.dumps alone leaves \x9b and the bidi controls raw
    refused = [finding for finding in json.loads(result.stdout)["errors"] if finding["code"] == "resource-path-unsafe"]
    assert [finding["field"] for finding in refused] == ["resources[0].path"]


def test_new_item_names_the_hostile_file_visibly(escaping_path_repo):
    repo, _ = escaping_path_repo
    result = run("new-item", "--repo", repo.root, "--list", "basic", "--category", "民生服务", "--name", "新增事项", "--page", "3")
    assert_clean(result, 2)  # the path breaks the resource-path grammar (core/names.py): refused, named with its escapes shown
    assert r"\x1b]0;pwned\x07" in result.output
    assert_no_raw_control(result.output)


def test_an_error_message_shows_the_escapes_of_a_path(tmp_path):
    readme = tmp_path / f"README{TERMINAL_ATTACK}.md"
    result = run("data-dictionary", "--repo", PackageRepo(tmp_path / "repo").root, "--update", readme)
    assert_clean(result, 2)
    assert "⟨U+001B⟩" in result.output and "no such file" in result.output
    assert_no_raw_control(result.output)


def test_an_error_in_json_escapes_every_control(tmp_path):
    result = run("diff", f"nope{TERMINAL_ATTACK}", "--repo", PackageRepo(tmp_path / "repo").root, "--format", "json")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert_no_raw_control(result.output)
    assert "nope" in json.loads(result.stdout)["error"]["message"]


@pytest.mark.slow
def test_the_json_diff_escapes_c1_and_bidi_controls_and_keeps_the_value(tmp_path):
    repo = PackageRepo(tmp_path / "repo")
    repo.commit("base", tag="base")
    repo.update("basic-duties", "652325100-0001", name="名称" + TERMINAL_ATTACK.replace("\r", ""))
    repo.commit("hostile")
    for output_format in ("json", "text", "markdown", "html"):
        result = run("diff", "base", "HEAD", "--repo", repo.root, "--format", output_format, "--full")
        assert_clean(result)
        assert_no_raw_control(result.stdout)
    document = json.loads(run("diff", "base", "HEAD", "--repo", repo.root, "--format", "json").stdout)
    assert [change["name"] for change in document["items"]] == ["名称" + TERMINAL_ATTACK.replace("\r", "")]


# --- 3. XLSX: a cell the workbook cannot hold is refused, never cut ---------------------------------------

def set_name(root, item_id, name):
    path = root / "data" / "basic-duties.csv"
    with open(path, encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    for row in rows:
        if row["id"] == item_id:
            row["name"] = name
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize("name", ["长" * 32768, "\U00020000" * 16384], ids=["32768-characters", "astral-32768-utf16-units"])
def test_xlsx_refuses_a_cell_longer_than_a_workbook_holds(package_copy, tmp_path, name):
    set_name(package_copy, "652325100-0002", name)
    target = tmp_path / "list.xlsx"
    result = run("export", "--repo", package_copy, "-o", target)
    assert_clean(result, 2)
    assert "652325100-0002" in result.output and "(name)" in result.output and "32,767" in result.output
    assert "--format json" in result.output and len(result.output.splitlines()) == 1
    assert not target.exists()


@pytest.mark.slow
def test_xlsx_keeps_a_cell_of_exactly_the_limit(package_copy, tmp_path):
    name = "长" * 32767
    set_name(package_copy, "652325100-0002", name)
    target = tmp_path / "list.xlsx"
    assert_clean(run("export", "--repo", package_copy, "-o", target))
    worksheet = openpyxl.load_workbook(target).worksheets[0]
    assert name in [row[2].value for row in worksheet.iter_rows(min_row=2)]


def test_xlsx_refuses_a_control_character_cleanly(package_copy, tmp_path):
    set_name(package_copy, "652325100-0002", "名称\x01")
    result = run("export", "--repo", package_copy, "-o", tmp_path / "list.xlsx")
    assert_clean(result, 2)
    assert "652325100-0002" in result.output and "(name)" in result.output and "control character" in result.output
    assert not (tmp_path / "list.xlsx").exists()


def test_markdown_text_keeps_quotes_readable_and_code_pads_only_where_commonmark_strips():
    """Quotes need no escaping in Markdown text (the raw changelog stays readable); a code span is padded with one
    space each side only where CommonMark would strip one (a space at both ends, or a backtick at an end)."""
    from dutylist.core import markdown
    assert markdown.text("他说\"好\"'吧'") == "他说\"好\"'吧'"
    assert markdown.code(" a") == "` a`"
    assert markdown.code("a ") == "`a `"
    assert markdown.code(" X ") == "`  X  `"
