"""The streaming diff (diff/stream.py, what `dutylist diff` runs) gives exactly the report of compare() on whole editions."""

import shutil

import pytest

from diff_repo import PackageRepo
from dutylist.core.edition import FolderReader, GitReader, load_edition
from dutylist.diff.compare import compare, empty_edition
from dutylist.diff.sides import SideError
from dutylist.diff.stream import compare_readers
from test_diff_cli import EDITS


@pytest.fixture
def repo(tmp_path):
    repository = PackageRepo(tmp_path / "repo")
    repository.commit("Publish the July 2025 edition", tag="base")
    return repository


def both_ways(old_reader, new_reader):
    """(full, streamed) reports for the same two readers."""
    old = load_edition(old_reader) if old_reader else empty_edition()
    new = load_edition(new_reader)
    for edition, reader in ((old, old_reader), (new, new_reader)):
        if reader is not None:
            edition["revision"] = getattr(reader, "revision", None)
    return compare(old, new), compare_readers(old_reader, new_reader)


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


@pytest.mark.parametrize("damage, words", [
    (lambda text: text.replace("652325100-0002,2,", "652325100-0001,2,", 1), "id 652325100-0001 is already used"),
    (lambda text: text.replace(",3,", ",x,", 1), "'x' is not a whole number"),
    (lambda text: text.replace("\n", ",extra\n", 3).replace("id,seq,category,name,page,extra", "id,seq,category,name,page", 1), "ragged row"),
    (lambda text: "", "is empty"),
])
def test_an_unreadable_list_is_refused_with_the_same_words(repo, tmp_path, damage, words):
    path = repo.path("basic-duties")
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(Exception) as full_error:
        load_edition(FolderReader(repo.root))
    with pytest.raises(SideError) as streamed_error:
        compare_readers(None, FolderReader(repo.root))
    assert words in str(full_error.value)
    assert words in str(streamed_error.value) and str(streamed_error.value).startswith("NEW")


def test_a_copy_in_another_folder_streams_the_same(repo, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(repo.root, copy, ignore=shutil.ignore_patterns(".git"))
    full, streamed = both_ways(FolderReader(repo.root), FolderReader(copy))
    assert streamed == full and streamed["summary"]["identical"] is True
