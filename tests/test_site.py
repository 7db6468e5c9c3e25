"""dutylist site: the static site built from a real git history (three versions' worth of edits) plus the working tree."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from diff_repo import PackageRepo
from dutylist.cli import cli
from dutylist.site.slugs import department_slug
from site_history import ADDED, RECLAIMED, REWORDED, make_history

HOSTILE = '<script>alert("x")</script>奇台县&局'


def build(repo, out):
    result = CliRunner().invoke(cli, ["site", "--repo", str(repo.root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return result


def files_of(folder):
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(Path(folder).rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    return make_history(tmp_path_factory.mktemp("history") / "repo")


@pytest.fixture(scope="module")
def site(history, tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    build(history, out)
    return out


@pytest.mark.slow
def test_the_command_says_what_it_wrote_on_one_screen(history, tmp_path):
    result = build(history, tmp_path / "out")
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert "180 items, 2 versions (1.1.0, 1.0.0)" in lines[0]
    assert lines[1] == f"open {tmp_path / 'out' / 'index.html'}"


@pytest.mark.slow
def test_the_same_history_gives_the_same_bytes(history, site, tmp_path):
    build(history, tmp_path / "again")
    first, second = files_of(site), files_of(tmp_path / "again")
    assert sorted(first) == sorted(second)
    assert first == second
    assert len(first) > 180


@pytest.mark.slow
def test_every_page_type_is_there(site):
    for path in ("index.html", "versions/index.html", "versions/1.0.0.html", "versions/1.1.0.html", "departments/index.html",
                 f"items/{REWORDED}.html", f"items/{ADDED}.html", f"departments/{department_slug('奇台县民政局')}.html",
                 "assets/site.css", "assets/search.js"):
        assert (site / path).is_file(), path


@pytest.mark.slow
def test_every_link_is_relative_and_leads_to_a_file_of_the_site(site):
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert '<html lang="zh-CN">' in text and 'name="viewport"' in text, page
        assert not re.search(r"\b(?:srcset|action|formaction|poster|data)=|@import|url\(|<(?:iframe|img|object|embed|base)\b", text), page
        targets = re.findall(r'\b(?:href|src)="([^"]*)"', text)
        assert len(targets) == text.count("href=") + text.count("src="), page
        for target in targets:
            assert not re.match(r"[a-z]+:|//|/", target), f"{page}: {target} is not relative"
            if target.startswith("#"):
                continue
            assert (page.parent / re.split(r"[?#]", target)[0]).resolve().is_file(), f"{page}: {target}"
    assert not re.search(r"https?:|url\(|@import", (site / "assets" / "site.css").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_a_version_page_links_the_items_it_changed(site):
    text = (site / "versions" / "1.1.0.html").read_text(encoding="utf-8")
    for item_id in (REWORDED, RECLAIMED, ADDED):
        assert f'<a href="../items/{item_id}.html"><code>{item_id}</code></a>' in text
    assert "<ins>、进社区</ins>" in text


@pytest.mark.slow
def test_an_item_page_shows_fields_corrections_page_and_history(site):
    text = (site / "items" / f"{REWORDED}.html").read_text(encoding="utf-8")
    assert "<ins>、进社区</ins>" in text
    assert '<a href="../versions/1.1.0.html">1.1.0</a>' in text and '<a href="../versions/1.0.0.html">1.0.0</a>' in text
    assert "<del>且</del><ins>组</ins>织开展" in text and "已更正 corrected" in text and "PDF 第 1 页" in text
    reclaimed = (site / "items" / f"{RECLAIMED}.html").read_text(encoding="utf-8")
    assert "上级部门收回 Reclaimed" in reclaimed and "由县住房和城乡建设局负责城市体检工作。" in reclaimed


@pytest.mark.slow
def test_a_department_page_lists_shared_and_taken_over_duties_and_its_changes(site):
    text = (site / "departments" / f"{department_slug('奇台县住房和城乡建设局')}.html").read_text(encoding="utf-8")
    shared, taken, changes = re.split(r"<h2>", text)[1:4]
    assert RECLAIMED not in shared and RECLAIMED in taken
    assert '<a href="../versions/1.1.0.html">1.1.0</a>' in changes and RECLAIMED in changes


@pytest.mark.slow
def test_a_hostile_name_is_escaped_on_every_page_type(tmp_path):
    repo = PackageRepo(tmp_path / "repo")
    repo.commit("Publish", tag="base")
    repo.update("coordinated-duties", "652325100-0086", departments=HOSTILE, name=HOSTILE, category=HOSTILE,
                town_duties=f"1.{HOSTILE}")
    repo.append("basic-duties", id='652325100-<b onmouseover="x">', category=HOSTILE, name=HOSTILE, page="10")
    repo.set_version("1.1.0")
    repo.commit("A hostile edition")
    repo.set_version(HOSTILE)  # the working tree declares a hostile version
    out = tmp_path / "site"
    build(repo, out)
    pages = {path.relative_to(out).as_posix(): path.read_text(encoding="utf-8") for path in out.rglob("*.html")}
    kinds = {"index.html", "versions/index.html", "departments/index.html", "items/652325100-0086.html",
             f"departments/{department_slug(HOSTILE)}.html", "versions/working-tree.html", "versions/1.1.0.html"}
    assert kinds <= set(pages)
    assert any(path.startswith("items/item-") for path in pages), "a hostile id gets a hashed file name"
    for path, text in pages.items():
        assert "<script>alert" not in text and "<b onmouseover" not in text, path
        assert text.count("<script") == (1 if path == "index.html" else 0), path
    for path in kinds:
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;奇台县&amp;局" in pages[path], path


@pytest.mark.slow
def test_without_history_the_working_tree_alone_is_built(package_copy, tmp_path):
    result = CliRunner().invoke(cli, ["site", "--repo", str(package_copy), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "not a git repository" in result.output
    assert (tmp_path / "out" / "versions" / "working-tree.html").is_file()


def test_an_unreadable_working_tree_exits_2_naming_the_file(package_copy, tmp_path):
    (package_copy / "data" / "basic-duties.csv").write_bytes("id,seq\n".encode("gbk") + "奇台".encode("gbk"))
    result = CliRunner().invoke(cli, ["site", "--repo", str(package_copy), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "data/basic-duties.csv" in result.output and "UTF-8" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_file_in_place_of_the_output_folder_exits_2(history, tmp_path):
    (tmp_path / "taken").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["site", "--repo", str(history.root), "-o", str(tmp_path / "taken")])
    assert result.exit_code == 2 and "is a file" in result.output


@pytest.mark.slow
def test_the_readme_command_builds_the_real_repository(tmp_path, monkeypatch):
    from conftest import ROOT

    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["site", "-o", str(tmp_path / "build" / "site")])
    assert result.exit_code == 0, result.output
    index = (tmp_path / "build" / "site" / "index.html").read_text(encoding="utf-8")
    assert index.count('<article class="item"') == 179
    assert "<h2>3. 上级部门收回事项清单 " in index


@pytest.mark.slow
def test_a_department_keeps_its_page_when_the_register_is_reordered_and_grows(package_copy, tmp_path):
    def department_pages(out):
        return sorted(path.name for path in (out / "departments").glob("dept-*.html"))

    def build_folder(name):
        return CliRunner().invoke(cli, ["site", "--repo", str(package_copy), "-o", str(tmp_path / name)])

    assert build_folder("before").exit_code == 0
    register = package_copy / "data" / "departments.csv"
    header, *rows = register.read_text(encoding="utf-8").splitlines(keepends=True)
    register.write_text(header + "奇台县新设局,,county,A new bureau,\n" + "".join(reversed(rows)), encoding="utf-8")
    assert build_folder("after").exit_code == 0
    before, after = department_pages(tmp_path / "before"), department_pages(tmp_path / "after")
    assert set(before) < set(after) and len(after) == len(before) + 1
    name = f"{department_slug('奇台县民政局')}.html"
    assert name in before
    assert (tmp_path / "before" / "departments" / name).read_bytes() == (tmp_path / "after" / "departments" / name).read_bytes()
