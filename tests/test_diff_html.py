"""The HTML report is one standalone page that a real browser renders with its insertions and deletions highlighted."""

import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from diff_repo import EDITS, PackageRepo
from dutylist.cli import cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def page(tmp_path):
    repo = PackageRepo(tmp_path / "repo")
    repo.commit("Publish the July 2025 edition", tag="base")
    for kind in ("changed", "reclaimed"):
        EDITS[kind][0](repo)
    repo.set_version("1.1.0")
    repo.commit("A new edition")
    target = tmp_path / "report" / "diff.html"
    target.parent.mkdir()  # -o never creates a missing folder
    result = CliRunner().invoke(cli, ["diff", "base", "HEAD", "--repo", str(repo.root), "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target


def test_the_page_needs_no_network(page):
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"src=|href=\"[^#]|https?://|<script|@import", html)  # links go to the page's own sections only
    assert "<ins>、进社区</ins>" in html and "<del>25</del>" in html


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium; .ci/run installs it)")
def test_headless_chromium_renders_the_highlighted_changes(page, tmp_path):
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert "<title>履职事项清单变更报告 1.0.0 → 1.1.0</title>" in dom
    assert "<ins>、进社区</ins>" in dom
    assert "<ins>奇台县消防救援大队</ins>" in dom
    assert re.search(r"<del>对问卷进行归纳、整理。</del>", dom)
    assert "ins { background: #ccffd8" in dom


# --- id links (the site renders report bodies with each item id linked to its page) ---------------------------------

def _link(text):
    """A link function as the site passes one: an href for ids it knows, None for other code fragments."""
    return f"items/{text}.html?a=1&b=2" if text.startswith("652325100-") else None


LINKED = '<a href="items/652325100-0001.html?a=1&amp;b=2"><code>652325100-0001</code></a>'


@pytest.mark.parametrize("entry", [
    ("heading", 3, [("code", "652325100-0001"), ("text", " 改")]),
    ("paragraph", [("text", "见 "), ("code", "652325100-0001")]),
    ("note", [("code", "652325100-0001")]),
    ("list", [([("code", "652325100-0001")], [])]),
    ("list", [([("text", "上层")], [([("code", "652325100-0001")], [])])]),
    ("table", [[("code", "652325100-0001")]], [[[("text", "x")]]]),
    ("table", [[("text", "x")]], [[[("code", "652325100-0001")]]]),
])
def test_every_kind_of_block_links_its_item_ids(entry):
    from dutylist.diff.render_html import block
    assert LINKED in block(entry, _link)
    assert "<a " not in block(entry)  # no link function, no links


def test_only_code_fragments_that_the_link_function_knows_are_linked():
    from dutylist.diff.render_html import inline
    fragments = [("text", "652325100-0001"), ("strong", "652325100-0002"), ("code", "1.0.0"), ("code", "")]
    assert "<a " not in inline(fragments, _link)


def test_the_report_body_passes_the_link_function_down():
    from dutylist.diff.compare import compare
    from dutylist.diff.render_html import render_body
    from editions import edition, item
    report = compare(edition(item(1)), edition(item(1, name="改过的名称")))
    assert LINKED in render_body(report, link=_link)
    assert "<a " not in render_body(report)


def test_an_unknown_block_kind_is_an_internal_error_naming_it():
    from dutylist.diff.render_html import block
    with pytest.raises(ValueError, match="^figure$"):
        block(("figure", []))
