"""What dutylist diff reports, rule by rule: change kinds, renumbering runs, steps, sets, likely renames, grouping, exit code.

The pure core ``compare(old, new)`` on small editions built in memory, and the command line on real git repositories
where a user meets the behaviour (``--exit-code``, ``--by department``).
"""

import json
import random

import pytest
from click.testing import CliRunner

from diff_repo import PackageRepo
from dutylist.cli import cli
from dutylist.diff.compare import compare, empty_edition
from dutylist.core.similarity import RENAME_SIMILARITY, matched_characters
from dutylist.diff.inline import inline_ops, step_changes
from dutylist.diff.resemblance import resemblances
from editions import edition, item

A, B, C, D = (f"652325100-000{n}" for n in (1, 2, 3, 4))


def only(report, item_id):
    return next(change for change in report["items"] if change["id"] == item_id)


# --- the kinds of change ------------------------------------------------------------------------------

@pytest.mark.parametrize("old_list, new_list, kind", [
    ("basic", "reclaimed", "reclaimed"), ("coordinated", "reclaimed", "reclaimed"),
    ("reclaimed", "basic", "returned"), ("reclaimed", "coordinated", "returned"),
    ("basic", "coordinated", "moved"), ("coordinated", "basic", "moved"),
])
def test_an_item_changing_list_gets_its_kind(old_list, new_list, kind):
    old = edition(item(1, old_list, departments=["甲局"]))
    new = edition(item(1, new_list, departments=["乙局"]))
    change = only(compare(old, new), A)
    assert change["change"] == kind
    assert change["from"] == {"list": old_list, "seq": 1} and change["to"] == {"list": new_list, "seq": 1}
    if kind == "reclaimed":
        assert change["reclaimed_by"] == ["乙局"]
    elif kind == "returned":
        assert change["reclaimed_by"] == ["甲局"]
    else:
        assert "reclaimed_by" not in change


def test_added_and_removed_items_carry_their_record():
    old = edition(item(1), item(2, "coordinated"))
    new = edition(item(1), item(3, "reclaimed"))
    report = compare(old, new)
    removed, added = only(report, B), only(report, C)
    assert (removed["change"], removed["from"], removed["to"]) == ("removed", {"list": "coordinated", "seq": 2}, None)
    assert (added["change"], added["from"], added["to"]) == ("added", None, {"list": "reclaimed", "seq": 3})
    assert removed["record"]["county_duties"] == ["1.统筹。"] and added["record"]["handling"] == ["1.由县负责。"]
    assert "list" not in added["record"] and "id" not in added["record"]
    assert [change["id"] for change in report["items"]] == [B, C]


def test_items_are_matched_by_id_never_by_seq():
    old = edition(item(1, seq=1, name="甲"), item(2, seq=2, name="乙"))
    new = edition(item(1, seq=2, name="甲"), item(2, seq=1, name="乙"))
    report = compare(old, new)
    assert report["items"] == [] and report["renumbered"]["count"] == 2


def test_a_changed_item_lists_each_differing_field_once():
    old = edition(item(1, "coordinated", name="甲乙", category="类一", page=3, departments=["甲局", "乙局"]))
    new = edition(item(1, "coordinated", name="甲丙", category="类一", page=4, departments=["乙局", "丙局"]))
    change = only(compare(old, new), A)
    assert change["change"] == "changed"
    fields = {field["field"]: field for field in change["fields"]}
    assert list(fields) == ["name", "departments", "page"]
    assert fields["name"]["kind"] == "text" and fields["name"]["inline"] == [["equal", "甲"], ["delete", "乙"], ["insert", "丙"]]
    assert (fields["departments"]["added"], fields["departments"]["removed"]) == (["丙局"], ["甲局"])
    assert fields["page"] == {"field": "page", "old": 3, "new": 4, "kind": "value"}


def test_a_department_order_change_is_a_set_change_with_nothing_added_or_removed():
    old = edition(item(1, "coordinated", departments=["甲局", "乙局"]))
    new = edition(item(1, "coordinated", departments=["乙局", "甲局"]))
    field = only(compare(old, new), A)["fields"][0]
    assert (field["kind"], field["added"], field["removed"], field["old"], field["new"]) == ("set", [], [], ["甲局", "乙局"], ["乙局", "甲局"])


def test_whitespace_at_cell_ends_and_line_endings_are_not_changes():
    old = edition(item(1, name="甲乙"), registers={"categories": {"甲": {"name": "甲", "name_en": "a"}}, "departments": {}})
    new = edition(item(1, name=" 甲乙\r\n"), registers={"categories": {"甲": {"name": "甲", "name_en": " a "}}, "departments": {}})
    report = compare(old, new)
    assert report["items"] == [] and report["registers"]["categories"]["changed"] == [] and report["summary"]["identical"]


def test_a_moved_item_lists_fields_one_list_lacks():
    old = edition(item(1, "coordinated"))
    new = edition(item(1, "reclaimed"))
    fields = {field["field"] for field in only(compare(old, new), A)["fields"]}
    assert fields == {"county_duties", "town_duties", "handling"}


# --- renumbering ----------------------------------------------------------------------------------------

def test_renumbering_is_recorded_when_items_move_up_and_down():
    old = edition(item(1, seq=1), item(2, seq=2), item(3, seq=3))
    new = edition(item(1, seq=3), item(2, seq=2), item(3, seq=1))
    renumbered = compare(old, new)["renumbered"]
    assert renumbered["count"] == 2
    assert [(run["old_first"], run["new_first"], run["shift"]) for run in renumbered["runs"]] == [(1, 3, 2), (3, 1, -2)]


def test_an_item_moving_up_alone_is_renumbered():
    old = edition(item(1, seq=5))
    new = edition(item(1, seq=4))
    assert compare(old, new)["renumbered"]["runs"] == [
        {"list": "basic", "old_first": 5, "old_last": 5, "new_first": 4, "new_last": 4, "shift": -1, "count": 1}]


def test_runs_of_renumbered_items_split_where_the_shift_differs():
    old = edition(*(item(n, seq=n) for n in (1, 2, 3, 4)))
    new = edition(item(1, seq=2), item(2, seq=3), item(3, seq=5), item(4, seq=6))
    runs = compare(old, new)["renumbered"]["runs"]
    assert [(run["old_first"], run["old_last"], run["shift"], run["count"]) for run in runs] == [(1, 2, 1, 2), (3, 4, 2, 2)]


def test_runs_split_where_the_old_seq_is_not_consecutive_or_the_list_differs():
    old = edition(item(1, seq=1), item(2, seq=3), item(3, "coordinated", seq=4), item(4, "coordinated", seq=5))
    new = edition(item(1, seq=2), item(2, seq=4), item(3, "coordinated", seq=5), item(4, "coordinated", seq=6))
    report = compare(old, new)
    runs = report["renumbered"]["runs"]
    assert [(run["list"], run["old_first"], run["old_last"]) for run in runs] == [("basic", 1, 1), ("basic", 3, 3), ("coordinated", 4, 5)]
    assert report["renumbered"]["by_list"] == {"basic": 2, "coordinated": 2, "reclaimed": 0}


def test_a_changed_item_with_a_new_seq_is_a_change_not_a_renumbering():
    old = edition(item(1, seq=1, name="甲"))
    new = edition(item(1, seq=2, name="乙"))
    report = compare(old, new)
    assert only(report, A)["from"]["seq"] == 1 and only(report, A)["to"]["seq"] == 2
    assert report["renumbered"]["count"] == 0


def test_a_field_that_differs_only_by_cell_end_whitespace_is_renumbering_only():
    old = edition(item(1, seq=1, name="甲"))
    new = edition(item(1, seq=2, name="甲 "))
    report = compare(old, new)
    assert report["items"] == [] and report["renumbered"]["count"] == 1


# --- steps -----------------------------------------------------------------------------------------------

def test_a_changed_step_is_paired_as_one_changed_step():
    steps = step_changes(["1.统筹全县工作;", "2.督促办理。"], ["1.统筹全县相关工作;", "2.督促办理。"])
    assert steps == [{"step": "changed", "old_index": 1, "new_index": 1, "old": "1.统筹全县工作;", "new": "1.统筹全县相关工作;",
                      "inline": [["equal", "1.统筹全县"], ["insert", "相关"], ["equal", "工作;"]]}]


def test_two_replaced_steps_are_two_changed_steps_and_the_rest_added():
    steps = step_changes(["1.甲;", "2.乙;", "3.丙。"], ["1.甲;", "2.乙乙;", "3.丙丙;", "4.丁。"])
    assert [(step["step"], step["old_index"], step["new_index"]) for step in steps] == [
        ("changed", 2, 2), ("changed", 3, 3), ("added", None, 4)]
    assert steps[2]["new"] == "4.丁。" and steps[2]["old"] is None


def test_an_inserted_step_does_not_change_the_steps_after_it():
    steps = step_changes(["1.甲;", "2.乙;", "3.丙。"], ["1.甲;", "2.新;", "3.乙;", "4.丙。"])
    assert [(step["step"], step["old_index"], step["new_index"], step["new"]) for step in steps] == [("added", None, 2, "2.新;")]


def test_a_removed_step_is_removed():
    steps = step_changes(["1.甲;", "2.乙;", "3.丙。"], ["1.甲;", "2.丙。"])
    assert [(step["step"], step["old_index"], step["new_index"], step["old"]) for step in steps] == [("removed", 2, None, "2.乙;")]


def test_steps_differing_only_in_their_numbers_are_shown_as_changed():
    steps = step_changes(["1.甲;", "2.乙。"], ["1.甲;", "3.乙。"])
    assert [(step["step"], step["old_index"], step["new_index"]) for step in steps] == [("changed", 2, 2)]
    assert steps[0]["inline"] == [["delete", "2"], ["insert", "3"], ["equal", ".乙。"]]


def test_step_changes_are_the_mirror_image_when_the_sides_swap():
    a, b = ["1.甲乙;", "2.丙。"], ["1.甲乙丁;", "2.戊;", "3.丙。"]
    forward, backward = step_changes(a, b), step_changes(b, a)
    flip = {"added": "removed", "removed": "added", "changed": "changed"}
    assert [(flip[s["step"]], s["new_index"], s["old_index"], s["new"], s["old"]) for s in forward] == [
        (s["step"], s["old_index"], s["new_index"], s["old"], s["new"]) for s in backward]


def test_steps_with_empty_sides():
    assert [step["step"] for step in step_changes(None, ["1.甲;", "2.乙。"])] == ["added", "added"]
    assert [step["step"] for step in step_changes(["1.甲;"], [])] == ["removed"]
    assert step_changes(["1.甲;"], ["1.甲;"]) == []


def test_inline_ops_delete_before_insert_and_mirror():
    assert inline_ops("甲乙丙", "甲丁丙") == [["equal", "甲"], ["delete", "乙"], ["insert", "丁"], ["equal", "丙"]]
    assert inline_ops("甲丁丙", "甲乙丙") == [["equal", "甲"], ["delete", "丁"], ["insert", "乙"], ["equal", "丙"]]
    assert inline_ops("", "甲") == [["insert", "甲"]]
    assert inline_ops("甲", "") == [["delete", "甲"]]
    assert inline_ops("甲", "甲") == [["equal", "甲"]]
    assert inline_ops("abc", "xbz") == [["delete", "a"], ["insert", "x"], ["equal", "b"], ["delete", "c"], ["insert", "z"]]


def test_matched_characters_is_symmetric():
    assert matched_characters("甲乙丙丁", "乙丙戊") == matched_characters("乙丙戊", "甲乙丙丁") == 2
    assert matched_characters("", "甲") == 0


# --- likely renames, splits, merges ------------------------------------------------------------------------

def likely(removed, added):
    return resemblances({f"652325100-{n:04d}": name for n, name in removed.items()},
                        {f"652325100-{n:04d}": name for n, name in added.items()})


def test_the_rename_threshold_is_pinned_at_six_tenths():
    assert RENAME_SIMILARITY == 0.6
    # similarity = 2 * matched / (len + len)
    at = likely({1: "甲乙丙丁戊己子丑寅卯"}, {2: "甲乙丙丁戊己辰巳午未"})  # 2*6/20 = 0.600
    above = likely({1: "甲乙丙丁戊己子丑寅卯"}, {2: "甲乙丙丁戊己辰巳午"})  # 2*6/19 = 0.632
    below = likely({1: "甲乙丙丁戊己子丑寅卯"}, {2: "甲乙丙丁戊己辰巳午未申"})  # 2*6/21 = 0.571
    assert at["renames"] == [{"removed": "652325100-0001", "added": "652325100-0002", "similarity": 0.6}]
    assert above["renames"] == [{"removed": "652325100-0001", "added": "652325100-0002", "similarity": 0.632}]
    assert below["renames"] == []


def test_each_id_is_in_at_most_one_rename_best_first():
    found = likely({1: "甲乙丙丁戊己庚辛", 3: "甲乙丙丁戊己子丑"}, {2: "甲乙丙丁戊己庚辛癸"})  # 0.941 and 0.706
    assert found["renames"] == [{"removed": "652325100-0001", "added": "652325100-0002", "similarity": 0.941}]


def test_likely_renames_stay_within_one_division_code():
    found = resemblances({"652325100-0001": "甲乙丙丁戊己"}, {"652325101-0002": "甲乙丙丁戊己"})
    assert found == {"renames": [], "splits": [], "merges": []}


def test_a_split_needs_two_parts_each_mostly_contained():
    whole = "甲乙丙丁戊己庚辛壬癸"
    split = likely({1: whole}, {2: "甲乙丙丁戊", 3: "己庚辛壬癸"})
    assert split["splits"] == [{"removed": "652325100-0001", "added": ["652325100-0002", "652325100-0003"], "containment": [1.0, 1.0]}]
    assert split["renames"] == [] and split["merges"] == []
    merge = likely({2: "甲乙丙丁戊", 3: "己庚辛壬癸"}, {1: whole})
    assert merge["merges"] == [{"added": "652325100-0001", "removed": ["652325100-0002", "652325100-0003"], "containment": [1.0, 1.0]}]
    short = likely({1: "甲乙丙丁戊己"}, {2: "甲乙丙", 3: "丁戊己"})  # parts shorter than four characters
    assert short["splits"] == []
    one = likely({1: whole}, {2: "甲乙丙丁戊"})
    assert one["splits"] == []


def test_likely_pairs_come_from_removed_and_added_items_only():
    old = edition(item(1, name="甲乙丙丁戊己庚"), item(3, name="子丑寅卯辰巳午"))
    new = edition(item(2, name="甲乙丙丁戊己辛"), item(3, name="子丑寅卯辰巳未"))
    report = compare(old, new)
    assert report["likely"]["renames"] == [{"removed": A, "added": B, "similarity": 0.857}]
    assert report["summary"]["likely_renames"] == 1


# --- registers, corrections, descriptor -------------------------------------------------------------------

def test_register_rows_added_removed_and_changed_by_column():
    old = edition(registers={"categories": {"甲": {"name": "甲", "name_en": "a"}, "乙": {"name": "乙", "name_en": "b"}},
                             "departments": {}})
    new = edition(registers={"categories": {"甲": {"name": "甲", "name_en": "A"}, "丙": {"name": "丙", "name_en": "c"}},
                             "departments": {}})
    categories = compare(old, new)["registers"]["categories"]
    assert categories["added"] == [{"name": "丙", "name_en": "c"}]
    assert categories["removed"] == [{"name": "乙", "name_en": "b"}]
    assert [(c["name"], [f["field"] for f in c["fields"]]) for c in categories["changed"]] == [("甲", ["name_en"])]


def test_correction_records_added_and_removed():
    record = {"item_id": A, "field": "name", "extracted": "且", "corrected": "组", "kind": "wrong-character", "status": "corrected", "evidence": "e"}
    old = edition(corrections=[record])
    new = edition(corrections=[{**record, "extracted": "旦", "corrected": "组织"}])
    corrections = compare(old, new)["corrections"]
    assert corrections["added"] == [{**record, "extracted": "旦", "corrected": "组织"}] and corrections["removed"] == [record]
    assert corrections["changed"] == []
    assert compare(old, edition(corrections=[{**record, "evidence": " e "}]))["corrections"] == {"added": [], "removed": [], "changed": []}


def test_a_correction_record_with_the_same_item_field_and_extracted_text_is_changed():
    record = {"item_id": A, "field": "name", "extracted": "且", "corrected": "组", "kind": "wrong-character", "status": "corrected", "evidence": "e"}
    corrections = compare(edition(corrections=[record]), edition(corrections=[{**record, "corrected": "组织"}]))["corrections"]
    assert corrections["added"] == [] and corrections["removed"] == []
    assert corrections["changed"] == [{"key": {"item_id": A, "field": "name", "extracted": "且"},
                                       "fields": [{"field": "corrected", "old": "组", "new": "组织", "kind": "text",
                                                   "inline": [["equal", "组"], ["insert", "织"]]}]}]


def test_descriptor_changes_and_resources():
    old = edition(descriptor={"title": "甲", "resources": [{"name": "a"}, {"name": "b"}]})
    new = edition(descriptor={"title": "乙", "resources": [{"name": "b"}, {"name": "c"}]}, version="1.0.1")
    descriptor = compare(old, new)["descriptor"]
    assert {change["field"] for change in descriptor["changed"]} == {"title", "version"}
    assert descriptor["resources_added"] == ["c"] and descriptor["resources_removed"] == ["a"]


def test_an_empty_old_edition_makes_every_item_added_with_a_note():
    report = compare(empty_edition(), edition(item(1), item(2)))
    assert [change["change"] for change in report["items"]] == ["added", "added"]
    assert report["from"]["revision"] is None and report["from"]["version"] is None
    assert any("empty edition" in note for note in report["notes"])
    back = compare(edition(item(1)), empty_edition())
    assert [change["change"] for change in back["items"]] == ["removed"] and back["notes"]


def test_summary_counts_per_list_before_and_after():
    old = edition(item(1), item(2, "coordinated"), item(3, "coordinated"))
    new = edition(item(1), item(2, "reclaimed"), item(4))
    summary = compare(old, new)["summary"]
    assert summary["lists"] == {"basic": {"before": 1, "after": 2}, "coordinated": {"before": 2, "after": 0},
                                "reclaimed": {"before": 0, "after": 1}}
    assert (summary["reclaimed"], summary["removed"], summary["added"], summary["changed"]) == (1, 1, 1, 0)
    assert summary["identical"] is False


# --- by department -------------------------------------------------------------------------------------------

def test_a_department_change_is_grouped_under_the_old_and_the_new_departments():
    old = edition(item(1, "coordinated", departments=["甲局"]), item(2))
    new = edition(item(1, "coordinated", departments=["乙局"]), item(2, name="新名称"))
    groups = {group["department"]: group["ids"] for group in compare(old, new)["by_department"]}
    assert A in groups["甲局"] and A in groups["乙局"]
    assert groups[None] == [B]
    assert list(groups)[-1] is None  # items without a department come last


def test_added_reclaimed_and_returned_items_are_grouped_by_their_departments():
    old = edition(item(1, "coordinated", departments=["甲局"]), item(3, "reclaimed", departments=["丙局"]))
    new = edition(item(1, "reclaimed", departments=["甲局"]), item(3, "basic"), item(4, "coordinated", departments=["丁局"]))
    groups = {group["department"]: group["ids"] for group in compare(old, new)["by_department"]}
    assert groups["甲局"] == [A] and groups["丙局"] == [C] and groups["丁局"] == [D]


# --- through the command line ---------------------------------------------------------------------------------

@pytest.fixture
def repo(tmp_path):
    repository = PackageRepo(tmp_path / "repo")
    repository.commit("base", tag="base")
    return repository


def diff(repo, *args):
    return CliRunner().invoke(cli, ["diff", *args, "--repo", str(repo.root)], catch_exceptions=False)


@pytest.mark.slow
def test_cli_exit_code_is_1_when_only_the_descriptor_changed(repo):
    repo.edit_json("datapackage.json", lambda d: d.update(title=d["title"] + " (revised)"))
    repo.commit("retitle")
    result = diff(repo, "base", "HEAD", "--exit-code", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["items"] == [] and not report["summary"]["identical"]
    assert [change["field"] for change in report["descriptor"]["changed"]] == ["title"]


@pytest.mark.slow
def test_cli_exit_code_is_0_when_nothing_differs_and_1_for_an_item(repo):
    assert diff(repo, "base", "HEAD", "--exit-code").exit_code == 0
    assert diff(repo, "base", "HEAD").exit_code == 0
    repo.update("basic-duties", "652325100-0002", page="3")
    repo.commit("page")
    assert diff(repo, "base", "HEAD", "--exit-code").exit_code == 1
    assert diff(repo, "base", "HEAD").exit_code == 0


@pytest.mark.slow
def test_cli_by_department_files_a_department_change_under_both_departments(repo):
    repo.update("coordinated-duties", "652325100-0086", departments="奇台县民政局")
    repo.commit("another department")
    result = diff(repo, "base", "HEAD", "--by", "department", "--format", "json")
    groups = {group["department"]: group["ids"] for group in json.loads(result.stdout)["by_department"]}
    assert "652325100-0086" in groups["奇台县委组织部"] and "652325100-0086" in groups["奇台县民政局"]
    markdown = diff(repo, "base", "HEAD", "--by", "department", "--format", "markdown").stdout
    assert "### 奇台县委组织部 (1)" in markdown and "### 奇台县民政局 (1)" in markdown


# --- what the mutation run found untested ------------------------------------------------------------------

def test_the_report_has_exactly_its_documented_keys_and_sides():
    old = edition(item(1), descriptor={"edition": "2025-07"}, label="旧")
    old["revision"] = "abc123"
    report = compare(old, edition(item(1), version="1.0.1", descriptor={"edition": "2026-01"}, label="新"))
    assert set(report) == {"from", "to", "summary", "items", "renumbered", "likely", "registers", "corrections", "schema",
                           "descriptor", "structure", "by_department", "warnings", "notes"}
    assert report["structure"] == [] and report["warnings"] == []
    assert report["from"] == {"label": "旧", "revision": "abc123", "version": "1.0.0", "edition": "2025-07"}
    assert report["to"] == {"label": "新", "revision": None, "version": "1.0.1", "edition": "2026-01"}


def test_editions_without_corrections_schemas_or_a_register_compare():
    old, new = edition(item(1)), edition(item(1), item(2))
    for side in (old, new):
        del side["corrections"], side["schemas"]
        side["registers"] = {}
    report = compare(old, new)
    assert report["corrections"] == {"added": [], "removed": [], "changed": []} and report["schema"] == []
    assert report["registers"]["categories"] == {"added": [], "removed": [], "changed": []}
    report = compare(new, old)
    assert [change["change"] for change in report["items"]] == ["removed"]


def test_an_item_without_a_name_or_departments_prints_no_none():
    old = edition(item(1, "coordinated"))
    bare = item(1, "reclaimed")
    del bare["name"], bare["departments"]
    change = only(compare(old, edition(bare)), A)
    assert (change["change"], change["name"], change["reclaimed_by"]) == ("reclaimed", "", [])
    change = only(compare(edition(bare), old), A)
    assert (change["change"], change["name"], change["reclaimed_by"]) == ("returned", "事项1", [])
    change = only(compare(edition(), edition(bare)), A)
    assert change["name"] == ""


def test_the_empty_edition_note_says_every_item_is_removed():
    notes = compare(edition(item(1)), empty_edition())["notes"]
    assert len(notes) == 1 and "every item is removed" in notes[0]
    assert compare(empty_edition(), edition())["from"]["label"] == "empty edition"


def test_a_step_field_change_in_compare_is_a_steps_change():
    old = edition(item(1, "coordinated", county_duties=["1.甲;", "2.乙。"]))
    new = edition(item(1, "coordinated", county_duties=["1.甲;", "2.乙丙。"]))
    field = only(compare(old, new), A)["fields"][0]
    assert (field["field"], field["kind"]) == ("county_duties", "steps")
    assert [(step["step"], step["old_index"], step["new_index"]) for step in field["steps"]] == [("changed", 2, 2)]


def test_a_text_field_of_another_type_on_one_side_does_not_crash():
    change = only(compare(edition(item(1, page="3")), edition(item(1, page=4))), A)
    assert (change["fields"][0]["old"], change["fields"][0]["new"]) == ("3", 4)
    assert "inline" not in change["fields"][0]


def test_a_renumbered_run_gives_both_ends():
    old = edition(*(item(n, seq=n) for n in (1, 2, 3)))
    new = edition(*(item(n, seq=n + 2) for n in (1, 2, 3)))
    assert compare(old, new)["renumbered"]["runs"] == [
        {"list": "basic", "old_first": 1, "old_last": 3, "new_first": 3, "new_last": 5, "shift": 2, "count": 3}]


def test_a_bare_carriage_return_is_a_line_ending_not_a_change():
    assert compare(edition(item(1, name="甲\r乙")), edition(item(1, name="甲\n乙")))["items"] == []
    assert compare(edition(item(1, name="甲\r\n乙")), edition(item(1, name="甲\n乙")))["items"] == []
    assert compare(edition(item(1, name="甲\r\r乙")), edition(item(1, name="甲\n\n乙")))["items"] == []
    assert compare(edition(item(1, name="甲\r乙")), edition(item(1, name="甲乙")))["items"] != []


def test_register_changes_give_old_and_new_values_and_a_column_of_one_side_is_a_structure_change():
    old = {"categories": {"甲": {"name": "甲", "name_en": "a", "note": "n"}}, "departments": {}}
    new = {"categories": {"甲": {"name": "甲", "name_en": "b", "level": "county"}}, "departments": {}}
    old_side, new_side = edition(registers=old), edition(registers=new)
    old_side["columns"] = {"categories": ["name", "name_en", "note"]}
    new_side["columns"] = {"categories": ["name", "name_en", "level"]}
    report = compare(old_side, new_side)
    changes = report["registers"]["categories"]["changed"][0]["fields"]
    assert [(f["field"], f["old"], f["new"]) for f in changes] == [("name_en", "a", "b")]
    assert report["structure"] == [{"resource": "categories", "change": "column-renamed", "column": "level", "old_column": "note"}]


def test_a_register_row_is_reported_by_the_key_the_loader_gave_it():
    """core.edition keys a row without a name by the empty name, and a repeated name as '<name> (row N)'."""
    old = {"categories": {"": {"name_en": "a"}, "甲 (row 3)": {"name": "甲", "name_en": "a"}}, "departments": {}}
    new = {"categories": {"": {"name_en": "b"}, "甲 (row 3)": {"name": "甲", "name_en": "b"}}, "departments": {}}
    changed = compare(edition(registers=old), edition(registers=new))["registers"]["categories"]["changed"]
    assert [change["name"] for change in changed] == ["", "甲 (row 3)"]


def test_descriptor_changes_give_old_and_new():
    changes = compare(edition(descriptor={"title": "甲"}), edition(descriptor={"title": "乙"}))["descriptor"]["changed"]
    assert changes == [{"field": "title", "path": "title", "change": "changed", "old": "甲", "new": "乙"}]


def test_departments_are_sorted_by_name_with_no_department_last():
    old = edition()
    new = edition(item(1, "coordinated", departments=["乙局"]), item(2, "coordinated", departments=["甲局"]), item(3))
    order = [group["department"] for group in compare(old, new)["by_department"]]
    assert order == sorted(["乙局", "甲局"]) + [None]


@pytest.mark.slow
def test_summary_counts_every_kind_of_change():
    record = {"item_id": A, "field": "name", "extracted": "x", "corrected": "y"}
    old = edition(item(1), item(2), item(3, seq=3), item(5, seq=4), corrections=[record],
                  registers={"categories": {"甲": {"name": "甲"}}, "departments": {}},
                  descriptor={"title": "t", "resources": [{"name": "a"}, {"name": "b"}]}, schemas={"a": {"fields": []}})
    new = edition(item(1, name="改"), item(2, name="改"), item(3, seq=4), item(5, seq=5), item(6), item(7),
                  registers={"categories": {}, "departments": {"乙": {"name": "乙"}}},
                  descriptor={"title": "u", "resources": [{"name": "c"}]}, schemas={"a": {"fields": [{"name": "f"}]}, "b": {"fields": []}})
    summary = compare(old, new)["summary"]
    assert (summary["changed"], summary["added"], summary["renumbered"]) == (2, 2, 2)
    assert (summary["registers"], summary["corrections"], summary["schema"], summary["descriptor"]) == (2, 1, 2, 4)
    assert "items changed: 2" in [reason["reason"] for reason in summary["bump_reasons"]]


def test_matched_characters_is_symmetric_where_difflib_is_not():
    # difflib aligns 'abbaa' → 'baccaab' on 2 characters and 'baccaab' → 'abbaa' on 3
    assert matched_characters("abbaa", "baccaab") == matched_characters("baccaab", "abbaa")


def test_long_texts_are_diffed_without_difflib_autojunk():
    """Past 200 characters difflib's autojunk would ignore frequent characters and report everything as changed."""
    generator = random.Random(2)
    old = "".join(generator.choice("甲乙丙丁") for _ in range(250))
    new = old[:100] + "戊" + old[101:]
    ops = inline_ops(old, new)
    assert sum(len(text) for op, text in ops if op != "equal") == 2  # one character out, one in
    assert "".join(text for op, text in ops if op != "insert") == old and "".join(text for op, text in ops if op != "delete") == new
    assert matched_characters("甲乙" * 110, "乙甲" * 110) == 219
    old_steps = ["甲"] * 150 + ["乙"] + ["丙"] * 60
    new_steps = ["甲"] * 150 + ["丁"] + ["丙"] * 60
    assert [(step["step"], step["old_index"], step["new_index"]) for step in step_changes(old_steps, new_steps)] == [("changed", 151, 151)]


def test_inline_ops_never_merge_text_with_an_operation_of_the_same_name():
    assert inline_ops("deleteA", "deleteB") == [["equal", "delete"], ["delete", "A"], ["insert", "B"]]
    assert inline_ops("insertA", "insertAB") == [["equal", "insertA"], ["insert", "B"]]


def test_steps_replaced_by_fewer_steps_are_changed_then_removed():
    steps = step_changes(["1.丙;", "2.甲;", "3.乙。"], ["1.丙;", "2.甲甲;"])
    assert steps == [
        {"step": "changed", "old_index": 2, "new_index": 2, "old": "2.甲;", "new": "2.甲甲;", "inline": [["equal", "2.甲"], ["insert", "甲"], ["equal", ";"]]},
        {"step": "removed", "old_index": 3, "new_index": None, "old": "3.乙。", "new": None},
    ]
    mirrored = step_changes(["1.丙;", "2.甲甲;"], ["1.丙;", "2.甲;", "3.乙。"])
    assert [(step["step"], step["old_index"], step["new_index"], step["old"], step["new"]) for step in mirrored] == [
        ("changed", 2, 2, "2.甲甲;", "2.甲;"), ("added", None, 3, None, "3.乙。")]


def test_likely_renames_are_best_first_then_sorted_by_removed_id():
    found = likely({1: "甲乙丙丁戊己子丑", 3: "甲乙丙丁戊己庚辛", 5: "子丑寅卯辰巳午未申"},
                   {2: "甲乙丙丁戊己庚辛癸", 6: "子丑寅卯辰巳午未酉"})
    assert found["renames"] == [
        {"removed": "652325100-0003", "added": "652325100-0002", "similarity": 0.941},
        {"removed": "652325100-0005", "added": "652325100-0006", "similarity": 0.889},
    ]
    found = likely({1: "甲乙丙丁戊己庚辛", 3: "甲乙丙丁戊己子丑", 9: "子丑寅卯辰巳午未申"},
                   {2: "甲乙丙丁戊己庚辛癸", 6: "子丑寅卯辰巳午未酉"})
    assert [(r["removed"], r["added"]) for r in found["renames"]] == [("652325100-0001", "652325100-0002"), ("652325100-0009", "652325100-0006")]


def test_the_division_code_is_everything_before_the_last_hyphen():
    assert resemblances({"65-2325100-0001": "甲乙丙丁戊己"}, {"65-2325101-0002": "甲乙丙丁戊己"})["renames"] == []
    assert resemblances({"65-2325100-0001": "甲乙丙丁戊己"}, {"65-2325100-0002": "甲乙丙丁戊己"})["renames"] != []


def test_split_parts_of_four_characters_and_containment_of_four_fifths_count():
    found = likely({1: "甲乙丙丁子丑寅卯"}, {2: "甲乙丙丁", 3: "子丑寅卯"})
    assert found["splits"][0]["added"] == ["652325100-0002", "652325100-0003"]
    found = likely({1: "甲乙丙丁子丑寅卯辰午未申酉"}, {2: "甲乙丙丁戌", 3: "辰午未申酉亥"})  # 4 of 5, 5 of 6
    assert found["splits"] == [{"removed": "652325100-0001", "added": ["652325100-0002", "652325100-0003"], "containment": [0.8, 0.833]}]


def test_a_used_id_does_not_stop_the_search_for_other_renames():
    found = likely({1: "甲乙丙丁戊己庚辛", 3: "甲乙丙丁戊己子丑", 11: "天地玄黄宇宙洪荒"},
                   {2: "甲乙丙丁戊己庚辛癸", 12: "天地玄黄宇宙日月盈昃"})  # 0.941, 0.706 (2 is taken), then 0.667
    assert [(r["removed"], r["added"]) for r in found["renames"]] == [("652325100-0001", "652325100-0002"), ("652325100-0011", "652325100-0012")]


def test_candidates_share_character_pairs_not_triples():
    assert likely({1: "甲乙子丙丁丑戊己"}, {2: "甲乙寅丙丁卯戊己"})["renames"] != []  # 甲乙, 丙丁, 戊己 shared; no triple
    assert likely({1: "甲乙子丙丁丑戊己天"}, {2: "甲乙寅丙丁卯戊己地"})["renames"] != []  # the same, none of them last
    assert likely({1: "子丙丁"}, {2: "丑丙丁"})["renames"] != []  # only the last pair is shared


@pytest.mark.parametrize("sharing, found", [(200, True), (201, False)])
def test_a_character_pair_shared_by_more_than_200_names_links_no_candidates(sharing, found):
    """The linear-time bound: a pair as common as 甲乙 in 201 names is no evidence (README: candidates, within a code)."""
    many = {n: "甲乙丙丁" + chr(0x4E00 + 2000 + n) + chr(0x4E00 + 3000 + n) for n in range(1, sharing + 1)}
    one = {5000: "甲乙丙丁〇"}
    assert bool(likely(many, one)["renames"]) is found
    assert bool(likely(one, many)["renames"]) is found


# --- what the re-run of mutation testing found untested (compare.py after lenient loading) ---------------

def test_a_nested_descriptor_value_gives_each_changed_path():
    old = edition(descriptor={"licenses": [{"name": "CC0", "path": "a"}], "contributors": [{"title": "甲"}], "keywords": ["x", "y"],
                              "sources": {"a": 1}, "n": 1})
    new = edition(descriptor={"licenses": [{"name": "CC-BY", "path": "a", "title": "t"}], "contributors": [], "keywords": ["x", "y", "z"],
                              "sources": [1], "n": [1]})
    assert compare(old, new)["descriptor"]["changed"] == [
        {"field": "contributors", "path": "contributors[0]", "change": "removed", "old": {"title": "甲"}},
        {"field": "keywords", "path": "keywords[2]", "change": "added", "new": "z"},
        {"field": "licenses", "path": "licenses", "change": "changed",  # licenses are compared by name: the only one replaced
         "old": [{"name": "CC0", "path": "a"}], "new": [{"name": "CC-BY", "path": "a", "title": "t"}]},
        {"field": "n", "path": "n", "change": "changed", "old": 1, "new": [1]},
        {"field": "sources", "path": "sources", "change": "changed", "old": {"a": 1}, "new": [1]},
    ]


def test_values_strict_json_cannot_hold_become_visible_strings():
    old = edition(descriptor={"v": float("nan"), "w": [float("inf"), "\ud800"], "\ud801k": 1})
    new = edition(descriptor={"v": float("-inf"), "w": [], "\ud801k": 2})
    changed = compare(old, new)["descriptor"]["changed"]
    assert changed == [
        {"field": "v", "path": "v", "change": "changed", "old": "NaN", "new": "-Infinity"},
        {"field": "w", "path": "w[0]", "change": "removed", "old": "Infinity"},
        {"field": "w", "path": "w[1]", "change": "removed", "old": "⟨U+D800⟩"},
        {"field": "⟨U+D801⟩k", "path": "⟨U+D801⟩k", "change": "changed", "old": 1, "new": 2},
    ]
    json.dumps(changed, allow_nan=False).encode("utf-8")  # strict JSON, encodable as UTF-8


def test_column_changes_are_renamed_by_position_added_removed_or_duplicated():
    old, new = edition(), edition()
    old["columns"] = {"basic-duties": ["id", "seq", "name", "note"], "categories": ["name", "name_en", "gone"], "only-old": ["a"],
                      "departments": ["name", "level (column 2)", "level (column 3)"]}
    new["columns"] = {"basic-duties": ["id", "seq", "name", "remark", "extra"], "categories": ["name", "name_en"], "only-new": ["a"],
                      "departments": ["name", "level (column 2)", "level (column 3)", "x (column 4)", "x (column 5)"]}
    report = compare(old, new)
    assert report["structure"] == [
        {"resource": "basic-duties", "change": "column-renamed", "column": "remark", "old_column": "note"},
        {"resource": "basic-duties", "change": "column-added", "column": "extra"},
        {"resource": "categories", "change": "column-removed", "column": "gone"},
        {"resource": "departments", "change": "column-duplicated", "column": "x"},
    ]
    assert report["summary"]["structure"] == 4 and report["summary"]["identical"] is False
    assert compare(old, old)["structure"] == [] and compare(old, old)["summary"]["identical"] is True


def test_what_was_read_leniently_is_reported_with_its_side():
    old, new = edition(), edition()
    old["warnings"] = [{"code": "cell-not-a-number", "file": "data/basic-duties.csv", "row": 3}]
    new["warnings"] = [{"code": "ragged-row", "file": "data/categories.csv", "row": 2}]
    assert compare(old, new)["warnings"] == [
        {"side": "old", "code": "cell-not-a-number", "file": "data/basic-duties.csv", "row": 3},
        {"side": "new", "code": "ragged-row", "file": "data/categories.csv", "row": 2},
    ]


def test_a_field_of_one_side_is_a_change_unless_its_column_was_added_or_removed():
    """An item moved to a list without those columns, or a ragged row's extra cells: field changes with the
    absent side. A column added to or removed from the list's CSV: one structure change, no field change per item."""
    header = {"basic-duties": ["id", "seq", "category", "name", "page"],
              "coordinated-duties": ["id", "seq", "category", "name", "departments", "county_duties", "town_duties", "page"]}
    old = edition(item(1, "coordinated"), item(2), item(3), item(4, note="旧列"))
    new = edition(item(1, "basic"), item(2, remark="新列"), item(3, **{"(extra cells)": "多出的"}), item(4))
    old["columns"] = {**header, "basic-duties": header["basic-duties"] + ["note"]}
    new["columns"] = {**header, "basic-duties": header["basic-duties"] + ["remark"]}
    report = compare(old, new)
    moved = only(report, A)
    assert [(f["field"], f["old"], f["new"], f["absent"]) for f in moved["fields"]] == [
        ("departments", ["奇台县民政局"], [], "new"), ("county_duties", ["1.统筹。"], [], "new"), ("town_duties", ["1.配合。"], [], "new")]
    assert [(f["field"], f["old"], f["new"], f["absent"]) for f in only(report, C)["fields"]] == [("(extra cells)", "", "多出的", "old")]
    assert [change["id"] for change in report["items"]] == [A, C]
    assert report["structure"] == [{"resource": "basic-duties", "change": "column-renamed", "column": "remark", "old_column": "note"}]
    for side in (old, new):
        del side["columns"]  # no header known: a field of one side is a change
    fields = {change["id"]: [(f["field"], f["absent"]) for f in change["fields"]] for change in compare(old, new)["items"]}
    assert fields[B] == [("remark", "old")] and fields[D] == [("note", "new")]


def test_a_seq_that_is_not_a_whole_number_is_a_field_change_not_a_renumbering():
    report = compare(edition(item(1, seq="3a"), item(2, seq=2)), edition(item(1, seq=3), item(2, seq="2.0")))
    assert [(change["id"], change["change"], [(f["field"], f["old"], f["new"]) for f in change["fields"]]) for change in report["items"]] == [
        (A, "changed", [("seq", "3a", 3)]), (B, "changed", [("seq", 2, "2.0")])]
    assert report["renumbered"]["count"] == 0


def test_a_register_rows_extra_cells_are_a_change_with_the_absent_side():
    plain = {"categories": {"甲": {"name": "甲", "name_en": "a"}}, "departments": {}}
    ragged = {"categories": {"甲": {"name": "甲", "name_en": "a", "(extra cells)": "x,y", None: ["z"]}}, "departments": {}}
    for old, new, absent, before, after in ((plain, ragged, "old", "", "x,y"), (ragged, plain, "new", "x,y", "")):
        changed = compare(edition(registers=old), edition(registers=new))["registers"]["categories"]["changed"]
        assert [(c["name"], [(f["field"], f["old"], f["new"], f["absent"]) for f in c["fields"]]) for c in changed] == [
            ("甲", [("(extra cells)", before, after, absent)])]


def test_structure_changes_give_their_bump_and_name_the_columns():
    old, new = edition(), edition()
    old["columns"] = {"basic-duties": ["id", "note", "x"]}
    new["columns"] = {"basic-duties": ["id", "remark", "y", "z"]}
    summary = compare(old, new)["summary"]
    assert summary["bump"] == "major"
    assert summary["bump_reasons"] == [{"bump": "major", "reason": "column-renamed: basic-duties.note → remark"},
                                       {"bump": "major", "reason": "column-renamed: basic-duties.x → y"},
                                       {"bump": "minor", "reason": "column-added: basic-duties.z"}]


@pytest.mark.parametrize("value, shown", [
    ("1.0.0", "1.0.0"), (None, None), (1.1, "1.1"), (float("nan"), "NaN"), (["1", "甲"], '["1", "甲"]'), (True, "true"),
])
def test_a_version_or_edition_that_is_not_a_string_is_shown_as_json_text(value, shown):
    old = edition()
    old["descriptor"].update(version=value, edition=value)
    side = compare(old, edition())["from"]
    assert (side["version"], side["edition"]) == (shown, shown)


def test_every_lone_surrogate_is_shown_and_nothing_else_is_touched():
    """U+D800 to U+DFFF, the last one too; U+E000 (a private-use character) is a character like any other."""
    old = edition(descriptor={"x": 1, "y": "\udfff\ue000"})
    new = edition(descriptor={"x": {"\udfff": "\ue000"}, "y": "\ue000"})
    assert compare(old, new)["descriptor"]["changed"] == [
        {"field": "x", "path": "x", "change": "changed", "old": 1, "new": {"⟨U+DFFF⟩": "\ue000"}},
        {"field": "y", "path": "y", "change": "changed", "old": "⟨U+DFFF⟩\ue000", "new": "\ue000"},
    ]


def test_correction_records_are_paired_only_one_to_one_and_an_empty_extracted_text_is_part_of_the_key():
    fill = {"item_id": A, "field": "category", "extracted": "", "corrected": "甲", "kind": "missing", "status": "inferred", "evidence": "e"}
    changed = compare(edition(corrections=[fill]), edition(corrections=[{**fill, "corrected": "乙"}]))["corrections"]["changed"]
    assert [change["key"] for change in changed] == [{"item_id": A, "field": "category", "extracted": ""}]
    two = [fill, {**fill, "evidence": "f"}]  # two records share the key on the old side: no pairing, one added, two removed
    corrections = compare(edition(corrections=two), edition(corrections=[{**fill, "corrected": "乙"}]))["corrections"]
    assert (len(corrections["added"]), len(corrections["removed"]), corrections["changed"]) == (1, 2, [])
    corrections = compare(edition(corrections=[{**fill, "corrected": "乙"}]), edition(corrections=two))["corrections"]
    assert (len(corrections["added"]), len(corrections["removed"]), corrections["changed"]) == (2, 1, [])


def test_the_summary_counts_the_warnings_of_both_sides():
    old, new = edition(), edition()
    old["warnings"] = [{"code": "ragged-row"}, {"code": "duplicate-id"}]
    new["warnings"] = [{"code": "cell-not-a-number"}]
    assert compare(old, new)["summary"]["warnings"] == 3 and compare(edition(), edition())["summary"]["warnings"] == 0


def test_an_item_moved_to_a_list_with_more_columns_shows_the_new_fields():
    header = {"basic-duties": ["id", "seq", "category", "name", "page"],
              "coordinated-duties": ["id", "seq", "category", "name", "departments", "county_duties", "town_duties", "page"]}
    old, new = edition(item(1)), edition(item(1, "coordinated"))
    old["columns"], new["columns"] = header, header
    moved = only(compare(old, new), A)
    assert moved["change"] == "moved"
    assert [(f["field"], f["old"], f["new"], f["absent"]) for f in moved["fields"]] == [
        ("departments", [], ["奇台县民政局"], "old"), ("county_duties", [], ["1.统筹。"], "old"), ("town_duties", [], ["1.配合。"], "old")]


def test_bigrams_of_short_and_long_texts():
    """The pairs of neighbouring characters; a one-character text is its own only 'pair' (core/similarity.py)."""
    from dutylist.core.similarity import bigrams, similarity
    assert bigrams("奇台镇") == {"奇台", "台镇"}
    assert bigrams("奇台") == {"奇台"}
    assert bigrams("奇") == {"奇"}
    assert similarity("奇台", "奇台") == 1.0
