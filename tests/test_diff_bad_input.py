"""dutylist diff on input it cannot compare: a clear message naming what is wrong, exit code 2, no traceback."""

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from diff_repo import ROOT, PackageRepo
from dutylist.cli import cli


def run(repo_root, *args):
    return CliRunner().invoke(cli, ["diff", *args, "--repo", str(repo_root)])


def assert_refused(result, *words):
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for word in words:
        assert word in result.output


def test_an_unknown_revision(repo):
    assert_refused(run(repo.root, "no-such-tag", "HEAD"), "OLD 'no-such-tag' is not a revision")


@pytest.mark.slow
def test_a_version_no_commit_declares(repo):
    assert_refused(run(repo.root, "9.9.9"), "no commit of this repository declares version 9.9.9")


def test_a_revision_without_a_package(tmp_path):
    repository = PackageRepo(tmp_path / "repo", package=False)
    (repository.root / "README.md").write_text("empty\n", encoding="utf-8")
    repository.commit("Start", tag="start")
    assert_refused(run(repository.root, "start", "start"), "NEW (revision start) cannot be read", "datapackage.json")


def test_a_package_in_gbk_in_the_working_tree(repo):
    path = repo.path("categories")
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    assert_refused(run(repo.root, "base"), "NEW (working tree) cannot be read", "data/categories.csv", "not UTF-8")


def test_a_folder_without_a_package(repo, tmp_path):
    (tmp_path / "empty").mkdir()
    assert_refused(run(repo.root, str(tmp_path / "empty"), "HEAD"), "holds no datapackage.json")


def test_a_folder_that_is_not_a_git_repository(package_copy):
    assert_refused(run(package_copy, "HEAD"), "is not a git repository")


@pytest.mark.slow
def test_a_real_process_gets_no_traceback(repo):
    result = subprocess.run([sys.executable, "-m", "dutylist", "diff", "v0", "--repo", str(repo.root)], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "tools")})
    assert result.returncode == 2
    assert result.stderr.startswith("Error: OLD 'v0' is not a revision") and "Traceback" not in result.stderr
