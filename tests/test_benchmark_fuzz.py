"""benchmarks/fuzz.py stays runnable, reproducible, and catches what it is there to catch (the fuzz itself runs by hand).

A few trials on the real code finish with the one-screen summary and the details file; a trial's damage depends
only on (seed, trial number); and a stand-in dutylist that prints a traceback, hangs, exits 3 and prints no JSON
is caught on each count.
"""

import subprocess
import sys

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow  # every test runs the fuzz, a Python process per command

FUZZ = ROOT / "benchmarks" / "fuzz.py"
LABELS = ["validate", "validate --format json", "diff --format text --full --exit-code", "diff --format json",
          "export --format json", "fmt --check"]


def fuzz(*arguments, cwd):
    return subprocess.run([sys.executable, str(FUZZ), *map(str, arguments)], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_five_trials_finish_with_the_summary_and_the_details(tmp_path):
    result = fuzz("--trials", 5, "--seed", 7, "--jobs", 2, "--every", "--details", tmp_path / "details.txt", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("dutylist fuzz: 5 trials, seed 7, 30 runs, jobs 2, timeout 20 s, memory limit 4 GiB")
    for label in LABELS:
        row = next(line for line in lines if line.startswith(label + "  "))
        assert row.split()[len(label.split())] == "5", row
    assert next(line for line in lines if line.startswith("all ")).split()[1] == "30"
    assert any(line.startswith("tracebacks ") and ", hangs " in line and ", non-JSON " in line for line in lines)
    assert any(line.startswith("diff refused ") and "trials whose CSVs still decode" in line for line in lines)
    assert lines[-1].startswith("trials with a failure: ") and " of 5" in lines[-1]
    details = (tmp_path / "details.txt").read_text(encoding="utf-8")
    assert details.startswith("dutylist fuzz: seed 7, 5 trials, commands validate validate-json diff diff-json")
    assert ("## Failures grouped by cause" in details) and (result.returncode == 0) == ("### seed 7 trial" not in details)


def test_without_every_a_trial_runs_one_format_of_each_command(tmp_path):
    result = fuzz("--trials", 2, "--seed", 7, "--commands", "fmt-check", "export-json", "validate", "validate-json",
                  "--details", tmp_path / "details.txt", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("dutylist fuzz: 2 trials, seed 7, 6 runs"), result.stdout + result.stderr
    rows = {label: next((int(line.split()[len(label.split())]) for line in lines if line.startswith(label + "  ")), 0)
            for label in ("fmt --check", "export --format json", "validate", "validate --format json")}
    assert rows["fmt --check"] == rows["export --format json"] == 2
    assert rows["validate"] + rows["validate --format json"] == 2


def test_a_trial_s_damage_depends_only_on_the_seed_and_its_number(tmp_path):
    first = fuzz("--trials", 12, "--seed", 3, "--damage-only", cwd=tmp_path).stdout.splitlines()
    alone = fuzz("--seed", 3, "--trial", 9, "--damage-only", cwd=tmp_path).stdout.splitlines()
    other = fuzz("--trials", 12, "--seed", 4, "--damage-only", cwd=tmp_path).stdout.splitlines()
    assert len(first) == 12
    assert alone == [first[9]] and first[9].startswith("trial 9: ")
    assert other != first
    assert any(".csv: " in line for line in first) and any(".json: " in line for line in first + other)


def test_a_broken_dutylist_is_caught_on_every_count(tmp_path):
    fake = tmp_path / "tools" / "dutylist"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "cli.py").write_text(
        "import sys, time\n"
        "def cli(prog_name=None):\n"
        "    command = sys.argv[1]\n"
        "    if command == 'validate':\n"
        "        raise RuntimeError('boom')\n"
        "    if command == 'diff':\n"
        "        print('not json')\n"
        "        sys.exit(3)\n"
        "    if command == 'fmt':\n"
        "        time.sleep(60)\n"
        "    print('{\"items\": []}')\n")
    result = fuzz("--seed", 1, "--trial", 0, "--tools", tmp_path / "tools", "--timeout", 3, "--details", tmp_path / "details.txt",
                  "--commands", "validate", "diff-json", "fmt-check", "export-json", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "tracebacks 1, hangs 1, bad exit codes 1, non-JSON 1" in result.stdout
    assert "trials with a failure: 1 of 1" in result.stdout
    details = (tmp_path / "details.txt").read_text(encoding="utf-8")
    assert "validate: traceback (exit 1" in details and "RuntimeError: boom" in details
    assert "fmt --check: hang (exit HANG" in details
    assert "diff --format json: bad-exit, non-json (exit 3" in details
    assert "export --format json:" not in details
