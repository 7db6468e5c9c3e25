"""The streaming diff (diff/stream.py, what `dutylist diff` runs) gives exactly the report of compare() on whole editions."""

import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diff_repo import EDITS
from dutylist.core.edition import FolderReader, GitReader
from dutylist.diff.compare import compare, empty_edition, renumbered_summary
from dutylist.diff.sides import SideError, load
from dutylist.diff.stream import ListMerge, NotWellFormed, RecordMerge, Side, _streamed, compare_readers


def both_ways(old_reader, new_reader, fast=True):
    """(full, streamed) reports for the same two readers: editions loaded whole as diff reads them, and streamed.

    With ``fast``, the streamed report must come from the fast path itself (no fallback to the whole path)."""
    old = load(old_reader, "OLD") if old_reader else empty_edition()
    new = load(new_reader, "NEW")
    streamed = _streamed(old_reader, new_reader) if fast else compare_readers(old_reader, new_reader)
    return compare(old, new), streamed


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(EDITS))
def test_each_kind_of_change_gives_the_same_report_streamed(repo, kind):
    edit, _ = EDITS[kind]
    edit(repo)
    import git

    base = GitReader(git.Repo(repo.root), "base")
    full, streamed = both_ways(base, FolderReader(repo.root))
    assert streamed == full
    assert streamed["summary"]["identical"] is False


@pytest.mark.slow
def test_renumbering_alone_and_every_list_count_are_kept(repo):
    """Items equal but for 序号 are never built; their renumbering and the list sizes still show."""
    import git

    repo.take("basic-duties", "652325100-0001")
    full, streamed = both_ways(GitReader(git.Repo(repo.root), "base"), FolderReader(repo.root))
    assert streamed == full
    assert streamed["renumbered"]["count"] == 84
    assert streamed["summary"]["lists"]["basic"] == {"before": 85, "after": 84}


def test_the_first_version_against_the_empty_edition(repo):
    full, streamed = both_ways(None, FolderReader(repo.root))
    assert streamed == full
    assert streamed["summary"]["added"] == 179


@pytest.mark.slow
def test_cells_equal_but_for_whitespace_are_no_change(repo, tmp_path):
    """Rows whose bytes differ are built and compared as items: trailing spaces and CRLF inside a cell are not changes."""
    import git

    _, rows = repo.rows("basic-duties")
    name = next(row["name"] for row in rows if row["id"] == "652325100-0005")
    repo.update("basic-duties", "652325100-0005", name=name + "  ")
    full, streamed = both_ways(GitReader(git.Repo(repo.root), "base"), FolderReader(repo.root))
    assert streamed == full and streamed["summary"]["identical"] is True


@pytest.mark.slow
@pytest.mark.parametrize("damage, warning", [
    (lambda text: text.replace("652325100-0002,2,", "652325100-0001,2,", 1), "duplicate-id"),
    (lambda text: text.replace(",3,", ",x,", 1), "not-a-whole-number"),
    (lambda text: text.replace(",3,", ",３,", 1), "not-a-whole-number"),
    (lambda text: text.replace("\n", ",extra\n", 3).replace("id,seq,category,name,page,extra", "id,seq,category,name,page", 1), "ragged-row"),
    (lambda text: text.replace("id,seq,category,name,page", "id,seq,category,name,name", 1), "duplicate-column"),
    (lambda text: text.replace("652325100-0004,", ",", 1), "missing-id"),
    (lambda text: "\ufeff" + text, "encoding-bom"),  # a spreadsheet's UTF-8 save: it still decodes, so it is compared
])
def test_a_list_read_with_a_warning_takes_the_whole_path_and_reports_the_same(repo, damage, warning):
    """The fast path reads well-formed lists only; anything else gives exactly the whole-edition report."""
    import git

    path = repo.path("basic-duties")
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    full, streamed = both_ways(GitReader(git.Repo(repo.root), "base"), FolderReader(repo.root), fast=False)
    assert streamed == full
    with pytest.raises(NotWellFormed):
        _streamed(GitReader(git.Repo(repo.root), "base"), FolderReader(repo.root))
    assert warning in {entry["code"] for entry in streamed["warnings"]}


@pytest.mark.slow
def test_a_list_in_git_saved_with_a_byte_order_mark_is_compared_with_a_warning(repo):
    import git

    path = repo.path("coordinated-duties")
    good = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + good)
    repo.commit("A list saved by a spreadsheet", tag="bom")
    path.write_bytes(good)
    full, streamed = both_ways(GitReader(git.Repo(repo.root), "bom"), FolderReader(repo.root), fast=False)
    assert streamed == full and streamed["summary"]["identical"]
    assert [(entry["code"], entry["file"]) for entry in streamed["warnings"]] == [("encoding-bom", "data/coordinated-duties.csv")]


def test_an_unreadable_list_is_refused_naming_the_side(repo):
    path = repo.path("basic-duties")
    path.write_text("", encoding="utf-8")
    with pytest.raises(SideError) as refused:
        compare_readers(None, FolderReader(repo.root))
    assert str(refused.value).startswith("NEW") and "is empty" in str(refused.value)


@pytest.mark.slow
def test_a_copy_in_another_folder_streams_the_same(repo, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(repo.root, copy, ignore=shutil.ignore_patterns(".git"))
    full, streamed = both_ways(FolderReader(repo.root), FolderReader(copy))
    assert streamed == full and streamed["summary"]["identical"] is True


@pytest.mark.slow
def test_correction_records_added_removed_changed_and_repeated_stream_the_same(repo):
    """Records equal to the byte on both sides are never built; the others are compared as compare() does."""
    import git

    fieldnames, rows = repo.rows("corrections")
    rows[0] = dict(rows[0], evidence=rows[0]["evidence"] + " (checked again)")
    removed = rows.pop(5)
    rows.append(dict(removed, item_id="652325100-0001"))
    rows.append(dict(rows[10]))  # a record given twice
    repo.write_rows("corrections", fieldnames, rows)
    full, streamed = both_ways(GitReader(git.Repo(repo.root), "base"), FolderReader(repo.root))
    assert streamed == full
    assert streamed["corrections"]["changed"] and streamed["corrections"]["added"] and streamed["corrections"]["removed"]


# The lockstep merge (diff/stream.py): rows out of step wait in pending maps until their partner comes.

def sides(old_reader, new_reader):
    return Side(old_reader, "OLD"), Side(new_reader, "NEW")


def base_and_tree(repo, tag="base"):
    import git

    return GitReader(git.Repo(repo.root), tag), FolderReader(repo.root)


@pytest.mark.slow
def test_an_item_moved_from_the_first_list_to_the_last_waits_until_the_last_list(repo):
    """The first row of the first list meets its partner only in the third list: reported as reclaimed, as whole."""
    taken = repo.take("basic-duties", "652325100-0001")
    repo.append("reclaimed-duties", id=taken["id"], category=taken["category"], name=taken["name"],
                departments="奇台县人民政府办公室", page="30")
    full, streamed = both_ways(*base_and_tree(repo))
    assert streamed == full
    moved = next(item for item in streamed["items"] if item["id"] == "652325100-0001")
    assert moved["change"] == "reclaimed" and moved["from"] == {"list": "basic", "seq": 1}
    assert streamed["renumbered"]["by_list"]["basic"] == 84


@pytest.mark.slow
def test_an_item_moved_from_the_last_list_to_the_first_and_back_to_its_place(repo):
    taken = repo.take("reclaimed-duties", "652325100-0179")
    fieldnames, rows = repo.rows("basic-duties")
    rows.insert(0, {field: "" for field in fieldnames} | {"id": taken["id"], "category": taken["category"], "name": taken["name"], "page": "1"})
    for number, row in enumerate(rows, 1):
        row["seq"] = str(number)
    repo.write_rows("basic-duties", fieldnames, rows)
    full, streamed = both_ways(*base_and_tree(repo))
    assert streamed == full
    assert {item["id"]: item["change"] for item in streamed["items"]} == {"652325100-0179": "returned"}


@pytest.mark.slow
@pytest.mark.parametrize("renumber", [False, True])
def test_rows_reordered_within_a_list_stream_the_same(repo, renumber):
    """Every row of a shuffled list is out of step: the worst case, where rows wait pending until their partner comes."""
    import random

    fieldnames, rows = repo.rows("coordinated-duties")
    random.Random(11).shuffle(rows)
    if renumber:
        for number, row in enumerate(rows, 1):
            row["seq"] = str(number)
    repo.write_rows("coordinated-duties", fieldnames, rows)
    full, streamed = both_ways(*base_and_tree(repo))
    assert streamed == full
    assert streamed["summary"]["identical"] is not renumber
    assert streamed["items"] == []
    merged = ListMerge(*sides(*base_and_tree(repo)))
    assert merged.peak > 20  # out of step, they wait: that is the cost of a reordering
    assert merged.items == ({}, {})


@pytest.mark.slow
def test_an_insertion_at_the_top_that_displaces_every_row_keeps_few_rows_pending(repo):
    """The inserted row waits (it is added), and one row of each side for a step, until the sides are back in step."""
    fieldnames, rows = repo.rows("basic-duties")
    rows.insert(0, {field: "" for field in fieldnames} | {"id": "652325100-0183", "category": "党的建设", "name": "新的事项", "page": "1"})
    for number, row in enumerate(rows, 1):
        row["seq"] = str(number)
    repo.write_rows("basic-duties", fieldnames, rows)
    full, streamed = both_ways(*base_and_tree(repo))
    assert streamed == full
    assert streamed["renumbered"]["runs"] == [{"list": "basic", "old_first": 1, "old_last": 85, "new_first": 2, "new_last": 86, "shift": 1, "count": 85}]
    merged = ListMerge(*sides(*base_and_tree(repo)))
    assert merged.peak <= 3 and list(merged.items[1]) == ["652325100-0183"] and merged.items[0] == {}
    assert merged.out_of_step <= 5  # the sides are back in step after three reads, not paired one step late to the end


@pytest.mark.slow
def test_an_id_used_twice_among_unchanged_rows_on_both_sides_takes_the_whole_path(repo):
    """Both copies are in step on both sides, so no pending map sees them: the ids' hashes do, and the whole path reports it."""
    path = repo.path("basic-duties")
    path.write_text(path.read_text(encoding="utf-8").replace("652325100-0002,2,", "652325100-0001,2,", 1), encoding="utf-8")
    repo.commit("An id used twice", tag="twice")
    repo.update("coordinated-duties", "652325100-0121", page="24")  # and one real change
    old, new = base_and_tree(repo, "twice")
    with pytest.raises(NotWellFormed):
        _streamed(old, new)
    full, streamed = both_ways(old, new, fast=False)
    assert streamed == full
    assert [entry["code"] for entry in streamed["warnings"]] == ["duplicate-id", "duplicate-id"]
    assert [item["id"] for item in streamed["items"]] == ["652325100-0121"]


@pytest.mark.slow
def test_two_ids_of_one_hash_only_cost_the_whole_path(repo, monkeypatch):
    """A hash is never taken for the id: if every id had the same hash, the report would still be exact."""
    from dutylist.diff import stream

    repo.update("coordinated-duties", "652325100-0121", page="24")
    monkeypatch.setattr(stream, "hash", lambda value: 42, raising=False)
    with pytest.raises(NotWellFormed):
        _streamed(*base_and_tree(repo))
    full, streamed = both_ways(*base_and_tree(repo), fast=False)
    assert streamed == full and [item["id"] for item in streamed["items"]] == ["652325100-0121"]


@pytest.mark.slow
def test_a_seq_used_twice_in_a_renumbered_list_streams_the_same(repo):
    """Renumberings are gathered as runs; where old 序号 overlap, they are summed up item by item, as whole."""
    repo.update("basic-duties", "652325100-0002", seq="3")
    repo.commit("A 序号 used twice", tag="seq-twice")
    repo.take("basic-duties", "652325100-0001")
    full, streamed = both_ways(*base_and_tree(repo, "seq-twice"))
    assert streamed == full
    assert streamed["renumbered"]["count"] == 84
    assert [(run["old_first"], run["new_first"], run["count"]) for run in streamed["renumbered"]["runs"]] == [(3, 1, 1), (3, 2, 83)]


@pytest.mark.slow
def test_correction_records_reordered_are_no_change(repo):
    fieldnames, rows = repo.rows("corrections")
    repo.write_rows("corrections", fieldnames, rows[::-1])
    full, streamed = both_ways(*base_and_tree(repo))
    assert streamed == full and streamed["summary"]["identical"] is True


@pytest.mark.slow
@pytest.mark.parametrize("old_copies, new_copies", [(2, 2), (1, 3), (3, 1)])
def test_identical_correction_records_are_counted_one_by_one(repo, old_copies, new_copies):
    fieldnames, rows = repo.rows("corrections")
    repeated = rows[4]
    repo.write_rows("corrections", fieldnames, rows[:4] + [repeated] * old_copies + rows[5:])
    repo.git("commit", "-q", "--allow-empty", "-a", "-m", "A record given once or more")
    repo.git("tag", "copies")
    repo.write_rows("corrections", fieldnames, rows[:4] + rows[5:] + [repeated] * new_copies)
    full, streamed = both_ways(*base_and_tree(repo, "copies"))
    assert streamed == full
    assert len(streamed["corrections"]["added"]) == max(new_copies - old_copies, 0)
    assert len(streamed["corrections"]["removed"]) == max(old_copies - new_copies, 0)


def long_lists(repo, items=1500, records=1500):
    """The package with a basic list of ``items`` rows and ``records`` correction records (copies under new ids)."""
    fieldnames, rows = repo.rows("basic-duties")
    rows = [dict(rows[number % len(rows)], id=f"652325100-{5000 + number}", seq=str(number + 1)) for number in range(items)]
    repo.write_rows("basic-duties", fieldnames, rows)
    record_fields, record_rows = repo.rows("corrections")
    record_rows = [dict(record_rows[number % len(record_rows)], item_id=f"652325100-{5000 + number}") for number in range(records)]
    repo.write_rows("corrections", record_fields, record_rows)
    repo.commit("Long lists", tag="long")
    return (fieldnames, rows), (record_fields, record_rows)


@pytest.mark.slow
def test_pending_rows_stay_few_for_edits_in_a_long_list(repo):
    """Memory grows with the changes: an insertion at the top, a change and a removal in a list of 1,500 rows keep
    at most a few rows pending at once, and only the changed rows are built into items."""
    (fieldnames, rows), (record_fields, record_rows) = long_lists(repo)
    rows.insert(0, dict(rows[10], id="652325100-9000"))
    rows[700] = dict(rows[700], name=rows[700]["name"] + "（修订）")
    del rows[1200]
    for number, row in enumerate(rows, 1):
        row["seq"] = str(number)
    repo.write_rows("basic-duties", fieldnames, rows)
    record_rows.insert(0, dict(record_rows[3], item_id="652325100-9000"))
    del record_rows[900]
    repo.write_rows("corrections", record_fields, record_rows)
    old, new = base_and_tree(repo, "long")
    full, streamed = both_ways(old, new)
    assert streamed == full
    assert streamed["summary"]["added"] == 1 and streamed["summary"]["removed"] == 1 and streamed["summary"]["changed"] == 1
    assert streamed["summary"]["renumbered"] == 1198  # the rows between the insertion and the removal
    merged = ListMerge(*sides(old, new))
    assert merged.peak <= 3 and merged.out_of_step <= 12
    assert sorted(merged.items[0]) == ["652325100-5699", "652325100-6199"]
    assert sorted(merged.items[1]) == ["652325100-5699", "652325100-9000"]
    assert len(merged.renumbered) <= 4  # runs, not one entry per renumbered item
    old_side, new_side = sides(old, new)
    records = RecordMerge(old_side.corrections_table(), new_side.corrections_table())
    assert records.peak <= 3 and records.out_of_step <= 12
    assert [len(rows) for rows in records.rows] == [1, 1]


@pytest.mark.slow
def test_a_reversed_long_list_holds_half_its_rows_pending(repo):
    """The documented worst case: rows all out of order wait for their partners (here half the list at once)."""
    (fieldnames, rows), _ = long_lists(repo, items=600, records=0)
    repo.write_rows("basic-duties", fieldnames, rows[::-1])
    old, new = base_and_tree(repo, "long")
    full, streamed = both_ways(old, new)
    assert streamed == full and streamed["summary"]["identical"] is True
    assert ListMerge(*sides(old, new)).peak >= 590


LIST_NAMES = st.sampled_from(["basic", "coordinated", "reclaimed"])
SEQ = st.integers(min_value=1, max_value=40)


@pytest.mark.slow
@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(LIST_NAMES, SEQ, SEQ), max_size=12),
       st.lists(st.tuples(LIST_NAMES, SEQ, SEQ, st.integers(min_value=1, max_value=8)), max_size=8))
def test_renumberings_given_as_runs_sum_up_as_item_by_item(single, runs):
    """diff/stream.py hands compare() runs of renumberings; the summary is that of every item of them one by one,
    whether the runs' 序号 overlap (a 序号 used twice: taken item by item) or not (runs kept whole)."""
    items = single + [(list_name, old + step, new + step) for list_name, old, new, count in runs for step in range(count)]
    assert renumbered_summary(single, runs) == renumbered_summary(items)


TOWN = "奇台县".encode()


def in_gbk_at(where):
    """The bytes with one '奇台县' saved in GBK: the first (within the first block decoded) or the last (far into the file)."""
    return lambda data: (lambda at: data[:at] + "奇台县".encode("gbk") + data[at + len(TOWN):])(where(data))


@pytest.mark.slow
@pytest.mark.parametrize("damage, says", [
    (in_gbk_at(lambda data: data.find(TOWN)), "is not UTF-8"),
    (in_gbk_at(lambda data: data.rfind(TOWN)), "is not UTF-8"),
])
def test_a_list_in_git_that_is_not_plain_utf8_is_refused_as_the_whole_path_refuses_it(repo, damage, says):
    """A blob is decoded as it is read: bytes that are not UTF-8 part way through give the whole path's message
    (file and row), naming the side."""
    import git

    path = repo.path("coordinated-duties")
    good = path.read_bytes()
    path.write_bytes(damage(good))
    repo.commit("A list saved in another encoding", tag="bad")
    path.write_bytes(good)
    with pytest.raises(SideError) as whole:
        load(GitReader(git.Repo(repo.root), "bad"), "OLD")
    with pytest.raises(SideError) as streamed:
        compare_readers(GitReader(git.Repo(repo.root), "bad"), FolderReader(repo.root))
    assert str(streamed.value) == str(whole.value)
    assert str(streamed.value).startswith("OLD (revision bad)") and says in str(streamed.value)
    assert "data/coordinated-duties.csv" in str(streamed.value), str(streamed.value)
