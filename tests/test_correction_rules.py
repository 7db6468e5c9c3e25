"""The import rules and the correction rules of the README, one test each, on the pure core and through import-source.

Corrections: a record's extracted text must occur exactly once in the field (twice is refused, not applied to the
first occurrence); an empty extracted text fills an empty cell only (it never overwrites a value); a record whose
corrected text equals its extracted text only flags the value; every record that cannot apply is a problem.
"""

import json
import re

import pytest
from click.testing import CliRunner

from conftest import ROOT
from dutylist.cli import cli
from dutylist.importing.corrections import CorrectionProblem, apply_corrections
from dutylist.importing.rules import RULES, join_wrapped_lines, normalise_cells, one_step_per_line, split_departments, split_handover

ITEM = "652325100-0003"


def items(**fields):
    return {ITEM: {"id": ITEM, "seq": 3, "page": 1, "category": "党的建设", "name": "组织开展活动", **fields}}


def record(extracted, corrected, field="name", item_id=ITEM):
    return {"item_id": item_id, "field": field, "extracted": extracted, "corrected": corrected}


# --- corrections ------------------------------------------------------------------------------------

def test_a_record_replaces_its_extracted_text_once():
    found = items(name="且织开展且织")
    assert apply_corrections(found, [record("且织开展", "组织开展")]) == []
    assert found[ITEM]["name"] == "组织开展且织"


def test_a_record_whose_extracted_text_occurs_twice_is_refused_and_changes_nothing():
    found = items(name="且织开展且织活动")
    problems = apply_corrections(found, [record("且织", "组织")])
    assert [(p.code, p.row, p.item_id, p.field) for p in problems] == [("correction-text-ambiguous", 2, ITEM, "name")]
    assert "2 times" in problems[0].message and "exactly once" in problems[0].message
    assert "quote more of the surrounding text" in problems[0].message  # says what to do
    assert found[ITEM]["name"] == "且织开展且织活动"


def test_a_record_whose_extracted_text_is_absent_is_refused():
    found = items(name="组织开展活动")
    problems = apply_corrections(found, [record("且织", "组织")])
    assert [(p.code, p.field) for p in problems] == [("correction-text-not-found", "name")]
    assert "0 times" in problems[0].message
    assert found[ITEM]["name"] == "组织开展活动"


def test_a_record_with_empty_extracted_text_never_overwrites_a_value():
    found = items(category="党的建设")
    problems = apply_corrections(found, [record("", "民生服务", field="category")])
    assert [(p.code, p.field) for p in problems] == [("correction-not-empty", "category")]
    assert "党的建设" in problems[0].message
    assert found[ITEM]["category"] == "党的建设"


def test_a_record_with_empty_extracted_text_fills_an_empty_cell():
    found = items(category="")
    assert apply_corrections(found, [record("", "民生服务", field="category")]) == []
    assert found[ITEM]["category"] == "民生服务"


def test_a_flagging_record_changes_nothing():
    found = items(name="组织开展活动")
    assert apply_corrections(found, [record("开展", "开展")]) == []
    assert found[ITEM]["name"] == "组织开展活动"


def test_a_record_for_an_unknown_item_or_field_is_a_problem():
    found = items()
    problems = apply_corrections(found, [
        record("x", "y", item_id="652325100-9999"),
        record("x", "y", field="departments"),
        record("3", "4", field="seq"),
        record("1", "2", field="page"),
        record(ITEM, "652325100-0004", field="id"),
    ])
    assert [(p.row, p.code) for p in problems] == [
        (2, "correction-unknown-item"), (3, "correction-unknown-field"), (4, "correction-unknown-field"),
        (5, "correction-unknown-field"), (6, "correction-unknown-field"),
    ]
    assert "652325100-9999" in problems[0].message
    assert "'departments'" in problems[1].message
    assert found == items()


def test_records_apply_in_order_and_each_problem_keeps_its_row():
    found = items(name="且织开展活动")
    problems = apply_corrections(found, [record("且织", "组织"), record("且织", "组织"), record("活动", "工作")])
    assert found[ITEM]["name"] == "组织开展工作"
    assert problems == [CorrectionProblem(3, ITEM, "name", "correction-text-not-found", problems[0].message)]


@pytest.mark.slow
def test_cli_import_source_refuses_an_ambiguous_record_and_writes_nothing(package_copy):
    """Through the command line: a record whose extracted text occurs twice blocks --write and names the row."""
    corrections = package_copy / "data" / "corrections.csv"
    lines = corrections.read_text(encoding="utf-8").split("\n")
    header, first = lines[0], lines[1]
    assert first.startswith(f"{ITEM},name,且织开展")
    # 党委 occurs twice in the name of 652325100-0004 (加强党委自身建设, 落实党委议事规则): the record is ambiguous
    corrections.write_text("\n".join([header, first, "652325100-0004,name,党委,党组,wrong-character,corrected,x"] + lines[2:]),
                           encoding="utf-8")
    before = (package_copy / "data" / "basic-duties.csv").read_bytes()
    result = CliRunner().invoke(cli, ["import-source", "--repo", str(package_copy), "--write", "--format", "json"])
    assert result.exit_code == 1, result.output
    problems = [p for p in json.loads(result.output)["correction_problems"] if p["code"] == "correction-text-ambiguous"]
    assert [(p["row"], p["item_id"], p["field"]) for p in problems] == [(3, "652325100-0004", "name")]
    assert (package_copy / "data" / "basic-duties.csv").read_bytes() == before


# --- rules ---------------------------------------------------------------------------------------------

def test_the_rules_are_the_six_the_readme_documents():
    codes = ["trim-cell", "split-handover", "full-width-punctuation", "one-step-per-line", "join-wrapped-lines", "split-departments"]
    assert [rule.code for rule in RULES] == codes
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"^   - `([a-z-]+)`: ", readme, flags=re.M) == codes  # the README's list of rules, in the order they run


def test_trim_cell_drops_whitespace_at_the_ends_only():
    assert normalise_cells("basic", {"category": " \t党的建设\n ", "name": "  A B  "}) == {"category": "党的建设", "name": "A B"}


def test_split_handover_splits_at_the_first_colon_only():
    assert split_handover("县民政局:1.由县负责:审核") == {"departments": "县民政局", "handling": "1.由县负责:审核"}
    assert split_handover(" 县民政局 : 由县负责 ") == {"departments": "县民政局", "handling": "由县负责"}


def test_split_handover_without_a_colon_keeps_everything_as_handling():
    assert split_handover(" 由县民政局负责 ") == {"departments": "", "handling": "由县民政局负责"}


def test_one_step_per_line_needs_whitespace_before_a_number_and_a_dot():
    assert one_step_per_line("1.甲; 2.乙;  13.丙") == "1.甲;\n2.乙;\n13.丙"
    assert one_step_per_line("共 3 张; 2、乙") == "共 3 张; 2、乙"
    assert one_step_per_line("甲;2.乙") == "甲;2.乙"


def test_join_wrapped_lines_keeps_a_space_only_between_two_ascii_letters_or_digits():
    assert join_wrapped_lines("A B") == "A B"
    assert join_wrapped_lines("9 9") == "9 9"
    assert join_wrapped_lines("A  \t 9") == "A 9"
    assert join_wrapped_lines("A 中") == "A中"
    assert join_wrapped_lines("中 A") == "中A"
    assert join_wrapped_lines("中 国") == "中国"
    assert join_wrapped_lines("A . B") == "A.B"
    assert join_wrapped_lines(" 中 ") == "中"
    assert join_wrapped_lines("A\n B") == "A\nB"


def test_split_departments_strips_entries_and_drops_empty_ones():
    assert split_departments(" 甲局 、 、乙局、 ") == "甲局、乙局"
    assert split_departments("") == ""


def test_normalise_cells_applies_steps_only_to_step_fields_and_departments_only_to_lists():
    cells = {"category": "甲 2.乙", "name": "名 称", "departments": "甲局 、乙局", "county_duties": "1.甲 2.乙",
             "town_duties": "1.丙 2.丁"}
    assert normalise_cells("coordinated", cells) == {
        "category": "甲2.乙", "name": "名称", "departments": "甲局、乙局",
        "county_duties": "1.甲\n2.乙", "town_duties": "1.丙\n2.丁",
    }


def test_normalise_cells_splits_the_handover_only_in_the_reclaimed_list():
    assert normalise_cells("reclaimed", {"name": "x", "departments_handling": "甲局:1.办 2.结"}) == {
        "name": "x", "departments": "甲局", "handling": "1.办\n2.结"}
    with pytest.raises(KeyError):
        normalise_cells("reclaimed", {"name": "x"})
