"""The rules of dutylist validate, each held by a test that fails when the rule breaks.

Most tests call one check on the real package loaded once and edited in memory (fast and precise);
the behaviours a maintainer meets first run through the command line on a broken copy of the real package.
Findings are asserted by code, level, file, row and field and by the key facts of their message.
"""

import copy
import csv
import json

import pytest
from click.testing import CliRunner

from conftest import ROOT
from dutylist.cli import cli
from dutylist.validate import checks
from dutylist.validate.read import load_package
from dutylist.validate.run import run_checks
from validate_helpers import edit_rows, row_of

LOAD_CODES = {"resource-missing", "integer-not-ascii", "line-endings-crlf"}  # what reading the package finds, not a check
BASIC, COORDINATED, RECLAIMED, CORRECTIONS = ("data/basic-duties.csv", "data/coordinated-duties.csv",
                                              "data/reclaimed-duties.csv", "data/corrections.csv")


def _record_row(item_id, field):
    """The row (header = 1) of data/corrections.csv holding the one record of that item and field."""
    with open(ROOT / CORRECTIONS, encoding="utf-8", newline="") as stream:
        (row,) = [at for at, record in enumerate(csv.DictReader(stream), start=2)
                  if (record["item_id"], record["field"]) == (item_id, field)]
    return row


EMPTY_NAME_ROW = _record_row("652325100-0108", "name")  # flags 0108's empty name as unrecoverable


@pytest.fixture(scope="module")
def real():
    return load_package(ROOT)


@pytest.fixture(scope="module")
def pristine():
    """The real package as loaded, never given to a check: a check lists the package's text once and keeps the list on
    the package (validate reads a package once), so a copy of a checked package would carry the text it had then."""
    return load_package(ROOT)


@pytest.fixture
def package(pristine):
    """A fresh copy to edit in memory; edit it before its first check, as a check sees the text listed at its first run."""
    return copy.deepcopy(pristine)


def item(package, item_id):
    return next(entry for entry in package.items if entry["id"] == item_id)


def run(check, package, *args):
    """The findings of one check on the package (validate's own runner, over the items in memory)."""
    found, _ = run_checks(package, selected=[] if args else [check], extra=[(check, args)] if args else [], limit=10 ** 9)
    return [f.to_dict() for f in found if f.code not in LOAD_CODES]


def where(findings, code=None, level=None):
    return [(f["code"], f["level"], f["file"], f["row"], f["field"]) for f in findings
            if (code is None or f["code"] == code) and (level is None or f["level"] == level)]


def add_correction(package, **record):
    rows = package.rows["corrections"]
    full = {"item_id": "", "field": "", "extracted": "", "corrected": "", "kind": "garbled", "status": "corrected", "evidence": "x"}
    full.update(record)
    rows.append((rows[-1][0] + 1, full))
    return rows[-1][0]


def validate_json(path):
    result = CliRunner().invoke(cli, ["validate", str(path), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.output)


def test_the_real_package_has_no_finding_from_the_pure_rules(real):
    for check in (checks.check_version, checks.check_edition, checks.check_seq, checks.check_id_in_two_lists,
                  checks.check_departments, checks.check_punctuation_width, checks.check_empty_required_cells):
        assert run(check, real) == [], check.__name__


# --- the descriptor -------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("version, valid", [
    ("1.0.0", True), ("10.20.30", True), ("1.0.0-rc.1", True), ("1.0.0+build.5", True),
    ("1.0", False), ("01.0.0", False), ("1.0.0.0", False), ("v1.0.0", False), ("", False), (1, False), (None, False),
])
def test_version_must_be_semver(package, version, valid):
    package.descriptor["version"] = version
    found = run(checks.check_version, package)
    assert where(found) == ([] if valid else [("version-not-semver", "error", "datapackage.json", None, "version")])


@pytest.mark.slow
@pytest.mark.parametrize("edition, code", [
    ("2025-07", None), ("2025-12", None), ("2025-01", None), ("2025-7", "edition-invalid"), ("2025-13", "edition-invalid"),
    ("2025-00", "edition-invalid"), ("25-07", "edition-invalid"), ("2025-07-01", "edition-invalid"), (202507, "edition-invalid"),
])
def test_edition_must_be_a_month(package, edition, code):
    package.descriptor["edition"] = edition
    found = run(checks.check_edition, package)
    assert where(found) == ([] if code is None else [(code, "error", "datapackage.json", None, "edition")])


@pytest.mark.slow
def test_a_missing_edition_is_its_own_code(package):
    del package.descriptor["edition"]
    assert where(run(checks.check_edition, package)) == [("edition-missing", "error", "datapackage.json", None, "edition")]


# --- seq -------------------------------------------------------------------------------------------

def test_a_list_starting_at_seq_2_is_invalid_through_the_cli(package_copy):
    edit_rows(package_copy, "basic-duties", lambda rows: [row.update(seq=str(int(row["seq"]) + 1)) for row in rows])
    exit_code, report = validate_json(package_copy)
    assert exit_code == 1 and not report["valid"]
    gaps = [f for f in report["errors"] if f["code"] == "seq-gap"]
    assert gaps and all((f["file"], f["field"]) == (BASIC, "seq") for f in gaps)
    assert any(" 1 " in f["message"] or "1–" in f["message"] or "1-" in f["message"] for f in gaps)


def test_a_list_starting_at_seq_2_is_a_gap(package):
    for entry in package.items:
        if entry["list"] == "reclaimed":
            entry["seq"] += 1
    found = run(checks.check_seq, package)
    assert found and {(f["code"], f["level"], f["file"], f["field"]) for f in found} == {("seq-gap", "error", RECLAIMED, "seq")}
    assert found[0]["row"] == item(package, "652325100-0154")["_row"]  # shown at the item after the gap


def test_a_gap_is_reported_at_the_item_after_it(package):
    item(package, "652325100-0005")["seq"] = 86
    found = run(checks.check_seq, package)
    assert where(found)[0] == ("seq-gap", "error", BASIC, item(package, "652325100-0006")["_row"], "seq")
    assert "5" in found[0]["message"] and "basic" in found[0]["message"]


def test_the_last_item_of_a_list_missing_is_not_a_gap(package):
    package.items = [entry for entry in package.items if entry["id"] != "652325100-0085"]
    assert run(checks.check_seq, package) == []


# --- id in two lists ---------------------------------------------------------------------------------

def test_an_id_in_two_lists_names_the_other_item_by_its_seq_and_row_through_the_cli(package_copy):
    """Reclaimed item 3 (row 4) given the id of basic item 5 (row 6): the message names basic item 5, row 6."""
    edit_rows(package_copy, "reclaimed-duties", lambda rows: row_of(rows, "652325100-0156").update(id="652325100-0005"))
    exit_code, report = validate_json(package_copy)
    assert exit_code == 1
    found = [f for f in report["errors"] if f["code"] == "id-in-two-lists"]
    assert [(f["file"], f["row"], f["field"], f["text"]) for f in found] == [(RECLAIMED, 4, "id", "652325100-0005")]
    assert "basic item 5 " in found[0]["message"] and "row 6" in found[0]["message"] and BASIC in found[0]["message"]


def test_an_id_twice_in_one_list_is_not_in_two_lists(package):
    item(package, "652325100-0006")["id"] = "652325100-0005"
    assert run(checks.check_id_in_two_lists, package) == []


# --- departments -------------------------------------------------------------------------------------

def test_every_department_of_an_item_is_checked_through_the_cli(package_copy):
    edit_rows(package_copy, "coordinated-duties",
              lambda rows: row_of(rows, "652325100-0096").update(departments="奇台县委组织部、奇台县委统战部、县政协、乡政协"))
    exit_code, report = validate_json(package_copy)
    assert exit_code == 1
    found = [(f["file"], f["row"], f["field"], f["text"]) for f in report["errors"] if f["code"] == "unknown-department"]
    assert found == [(COORDINATED, 12, "departments", "县政协"), (COORDINATED, 12, "departments", "乡政协")]


@pytest.mark.parametrize("position", [0, 1, 2])
def test_an_unknown_department_is_found_at_any_position(package, position):
    departments = item(package, "652325100-0096")["departments"]
    departments[position] = "不存在的局"
    found = run(checks.check_departments, package)
    assert [(f["code"], f["row"], f["text"]) for f in found] == [("unknown-department", 12, "不存在的局")]


def test_a_reclaimed_item_department_is_checked(package):
    item(package, "652325100-0156")["departments"] = ["县民政局"]
    assert where(run(checks.check_departments, package)) == [("unknown-department", "error", RECLAIMED, 4, "departments")]


# --- step numbering and flags --------------------------------------------------------------------------

def test_a_flag_on_one_field_does_not_silence_the_other_fields(package):
    """0089's county_duties is flagged unrecoverable (steps lost): its town_duties must still be checked."""
    entry = item(package, "652325100-0089")
    entry["town_duties"] = ["1.甲;", "3.乙。"]
    found = run(checks.check_step_numbering, package)
    mine = [f for f in found if f["row"] == entry["_row"]]
    assert ("step-numbering", "error", COORDINATED, entry["_row"], "town_duties") in where(mine)
    assert ("step-numbering", "warning", COORDINATED, entry["_row"], "county_duties") in where(mine)
    assert not [f for f in mine if f["field"] == "town_duties" and f["level"] == "warning"]


def test_a_flag_on_one_item_does_not_silence_another_item(package):
    entry = item(package, "652325100-0090")
    entry["county_duties"] = ["2.甲;"]
    found = [f for f in run(checks.check_step_numbering, package) if f["row"] == entry["_row"]]
    assert where(found) == [("step-numbering", "error", COORDINATED, entry["_row"], "county_duties")]
    assert "2" in found[0]["message"] and "1" in found[0]["message"]


def test_a_kept_as_published_record_does_not_soften_step_numbering(package):
    entry = item(package, "652325100-0090")
    entry["county_duties"] = ["2.甲;"]
    add_correction(package, item_id=entry["id"], field="county_duties", extracted="2.甲;", corrected="2.甲;", status="kept-as-published")
    found = [f for f in run(checks.check_step_numbering, package) if f["row"] == entry["_row"]]
    assert where(found) == [("step-numbering", "error", COORDINATED, entry["_row"], "county_duties")]


def test_space_between_chinese_is_a_warning_only_where_a_record_of_that_field_holds_the_text(package):
    entry = item(package, "652325100-0002")
    entry["name"] = "铸牢 中华"
    entry["category"] = "民生 服务"
    add_correction(package, item_id=entry["id"], field="name", extracted="铸牢 中华", corrected="铸牢 中华", status="unrecoverable")
    found = where(run(checks.check_space_between_chinese, package))
    assert ("space-between-chinese", "warning", BASIC, entry["_row"], "name") in found
    assert ("space-between-chinese", "error", BASIC, entry["_row"], "category") in found
    assert len(found) == 2


def test_a_flag_whose_text_differs_does_not_soften_the_finding(package):
    entry = item(package, "652325100-0002")
    entry["name"] = "铸牢 中华"
    add_correction(package, item_id=entry["id"], field="name", extracted="别的", corrected="别的", status="kept-as-published")
    add_correction(package, item_id=entry["id"], field="name", extracted="铸牢 中华", corrected="铸牢 中华", status="corrected")
    assert where(run(checks.check_space_between_chinese, package)) == [("space-between-chinese", "error", BASIC, entry["_row"], "name")]


def test_glued_letter_softened_by_kept_as_published_in_its_own_field_only(package):
    entry = item(package, "652325100-0002")
    entry["name"] = "做B超检查"
    entry["category"] = "做B超"
    add_correction(package, item_id=entry["id"], field="name", extracted="做B超检查", corrected="做B超检查", status="kept-as-published")
    found = where(run(checks.check_glued_latin_or_digit, package), level=None)
    mine = [f for f in found if f[3] == entry["_row"]]
    assert ("glued-latin-or-digit", "warning", BASIC, entry["_row"], "name") in mine
    assert ("glued-latin-or-digit", "error", BASIC, entry["_row"], "category") in mine


def test_glued_patterns_each_found(package):
    entry = item(package, "652325100-0002")
    entry["name"] = "D强基层"
    entry["category"] = "加D强"
    entry["departments"] = ["T展局"]
    coordinated = item(package, "652325100-0090")
    coordinated["county_duties"] = ["1.甲；", "I.县安"]
    findings = run(checks.check_glued_latin_or_digit, package)
    found = [(f["field"], f["text"]) for f in findings if f["row"] == entry["_row"]]
    assert ("name", "D强基") in found
    assert ("category", "加D强") in found
    assert ("departments", "T展局") in found
    found = [(f["field"], f["text"]) for f in findings if f["row"] == coordinated["_row"]]
    assert ("county_duties", "I.县安") in found


# --- punctuation -------------------------------------------------------------------------------------------

def test_the_less_common_punctuation_width_is_reported(package):
    """？/? is a pair the check still compares (, ; : ( ) are the half-width-punctuation check's): three ASCII ?, one ？."""
    for item_id in ("652325100-0003", "652325100-0004", "652325100-0005"):
        item(package, item_id)["name"] += "?"
    entry = item(package, "652325100-0002")
    entry["name"] += "？"
    found = run(checks.check_punctuation_width, package)
    assert where(found) == [("mixed-punctuation-width", "error", BASIC, entry["_row"], "name")]
    assert "'？'" in found[0]["message"] and "'?'" in found[0]["message"]


def test_when_full_width_is_the_usual_form_the_ascii_one_is_reported(package):
    for entry in package.items:
        for field in checks.TEXT_FIELDS:
            value = entry.get(field)
            if isinstance(value, str) and value:
                entry[field] = value + "！"
            elif isinstance(value, list):
                entry[field] = [part + "！" for part in value]
    odd = item(package, "652325100-0002")
    odd["category"] = "民生!服务"
    found = run(checks.check_punctuation_width, package)
    assert where(found) == [("mixed-punctuation-width", "error", BASIC, odd["_row"], "category")]
    assert all(f["text"] is not None and "!" in f["text"] for f in found)


# --- empty required cells and corrections -----------------------------------------------------------

def test_an_empty_name_needs_an_unrecoverable_record(package):
    flagged = item(package, "652325100-0108")  # its empty name is flagged unrecoverable (corrections row EMPTY_NAME_ROW)
    assert flagged["name"] == ""
    bare = item(package, "652325100-0002")
    bare["name"] = ""
    assert where(run(checks.check_empty_required_cells, package)) == [("empty-required-cell", "error", BASIC, bare["_row"], "name")]


def test_a_kept_as_published_record_does_not_excuse_an_empty_cell(package):
    bare = item(package, "652325100-0002")
    bare["category"] = ""
    add_correction(package, item_id=bare["id"], field="category", status="kept-as-published")
    assert where(run(checks.check_empty_required_cells, package)) == [("empty-required-cell", "error", BASIC, bare["_row"], "category")]


def test_a_fill_an_empty_cell_record_is_still_checked(package):
    """Row 34 fills 0096's empty category with 党的建设 (inferred): a category that is not that is reported."""
    item(package, "652325100-0096")["category"] = "社会保障"
    found = [f for f in run(checks.check_corrections, package) if f["code"] == "correction-not-applied"]
    assert where(found) == [("correction-not-applied", "error", CORRECTIONS, 34, "corrected")]
    assert "652325100-0096" in found[0]["message"] and "category" in found[0]["message"]


def test_a_record_flagging_an_empty_cell_is_checked_when_the_cell_is_filled(package):
    """A record flags 0108's name as empty and unrecoverable: a name written there must be reported."""
    item(package, "652325100-0108")["name"] = "编造的名称"
    found = [f for f in run(checks.check_corrections, package) if f["code"] == "correction-not-applied"]
    assert where(found) == [("correction-not-applied", "error", CORRECTIONS, EMPTY_NAME_ROW, "corrected")]


def test_a_fill_an_empty_cell_record_is_checked_through_the_cli(package_copy):
    edit_rows(package_copy, "coordinated-duties", lambda rows: row_of(rows, "652325100-0108").update(name="编造的名称"))
    exit_code, report = validate_json(package_copy)
    assert exit_code == 1
    assert [(f["file"], f["row"], f["field"]) for f in report["errors"] if f["code"] == "correction-not-applied"] == [
        (CORRECTIONS, EMPTY_NAME_ROW, "corrected")]


def test_correction_records_pointing_nowhere(package):
    unknown_item = add_correction(package, item_id="652325100-0999", field="name", corrected="x")
    basic_handling = add_correction(package, item_id="652325100-0002", field="handling", corrected="x")
    not_text = add_correction(package, item_id="652325100-0002", field="seq", corrected="2")
    found = where(run(checks.check_corrections, package), level="error")
    assert ("correction-unknown-item", "error", CORRECTIONS, unknown_item, "item_id") in found
    assert ("correction-unknown-field", "error", CORRECTIONS, basic_handling, "field") in found
    assert ("correction-unknown-field", "error", CORRECTIONS, not_text, "field") in found
    assert len(found) == 3


def test_a_step_correction_is_found_across_lines(package):
    entry = item(package, "652325100-0090")
    entry["county_duties"] = ["1.甲;", "2.乙。"]
    ok = add_correction(package, item_id=entry["id"], field="county_duties", extracted="x", corrected="甲;\n2.乙")
    departments = add_correction(package, item_id="652325100-0096", field="departments", extracted="x", corrected="奇台县委统战部、奇台县政协")
    found = [f for f in run(checks.check_corrections, package) if f["row"] in (ok, departments)]
    assert found == []


def test_flagging_records_are_warnings_at_the_item_row(package):
    found = run(checks.check_corrections, package)
    flagged = [f for f in found if f["code"] == "flagged-unrecoverable"]
    kept = [f for f in found if f["code"] == "kept-as-published"]
    assert flagged and kept  # the real package flags 48 values and keeps 2 oddities (README); caps may shorten the list
    assert {f["level"] for f in flagged + kept} == {"warning"}
    first = next(f for f in flagged if f["field"] == "town_duties" and f["row"] == item(package, "652325100-0087")["_row"])
    assert first["file"] == COORDINATED and "652325100-0087" in first["message"]
    assert all(f["code"] not in ("flagged-unrecoverable", "kept-as-published") for f in found if f["level"] == "error")


# --- against an earlier edition -----------------------------------------------------------------------

def earlier(package, name, version="0.9.0"):
    entry = item(package, "652325100-0002")
    return {"items": {entry["id"]: {**entry, "name": name}}, "descriptor": {"version": version}}, entry


@pytest.mark.parametrize("old_name, reused", [
    ("以铸牢中华民族共同体意识为主线，加强宣传教育", False),  # a shortened name: the same item
    ("完全不同的另一个事项名称", True),
])
def test_an_id_given_to_another_item_is_reused(package, old_name, reused):
    before, entry = earlier(package, old_name)
    found = where(run(checks.check_against, package, before, "v0.9.0"), code="id-reused")
    assert found == ([("id-reused", "error", BASIC, entry["_row"], "id")] if reused else [])


def test_the_id_reuse_threshold_is_one_half(package):
    entry = item(package, "652325100-0002")
    entry["name"] = "甲乙丙丁"
    just_below = {"items": {entry["id"]: {**entry, "name": "甲乙戊己庚"}}, "descriptor": {}}  # ratio 4/9 < 0.5
    at = {"items": {entry["id"]: {**entry, "name": "甲乙戊己"}}, "descriptor": {}}  # ratio 4/8 = 0.5
    assert where(run(checks.check_against, package, just_below, "v"), code="id-reused")
    assert not where(run(checks.check_against, package, at, "v"), code="id-reused")


def test_empty_names_are_not_compared(package):
    before, entry = earlier(package, "")
    assert run(checks.check_against, package, before, "v") == []
    entry["name"] = ""
    before["items"][entry["id"]]["name"] = "完全不同的另一个事项名称"
    assert run(checks.check_against, package, before, "v") == []


@pytest.mark.slow
@pytest.mark.parametrize("old, new, error", [
    ("1.0.0", "1.0.0", True), ("1.0.0", "0.9.9", True), ("1.2.0", "1.10.0", False), ("1.0.9", "1.0.10", False),
    ("1.0.0", "1.0.1", False), ("2.0.0", "1.9.9", True), ("not-semver", "1.0.0", False),
])
def test_the_version_must_grow_in_semver_order(package, old, new, error):
    package.descriptor["version"] = new
    found = run(checks.check_against, package, {"items": {}, "descriptor": {"version": old}}, "v-old")
    assert where(found) == ([("version-not-increased", "error", "datapackage.json", None, "version")] if error else [])
    if error:
        assert old in found[0]["message"] and "v-old" in found[0]["message"]


# --- table codes the other tests do not break --------------------------------------------------------------

@pytest.mark.slow
def test_a_row_with_a_missing_cell_and_a_blank_row_through_the_cli(package_copy):
    path = package_copy / "data" / "categories.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2].split(",")[0]  # a row with one cell of two
    lines.insert(4, ",")  # a blank row
    path.write_text("\n".join(lines), encoding="utf-8")
    exit_code, report = validate_json(package_copy)
    assert exit_code == 1
    found = {(f["code"], f["file"], f["row"]) for f in report["errors"]}
    assert ("table-missing-cell", "data/categories.csv", 3) in found
    assert ("table-blank-row", "data/categories.csv", 5) in found


@pytest.mark.slow
def test_a_duplicate_id_is_one_unique_error_not_also_a_primary_key_error_through_the_cli(package_copy):
    edit_rows(package_copy, "basic-duties", lambda rows: row_of(rows, "652325100-0005").update(id="652325100-0004"))
    exit_code, report = validate_json(package_copy)
    assert exit_code == 1
    at_row = [(f["code"], f["field"]) for f in report["errors"] if f["file"] == BASIC and f["row"] == 6]
    assert ("table-unique-error", "id") in at_row
    assert not [code for code, _ in at_row if code == "table-primary-key"]


# --- what the mutation run found untested ---------------------------------------------------------------

def test_every_check_function_runs():
    names = [check.__name__ for check in checks.CHECKS]
    defined = [name for name in dir(checks) if name.startswith("check_") and name != "check_against"]
    assert set(defined) <= set(names)
    assert all(callable(check) for check in checks.CHECKS)


def test_findings_of_the_lists_name_their_resource(package):
    item(package, "652325100-0002")["name"] = ""
    item(package, "652325100-0156")["departments"] = ["县民政局"]
    found = run(checks.check_empty_required_cells, package) + run(checks.check_departments, package)
    assert [(f["code"], f["resource"]) for f in found] == [("empty-required-cell", "basic-duties"),
                                                           ("unknown-department", "reclaimed-duties")]


def test_an_id_reused_finding_names_the_item_both_names_and_the_revision(package):
    before, entry = earlier(package, "完全不同的另一个事项名称")
    found = run(checks.check_against, package, before, "v0.9.0")
    assert [f["code"] for f in found] == ["id-reused"]
    assert found[0]["text"] == entry["name"]
    for fact in (entry["id"], "完全不同的另一个事项名称", "v0.9.0"):
        assert fact in found[0]["message"]


def test_a_version_not_increased_finding_quotes_the_new_version(package):
    package.descriptor["version"] = "0.9.0"
    found = run(checks.check_against, package, {"items": {}, "descriptor": {"version": "1.0.0"}}, "v1")
    assert found[0]["text"] == "0.9.0"


def test_a_flagging_record_without_a_corrected_column_does_not_crash(package):
    entry = item(package, "652325100-0002")
    entry["name"] = "铸牢 中华"
    row = add_correction(package, item_id=entry["id"], field="name", extracted="铸牢 中华", status="unrecoverable")
    del package.rows["corrections"][-1][1]["corrected"]
    assert row
    assert where(run(checks.check_space_between_chinese, package)) == [("space-between-chinese", "error", BASIC, entry["_row"], "name")]
    # without a corrected text the record reads as one that drops the value it quotes: nothing to find applied
    assert [f for f in run(checks.check_corrections, package) if f["code"] == "correction-not-applied"] == []


@pytest.mark.slow
def test_table_findings_carry_the_cell_the_resource_and_a_fix_through_the_cli(package_copy):
    edit_rows(package_copy, "basic-duties", lambda rows: row_of(rows, "652325100-0002").update(seq="two", category="党建"))
    path = package_copy / "data" / "departments.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name,short_names", "名称,short_names", 1), encoding="utf-8")
    exit_code, report = validate_json(package_copy)
    assert exit_code == 1
    by_code = {f["code"]: f for f in report["errors"]}
    typed = by_code["table-type-error"]
    assert (typed["file"], typed["resource"], typed["row"], typed["field"], typed["text"]) == (BASIC, "basic-duties", 3, "seq", "two")
    assert typed["fix"] and "type" in typed["fix"] and "two" in typed["message"]  # frictionless's message, with the cell
    category = by_code["unknown-category"]
    assert (category["resource"], category["row"], category["field"], category["text"]) == ("basic-duties", 3, "category", "党建")
    label = next(f for f in report["errors"] if f["file"] == "data/departments.csv" and f["code"].endswith("-label"))
    assert (label["row"], label["text"], label["resource"]) == (1, "名称", "departments")
    assert label["fix"]


@pytest.mark.slow
def test_a_missing_register_drops_its_foreign_keys_without_a_crash_through_the_cli(package_copy):
    (package_copy / "data" / "categories.csv").unlink()
    exit_code, report = validate_json(package_copy)
    assert exit_code == 1
    assert [(f["code"], f["file"]) for f in report["errors"]] == [("file-missing", "data/categories.csv")]


@pytest.mark.slow
def test_a_table_without_its_schema_is_still_read_through_the_cli(package_copy):
    import json as json_module

    descriptor_path = package_copy / "datapackage.json"
    descriptor = json_module.loads(descriptor_path.read_text(encoding="utf-8"))
    next(r for r in descriptor["resources"] if r["name"] == "categories")["schema"] = "schemas/nope.json"
    descriptor_path.write_text(json_module.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    exit_code, report = validate_json(package_copy)
    assert exit_code == 1
    assert "schema-file-missing" in {f["code"] for f in report["errors"]}
    # its columns are read as a table without fields: only its labels are reported, in its own file
    tables = [f for f in report["errors"] if f["code"].startswith("table-")]
    assert {(f["code"], f["file"]) for f in tables} == {("table-extra-label", "data/categories.csv")}


@pytest.mark.slow
def test_an_empty_cell_in_a_table_finding_is_no_text_through_the_cli(package_copy):
    edit_rows(package_copy, "basic-duties", lambda rows: row_of(rows, "652325100-0002").update(page=""))
    exit_code, report = validate_json(package_copy)
    assert exit_code == 1
    found = [f for f in report["errors"] if f["code"] == "table-constraint-error" and f["row"] == 3]
    assert [(f["field"], f["text"]) for f in found] == [("page", None)]


@pytest.mark.slow
def test_a_foreign_key_without_a_reference_is_not_a_crash_through_the_cli(package_copy):
    import json as json_module

    path = package_copy / "schemas" / "basic-duties.json"
    schema = json_module.loads(path.read_text(encoding="utf-8"))
    schema["foreignKeys"] = [{"fields": "category"}]
    path.write_text(json_module.dumps(schema, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(package_copy), "--format", "json"])
    assert result.exit_code in (0, 1)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    json.loads(result.output)


# --- what the re-run of mutation testing found untested ------------------------------------------------

def test_an_empty_field_does_not_hide_the_fields_after_it(package):
    entry = item(package, "652325100-0090")
    entry["category"] = ""
    entry["name"] = "铸牢 中华"
    entry["county_duties"] = ["", "1.做B超检查"]
    found = [(f["code"], f["field"]) for f in run(checks.check_space_between_chinese, package) + run(checks.check_glued_latin_or_digit, package)
             if f["row"] == entry["_row"]]
    assert ("space-between-chinese", "name") in found and ("glued-latin-or-digit", "county_duties") in found


@pytest.mark.parametrize("old_version, content_change, why", [
    ("1.0.1", "items changed: 1", "a version never goes down"),
    ("1.0.1", None, "a version never goes down"),
    ("1.0.0", "items changed: 1", "the content changed (items changed: 1)"),
    ("1.0.0", None, None),
])
def test_a_version_not_increased_says_why(package, old_version, content_change, why):
    package.descriptor["version"] = "1.0.0"
    found = run(checks.check_against, package, {"items": {}, "descriptor": {"version": old_version}}, "v" + old_version, content_change)
    assert [f["message"].endswith(f", and {why}") for f in found] == ([] if why is None else [True])


def test_without_a_content_comparison_the_same_version_is_reported_as_not_compared(package):
    package.descriptor["version"] = "1.0.0"
    found = run(checks.check_against, package, {"items": {}, "descriptor": {"version": "1.0.0"}}, "v1")
    assert [f["message"] for f in found] == [
        "version 1.0.0 is not greater than 1.0.0, the version in v1, and the content changed (content not compared)"]


@pytest.mark.slow
def test_a_table_finding_on_a_long_cell_keeps_the_start_of_frictionless_message_through_the_cli(package_copy):
    """Frictionless quotes the whole cell in its message: it is cut at MAX_MESSAGE characters, the cut shown by '…'."""
    edit_rows(package_copy, "basic-duties", lambda rows: row_of(rows, "652325100-0002").update(seq="二" * 500))
    exit_code, report = validate_json(package_copy)
    assert exit_code == 1
    typed = next(f for f in report["errors"] if f["code"] == "table-type-error")
    assert (typed["row"], typed["field"]) == (3, "seq")
    assert len(typed["message"]) == checks.MAX_MESSAGE and typed["message"].endswith("二…")
