"""`dutylist move-item`, `dutylist renumber` and `dutylist new-item`'s placement (issue 20): each edit reshapes or
renumbers the lists, records its own amendments (ids never change), and leaves a package that import-source
reproduces exactly and every data check of CI passes."""

import pytest

from amend_repo import REASON, amendments, dutylist, import_report, release_and_check, released_repo, rows

COORDINATED, RECLAIMED, BASIC = "coordinated-duties", "reclaimed-duties", "basic-duties"


@pytest.fixture
def repo(tmp_path):
    return released_repo(tmp_path / "repo")


def item(repo, resource, item_id):
    return next((row for row in rows(repo, resource) if row["id"] == item_id), None)


def test_moving_a_coordinated_item_to_the_reclaimed_list_makes_its_county_duties_the_handling(repo):
    before = item(repo, COORDINATED, "652325100-0125")
    result = dutylist(repo, "move-item", "652325100-0125", "--to", "reclaimed", "--after", "652325100-0154", *REASON)
    assert result.exit_code == 0, result.output
    assert "handling: from county_duties" in result.output and "town_duties: emptied" in result.output
    assert "28 other items renumbered" in result.output  # the screen fits: a run of 序号 changes is one line
    assert item(repo, COORDINATED, "652325100-0125") is None
    moved = item(repo, RECLAIMED, "652325100-0125")
    assert moved == {"id": "652325100-0125", "seq": "2", "category": before["category"], "name": before["name"],
                     "departments": before["departments"], "handling": before["county_duties"], "page": before["page"]}
    assert [row["seq"] for row in rows(repo, COORDINATED)] == [str(n) for n in range(1, 68)]
    assert [row["seq"] for row in rows(repo, RECLAIMED)] == [str(n) for n in range(1, 28)]
    records = [(r["item_id"], r["operation"], r["field"], r["before"], r["after"]) for r in amendments(repo)]
    assert ("652325100-0125", "change", "town_duties", before["town_duties"], "") in records  # its text is kept in the record
    assert ("652325100-0125", "move", "list", "coordinated", "reclaimed") in records
    report, code = import_report(repo)
    assert code == 0 and report["ok"], report["amendment_problems"]


@pytest.mark.slow
def test_moving_a_basic_item_leaves_what_it_cannot_fill_empty_and_says_so_or_takes_the_options(repo):
    result = dutylist(repo, "move-item", "652325100-0003", "--to", "coordinated", "--dry-run", *REASON)
    assert result.exit_code == 0, result.output
    assert "departments: left empty (the item has nothing for it; give --department to fill it)" in result.output
    assert "county_duties: left empty" in result.output and "dry run: nothing written" in result.output
    assert amendments(repo) == []
    result = dutylist(repo, "move-item", "652325100-0003", "--to", "coordinated", "--department", "奇台县委宣传部",
                      "--county-duty", "1.统筹部署。", "--town-duty", "1.做好配合工作。", *REASON)
    assert result.exit_code == 0, result.output
    moved = item(repo, COORDINATED, "652325100-0003")
    assert (moved["departments"], moved["county_duties"], moved["town_duties"], moved["seq"]) == (
        "奇台县委宣传部", "1.统筹部署。", "1.做好配合工作。", "69")
    assert import_report(repo)[0]["ok"]


@pytest.mark.slow
def test_move_item_refuses_an_unknown_id_the_same_list_or_an_unknown_after(repo):
    assert dutylist(repo, "move-item", "652325100-0999", "--to", "basic", *REASON).exit_code == 2
    same = dutylist(repo, "move-item", "652325100-0003", "--to", "basic", *REASON)
    assert same.exit_code == 2 and "already in the basic list" in same.output
    after = dutylist(repo, "move-item", "652325100-0003", "--to", "reclaimed", "--after", "652325100-0001", *REASON)
    assert after.exit_code == 2 and "--after 652325100-0001" in after.output
    assert amendments(repo) == []


@pytest.mark.slow
def test_renumber_after_a_row_removed_by_hand_records_each_seq_and_record_the_removal(repo):
    fieldnames, basic = repo.rows(BASIC)
    repo.write_rows(BASIC, fieldnames, [row for row in basic if row["id"] != "652325100-0080"])
    result = dutylist(repo, "renumber", "basic", "--reason", "duty abolished")
    assert result.exit_code == 0, result.output
    assert [(r["item_id"], r["before"], r["after"]) for r in amendments(repo)] == [
        (f"652325100-{n:04d}", str(n), str(n - 1)) for n in range(81, 86)]
    assert dutylist(repo, "record", "--reason", "duty abolished").exit_code == 0
    assert import_report(repo)[0]["ok"]
    assert dutylist(repo, "renumber", "basic", "--reason", "x").output.startswith("renumbered the basic list: nothing to change")


@pytest.mark.slow
def test_new_item_placed_after_an_item_or_in_its_category_records_itself_and_the_items_it_pushes_down(repo):
    result = dutylist(repo, "new-item", "--list", "basic", "--category", "民生服务", "--name", "开展老年人防范电信网络诈骗宣传教育",
                      "--page", "10", "--after", "652325100-0001", *REASON)
    assert result.exit_code == 0, result.output
    assert "as 基本履职事项清单 第 2 项" in result.output and "(84 item(s) after it moved down one 序号)" in result.output
    assert [row["id"] for row in rows(repo, BASIC)][:3] == ["652325100-0001", "652325100-0180", "652325100-0002"]
    assert item(repo, BASIC, "652325100-0002")["seq"] == "3"  # ids never change; the 序号 does
    result = dutylist(repo, "new-item", "--list", "basic", "--category", "党的建设", "--name", "开展党员教育培训", "--page", "3",
                      "--in-category", *REASON)
    assert result.exit_code == 0, result.output
    basic = rows(repo, BASIC)
    placed = [index for index, row in enumerate(basic) if row["id"] == "652325100-0181"][0]
    assert basic[placed - 1]["category"] == "党的建设" and basic[placed + 1]["category"] != "党的建设"
    assert [row["seq"] for row in basic] == [str(n) for n in range(1, 88)]
    report, code = import_report(repo)
    assert code == 0 and report["ok"]


@pytest.mark.slow
def test_after_a_move_a_new_item_and_a_renumbering_every_data_check_of_ci_passes(repo):
    assert dutylist(repo, "move-item", "652325100-0125", "--to", "reclaimed", *REASON).exit_code == 0
    assert dutylist(repo, "new-item", "--list", "basic", "--category", "民生服务", "--name", "开展老年人防范电信网络诈骗宣传教育",
                    "--page", "10", "--in-category", *REASON).exit_code == 0
    fieldnames, basic = repo.rows(BASIC)
    repo.write_rows(BASIC, fieldnames, [basic[1], basic[0], *basic[2:]])  # two rows swapped by hand: the item moves up
    assert dutylist(repo, "renumber", "basic", *REASON).exit_code == 0
    result = release_and_check(repo)
    assert result.returncode == 0, result.stdout + result.stderr
