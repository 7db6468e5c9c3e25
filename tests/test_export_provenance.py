"""What an export says it was made from: the commit (and version) whenever the package files of the working tree
are that commit's, "(working tree)" / null only when they are not; and the workbook's reclaimed sheet joins
departments and handling with the data's full-width colon (core/punctuation.py)."""

import json
import shutil
import sqlite3

import openpyxl
import pytest
from click.testing import CliRunner

from diff_repo import PackageRepo
from dutylist.cli import cli
from dutylist.core.punctuation import joined


def export(folder, *args):
    result = CliRunner().invoke(cli, ["export", "--repo", str(folder), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def revisions(repo, tmp_path):
    """The revision each format records: JSON's `revision`, SQLite's about row, the workbook's 说明 row, and the versions."""
    document = json.loads(export(repo.root, "--format", "json").stdout)
    database, workbook = tmp_path / "out.sqlite", tmp_path / "out.xlsx"
    database.unlink(missing_ok=True)
    export(repo.root, "-o", str(database))
    export(repo.root, "-o", str(workbook))
    with sqlite3.connect(database) as connection:
        about = dict(connection.execute("SELECT key, value FROM about"))
    sheet = {row[0]: row[1] for row in openpyxl.load_workbook(workbook)["说明"].iter_rows(values_only=True)}
    return ((document["revision"], about["revision"], sheet["提交 revision"]),
            (document["version"], about["version"], sheet["版本 version"]))


@pytest.fixture
def repo(tmp_path):
    repository = PackageRepo(tmp_path / "repo")
    repository.commit("Publish 1.0.0")
    return repository


def test_the_joining_colon_follows_the_punctuation_rule():
    assert joined("奇台县民政局", ":", "负责") == "奇台县民政局：负责"
    assert joined("Civil Affairs Bureau", ":", "handles it") == "Civil Affairs Bureau:handles it"  # not Chinese text: as is
    assert joined("奇台县民政局(县救助站)", ":", "负责") == "奇台县民政局(县救助站)：负责"  # only the mark it adds


@pytest.mark.slow
def test_a_clean_checkout_records_its_commit_and_version_in_every_format(repo, tmp_path):
    head = repo.git("rev-parse", "HEAD")
    assert revisions(repo, tmp_path) == ((head, head, head), ("1.0.0", "1.0.0", "1.0.0"))
    (repo.root / "README.md").write_text("not part of the package\n", encoding="utf-8")  # files the package does not name
    assert revisions(repo, tmp_path)[0] == (head, head, head)


@pytest.mark.slow
def test_a_changed_package_file_is_recorded_as_the_working_tree(repo, tmp_path):
    repo.update("basic-duties", "652325100-0003", name="改过的名称")
    assert revisions(repo, tmp_path)[0] == (None, None, "(working tree)")
    repo.git("checkout", "-q", "--", "data")
    repo.edit_json("datapackage.json", lambda descriptor: descriptor.update(title=descriptor["title"] + " "))
    assert revisions(repo, tmp_path)[0] == (None, None, "(working tree)")


@pytest.mark.slow
def test_a_checkout_pinned_to_a_tag_records_the_tagged_commit(repo, tmp_path):
    tagged = repo.git("rev-parse", "HEAD")
    repo.git("tag", "-a", "v1.0.0", "-m", "Release 1.0.0")
    repo.set_version("1.1.0")
    repo.update("basic-duties", "652325100-0003", name="改过的名称")
    repo.commit("1.1.0")
    repo.git("checkout", "-q", "v1.0.0")  # a detached, pinned checkout
    assert revisions(repo, tmp_path) == ((tagged, tagged, tagged), ("1.0.0", "1.0.0", "1.0.0"))
    assert json.loads(export(repo.root, "--from", "main").stdout)["revision"] == repo.git("rev-parse", "main")


def test_a_folder_outside_git_records_no_commit(tmp_path, package_copy):
    document = json.loads(export(package_copy, "--format", "json").stdout)
    assert document["revision"] is None


def test_a_folder_inside_a_repository_but_not_its_root_records_no_commit(tmp_path, package_copy):
    outer = PackageRepo(tmp_path / "outer", package=False)
    shutil.copytree(package_copy, outer.root / "pkg")
    outer.commit("A package in a subfolder")
    assert json.loads(export(outer.root / "pkg", "--format", "json").stdout)["revision"] is None


@pytest.mark.slow
def test_the_reclaimed_sheet_writes_the_full_width_colon_of_the_data(repo, tmp_path):
    workbook = tmp_path / "out.xlsx"
    export(repo.root, "-o", str(workbook))
    cells = [row[3] for row in openpyxl.load_workbook(workbook)["上级部门收回事项清单"].iter_rows(min_row=2, values_only=True)]
    assert cells and any(cell.startswith("奇台县民政局：") for cell in cells)
    assert not any("局:" in cell for cell in cells)
