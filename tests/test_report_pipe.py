"""Where the report goes decides how much of it is printed: a terminal gets the summary of a long report, a pipe
or a file the whole report; --summary asks for the summary anywhere and --full for everything on a terminal."""

import errno
import json
import os
import pty
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import ROOT
from dutylist.cli import cli

DIFF = [sys.executable, "-m", "dutylist", "diff", "1.0.0", "1.1.0", "--repo", str(ROOT)]  # 152 items changed: ~1,500 lines
BRIEF_NOTE = "详情 Details: this is the summary only."


def on_a_terminal(*args):
    """The standard output of the command when it is a terminal (a pseudo-terminal), and its exit code."""
    main, secondary = pty.openpty()
    process = subprocess.Popen([*DIFF, *args], stdout=secondary, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                               env={**os.environ, "COLUMNS": "200", "TERM": "dumb"})
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError as error:  # the command exited: reading the other end of the terminal fails with EIO
            if error.errno != errno.EIO:
                raise
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    return process.wait(timeout=300), b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def invoke(*args):
    return CliRunner().invoke(cli, ["diff", "1.0.0", "1.1.0", "--repo", str(ROOT), *args])


@pytest.mark.slow
@pytest.mark.parametrize("output_format", ["markdown", "text"])
def test_a_pipe_gets_the_whole_report(output_format):
    piped = subprocess.run([*DIFF, "--format", output_format], capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0, piped.stderr
    assert BRIEF_NOTE not in piped.stdout and "--full" not in piped.stdout
    assert piped.stdout.count("652325100-") >= 152 and "描述文件 Descriptor" in piped.stdout
    assert piped.stdout == invoke("--format", output_format, "--full").output  # the same as asking for all of it


@pytest.mark.slow
def test_a_terminal_gets_the_summary_and_where_the_rest_is():
    code, shown = on_a_terminal("--format", "markdown")
    assert code == 0
    assert BRIEF_NOTE in shown and "--full" in shown and len(shown.splitlines()) <= 60
    assert "| 修改 Changed | 152 |" in shown and "652325100-0001" not in shown
    code, whole = on_a_terminal("--format", "markdown", "--full")
    assert code == 0 and BRIEF_NOTE not in whole and "652325100-0001" in whole


@pytest.mark.slow
def test_summary_asks_for_the_summary_on_a_pipe():
    for output_format in ("markdown", "text"):
        result = invoke("--format", output_format, "--summary")
        assert result.exit_code == 0, result.output
        assert BRIEF_NOTE in result.output and "652325100-0001" not in result.output
        assert len(result.output.splitlines()) <= 60


@pytest.mark.slow
def test_summary_in_a_file_written_with_o(tmp_path):
    target = tmp_path / "summary.md"
    result = invoke("--summary", "-o", str(target))
    assert result.exit_code == 0 and result.output == ""
    assert BRIEF_NOTE in target.read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_default_output_of_a_pipe_is_whole():
    result = invoke("--format", "markdown")
    assert result.exit_code == 0
    assert BRIEF_NOTE not in result.output and result.output.count("\n### `652325100-") == 152


@pytest.mark.parametrize("args, message", [
    (["--full", "--summary"], "--full and --summary ask for opposite things"),
    (["--summary", "--format", "html"], "--summary shortens a text or Markdown report; html is always whole"),
])
def test_contradictory_options_are_a_misuse(args, message):
    result = invoke(*args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_summary_with_json_fails_as_json():
    result = invoke("--summary", "--format", "json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert "--summary shortens a text or Markdown report; json is always whole" in error["message"]
