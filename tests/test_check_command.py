"""`dutylist check` (issue 20): exactly the data checks CI runs, one verdict; .ci/run and the pre-commit hook call it,
so that a green pre-commit is a green CI on the data."""

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from amend_repo import check, dutylist, released_repo
from conftest import ROOT
from dutylist.cli import cli
from dutylist.maintain.check import CHECKS

# the data checks CI ran as separate lines before issue 20 (now `dutylist check`), in order
CI_DATA_CHECKS = ["dutylist changelog --check", "frictionless validate datapackage.json", "dutylist import-source",
                  "dutylist validate", "dutylist fmt --check"]


def test_ci_runs_dutylist_check_and_the_tests_and_no_data_check_of_its_own():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    assert ".venv/bin/dutylist check" in lines and lines[-1] == ".venv/bin/pytest"
    assert lines.index(".venv/bin/dutylist check") < lines.index(".venv/bin/pytest")
    for command in CI_DATA_CHECKS:
        assert not any(line.startswith(f".venv/bin/{command}") for line in lines), command
    assert [" ".join(arguments[1:]) if arguments[1] == "dutylist" else f"frictionless {' '.join(arguments[2:])}"
            for _, arguments in CHECKS] == CI_DATA_CHECKS


def test_the_pre_commit_hook_runs_dutylist_check_from_the_repositorys_environment():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [hook] = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert hook["id"] == "dutylist-check" and shlex.split(hook["entry"]) == [".venv/bin/dutylist", "check"]
    assert hook["pass_filenames"] is False


@pytest.mark.parametrize("folder", ["empty", "broken-descriptor"])
def test_check_outside_a_package_is_exit_2_with_the_json_error(tmp_path, folder):
    if folder == "broken-descriptor":
        (tmp_path / "datapackage.json").write_text('{"name": "qitai', encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--repo", str(tmp_path), "--format", "json"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "datapackage.json" in json.loads(result.stdout)["error"]["message"]


@pytest.mark.slow
def test_check_passes_on_a_released_package_fails_on_each_broken_check_and_runs_no_code_of_the_repository(tmp_path):
    repo = released_repo(tmp_path / "repo")
    result = dutylist(repo, "check", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [entry["command"] for entry in report["checks"]] == CI_DATA_CHECKS and report["ok"]

    (repo.root / "dutylist").mkdir()  # a module of the repository's own named like the tool: never imported
    (repo.root / "dutylist" / "__init__.py").write_text("raise SystemExit('repository code ran')\n", encoding="utf-8")
    (repo.root / "frictionless.py").write_text("raise SystemExit('repository code ran')\n", encoding="utf-8")
    path = repo.path("basic-duties")
    path.write_bytes(path.read_bytes().replace("组织开展基层理论宣讲".encode(), "组织开展基层理论宣传".encode()))
    result = check(repo)
    assert result.returncode == 1 and "repository code ran" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line.split("  (")[0] for line in lines if line.startswith(("ok", "FAIL"))] == [
        "FAIL  dutylist changelog --check", "ok    frictionless validate datapackage.json", "FAIL  dutylist import-source",
        "ok    dutylist validate", "ok    dutylist fmt --check"]
    assert lines[-1] == "2 of 5 checks failed: CI would fail; fix them, then run dutylist check again"


@pytest.mark.slow
def test_the_pre_commit_entry_fails_an_unrecorded_edit_and_passes_once_recorded_and_released(tmp_path):
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [hook] = [hook for repo in config["repos"] for hook in repo["hooks"]]
    executable = ROOT / shlex.split(hook["entry"])[0]
    if not executable.is_file():
        pytest.skip(f"{executable} is not installed: the tests run outside the README's .venv")
    repo = released_repo(tmp_path / "repo")
    clean = os.pathsep.join(part for part in os.environ["PATH"].split(os.pathsep) if Path(part) != Path(sys.executable).parent)
    command = [str(executable), *shlex.split(hook["entry"])[1:]]
    repo.update("basic-duties", "652325100-0003", name="组织开展基层理论宣讲宣传活动")
    assert subprocess.run(command, cwd=repo.root, env={**os.environ, "PATH": clean}, capture_output=True).returncode == 1
    assert dutylist(repo, "record", "--reason", "reworded").exit_code == 0
    assert dutylist(repo, "release").exit_code == 0
    result = subprocess.run(command, cwd=repo.root, env={**os.environ, "PATH": clean}, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
