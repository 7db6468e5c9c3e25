"""A real git repository holding the package as released (1.0.0, its changelog written), for the edit commands'
tests (issue 20): every edit is made through the command line, and CI's data checks are run on the result."""

import json
import shutil
import subprocess
import sys

from click.testing import CliRunner

from diff_repo import GIT_ENV, ROOT, PackageRepo
from dutylist.cli import cli
from dutylist.core.package import read_csv_text

REASON = ("--reason", "county notice", "--authority", "county notice 2026-3, 2026-03-02", "--by", "Maintainer")


def released_repo(root):
    """The package at 1.0.0 with its sources and changelog, committed: `dutylist check` passes on it."""
    repo = PackageRepo(root)
    shutil.copytree(ROOT / "sources", repo.root / "sources")
    result = dutylist(repo, "changelog")
    assert result.exit_code == 0, result.output
    repo.commit("Publish 1.0.0")
    return repo


def dutylist(repo, *args):
    """The command through click's runner, on the repository (its stdout and stderr apart)."""
    return CliRunner().invoke(cli, [*args, "--repo", str(repo.root)], env=GIT_ENV)  # release commits: a git identity


def check(repo):
    """`dutylist check` as CI's .ci/run runs it: a process of its own, in the repository's folder (isolated, as the
    console script .venv/bin/dutylist is: the folder is not on the import path)."""
    return subprocess.run([sys.executable, "-I", "-m", "dutylist", "check"], cwd=repo.root, capture_output=True, text=True)


def release_and_check(repo):
    """Make the release the edits call for (release commits and tags it), and run CI's data checks: (check's result)."""
    released = dutylist(repo, "release")
    assert released.exit_code == 0, released.output
    assert repo.git("status", "--porcelain", "--", "datapackage.json", "data", "changelog") == ""  # all committed
    return check(repo)


def amendments(repo):
    return read_csv_text((repo.root / "data" / "amendments.csv").read_text(encoding="utf-8"))


def import_report(repo, *args):
    result = dutylist(repo, "import-source", *args, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout), result.exit_code


def rows(repo, resource):
    return repo.rows(resource)[1]
