"""dutylist validate through its command line, on the real package and on broken copies of it."""

import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from dutylist.cli import cli
from validate_helpers import (BREAKS, comma_made_ascii, correction_change, descriptor_change, edit_descriptor, edit_rows,
                              id_moved_to_a_second_list, resource, row_of, set_values, step_renumbered)

ROOT = Path(__file__).resolve().parent.parent
REPORT_SCHEMA = ROOT / "schemas" / "validate-report.schema.json"
GOLDEN = Path(__file__).resolve().parent / "golden" / "validate"


def validate(*args):
    return CliRunner().invoke(cli, ["validate", *map(str, args)])


def report_of(package, *args):
    result = validate(package, "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def codes(report, level="errors"):
    return {finding["code"] for finding in report[level]}


def findings(report, code):
    return [f for f in report["errors"] + report["warnings"] if f["code"] == code]


# --- the real package ----------------------------------------------------------------------------

def test_real_package_is_valid_with_warnings_only():
    result = validate(ROOT)
    assert result.exit_code == 0, result.output
    report = report_of(ROOT)
    assert report["valid"] and report["errors"] == []
    assert {"flagged-unrecoverable", "kept-as-published", "step-numbering"} <= codes(report, "warnings")
    assert result.output.splitlines()[-1].startswith("valid: 0 errors, ")


def test_json_output_matches_its_json_schema():
    jsonschema.validate(report_of(ROOT), json.loads(REPORT_SCHEMA.read_text(encoding="utf-8")))


@pytest.mark.slow
def test_json_output_of_a_broken_package_matches_its_json_schema(package_copy):
    edit_rows(package_copy, "basic-duties", lambda rows: row_of(rows, "652325100-0012").update(name="1强基层"))
    edit_descriptor(package_copy, lambda d: d.update(version="1.0"))
    report = report_of(package_copy)
    assert not report["valid"]
    jsonschema.validate(report, json.loads(REPORT_SCHEMA.read_text(encoding="utf-8")))


def test_a_datapackage_json_path_is_accepted(package_copy):
    assert validate(package_copy / "datapackage.json").exit_code == 0


@pytest.mark.slow
def test_the_default_path_is_the_current_folder(package_copy):
    completed = subprocess.run([sys.executable, "-m", "dutylist", "validate"], cwd=package_copy, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr


# --- one broken copy per check code (validate_helpers.BREAKS) ---------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("code", sorted(BREAKS))
def test_each_check_reports_its_code(package_copy, code):
    breaking, (file, row, field) = BREAKS[code]
    assert report_of(package_copy)["valid"]
    breaking(package_copy)
    result = validate(package_copy, "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert code in codes(report)
    located = [(f["file"], f["row"], f["field"]) for f in findings(report, code) if f["level"] == "error"]
    assert (file, row, field) in located


def test_ascii_punctuation_is_a_finding_in_chinese_text_only(package_copy):
    set_values(
        "basic-duties", "652325100-0002",
        name="按照GB/T 15834-2011(标点符号用法)核对1,000份材料:8:00前上报",
    )(package_copy)
    report = report_of(package_copy)
    found = [f for f in findings(report, "half-width-punctuation") if f["row"] == 3]
    assert len(found) == 1 and found[0]["level"] == "error"
    assert found[0]["message"] == "ASCII '(' in Chinese text, where the package writes '（' (3 in this field)"
    assert found[0]["text"] == "15834-2011(标点符号用法)核对"  # ( ) and the colon after 材料; 1,000 and 8:00 stay ASCII


def test_the_real_package_writes_full_width_punctuation_in_chinese_text():
    report = report_of(ROOT)
    assert findings(report, "half-width-punctuation") == []
    assert findings(report, "mixed-punctuation-width") == []


def test_step_numbering_in_a_field_flagged_unrecoverable_is_a_warning():
    report = report_of(ROOT)
    numbering = [f for f in findings(report, "step-numbering") if f["row"] == 5]
    assert [f["level"] for f in numbering] == ["warning"]  # 652325100-0089 starts at step 2, flagged truncated


def test_glued_letter_in_text_flagged_unrecoverable_is_a_warning(package_copy):
    garbled, damaged = "见组共同协同听允", "见组共D同协同听允"

    def flag(rows):
        record = next(r for r in rows if r["item_id"] == "652325100-0096" and r["extracted"] == garbled)
        record.update(extracted=damaged, corrected=damaged)

    def damage(rows):
        row = row_of(rows, "652325100-0096")
        row["county_duties"] = row["county_duties"].replace(garbled, damaged)

    edit_rows(package_copy, "corrections", flag)
    edit_rows(package_copy, "coordinated-duties", damage)
    report = report_of(package_copy)
    assert report["valid"]
    assert [(f["level"], f["text"]) for f in findings(report, "glued-latin-or-digit")] == [("warning", "共D同协")]
    edit_rows(package_copy, "corrections", lambda rows: rows.remove(next(r for r in rows if r["extracted"] == damaged)))
    assert [f["level"] for f in findings(report_of(package_copy), "glued-latin-or-digit")] == ["error"]


def test_legitimate_latin_tokens_are_not_glued_damage():
    report = report_of(ROOT)
    assert findings(report, "glued-latin-or-digit") == []  # C、D级 (basic 77) and APP (coordinated 40) are in the data


def test_unrecoverable_and_kept_as_published_records_are_warnings():
    report = report_of(ROOT)
    unrecoverable = findings(report, "flagged-unrecoverable")
    kept = findings(report, "kept-as-published")
    assert unrecoverable and all(f["level"] == "warning" for f in unrecoverable)
    assert {(f["file"], f["field"]) for f in kept} == {("data/coordinated-duties.csv", "county_duties"), ("data/reclaimed-duties.csv", "handling")}


def test_an_empty_name_flagged_unrecoverable_is_a_warning_not_an_error(package_copy):
    report = report_of(package_copy)
    assert "empty-required-cell" not in codes(report)
    assert any(f["field"] == "name" and f["row"] == 24 for f in findings(report, "flagged-unrecoverable"))  # 652325100-0108


# --- --against an earlier edition ------------------------------------------------------------------

def _git(package, *args):
    subprocess.run(["git", "-C", str(package), *args], check=True, capture_output=True)


@pytest.fixture
def committed_copy(package_copy):
    _git(package_copy, "init", "-q")
    _git(package_copy, "add", "-A")
    _git(package_copy, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "edition")
    return package_copy


@pytest.mark.slow
def test_against_an_unchanged_edition_is_valid_with_the_same_version(committed_copy):
    # the version grows with the content: an unchanged edition keeps its version
    assert validate(committed_copy, "--against", "HEAD").exit_code == 0


@pytest.mark.slow
def test_against_a_changed_edition_with_the_same_version_reports_the_version_not_increased(committed_copy):
    set_values("basic-duties", "652325100-0012", page="7")(committed_copy)
    report = report_of(committed_copy, "--against", "HEAD")
    assert codes(report) == {"version-not-increased"}
    assert "the content changed (items changed: 1)" in report["errors"][0]["message"]


@pytest.mark.slow
def test_against_a_lower_version_reports_the_version_not_increased(committed_copy):
    edit_descriptor(committed_copy, lambda d: d.update(version="0.9.0"))
    assert codes(report_of(committed_copy, "--against", "HEAD")) == {"version-not-increased"}


@pytest.mark.slow
def test_against_a_new_version_with_the_same_items_is_valid(committed_copy):
    edit_descriptor(committed_copy, lambda d: d.update(version=next_version(d["version"], "minor")))
    assert validate(committed_copy, "--against", "HEAD").exit_code == 0


@pytest.mark.slow
def test_against_reports_an_id_given_to_another_item(committed_copy):
    edit_descriptor(committed_copy, lambda d: d.update(version=next_version(d["version"], "major")))
    edit_rows(committed_copy, "basic-duties", lambda rows: row_of(rows, "652325100-0002").update(name="负责本镇辖区内的道路养护工作"))
    report = report_of(committed_copy, "--against", "HEAD")
    assert [(f["code"], f["row"], f["field"]) for f in report["errors"]] == [("id-reused", 3, "id")]


def next_version(version, bump):
    """The version after the package's current one (the tests must not assume which version that is)."""
    major, minor, patch = (int(part) for part in version.split("."))
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0", "patch": f"{major}.{minor}.{patch + 1}"}[bump]


@pytest.mark.slow
def test_against_accepts_a_corrected_name(committed_copy):
    edit_descriptor(committed_copy, lambda d: d.update(version=next_version(d["version"], "patch")))  # whatever version the package is at
    edit_rows(committed_copy, "basic-duties", lambda rows: row_of(rows, "652325100-0003").update(name=row_of(rows, "652325100-0003")["name"] + "等"))
    assert validate(committed_copy, "--against", "HEAD").exit_code == 0


def test_against_an_unknown_revision_exits_2(committed_copy):
    result = validate(committed_copy, "--against", "no-such-tag")
    assert result.exit_code == 2
    assert "no-such-tag" in result.output and "Traceback" not in result.output


def test_against_outside_git_exits_2(package_copy):
    result = validate(package_copy, "--against", "HEAD")
    assert result.exit_code == 2 and "not in a git repository" in result.output


# --- bad input: a clear message naming file, row and field; exit 1 or 2; no traceback ---------------

def _append_to_row(resource_name, line_index, suffix):
    def change(package):
        path = package / "data" / f"{resource_name}.csv"
        lines = path.read_text(encoding="utf-8").split("\n")
        lines[line_index] += suffix
        path.write_text("\n".join(lines), encoding="utf-8")
    return change


def _rewrite_header(resource_name, old, new):
    def change(package):
        path = package / "data" / f"{resource_name}.csv"
        head, rest = path.read_text(encoding="utf-8").split("\n", 1)
        path.write_text(head.replace(old, new) + "\n" + rest, encoding="utf-8")
    return change


def _drop_column(package):
    path = package / "data" / "categories.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line.split(",")[0] for line in lines) + "\n", encoding="utf-8")


def _recode(resource_name, transform):
    def change(package):
        path = package / "data" / f"{resource_name}.csv"
        path.write_bytes(transform(path.read_text(encoding="utf-8")))
    return change


BAD_INPUT = {
    "gbk": (_recode("categories", lambda text: text.encode("gbk")), 1, ["data/categories.csv:2", "encoding-not-utf8", "UTF-8"]),
    "bom": (_recode("departments", lambda text: b"\xef\xbb\xbf" + text.encode("utf-8")), 1, ["data/departments.csv:1", "encoding-bom"]),
    "ragged row": (_append_to_row("categories", 2, ",extra"), 1, ["data/categories.csv:3", "table-extra-cell"]),
    "missing column": (_drop_column, 1, ["data/categories.csv", "table-missing-label", "name_en"]),
    "extra column": (_rewrite_header("categories", "name_en", "name_en,note"), 1, ["data/categories.csv", "table-extra-label"]),
    "renamed column": (_rewrite_header("basic-duties", "category", "type"), 1, ["data/basic-duties.csv:1:category", "table-incorrect-label", '"type"']),
    "duplicate id": (set_values("basic-duties", "652325100-0005", id="652325100-0004"), 1, ["data/basic-duties.csv:6:id", "table-unique-error"]),
    "id in two lists": (id_moved_to_a_second_list, 1, ["data/reclaimed-duties.csv:2:id", "id-in-two-lists", "basic item 1"]),
    "empty file": (lambda p: (p / "data" / "corrections.csv").write_text(""), 1, ["data/corrections.csv:1", "empty-file"]),
    "invalid json": (lambda p: (p / "datapackage.json").write_text('{"name": '), 2, ["datapackage.json", "not valid JSON", "line 1"]),
    "path outside": (
        descriptor_change(lambda d: resource(d, "categories").update(path="../x.csv")), 1,
        ["datapackage.json:resources[3].path", "resource-path-unsafe", "outside"],
    ),
    "absolute path": (
        descriptor_change(lambda d: resource(d, "categories").update(path="/etc/passwd")), 1,
        ["datapackage.json:resources[3].path", "resource-path-unsafe", "absolute"],
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_is_named_not_a_traceback(package_copy, case):
    breaking, exit_code, expected = BAD_INPUT[case]
    breaking(package_copy)
    result = validate(package_copy)
    assert result.exit_code == exit_code, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    for text in expected:
        assert text in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_a_path_that_does_not_exist_exits_2(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "dutylist", "validate", str(tmp_path / "nowhere")], capture_output=True, text=True,
    )
    assert completed.returncode == 2
    assert "nowhere: no such file or folder" in completed.stderr and "Traceback" not in completed.stderr


def test_a_folder_without_a_package_exits_2(tmp_path):
    result = validate(tmp_path)
    assert result.exit_code == 2 and "no datapackage.json there" in result.output


class _RecordingHandler(http.server.BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        self.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"name,name_en\n")

    def log_message(self, *args):
        pass


@pytest.mark.slow
def test_a_url_path_is_reported_and_never_fetched(package_copy):
    server = http.server.HTTPServer(("127.0.0.1", 0), _RecordingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/categories.csv"
    try:
        edit_descriptor(package_copy, lambda d: resource(d, "categories").update(path=url))
        completed = subprocess.run(
            [sys.executable, "-m", "dutylist", "validate", str(package_copy)], capture_output=True, text=True,
        )
    finally:
        server.shutdown()
    assert completed.returncode == 1
    assert "datapackage.json:resources[3].path  resource-path-unsafe" in completed.stdout
    assert "is a URL" in completed.stdout
    assert _RecordingHandler.requests == []


# --- the human output, against a golden file ----------------------------------------------------------

def test_text_output_of_a_broken_package_matches_the_golden_file(package_copy):
    set_values("basic-duties", "652325100-0012", name="1强基层组织建设")(package_copy)
    comma_made_ascii(package_copy)
    step_renumbered(package_copy)
    correction_change(item_id="652325100-0999")(package_copy)
    descriptor_change(lambda d: d.update(version="1.0"))(package_copy)
    result = validate(package_copy, "--details")
    assert result.exit_code == 1
    golden = GOLDEN / "broken-package.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(result.output, encoding="utf-8")
    assert result.output == golden.read_text(encoding="utf-8")


# --- the pre-commit hook -------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_pre_commit_hook_runs_dutylist_check_and_fails_a_broken_package(tmp_path):
    import shlex

    import yaml
    from amend_repo import released_repo

    package_copy = released_repo(tmp_path / "repo").root  # dutylist check reads the history (changelog --check)

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hook = next(h for repo in config["repos"] for h in repo["hooks"] if h["id"] == "dutylist-check")
    command = shlex.split(hook["entry"])
    # pre-commit runs the entry from the repository's top folder, with the PATH of the shell: no venv activated
    command[0] = str(ROOT / command[0])
    if not Path(command[0]).is_file():
        pytest.skip(f"{command[0]} is not installed: the tests run outside the README's .venv")
    path = os.pathsep.join(part for part in os.environ["PATH"].split(os.pathsep) if Path(part) != Path(sys.executable).parent)
    environment = {**os.environ, "PATH": path}
    assert subprocess.run(command, cwd=package_copy, env=environment, capture_output=True).returncode == 0
    set_values("basic-duties", "652325100-0002", category="党建")(package_copy)
    assert subprocess.run(command, cwd=package_copy, env=environment, capture_output=True).returncode == 1
