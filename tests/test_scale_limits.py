"""National scale without knobs (issue 24): the per-file limit bounds what is read whole, not a streamed list.

``validate`` and ``diff`` read the three lists and the correction records record by record, so a list larger
than the per-file limit is read with no setting raised; the descriptor, the schemas and the registers (held
whole) keep the limit, and so does one CSV cell. ``dutylist --max-file-bytes N`` changes the limit. The JSON
report of ``diff`` is written in pieces that join to the very text ``json_text`` gives.
"""

import importlib.util
import json
import os
import random
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import ROOT
from diff_repo import PackageRepo
from dutylist.cli import cli, render_diff
from dutylist.core.files import MAX_FILE_BYTES
from dutylist.core.shown import json_pieces, json_text

LIMIT = 8000  # above the descriptor (4.5 kB), every schema and register (departments: 5.9 kB) and every cell (1.1 kB)
STREAMED = ("data/basic-duties.csv", "data/coordinated-duties.csv", "data/reclaimed-duties.csv", "data/corrections.csv")


def invoke(*args, env=None):
    return CliRunner().invoke(cli, [str(arg) for arg in args], env=env)


def assert_refused(result, *expected):
    """Exit 2, no traceback, and a message holding each expected text (the file, and what to do)."""
    assert (result.exit_code, "Traceback" in result.output) == (2, False), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert all(text in result.output for text in expected), result.output


def grow(package, relative, size):
    """Make the file at relative size bytes long (sparse: NUL bytes on paper, nothing on disk)."""
    with open(package / relative, "r+b") as stream:
        stream.truncate(size)


# --- the knob ------------------------------------------------------------------------------------

def test_streamed_lists_larger_than_the_limit_validate_and_diff(package_copy):
    assert all((package_copy / path).stat().st_size > LIMIT for path in STREAMED)
    result = invoke("--max-file-bytes", LIMIT, "validate", package_copy)
    assert result.exit_code == 0, result.output
    changed = package_copy.parent / "changed"
    shutil.copytree(package_copy, changed)
    path = changed / "data/basic-duties.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("组织开展基层理论宣讲", "组织开展基层理论宣传宣讲"), encoding="utf-8")
    result = invoke("--max-file-bytes", LIMIT, "diff", package_copy, changed, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["identical"] is False


def test_the_limit_still_bounds_a_register_and_can_be_raised_with_the_option(package_copy):
    size = (package_copy / "data/departments.csv").stat().st_size
    result = invoke("--max-file-bytes", size - 1, "validate", package_copy, "--format", "json")
    assert_refused(result, "data/departments.csv", f"larger than the limit of {size - 1} bytes per file read whole",
                   "--max-file-bytes")
    assert json.loads(result.stdout)["error"]["code"] == "file-too-large"
    assert invoke("--max-file-bytes", size, "validate", package_copy).exit_code == 0
    # the option wins over the environment, and is forgotten by the next command of the same process
    assert invoke("--max-file-bytes", size, "validate", package_copy, env={"DUTYLIST_MAX_FILE_BYTES": "100"}).exit_code == 0
    assert_refused(invoke("validate", package_copy, env={"DUTYLIST_MAX_FILE_BYTES": str(size - 1)}), "data/departments.csv")
    assert invoke("validate", package_copy).exit_code == 0


def test_the_documented_command_runs_as_printed(package_copy, monkeypatch):
    line = "dutylist --max-file-bytes 20000000 validate"
    assert f"`{line}`" in (ROOT / "docs" / "safety.md").read_text(encoding="utf-8")
    monkeypatch.chdir(package_copy)  # validate's PATH defaults to the working folder
    result = invoke(*line.split()[1:])
    assert result.exit_code == 0, result.output


def test_a_limit_that_is_not_a_positive_number_is_a_misuse(package_copy):
    for value in ("0", "-5", "lots"):
        result = invoke("--max-file-bytes", value, "validate", package_copy)
        assert result.exit_code == 2 and "--max-file-bytes" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_a_collection_of_many_towns_validates_and_diffs_with_no_setting_raised(tmp_path):
    pair = tmp_path / "pair"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--items", "40000", "--out", str(pair)],
                   check=True, capture_output=True)
    largest = max((pair / "old" / "data").glob("*.csv"), key=lambda path: path.stat().st_size)
    assert largest.stat().st_size > MAX_FILE_BYTES  # a list over the per-file limit
    env = {name: value for name, value in os.environ.items() if name != "DUTYLIST_MAX_FILE_BYTES"}
    validate = subprocess.run([sys.executable, "-m", "dutylist", "validate", str(pair / "old")], capture_output=True,
                              text=True, env=env)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    diff = subprocess.run([sys.executable, "-m", "dutylist", "diff", str(pair / "old"), str(pair / "new"), "--format", "json"],
                          capture_output=True, text=True, env=env)
    assert diff.returncode == 0, diff.stderr
    assert json.loads(diff.stdout)["summary"]["identical"] is False


def test_the_benchmark_runs_every_tool_with_its_default_settings(capsys):
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    assert "DUTYLIST_MAX_FILE_BYTES" not in run.ENV
    run.print_growth([{"tool": "dutylist validate", "items": 1000, "seconds": 0.5, "peak_mb": 30.0},
                      {"tool": "dutylist validate", "items": 10000, "seconds": 5.0, "peak_mb": 300.0}])
    assert capsys.readouterr().err.count("0.500 s 30.00 MB") == 2  # the same per 1,000 items: linear


# --- the refusals that remain --------------------------------------------------------------------

@pytest.mark.parametrize("relative", ["datapackage.json", "schemas/basic-duties.json", "data/categories.csv"])
def test_what_is_read_whole_is_refused_over_the_default_limit_without_reading_it(package_copy, relative):
    grow(package_copy, relative, 5 * MAX_FILE_BYTES)  # 40 MiB on paper: refused by its size, never read
    assert_refused(invoke("validate", package_copy), relative, f"larger than the limit of {MAX_FILE_BYTES} bytes")
    assert_refused(invoke("diff", package_copy, package_copy, "--format", "json"), relative, "larger than the limit")


def test_a_cell_longer_than_the_limit_in_a_streamed_list_is_refused_naming_the_file(package_copy):
    # a cell's limit is the per-file limit, but never under the csv module's own 131,072 characters
    path = package_copy / "data/basic-duties.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("组织开展基层理论宣讲", "组织开展基层理论宣讲" + "宣" * 140_000, 1), encoding="utf-8")
    for command in (("validate", package_copy), ("diff", package_copy, package_copy, "--format", "json")):
        result = invoke("--max-file-bytes", LIMIT, *command)
        assert_refused(result, "data/basic-duties.csv", "holds a cell longer than the limit of 131072 characters", "--max-file-bytes")
    assert invoke("--max-file-bytes", 200_000, "validate", package_copy).exit_code in (0, 1)  # read, and judged


@pytest.mark.slow
def test_a_list_of_40_mib_of_nothing_is_read_as_a_stream_and_refused_by_its_first_cell(package_copy):
    grow(package_copy, "data/basic-duties.csv", 5 * MAX_FILE_BYTES)  # the real rows, then 40 MiB of NUL bytes
    assert_refused(invoke("validate", package_copy), "data/basic-duties.csv", "holds a cell longer than the limit")
    assert_refused(invoke("diff", package_copy, package_copy, "--format", "json"), "data/basic-duties.csv",
                   "holds a cell longer than the limit")


@pytest.mark.slow
def test_a_git_revision_is_read_whole_so_its_lists_keep_the_limit(tmp_path):
    repo = PackageRepo(tmp_path / "repo")
    repo.commit("Publish", tag="base")
    result = invoke("--max-file-bytes", LIMIT, "diff", "base", "HEAD", "--repo", repo.root)
    assert_refused(result, "data/", "larger than the limit of 8000 bytes per file read whole", "--max-file-bytes")
    assert invoke("diff", "base", "HEAD", "--repo", repo.root).exit_code == 0


# --- the JSON report in pieces -------------------------------------------------------------------

ODD_TEXT = ["", "奇台镇", "a\"b\\c", "\x00\x1f\x7f\x85\u061c\u200e\u2028\u2029\u202e\u2066", "\U0001f600", "line\nbreak", "⟨U+001B⟩"]


def random_value(rng, depth=0):
    """A JSON value shaped like a report: nested objects and lists of text (control and bidi characters included),
    whole numbers, floats, booleans and nulls."""
    kind = rng.randrange(9 if depth < 5 else 5)
    if kind == 0:
        return rng.choice(ODD_TEXT) + "".join(chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x80, 0x3000)]))
                                              for _ in range(rng.randrange(12)))
    if kind == 1:
        return rng.randrange(-10 ** 12, 10 ** 12)
    if kind == 2:
        return rng.choice([0.5, -1e300, 3.141592653589793, 1e-7])
    if kind == 3:
        return rng.choice([True, False])
    if kind == 4:
        return None
    if kind in (5, 6):
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(6))]
    return {random_value(rng, 5) if rng.random() < 0.8 else rng.choice(ODD_TEXT): random_value(rng, depth + 1)
            for _ in range(rng.randrange(6))}


@pytest.mark.parametrize("seed", range(40))
def test_the_json_pieces_join_to_the_whole_text(seed):
    rng = random.Random(seed)
    value = {"summary": {"identical": False}, "items": [random_value(rng) for _ in range(rng.randrange(1, 30))]}
    whole = json_text(value, indent=2, allow_nan=False)
    for size in (1, 7, 4096):
        pieces = list(json_pieces(value, size=size, indent=2, allow_nan=False))
        assert "".join(pieces) == whole
        assert size > 100 or len(pieces) > 1  # really in pieces


def test_a_nan_still_fails_in_pieces():
    with pytest.raises(ValueError):
        list(json_pieces({"x": [float("nan")]}, indent=2, allow_nan=False))


@pytest.mark.slow
def test_the_json_report_printed_and_written_is_the_old_whole_text(tmp_path):
    repo = PackageRepo(tmp_path / "repo")
    repo.commit("Publish", tag="base")
    header, rows = repo.rows("basic-duties")
    rows[3]["name"] += "\u202e（改）"
    del rows[5]
    repo.write_rows("basic-duties", header, rows)
    repo.commit("Change")
    printed = invoke("diff", "base", "HEAD", "--repo", repo.root, "--format", "json")
    assert printed.exit_code == 0, printed.output
    written = tmp_path / "report.json"
    assert invoke("diff", "base", "HEAD", "--repo", repo.root, "-o", written).exit_code == 0
    assert written.read_text(encoding="utf-8") == printed.stdout
    report = json.loads(printed.stdout)
    assert printed.stdout == render_diff(report, "json", None)  # the text the report built whole gave
    assert "\\u202e" in printed.stdout
    exit_code = invoke("diff", "base", "HEAD", "--repo", repo.root, "--format", "json", "--exit-code")
    assert exit_code.exit_code == 1 and exit_code.stdout == printed.stdout
