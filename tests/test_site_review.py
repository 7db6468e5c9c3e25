"""The site for reviewers, without a browser: step lists collapsed on the index, a "changed in VERSION" badge and its
filter, and a build into a folder holding an older site that removes only the files that site's manifest lists."""

import json
import os
import re

import pytest
from click.testing import CliRunner

from diff_repo import PackageRepo
from dutylist.cli import cli
from dutylist.site.build import MANIFEST
from dutylist.site.slugs import item_slug
from site_history import ADDED, RECLAIMED, REWORDED, make_history


def build(repo_folder, out):
    return CliRunner().invoke(cli, ["site", "--repo", str(repo_folder), "-o", str(out)])


def built(repo_folder, out):
    result = build(repo_folder, out)
    assert result.exit_code == 0, result.output
    return result


def files_of(folder):
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}


def articles(index):
    """{id: the article's HTML} of the index."""
    return {match.group(1): match.group(0) for match in re.finditer(r'<article class="item" data-id="([^"]+)".*?</article>', index, flags=re.S)}


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    return make_history(tmp_path_factory.mktemp("history") / "repo")


@pytest.fixture(scope="module")
def index(history, tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    built(history.root, out)
    return (out / "index.html").read_text(encoding="utf-8")


def test_the_manifest_name_is_a_plain_visible_file_name():
    assert MANIFEST == "dutylist-site-files.json" and not MANIFEST.startswith(".")


@pytest.mark.slow
def test_every_step_list_of_the_index_is_collapsed_under_its_label_and_count(index):
    found = articles(index)
    shared = found["652325100-0100"]
    assert '<details class="steps"><summary><span class="label">上级部门职责</span> <span class="count">(4 条 steps)</span></summary>' \
           '<ol class="steps"><li>1.县民政局负责' in shared
    assert '<summary><span class="label">乡镇配合职责</span> <span class="count">(2 条 steps)</span></summary>' in shared
    assert index.count('<ol class="steps">') == index.count('<details class="steps">') > 0  # none left open


@pytest.mark.slow
def test_items_changed_in_the_latest_version_carry_a_badge_and_the_filter_counts_them(index):
    found = articles(index)
    changed = {item_id for item_id, html in found.items() if " data-changed>" in html}
    assert changed == {REWORDED, RECLAIMED, ADDED}
    assert (f'<a class="badge" href="items/{item_slug(REWORDED)}.html#history" data-kind="changed">1.1.0 修改 changed in 1.1.0</a>'
            in found[REWORDED])
    assert 'data-kind="added">1.1.0 新增 changed in 1.1.0</a>' in found[ADDED]
    assert 'data-kind="reclaimed">1.1.0 上级部门收回 changed in 1.1.0</a>' in found[RECLAIMED]
    assert 'class="badge"' not in found["652325100-0100"]
    assert ('<input type="checkbox" id="f-changed" name="changed" value="1"> 仅显示 1.1.0 中有变更的事项 '
            'Only items changed in 1.1.0 (3)</label>') in index


@pytest.mark.slow
def test_the_badge_leads_to_the_history_on_the_item_page(history, tmp_path):
    built(history.root, tmp_path / "site")
    page = (tmp_path / "site" / "items" / f"{item_slug(REWORDED)}.html").read_text(encoding="utf-8")
    assert '<h2 id="history">历史 History</h2>' in page


@pytest.mark.slow
def test_a_single_version_has_no_badge_and_no_filter(tmp_path):
    repo = PackageRepo(tmp_path / "repo")
    repo.commit("Publish 1.0.0")
    built(repo.root, tmp_path / "site")
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'class="badge"' not in index and "f-changed" not in index and " data-changed" not in index


@pytest.mark.slow
def test_working_tree_changes_are_badged_as_the_working_tree(tmp_path):
    repo = PackageRepo(tmp_path / "repo")
    repo.commit("Publish 1.0.0")
    repo.update("basic-duties", REWORDED, name="改过的名称")
    built(repo.root, tmp_path / "site")
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert index.count('class="badge"') == 1 and "工作区 working tree 修改 changed in 工作区 working tree</a>" in index


@pytest.mark.slow
def test_a_rebuild_removes_what_the_earlier_build_wrote_and_no_longer_writes_and_keeps_everything_else(history, tmp_path):
    out = tmp_path / "site"
    built(history.root, out)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["generator"] == "dutylist site" and set(manifest["files"]) == files_of(out) - {MANIFEST}
    (out / "CNAME").write_text("duties.example.org\n", encoding="utf-8")  # the publisher's own files
    (out / "items" / "notes.txt").write_text("kept\n", encoding="utf-8")
    older = PackageRepo(tmp_path / "older")  # 1.0.0 only: no page for the added item nor for version 1.1.0
    older.commit("Publish 1.0.0")
    result = built(older.root, out)
    assert "removed 2 files an earlier build wrote and this one does not" in result.output
    assert not (out / "items" / f"{item_slug(ADDED)}.html").exists() and not (out / "versions" / "1.1.0.html").exists()
    assert (out / "CNAME").read_text(encoding="utf-8") == "duties.example.org\n" and (out / "items" / "notes.txt").is_file()
    assert set(json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]) == files_of(out) - {MANIFEST, "CNAME", "items/notes.txt"}
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".site.dutylist-")]  # the swap left nothing behind


@pytest.mark.slow
def test_a_folder_without_a_manifest_loses_nothing(history, tmp_path):
    out = tmp_path / "site"
    (out / "items").mkdir(parents=True)
    (out / "items" / "652325100-9999.html").write_text("an older page of someone else's build\n", encoding="utf-8")
    result = built(history.root, out)
    assert "removed" not in result.output and (out / "items" / "652325100-9999.html").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("manifest, expected", [
    ('{"generator": "something else", "files": ["index.html"]}', "is not the list of files an earlier `dutylist site` wrote"),
    ("not json", "is not the list of files an earlier `dutylist site` wrote"),
    ('{"generator": "dutylist site", "files": ["../outside.txt"]}', "lists '../outside.txt', which points outside"),
    ('{"generator": "dutylist site", "files": ["/etc/passwd"]}', "lists '/etc/passwd', which"),
])
def test_a_manifest_that_is_not_ours_or_leads_outside_is_refused_and_nothing_changes(history, tmp_path, manifest, expected):
    out = tmp_path / "site"
    out.mkdir()
    (tmp_path / "outside.txt").write_text("not the site's\n", encoding="utf-8")
    (out / MANIFEST).write_text(manifest, encoding="utf-8")
    result = build(history.root, out)
    assert result.exit_code == 2 and expected in result.output and "Traceback" not in result.output, result.output
    assert files_of(out) == {MANIFEST} and (tmp_path / "outside.txt").is_file()


@pytest.mark.slow
def test_a_manifest_that_is_a_symbolic_link_is_refused(history, tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (tmp_path / "elsewhere.json").write_text('{"generator": "dutylist site", "files": ["index.html"]}', encoding="utf-8")
    os.symlink(tmp_path / "elsewhere.json", out / MANIFEST)
    result = build(history.root, out)
    assert result.exit_code == 2 and MANIFEST in result.output and "symbolic link" in result.output, result.output


@pytest.mark.slow
def test_a_build_that_fails_leaves_the_older_site_and_its_stale_files_whole(history, tmp_path, monkeypatch):
    from dutylist.site import pages

    out = tmp_path / "site"
    built(history.root, out)
    before = {path: (out / path).read_bytes() for path in files_of(out)}

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pages, "versions_index_page", broken)
    assert build(history.root, out).exit_code == 2
    assert {path: (out / path).read_bytes() for path in files_of(out)} == before
