"""`dutylist record` (issue 20): the edits made to data/ with any tool become amendment records in one step, through
the real command line in a real git repository; a change that looks like extraction damage is offered as a
correction instead; and the package then passes every data check CI runs."""

import json

import pytest

from amend_repo import REASON, amendments, check, dutylist, import_report, release_and_check, released_repo, rows

BASIC = "basic-duties"


@pytest.fixture
def repo(tmp_path):
    return released_repo(tmp_path / "repo")


@pytest.mark.slow
def test_a_hand_edit_a_new_row_and_a_removed_row_are_recorded_and_import_source_gives_data_back(repo):
    repo.update(BASIC, "652325100-0003", name="组织开展基层理论宣讲宣传活动")
    repo.append(BASIC, id="652325100-0180", category="民生服务", name="开展老年人防范电信网络诈骗宣传教育", page="10")
    report, code = import_report(repo)
    assert code == 1 and {d["id"] for d in report["unrecorded"]} == {"652325100-0003", "652325100-0180"}
    assert report["links"]["retired"] == []  # an added item is an edit to record, not an id the source retired

    dry = dutylist(repo, "record", *REASON, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would record 6 amendment(s)" in dry.output and "nothing written (--dry-run)" in dry.output
    assert amendments(repo) == []

    result = dutylist(repo, "record", *REASON)
    assert result.exit_code == 0, result.output
    written = amendments(repo)
    assert [(r["item_id"], r["operation"], r["field"], r["before"], r["after"]) for r in written] == [
        ("652325100-0003", "change", "name", "组织开展基层理论宣讲，深化习近平新时代中国特色社会主义思想进万家活动", "组织开展基层理论宣讲宣传活动"),
        ("652325100-0180", "add", "list", "", "basic"),
        ("652325100-0180", "renumber", "seq", "", "86"),
        ("652325100-0180", "change", "category", "", "民生服务"),
        ("652325100-0180", "change", "name", "", "开展老年人防范电信网络诈骗宣传教育"),
        ("652325100-0180", "change", "page", "", "10"),
    ]
    assert {(r["reason"], r["authority"], r["by"]) for r in written} == {("county notice", "county notice 2026-3, 2026-03-02", "Maintainer")}
    report, code = import_report(repo)
    assert code == 0 and report["ok"] and report["differences"] == []
    assert dutylist(repo, "record", *REASON).output.startswith("nothing to record")

    repo.take(BASIC, "652325100-0084")  # removed, the items after it renumbered (by hand)
    result = dutylist(repo, "record", "--reason", "duty abolished")
    assert result.exit_code == 0, result.output
    assert ("652325100-0084", "remove", "list", "basic", "") in [(r["item_id"], r["operation"], r["field"], r["before"], r["after"])
                                                                 for r in amendments(repo)]
    assert import_report(repo)[0]["ok"]


@pytest.mark.slow
def test_a_change_that_looks_like_extraction_damage_is_offered_as_a_correction_and_left_unrecorded(repo):
    coordinated = repo.path("coordinated-duties")
    coordinated.write_text(coordinated.read_text(encoding="utf-8").replace("见组共同协同听允", "县组共同协同听允"), encoding="utf-8")
    repo.update(BASIC, "652325100-0003", name="组织开展基层理论宣讲宣传活动")
    result = dutylist(repo, "record", *REASON)
    assert result.exit_code == 1
    assert "1 change(s) look like extraction damage, not recorded" in result.output
    assert "data/corrections.csv row 36 flags '见组共同协同听允'" in result.output
    assert "change row 36 of data/corrections.csv" in result.output
    assert "dutylist record --all --item 652325100-0096 --reason TEXT" in result.output
    assert [r["item_id"] for r in amendments(repo)] == ["652325100-0003"]  # the editorial change is recorded, the damage not

    glued = dutylist(repo, "record", "--reason", "x", "--format", "json")
    assert glued.exit_code == 1 and json.loads(glued.stdout)["suspected_damage"][0]["record"]["item_id"] == "652325100-0096"
    forced = dutylist(repo, "record", "--all", "--item", "652325100-0096", "--reason", "an editorial change after all")
    assert forced.exit_code == 0, forced.output
    assert import_report(repo)[0]["ok"]


@pytest.mark.slow
def test_record_without_a_reason_or_with_an_unknown_item_is_refused_and_writes_nothing(repo):
    repo.update(BASIC, "652325100-0003", name="组织开展基层理论宣讲宣传活动")
    result = dutylist(repo, "record")
    assert result.exit_code == 2 and "--reason TEXT" in result.output and amendments(repo) == []
    result = dutylist(repo, "record", "--reason", "x", "--item", "652325100-0999", "--format", "json")
    assert result.exit_code == 2 and "652325100-0999" in json.loads(result.stdout)["error"]["message"]


def test_records_that_no_longer_apply_stop_record_with_the_row_named(repo):
    (repo.root / "data" / "amendments.csv").write_text(
        "item_id,operation,field,before,after,reason,authority,by,date\n"
        "652325100-0003,change,name,not what it holds,new,x,,,2026-12-03\n", encoding="utf-8")
    result = dutylist(repo, "record", "--reason", "x")
    assert result.exit_code == 2
    assert "data/amendments.csv:2  amendment-before-differs" in result.output and "None" not in result.output


@pytest.mark.slow
def test_after_recording_a_hand_edit_and_releasing_every_data_check_of_ci_passes(repo):
    repo.update(BASIC, "652325100-0003", name="组织开展基层理论宣讲宣传活动")
    unrecorded = check(repo)
    assert unrecorded.returncode == 1 and "FAIL  dutylist import-source" in unrecorded.stdout
    assert dutylist(repo, "record", *REASON).exit_code == 0
    result = release_and_check(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all 5 data checks of CI pass" in result.stdout
    assert rows(repo, BASIC)[2]["name"] == "组织开展基层理论宣讲宣传活动"
