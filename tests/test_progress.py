"""Progress shows on a terminal only: on stderr when it is a tty, never in pipes, files or the JSON output."""

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from diff_repo import GIT_ENV, PackageRepo

pytestmark = pytest.mark.slow  # every test runs dutylist in a Python process, on a terminal or a pipe

pty = pytest.importorskip("pty")  # POSIX only

ERASE = "\r\x1b[K"


def run_with_stderr_on_a_terminal(args, cwd, tmp_path):
    master, slave = pty.openpty()
    with open(tmp_path / "stdout", "wb") as output:  # a file, not a pipe: the terminal is read while the command runs
        process = subprocess.Popen([sys.executable, "-m", "dutylist", *args], cwd=cwd, stdout=output, stderr=slave,
                                   env={**os.environ, **GIT_ENV})
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait()
    os.close(master)
    return process.returncode, (tmp_path / "stdout").read_text(encoding="utf-8"), b"".join(chunks).decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repository = PackageRepo(tmp_path_factory.mktemp("progress") / "repo")
    repository.commit("Publish")
    repository.update("basic-duties", "652325100-0001", name="改过的名称")
    repository.commit("Correct a name")
    return repository


COMMANDS = {
    "export": (["export", "--format", "json"], "dutylist export: writing json"),
    "diff": (["diff", "HEAD~1", "HEAD", "--format", "json"], "dutylist diff: reading and comparing the editions"),
    "validate": (["validate", "--format", "json"], "dutylist validate: validating"),
    "fmt": (["fmt", "--check"], "dutylist fmt: formatting"),
}


@pytest.mark.parametrize("command", COMMANDS)
def test_progress_is_shown_on_a_terminal_and_erased(repo, command, tmp_path):
    args, shown = COMMANDS[command]
    code, stdout, terminal = run_with_stderr_on_a_terminal(args, repo.root, tmp_path)
    assert code == 0, terminal
    assert shown in terminal and terminal.endswith(ERASE)  # drawn, then erased: the screen is left clean
    assert "\x1b" not in stdout and "dutylist " + command + ":" not in stdout
    if "json" in args:
        json.loads(stdout)


@pytest.mark.parametrize("command", COMMANDS)
def test_no_progress_in_pipes(repo, command):
    args, _ = COMMANDS[command]
    result = subprocess.run([sys.executable, "-m", "dutylist", *args], cwd=repo.root, capture_output=True, text=True,
                            env={**os.environ, **GIT_ENV})
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stderr + result.stdout and f"dutylist {command}:" not in result.stderr


def test_no_progress_when_writing_a_file_from_a_script(tmp_path):
    target = tmp_path / "x.xlsx"
    result = subprocess.run([sys.executable, "-m", "dutylist", "export", "--repo", str(ROOT), "-o", str(target)],
                            capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == f"wrote {target} (xlsx, 179 items, {target.stat().st_size} bytes)\n"
