"""dutylist git-setup: real git diff, git log -p and git show print data/*.csv item by item, field by field."""

import os
import subprocess
import sys

import pytest

from diff_repo import GIT_ENV, PackageRepo

NAME_OLD = "组织开展老年人"
STEP_OLD = "2.对上报的候选人初步人选、预备人选进行资格审查；"
STEP_NEW = "2.对上报的候选人初步人选、预备人选进行严格的资格审查；"


def dutylist(repo, *args):
    return subprocess.run([sys.executable, "-m", "dutylist", *args, "--repo", str(repo.root)], capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}, check=False)


def git(repo, *args):
    result = subprocess.run(["git", "-c", "core.pager=cat", *args], cwd=repo.root, capture_output=True, text=True,
                            errors="replace", env={**os.environ, **GIT_ENV, "LC_ALL": "C.UTF-8"}, check=True)  # a non-UTF-8 file is shown as its bytes
    return result.stdout


@pytest.fixture
def repo(tmp_path):
    repository = PackageRepo(tmp_path / "repo")
    (repository.root / ".gitattributes").write_text("*.csv text eol=lf\n", encoding="utf-8")
    repository.commit("Publish the July 2025 edition")
    _, rows = repository.rows("coordinated-duties")
    first = rows[0]
    assert STEP_OLD in first["county_duties"].splitlines()
    repository.update("coordinated-duties", first["id"], county_duties=first["county_duties"].replace(STEP_OLD, STEP_NEW))
    repository.take("basic-duties", "652325100-0003")
    repository.commit("Tighten a step of 0086, drop 0003")
    return repository


def test_without_the_driver_git_shows_raw_csv_records(repo):
    shown = git(repo, "show", "HEAD")
    assert "-652325100-0003,3," in shown and "+652325100-0004,3," in shown  # every renumbered record is a changed line


@pytest.mark.slow
def test_git_setup_makes_git_diff_log_and_show_print_items_and_fields(repo):
    result = dutylist(repo, "git-setup")
    assert result.returncode == 0, result.stderr
    assert (repo.root / ".gitattributes").read_text(encoding="utf-8") == "*.csv text eol=lf\ndata/*.csv diff=dutylist\n"
    assert "textconv" in git(repo, "config", "--local", "--get-regexp", "diff.dutylist")
    for output in (git(repo, "log", "-p", "-1"), git(repo, "diff", "HEAD~1", "HEAD"), git(repo, "show", "HEAD")):
        assert "@@ == 652325100-0086 ==" in output  # the hunk names the item
        assert f"-    {STEP_OLD}\n+    {STEP_NEW}\n" in output  # the one step that changed, as a line
        assert "-== 652325100-0003 ==\n-\n-  事项标识: 652325100-0003\n-\n-  事项类别: " in output  # the removed item, field by field
        assert "-  序号 1–85: 652325100-0001 … 652325100-0085\n+  序号 1–2: 652325100-0001 … 652325100-0002\n" \
               "+  序号 3–84: 652325100-0004 … 652325100-0085\n" in output  # renumbering: a line per run of 序号
        assert "652325100-0086,1," not in output and "652325100-0004,4," not in output  # no raw CSV records
    words = git(repo, "diff", "--word-diff=plain", "HEAD~1", "HEAD", "--", "data/coordinated-duties.csv")
    assert "进行{+严格的+}资格审查" in words  # character-level, Chinese words are not space-separated
    again = dutylist(repo, "git-setup")
    assert again.returncode == 0 and "already has" in again.stdout
    assert (repo.root / ".gitattributes").read_text(encoding="utf-8").count("diff=dutylist") == 1


@pytest.mark.slow
def test_the_driver_never_breaks_git_diff_on_a_file_it_cannot_parse(repo):
    assert dutylist(repo, "git-setup").returncode == 0
    path = repo.path("categories")
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    output = git(repo, "diff")
    assert "diff --git a/data/categories.csv" in output
    (repo.root / "data" / "departments.csv").write_text('name,"unclosed\n', encoding="utf-8")
    assert "data/departments.csv" in git(repo, "diff")


@pytest.mark.slow
def test_git_setup_outside_a_repository_exits_2(tmp_path):
    folder = tmp_path / "plain"
    folder.mkdir()
    result = subprocess.run([sys.executable, "-m", "dutylist", "git-setup", "--repo", str(folder)], capture_output=True, text=True,
                            env={**os.environ, **GIT_ENV, "GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert result.returncode == 2 and "inside a git repository" in result.stderr and "Traceback" not in result.stderr
    assert not (folder / ".gitattributes").exists()


@pytest.mark.slow
def test_git_setup_merges_with_the_lines_already_in_gitattributes(tmp_path):
    repo = PackageRepo(tmp_path / "repo", package=False)
    attributes = repo.root / ".gitattributes"
    attributes.write_text("*.csv text eol=lf\n*.json text eol=lf", encoding="utf-8")  # no final line break
    os.chmod(attributes, 0o644)
    assert dutylist(repo, "git-setup").returncode == 0
    assert attributes.read_text(encoding="utf-8") == "*.csv text eol=lf\n*.json text eol=lf\ndata/*.csv diff=dutylist\n"
    assert oct(attributes.stat().st_mode & 0o777) == "0o644"
    assert git(repo, "check-attr", "diff", "text", "eol", "--", "data/basic-duties.csv").splitlines() == [
        "data/basic-duties.csv: diff: dutylist", "data/basic-duties.csv: text: set", "data/basic-duties.csv: eol: lf"]
