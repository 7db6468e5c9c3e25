"""dutylist diff and validate on broken and hostile editions (issue 7, part B): every change shows, nothing
renders as None, the JSON is valid, and the newcomer's first command fits a screen. Real git repositories
(tests/diff_repo.py) and the real command line (click's CliRunner and subprocesses)."""

import csv
import io
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diff_repo import ROOT
from dutylist.cli import cli
from dutylist.core.edition import load_edition
from dutylist.diff.compare import compare

SCHEMA = json.loads((ROOT / "schemas" / "diff.json").read_text(encoding="utf-8"))
FORMATS = ("text", "markdown", "html", "json")
NONE_WORDS = re.compile(r"\bNone\b|\bnull\b")


def diff(repo, *args):
    return CliRunner().invoke(cli, ["diff", *args, "--repo", str(repo.root)], catch_exceptions=False)


def json_report(repo, *args):
    result = diff(repo, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"bare {name} in the JSON output"))
    jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)
    return document


def every_format(repo, *args):
    """The full report in every format, each checked to exit 0 and to hold no traceback."""
    outputs = {}
    for output_format in FORMATS:
        result = diff(repo, *args, "--format", output_format, "--full")
        assert result.exit_code == 0, result.output
        outputs[output_format] = result.stdout
    return outputs


def set_cell(repo, resource, item_id, field, value):
    """Write one cell as it is (no type), keeping every other byte of the file."""
    path = repo.path(resource)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    column = rows[0].index(field)
    for row in rows[1:]:
        if row[0] == item_id:
            row[column] = value
    write_records(repo, resource, rows)


def write_records(repo, resource, rows):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    repo.path(resource).write_text(buffer.getvalue(), encoding="utf-8", newline="")


def records(repo, resource):
    return list(csv.reader(io.StringIO(repo.path(resource).read_text(encoding="utf-8"), newline="")))


# --- 1. a cell that does not fit its type is compared as text, with a warning --------------------------

@pytest.mark.slow
@pytest.mark.parametrize("field, value, old", [("page", "12a", "1"), ("seq", "x", "2"), ("page", "１２", "1")])
def test_a_cell_that_is_not_a_whole_number_is_compared_as_text_with_a_warning(repo, field, value, old):
    set_cell(repo, "basic-duties", "652325100-0002", field, value)
    document = json_report(repo, "base")
    [item] = document["items"]
    assert item["id"] == "652325100-0002" and item["change"] == "changed"
    assert [(change["field"], change["old"], change["new"]) for change in item["fields"]] == [(field, int(old), value)]
    [warning] = document["warnings"]
    assert (warning["side"], warning["file"], warning["row"], warning["field"], warning["code"]) == \
        ("new", "data/basic-duties.csv", 3, field, "not-a-whole-number")
    assert "dutylist validate" in warning["message"]
    for output_format, output in every_format(repo, "base").items():
        assert "data/basic-duties.csv" in output and "dutylist validate" in output, output_format
        assert value in output, output_format


@pytest.mark.slow
def test_a_full_width_number_is_not_read_as_a_whole_number(repo):
    # Python's int() takes '１２'; the package's integers are ASCII digits, so it must show as a change
    set_cell(repo, "basic-duties", "652325100-0012", "page", "１")
    document = json_report(repo, "base")
    assert document["summary"]["changed"] == 1 and not document["summary"]["identical"]
    assert diff(repo, "base", "--exit-code").exit_code == 1


@pytest.mark.slow
def test_validate_reports_a_full_width_number_at_its_cell(package_copy):
    path = package_copy / "data" / "basic-duties.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("\n652325100-0003,3,", "\n652325100-0003,３,"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(package_copy), "--format", "json"])
    assert result.exit_code == 1
    errors = json.loads(result.output)["errors"]
    assert [(error["code"], error["file"], error["row"], error["field"], error["text"]) for error in errors] == \
        [("integer-not-ascii", "data/basic-duties.csv", 4, "seq", "３")]


@pytest.mark.slow
def test_a_ragged_row_is_read_as_it_is_and_its_extra_cells_show(repo):
    rows = records(repo, "basic-duties")
    rows[5] = rows[5] + ["组织开展多余的一格"]
    rows[6] = rows[6][:3]
    write_records(repo, "basic-duties", rows)
    document = json_report(repo, "base")
    assert {(warning["code"], warning["row"]) for warning in document["warnings"]} == {
        ("ragged-row", 6), ("ragged-row", 7), ("not-a-whole-number", 7)}  # row 7's missing page is read as an empty text
    changed = {item["id"]: item["fields"] for item in document["items"]}
    extra = changed[rows[5][0]]
    assert [(change["field"], change["new"], change["absent"]) for change in extra] == [("(extra cells)", "组织开展多余的一格", "old")]
    assert {change["field"] for change in changed[rows[6][0]]} == {"name", "page"}
    assert "组织开展多余的一格" in diff(repo, "base", "--format", "text", "--full").stdout


# --- 2. structure: columns added, removed, renamed, repeated --------------------------------------------

def drop_column(repo, resource, name):
    rows = records(repo, resource)
    column = rows[0].index(name)
    write_records(repo, resource, [row[:column] + row[column + 1:] for row in rows])


@pytest.mark.slow
def test_a_removed_column_is_one_major_structure_change_and_nothing_is_none(repo):
    drop_column(repo, "basic-duties", "page")
    document = json_report(repo, "base")
    assert document["structure"] == [{"resource": "basic-duties", "change": "column-removed", "column": "page"}]
    assert document["items"] == [] and document["summary"]["bump"] == "major"
    assert {"bump": "major", "reason": "column-removed: basic-duties.page"} in document["summary"]["bump_reasons"]
    for output_format, output in every_format(repo, "base").items():
        assert output_format == "json" or not NONE_WORDS.search(output), output_format  # the JSON is checked by its schema
        assert "page" in output
    assert diff(repo, "base", "--exit-code").exit_code == 1


@pytest.mark.slow
def test_an_extra_column_is_a_minor_structure_change_not_no_differences(repo):
    rows = records(repo, "basic-duties")
    write_records(repo, "basic-duties", [row + (["note"] if index == 0 else ["备注"]) for index, row in enumerate(rows)])
    document = json_report(repo, "base")
    assert document["structure"] == [{"resource": "basic-duties", "change": "column-added", "column": "note"}]
    assert not document["summary"]["identical"] and document["summary"]["bump"] == "minor"
    assert diff(repo, "base", "--exit-code").exit_code == 1
    assert "No differences" not in diff(repo, "base", "--format", "text").stdout


@pytest.mark.slow
def test_a_renamed_column_is_one_major_change(repo):
    rows = records(repo, "reclaimed-duties")
    rows[0][rows[0].index("handling")] = "method"
    write_records(repo, "reclaimed-duties", rows)
    document = json_report(repo, "base")
    assert document["structure"] == [{"resource": "reclaimed-duties", "change": "column-renamed", "column": "method", "old_column": "handling"}]
    assert document["items"] == [] and document["summary"]["bump"] == "major"


@pytest.mark.slow
def test_a_repeated_column_name_is_reported_not_turned_into_changes_to_none(repo):
    rows = records(repo, "basic-duties")
    rows[0][rows[0].index("name")] = "page"
    write_records(repo, "basic-duties", rows)
    document = json_report(repo, "base")
    assert {(change["change"], change["column"]) for change in document["structure"]} == {("column-duplicated", "page"), ("column-removed", "name")}
    assert document["items"] == [] and document["summary"]["bump"] == "major"
    assert [warning["code"] for warning in document["warnings"]] == ["duplicate-column"]
    for output_format, output in every_format(repo, "base").items():
        assert output_format == "json" or not NONE_WORDS.search(output), output_format


# --- 3. invisible characters are visible, the JSON is always valid --------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("character, shown", [("\x00", "⟨U+0000⟩"), ("\u200b", "⟨U+200B⟩"), ("\x1b", "⟨U+001B⟩"), ("\u202e", "⟨U+202E⟩")])
def test_an_invisible_character_is_shown(repo, character, shown):
    set_cell(repo, "basic-duties", "652325100-0005", "name", "落实意识形态工作责任制" + character)
    outputs = every_format(repo, "base")
    for output_format in ("text", "markdown", "html"):
        assert shown in outputs[output_format], output_format
        assert character not in outputs[output_format], output_format
    document = json.loads(outputs["json"])
    assert document["items"][0]["fields"][0]["new"].endswith(character)  # the data itself is kept exactly


@pytest.mark.slow
def test_control_characters_in_the_descriptor_never_reach_the_terminal(repo):
    repo.edit_json("datapackage.json", lambda descriptor: descriptor.update(version="1.0.1\x1b[2J", title="标题\u200b\x07"))
    outputs = every_format(repo, "base")
    for output_format in ("text", "markdown", "html"):
        assert "\x1b" not in outputs[output_format] and "\x07" not in outputs[output_format], output_format
        assert "1.0.1⟨U+001B⟩" in outputs[output_format] and "标题⟨U+200B⟩⟨U+0007⟩" in outputs[output_format], output_format


@pytest.mark.slow
def test_a_nan_version_still_gives_valid_json(repo):
    path = repo.root / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"version": "1.0.0"', '"version": NaN'), encoding="utf-8")
    document = json_report(repo, "base")
    assert document["to"]["version"] == "NaN"
    assert {"field": "version", "path": "version", "change": "changed", "old": "1.0.0", "new": "NaN"} in document["descriptor"]["changed"]


# --- 4. by department; corrections, registers and the descriptor change by column or key ----------------

@pytest.mark.slow
def test_by_department_files_a_changed_item_under_its_departments(repo):
    fieldnames, rows = repo.rows("coordinated-duties")
    town_duties = next(row for row in rows if row["id"] == "652325100-0086")["town_duties"]
    repo.update("coordinated-duties", "652325100-0086", town_duties=town_duties + "\n5.做好推荐材料归档。")
    document = json_report(repo, "base")
    groups = {group["department"]: group["ids"] for group in document["by_department"]}
    assert groups == {"奇台县委组织部": ["652325100-0086"]}
    output = diff(repo, "base", "--format", "markdown", "--by", "department", "--full").stdout
    assert "### 奇台县委组织部 (1)" in output and "无对应部门" not in output


@pytest.mark.slow
def test_an_edited_correction_record_is_one_change_with_its_changed_column(repo):
    fieldnames, rows = repo.rows("corrections")
    rows[0]["evidence"] += " (checked again)"
    repo.write_rows("corrections", fieldnames, rows)
    document = json_report(repo, "base")
    assert document["corrections"]["added"] == [] and document["corrections"]["removed"] == []
    [change] = document["corrections"]["changed"]
    assert change["key"] == {"item_id": "652325100-0003", "field": "name", "extracted": "且织开展"}
    assert [field["field"] for field in change["fields"]] == ["evidence"]
    text = diff(repo, "base", "--format", "text", "--full").stdout
    assert "{+ (checked again)+}" in text and "修改 changed: 652325100-0003 name «且织开展»" in text


@pytest.mark.slow
def test_a_register_row_change_shows_its_changed_columns(repo):
    fieldnames, rows = repo.rows("departments")
    rows[0]["name_en"] = "Changed name"
    repo.write_rows("departments", fieldnames, rows)
    [change] = json_report(repo, "base")["registers"]["departments"]["changed"]
    assert change["name"] == rows[0]["name"] and [field["field"] for field in change["fields"]] == ["name_en"]


@pytest.mark.slow
def test_a_descriptor_change_shows_the_changed_keys_not_the_whole_json(repo):
    def edit(descriptor):
        descriptor["licenses"][0]["title"] = "CC0 1.0"
        descriptor["keywords"].append("乡镇")
        del descriptor["created"]
    repo.edit_json("datapackage.json", edit)
    changes = json_report(repo, "base")["descriptor"]["changed"]
    by_path = {change["path"]: change for change in changes}
    assert by_path["licenses[name=CC0-1.0].title"] == {"field": "licenses", "path": "licenses[name=CC0-1.0].title", "change": "changed",
                                            "old": "Creative Commons Zero v1.0 Universal", "new": "CC0 1.0"}
    assert by_path["created"]["change"] == "removed" and "new" not in by_path["created"]
    assert any(change["field"] == "keywords" and change["change"] == "added" and change["new"] == "乡镇" for change in changes)
    text = diff(repo, "base", "--format", "text", "--full").stdout
    assert "licenses[name=CC0-1.0].title: [-Creative Commons Zero v1.0 Universal-] → {+CC0 1.0+}" in text
    assert "https://creativecommons.org" not in text  # not the whole licenses JSON


# --- 5. the newcomer's paths ------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_first_commands_fit_a_screen_and_say_where_the_details_are(repo):
    validate = CliRunner().invoke(cli, ["validate", str(repo.root)])
    assert validate.exit_code == 0
    lines = validate.output.splitlines()
    assert len(lines) <= 8 and re.match(r"valid: 0 errors, \d+ warnings", lines[-1])
    with open(ROOT / "data" / "corrections.csv", encoding="utf-8", newline="") as stream:
        flagged = sum(record["status"] == "unrecoverable" for record in csv.DictReader(stream))
    assert any(line.split()[:2] == [str(flagged), "flagged-unrecoverable"] for line in lines)
    assert "--details" in validate.output
    details = CliRunner().invoke(cli, ["validate", str(repo.root), "--details"])
    assert len(details.output.splitlines()) > 100
    brief = diff(repo, "--summary")  # what a terminal shows (CliRunner's output is not one: it gets the whole report)
    assert brief.exit_code == 0
    assert len(brief.stdout.splitlines()) <= 45
    assert "新增 Added | 179" in brief.stdout and "Version bump: minor" in brief.stdout and "--full" in brief.stdout
    full = diff(repo, "--full")
    assert len(full.stdout.splitlines()) > 2000 and "652325100-0179" in full.stdout


@pytest.mark.slow
def test_a_short_report_is_printed_whole(repo):
    set_cell(repo, "basic-duties", "652325100-0002", "page", "3")
    output = diff(repo, "base", "--format", "text").stdout
    assert "652325100-0002" in output and "--full" not in output


@pytest.mark.slow
def test_validate_against_a_version(repo):
    repo.set_version("1.1.0")
    repo.update("basic-duties", "652325100-0004", page="2")
    repo.commit("1.1.0")
    for against in ("1.0.0", "v1.0.0"):
        result = CliRunner().invoke(cli, ["validate", str(repo.root), "--against", against])
        assert result.exit_code == 0, result.output
    repo.set_version("1.0.0")
    result = CliRunner().invoke(cli, ["validate", str(repo.root), "--against", "1.1.0", "--format", "json"])
    assert result.exit_code == 1 and "a version never goes down" in result.output
    result = CliRunner().invoke(cli, ["validate", str(repo.root), "--against", "9.9.9"])
    assert result.exit_code == 2 and "no commit of this repository declares version 9.9.9" in result.output


def test_validate_against_head_1_on_an_untouched_repository(repo):
    (repo.root / "NOTES.md").write_text("a commit that does not touch the package\n", encoding="utf-8")
    repo.commit("Notes")
    result = CliRunner().invoke(cli, ["validate", str(repo.root), "--against", "HEAD~1"])
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_diff_from_a_subfolder_and_of_a_datapackage_json_path(repo):
    repo.update("basic-duties", "652325100-0004", page="2")
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "tools")}
    result = subprocess.run([sys.executable, "-m", "dutylist", "diff", "base", "--format", "json"], cwd=repo.root / "data",
                            capture_output=True, text=True, env=environment)
    assert result.returncode == 0, result.stderr
    assert [item["id"] for item in json.loads(result.stdout)["items"]] == ["652325100-0004"]
    result = subprocess.run([sys.executable, "-m", "dutylist", "diff", "base", "datapackage.json", "--format", "json"], cwd=repo.root,
                            capture_output=True, text=True, env=environment)
    assert result.returncode == 0, result.stderr
    assert [item["id"] for item in json.loads(result.stdout)["items"]] == ["652325100-0004"]


@pytest.mark.slow
def test_the_pre_commit_entry_resolves_without_an_activated_environment():
    import yaml

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [hook] = [hook for entry in config["repos"] for hook in entry["hooks"] if hook["id"] == "dutylist-check"]
    executable = shlex.split(hook["entry"])[0]
    assert not os.path.isabs(executable) and "/" in executable, "the entry names the repository's venv, not a PATH lookup"
    if not (ROOT / executable).is_file():
        pytest.skip(f"{executable} is not installed here (the tests run outside the README's .venv)")
    clean = os.pathsep.join(part for part in os.environ["PATH"].split(os.pathsep) if Path(part) != Path(sys.executable).parent)
    result = subprocess.run(shlex.split(hook["entry"]), cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PATH": clean})
    assert result.returncode == 0, result.stdout + result.stderr


# --- 6. a diff between two different editions is never reported as identical ---------------------------

class MemoryReader:
    """An edition held in memory (path -> bytes), read by core.edition as a folder or git revision is."""

    def __init__(self, files, label):
        self.files, self.label = files, label

    def read(self, path):
        return self.files.get(path)


BASE_FILES = {str(path.relative_to(ROOT)): path.read_bytes() for folder in ("data", "schemas") for path in (ROOT / folder).glob("*.*")}
BASE_FILES["datapackage.json"] = (ROOT / "datapackage.json").read_bytes()
CSV_FILES = sorted(name for name in BASE_FILES if name.endswith(".csv") and BASE_FILES[name].count(b"\n") > 1)  # a file with rows
CELL = st.text(st.sampled_from("组织开展民生服务Ab12１２ ,;\"\x00\u200b\x1f"), min_size=1, max_size=8).map(str.strip).filter(bool)
COLUMN = st.text(st.sampled_from("abcdefgpn _"), min_size=1, max_size=6)


@st.composite
def edited(draw):
    """One real edit of the package: a cell, a column added, removed or renamed, a row removed or repeated."""
    name = draw(st.sampled_from(CSV_FILES))
    rows = list(csv.reader(io.StringIO(BASE_FILES[name].decode("utf-8"), newline="")))
    edit = draw(st.sampled_from(["cell", "add-column", "remove-column", "rename-column", "remove-row", "repeat-row"]))
    if edit == "cell":
        row, column = draw(st.integers(1, len(rows) - 1)), draw(st.integers(0, len(rows[0]) - 1))
        old = rows[row][column]
        value = draw(CELL.filter(lambda value: value != old.strip() and not (value.isascii() and value.isdigit() and old.isdigit()
                                                                         and int(value) == int(old))))
        rows[row][column] = value
    elif edit == "add-column":
        header = draw(COLUMN.filter(lambda value: value not in rows[0]))
        rows = [row + ([header] if index == 0 else [draw(CELL)]) for index, row in enumerate(rows)]
    elif edit == "remove-column":
        column = draw(st.integers(0, len(rows[0]) - 1))
        rows = [row[:column] + row[column + 1:] for row in rows]
    elif edit == "rename-column":
        column = draw(st.integers(0, len(rows[0]) - 1))
        rows[0][column] = draw(COLUMN.filter(lambda value: value != rows[0][column]))
    elif edit == "remove-row":
        del rows[draw(st.integers(1, len(rows) - 1))]
    else:
        row = draw(st.integers(1, len(rows) - 1))
        rows.insert(draw(st.integers(1, len(rows))), list(rows[row]))
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return name, edit, buffer.getvalue().encode("utf-8")


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited())
def test_two_different_editions_are_never_reported_identical(change):
    name, edit, data = change
    old = load_edition(MemoryReader(BASE_FILES, "old"), lenient=True)
    new = load_edition(MemoryReader({**BASE_FILES, name: data}, "new"), lenient=True)
    report = compare(old, new)
    assert not report["summary"]["identical"], (name, edit)
    assert report["summary"]["bump"] != "none", (name, edit)
    json.dumps(report, allow_nan=False)


@pytest.mark.slow
def test_the_docs_validate_commands_run_as_printed():
    readme = (ROOT / "docs" / "validate.md").read_text(encoding="utf-8")
    lines = [line.split("#")[0].strip() for line in readme.splitlines() if line.startswith("dutylist validate")]
    commands = sorted({line for line in lines if "[" not in line})  # not the synopsis
    assert "dutylist validate --against 1.0.0" in commands and len(commands) >= 4
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "tools")}
    for command in commands:
        result = subprocess.run([sys.executable, "-m", "dutylist", *shlex.split(command)[1:]], cwd=ROOT, capture_output=True, text=True, env=environment)
        assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])
