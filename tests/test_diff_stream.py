"""The streaming diff (diff/stream.py, what `dutylist diff` runs) gives exactly the report of compare() on whole editions."""

import shutil

import pytest

from diff_repo import PackageRepo
from dutylist.core.edition import FolderReader, GitReader
from dutylist.diff.compare import compare, empty_edition
from dutylist.diff.sides import SideError, load
from dutylist.diff.stream import NotWellFormed, _streamed, compare_readers
from test_diff_cli import EDITS


@pytest.fixture
def repo(tmp_path):
    repository = PackageRepo(tmp_path / "repo")
    repository.commit("Publish the July 2025 edition", tag="base")
    return repository


def both_ways(old_reader, new_reader, fast=True):
    """(full, streamed) reports for the same two readers: editions loaded whole as diff reads them, and streamed.

    With ``fast``, the streamed report must come from the fast path itself (no fallback to the whole path)."""
    old = load(old_reader, "OLD") if old_reader else empty_edition()
    new = load(new_reader, "NEW")
    streamed = _streamed(old_reader, new_reader) if fast else compare_readers(old_reader, new_reader)
    return compare(old, new), streamed


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_each_kind_of_change_gives_the_same_report_streamed(repo, kind):
    edit, _ = EDITS[kind]
    edit(repo)
    import git

    base = GitReader(git.Repo(repo.root), "base")
    full, streamed = both_ways(base, FolderReader(repo.root))
    assert streamed == full
    assert streamed["summary"]["identical"] is False


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


def test_cells_equal_but_for_whitespace_are_no_change(repo, tmp_path):
    """Rows whose bytes differ are built and compared as items: trailing spaces and CRLF inside a cell are not changes."""
    import git

    _, rows = repo.rows("basic-duties")
    name = next(row["name"] for row in rows if row["id"] == "652325100-0005")
    repo.update("basic-duties", "652325100-0005", name=name + "  ")
    full, streamed = both_ways(GitReader(git.Repo(repo.root), "base"), FolderReader(repo.root))
    assert streamed == full and streamed["summary"]["identical"] is True


@pytest.mark.parametrize("damage, warning", [
    (lambda text: text.replace("652325100-0002,2,", "652325100-0001,2,", 1), "duplicate-id"),
    (lambda text: text.replace(",3,", ",x,", 1), "not-a-whole-number"),
    (lambda text: text.replace(",3,", ",３,", 1), "not-a-whole-number"),
    (lambda text: text.replace("\n", ",extra\n", 3).replace("id,seq,category,name,page,extra", "id,seq,category,name,page", 1), "ragged-row"),
    (lambda text: text.replace("id,seq,category,name,page", "id,seq,category,name,name", 1), "duplicate-column"),
    (lambda text: text.replace("652325100-0004,", ",", 1), "missing-id"),
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


def test_an_unreadable_list_is_refused_naming_the_side(repo):
    path = repo.path("basic-duties")
    path.write_text("", encoding="utf-8")
    with pytest.raises(SideError) as refused:
        compare_readers(None, FolderReader(repo.root))
    assert str(refused.value).startswith("NEW") and "is empty" in str(refused.value)


def test_a_copy_in_another_folder_streams_the_same(repo, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(repo.root, copy, ignore=shutil.ignore_patterns(".git"))
    full, streamed = both_ways(FolderReader(repo.root), FolderReader(copy))
    assert streamed == full and streamed["summary"]["identical"] is True


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
