"""Reading safely and bounding work (issue 18): a link never leads into .git, schema patterns cannot
backtrack for minutes, the descriptor's resources and the history walk of new-item are bounded.

Every case goes through the real command line (CliRunner) on a copy of the real package made a git
repository, with a secret planted where a CI checkout keeps its token (``.git/config``).
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from diff_repo import GIT_ENV
from dutylist.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SECRET = "s3cr3t-ci-token-5b1e"
BASIC = "data/basic-duties.csv"


def invoke(*args, env=None):
    return CliRunner().invoke(cli, [str(arg) for arg in args], env=env)


def git(folder, *args):
    completed = subprocess.run(["git", *args], cwd=folder, env={**os.environ, **GIT_ENV}, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip()


def assert_refused(result, *expected):
    """Exit 2, a message naming what was refused, no traceback, and never the secret."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert SECRET not in result.output
    for text in expected:
        assert text in result.output, result.output


@pytest.fixture
def checkout(package_copy):
    """A copy of the package (with its changelog), committed in a git repository whose .git/config holds a CI
    token, as actions/checkout leaves it (``http.<url>.extraheader``)."""
    folder = package_copy
    shutil.copytree(ROOT / "changelog", folder / "changelog")
    git(folder, "init", "-q", "-b", "main")
    git(folder, "config", "http.https://github.com/.extraheader", f"AUTHORIZATION: basic {SECRET}")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "the package")
    assert SECRET in (folder / ".git" / "config").read_text()
    return folder


def link_to_git_config(checkout, relative=BASIC):
    path = checkout / relative
    depth = len(Path(relative).parts) - 1
    path.unlink()
    path.symlink_to(Path(*([".."] * depth), ".git", "config") if depth else Path(".git", "config"))
    assert SECRET in path.read_text()  # the link works: a reader that follows it would see the token
    return path


def no_secret_in(folder):
    for path in Path(folder).rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert SECRET.encode() not in path.read_bytes(), path


# --- 1. a link into .git -----------------------------------------------------------------------------

READING_COMMANDS = [
    ["validate", "{repo}"],
    ["validate", "{repo}", "--format", "json"],
    ["diff", "HEAD", "{repo}", "--repo", "{repo}", "--format", "text"],
    ["diff", "HEAD", "{repo}", "--repo", "{repo}", "--format", "markdown"],
    ["diff", "HEAD", "{repo}", "--repo", "{repo}", "--format", "json"],
    ["diff", "HEAD", "{repo}", "--repo", "{repo}", "--format", "html"],
    ["export", "--repo", "{repo}", "--format", "json"],
    ["export", "--repo", "{repo}", "--format", "xlsx", "-o", "{out}/export.xlsx"],
    ["export", "--repo", "{repo}", "--format", "sqlite", "-o", "{out}/export.sqlite"],
    ["site", "--repo", "{repo}", "-o", "{out}/site"],
    ["fmt", "--repo", "{repo}"],
    ["fmt", "--repo", "{repo}", "--check"],
    ["import-source", "--repo", "{repo}"],
    ["import-source", "--repo", "{repo}", "--format", "json"],
    ["data-dictionary", "--repo", "{repo}"],
    ["new-item", "--repo", "{repo}", "--list", "basic", "--category", "民生服务", "--name", "新事项", "--page", "1"],
]


def run_reading(command, repo, out):
    return invoke(*[part.format(repo=repo, out=out) for part in command])


@pytest.mark.slow
@pytest.mark.parametrize("command", READING_COMMANDS, ids=lambda command: "-".join(command[:1] + command[-2:]))
def test_a_data_file_linked_to_git_config_is_refused_by_every_command(checkout, tmp_path, command):
    link_to_git_config(checkout)
    out = tmp_path / "out"
    out.mkdir()
    result = run_reading(command, checkout, out)
    assert_refused(result, BASIC, "not a regular file (a link" if command[0] == "fmt" else ".git")  # fmt refuses any link
    if "json" in command and command[0] != "export":
        error = json.loads(result.stdout)["error"]
        assert error["file"].endswith(BASIC) and SECRET not in result.stdout
    no_secret_in(out)


@pytest.mark.slow
@pytest.mark.parametrize("command", [c for c in READING_COMMANDS if c[0] in ("validate", "diff", "export", "data-dictionary")],
                         ids=lambda command: "-".join(command[:1] + command[-2:]))
def test_a_schema_linked_to_git_config_is_refused(checkout, tmp_path, command):
    link_to_git_config(checkout, "schemas/basic-duties.json")
    out = tmp_path / "out"
    out.mkdir()
    assert_refused(run_reading(command, checkout, out), "schemas/basic-duties.json", ".git")
    no_secret_in(out)


@pytest.mark.slow
def test_a_folder_linked_to_git_is_not_a_way_in(checkout):
    (checkout / "data" / "more").symlink_to(Path("..", ".git"))
    descriptor = json.loads((checkout / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "basic-duties":
            resource["path"] = "data/more/config"
    (checkout / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    for command in (["validate", checkout], ["export", "--repo", checkout, "--format", "json"]):
        assert_refused(invoke(*command), "data/more/config", ".git")


@pytest.mark.slow
@pytest.mark.parametrize("path", [".git/config", "data/../.git/config", ".GIT/config"])
def test_a_resource_path_inside_git_is_refused_without_any_link(checkout, path):
    descriptor = json.loads((checkout / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "basic-duties":
            resource["path"] = path
    (checkout / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    result = invoke("diff", "HEAD", checkout, "--repo", checkout, "--format", "json")
    assert_refused(result, ".git")
    # validate reports the path as it reports any path outside the grammar (core/names.py): a finding, exit 1
    result = invoke("validate", checkout, "--format", "json")
    assert result.exit_code == 1 and SECRET not in result.output, result.output
    assert [(finding["code"], finding["field"]) for finding in json.loads(result.stdout)["errors"]
            if finding["code"] == "resource-path-unsafe"] == [("resource-path-unsafe", "resources[0].path")]
    assert "Traceback" not in invoke("validate", checkout).output


@pytest.mark.slow
def test_a_resource_path_inside_git_is_refused_in_a_revision_too(checkout):
    descriptor = json.loads((checkout / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "basic-duties":
            resource["path"] = ".git/config"
    (checkout / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    git(checkout, "commit", "-q", "-am", "a path into .git")
    result = invoke("export", "--repo", checkout, "--from", "HEAD", "--format", "json")
    assert_refused(result, ".git/config", ".git")  # the path grammar (core/names.py) refuses it before any read


@pytest.mark.slow
def test_a_link_to_another_hidden_file_is_refused(checkout):
    (checkout / ".env").write_text(f"id,seq\n{SECRET},1\n", encoding="utf-8")
    link = checkout / BASIC
    link.unlink()
    link.symlink_to(Path("..", ".env"))
    assert_refused(invoke("validate", checkout), BASIC, "hidden")


@pytest.mark.slow
def test_a_link_that_stays_inside_the_package_is_still_followed(checkout):
    kept = checkout / "kept"
    kept.mkdir()
    shutil.move(checkout / BASIC, kept / "basic-duties.csv")
    (checkout / BASIC).symlink_to(Path("..", "kept", "basic-duties.csv"))
    result = invoke("validate", checkout)
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_a_changelog_linked_to_git_config_is_refused(checkout):
    link_to_git_config(checkout, "changelog/CHANGELOG.md")
    result = invoke("changelog", "--repo", checkout, "--check")
    assert "Traceback" not in result.output and SECRET not in result.output
    assert result.exit_code in (1, 2) and "changelog/CHANGELOG.md" in result.output and ".git" in result.output, result.output


# --- 2. patterns that backtrack ----------------------------------------------------------------------

def set_pattern(package, field, pattern, schema="schemas/basic-duties.json"):
    path = package / schema
    data = json.loads(path.read_text(encoding="utf-8"))
    for entry in data["fields"]:
        if entry["name"] == field:
            entry.setdefault("constraints", {})["pattern"] = pattern
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def set_first_name(package, name):
    path = package / BASIC
    lines = path.read_text(encoding="utf-8").split("\n")
    cells = lines[1].split(",")
    lines[1] = ",".join(cells[:3] + [name] + cells[-1:])  # the first row's name has no comma inside quotes
    path.write_text("\n".join(lines), encoding="utf-8")


def validate_in_a_subprocess(package, *options, timeout=60):
    """validate run as a user runs it, killed if it takes longer than timeout (the old code ran for minutes)."""
    started = time.monotonic()
    completed = subprocess.run([sys.executable, "-m", "dutylist",
                                "validate", str(package), *options], capture_output=True, text=True, timeout=timeout)
    return completed, time.monotonic() - started


HOSTILE_PATTERNS = ["^(a+)+$", "(a|a)*b", "(a?){30}a{30}", "^(a*)*$", "(\\w)\\1", "a*a*a*a*b", "(?=a*)b", "x{0,99999}"]


@pytest.mark.slow
@pytest.mark.parametrize("pattern", HOSTILE_PATTERNS)
def test_a_pattern_that_could_backtrack_is_reported_and_never_evaluated(package_copy, pattern):
    set_pattern(package_copy, "name", pattern)
    set_first_name(package_copy, "a" * 34 + "b")
    result = invoke("validate", package_copy, "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    found = [f for f in report["errors"] if f["code"] == "schema-pattern-unsafe"]
    assert [(f["file"], f["field"], f["text"]) for f in found] == [("schemas/basic-duties.json", "name", pattern)]
    assert not [f for f in report["errors"] if f["code"] == "table-constraint-error" and f["field"] == "name"]


@pytest.mark.slow
def test_the_catastrophic_pattern_of_the_issue_finishes_in_seconds(package_copy):
    set_pattern(package_copy, "name", "^(a+)+$")
    set_first_name(package_copy, "a" * 34 + "b")
    completed, seconds = validate_in_a_subprocess(package_copy)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "schemas/basic-duties.json" in completed.stdout and "schema-pattern-unsafe" in completed.stdout
    assert "Traceback" not in completed.stderr and seconds < 30


@pytest.mark.slow
@pytest.mark.parametrize("pattern", ["[", "x\\", "(?i)^[a-z]+$", 5, ["(a+)+"], {"x": "(a+)+"}])
def test_a_pattern_that_is_no_regular_expression_or_no_string_is_reported_not_a_traceback(package_copy, pattern):
    set_pattern(package_copy, "name", pattern)
    result = invoke("validate", package_copy)
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "schemas/basic-duties.json:name  schema-pattern-unsafe" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("pattern", ["^[a-z]{1,20}$", "^(ab)*c$", "^[0-9]+-[0-9]{4}$", "^(?:x|y|z)[0-9]{0,9}$", "^.*$"])
def test_a_bounded_pattern_is_still_evaluated(package_copy, pattern):
    set_pattern(package_copy, "name", pattern)
    report = json.loads(invoke("validate", package_copy, "--format", "json").stdout)
    assert "schema-pattern-unsafe" not in {f["code"] for f in report["errors"]}
    broken = {f["row"] for f in report["errors"] if f["code"] == "table-constraint-error" and f["field"] == "name"}
    assert (2 in broken) == (pattern != "^.*$")  # a Chinese name matches none of them but the last


def test_the_packages_own_patterns_are_in_the_bounded_subset():
    from dutylist.validate.patterns import pattern_problem

    found = []
    for path in (ROOT / "schemas").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        for entry in data.get("fields", []) if isinstance(data, dict) else []:
            pattern = (entry.get("constraints") or {}).get("pattern")
            if pattern is not None:
                found.append(pattern)
                assert pattern_problem(pattern) is None, (path, pattern)
    assert found  # the id patterns
    assert invoke("validate", ROOT).exit_code == 0


# --- 3. bounded work: resources and the history walk -------------------------------------------------

def add_resources(package, count):
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"] += [{"name": f"copy-{number}", "path": "data/categories.csv", "schema": "schemas/categories.json"}
                                for number in range(count)]
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")


REAL_RESOURCES = len(json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["resources"])  # the lists, registers, records


@pytest.mark.slow
@pytest.mark.parametrize("command", [
    ["validate", "{repo}"], ["validate", "{repo}", "--format", "json"], ["diff", "{root}", "{repo}", "--format", "json"],
    ["export", "--repo", "{repo}", "--format", "json"], ["fmt", "--repo", "{repo}", "--check"],
    ["data-dictionary", "--repo", "{repo}"],
])
def test_a_descriptor_with_thousands_of_resources_is_refused_at_once(package_copy, command):
    add_resources(package_copy, 60000)
    started = time.monotonic()
    result = invoke(*[part.format(repo=package_copy, root=ROOT) for part in command])
    assert_refused(result, "datapackage.json", f"{60000 + REAL_RESOURCES} resources", "at most 16")
    assert time.monotonic() - started < 20
    if command[-1] == "json" and command[0] != "export":
        assert json.loads(result.stdout)["error"]["code"] == "too-many-resources"


def test_a_descriptor_at_the_resource_limit_is_read(package_copy):
    add_resources(package_copy, 16 - REAL_RESOURCES)
    result = invoke("validate", package_copy, "--format", "json")
    assert result.exit_code == 0 and "too-many-resources" not in result.output, result.output


NEW_ITEM = ["new-item", "--list", "basic", "--category", "民生服务", "--name", "开展防范电信网络诈骗宣传", "--page", "10"]


def bytes_the_search_reads(folder):
    """The working tree's CSVs and each CSV blob of the history once (what importing/used_ids.py reads)."""
    total = sum(path.stat().st_size for pattern in ("data/*.csv", "sources/*.links.csv") for path in folder.glob(pattern))
    blobs = {line.split(" ", 1)[0] for line in git(folder, "rev-list", "--all", "--objects").splitlines()
             if line.endswith(".csv")}
    return total + sum(int(git(folder, "cat-file", "-s", sha)) for sha in blobs)


@pytest.fixture
def long_history(checkout):
    """The package committed, then 30 commits and 5 branches that share its CSV blobs, plus a retired id in
    a blob of its own on a side branch."""
    for number in range(30):
        (checkout / "notes.txt").write_text(f"note {number}\n", encoding="utf-8")
        git(checkout, "add", "-A")
        git(checkout, "commit", "-q", "-m", f"note {number}")
        if number % 6 == 0:
            git(checkout, "branch", f"side-{number}")
    git(checkout, "checkout", "-q", "side-0")
    (checkout / "data" / "retired.csv").write_text("id\n652325100-0990\n", encoding="utf-8")
    git(checkout, "add", "-A")
    git(checkout, "commit", "-q", "-m", "an item retired long ago")
    git(checkout, "checkout", "-q", "main")
    return checkout


@pytest.mark.slow
def test_new_item_reads_each_blob_of_the_history_once_and_finds_a_retired_id(long_history):
    limit = bytes_the_search_reads(long_history)
    result = invoke(*NEW_ITEM, "--repo", long_history, env={"DUTYLIST_MAX_HISTORY_BYTES": str(limit)})
    assert result.exit_code == 0, result.output
    assert "652325100-0991" in result.output  # above the retired 0990, which only a side branch holds


@pytest.mark.slow
def test_new_item_stops_at_the_limit_of_bytes_read_and_writes_nothing(long_history):
    limit = bytes_the_search_reads(long_history) - 1
    before = (long_history / BASIC).read_bytes()
    result = invoke(*NEW_ITEM, "--repo", long_history, env={"DUTYLIST_MAX_HISTORY_BYTES": str(limit)})
    assert_refused(result, f"past {limit} bytes read", "DUTYLIST_MAX_HISTORY_BYTES")
    assert (long_history / BASIC).read_bytes() == before


@pytest.mark.slow
def test_import_source_stops_at_the_limit_of_bytes_read_too(checkout):
    path = checkout / "data" / "basic-duties.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(lines[:1] + lines[2:]), encoding="utf-8")  # the first item gone from data/ and from
    (checkout / "sources" / "2025-07.links.csv").unlink()                  # the links: the re-import mints an id for it
    result = invoke("import-source", "--repo", checkout, "--format", "json", env={"DUTYLIST_MAX_HISTORY_BYTES": "1000"})
    assert_refused(result, "DUTYLIST_MAX_HISTORY_BYTES")
    assert json.loads(result.stdout)["error"]["code"] == "history-too-large"


@pytest.mark.slow
@pytest.mark.parametrize("value", ["many", "0", "-5"])
def test_a_bad_history_limit_is_named(checkout, value):
    result = invoke(*NEW_ITEM, "--repo", checkout, env={"DUTYLIST_MAX_HISTORY_BYTES": value})
    assert_refused(result, "DUTYLIST_MAX_HISTORY_BYTES", "not a positive whole number")


def test_one_resource_over_the_limit_is_refused(package_copy):
    add_resources(package_copy, 17 - REAL_RESOURCES)
    assert_refused(invoke("validate", package_copy), "names 17 resources", "at most 16")


def add_fields(package, count):
    path = package / "schemas" / "basic-duties.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"] += [{"name": f"extra-{number}", "type": "string"} for number in range(count)]
    path.write_text(json.dumps(schema), encoding="utf-8")


@pytest.mark.slow
def test_a_schema_of_thousands_of_fields_is_refused_before_frictionless_reads_it(package_copy):
    add_fields(package_copy, 20000)  # frictionless took 36 s on it
    started = time.monotonic()
    result = invoke("validate", package_copy, "--format", "json")
    assert result.exit_code == 1 and time.monotonic() - started < 20, result.output
    found = [f for f in json.loads(result.stdout)["errors"] if f["code"] == "schema-file-missing"]
    assert found and "20005 fields" in found[0]["message"] and "at most 100" in found[0]["message"]
    for command in (["diff", ROOT, package_copy, "--format", "json"], ["export", "--repo", package_copy, "--format", "json"],
                    ["fmt", "--repo", package_copy, "--check"]):
        assert_refused(invoke(*command), "schemas/basic-duties.json", "20005 fields")
