"""The parts of the streamed diff's merges (diff/stream.py): Lockstep, Renumberings, and the one Row a table reuses."""

import pytest
from click.testing import CliRunner

from diff_repo import PackageRepo
from dutylist.cli import cli
from dutylist.diff.stream import Lockstep, Renumberings


class Numbered:
    """A row as Lockstep needs it: its number, and here an id to pair it by."""

    def __init__(self, number, key):
        self.number, self.key = number, key


def merged(old_keys, new_keys):
    """Drive a Lockstep as the merges do: pairs of one key are in step, the others wait for their partner.
    Returns the reads in order (side, key), the pairs made out of step and the most rows pending at once."""
    steps = Lockstep(iter([Numbered(at, key) for at, key in enumerate(old_keys, 1)]),
                     iter([Numbered(at, key) for at, key in enumerate(new_keys, 1)]))
    pending, reads, out_of_step, peak = ({}, {}), [], [], 0
    for old, new in steps:
        reads += [(name, row.key) for name, row in (("old", old), ("new", new)) if row is not None]
        if old is not None and new is not None and old.key == new.key:
            continue
        partners = []
        for side, row in ((0, old), (1, new)):
            partner = pending[1 - side].pop(row.key, None) if row is not None else None
            if partner is not None:
                out_of_step.append(row.key)
            elif row is not None:
                pending[side][row.key] = row.number
            partners.append(partner or 0)
            peak = max(peak, len(pending[0]) + len(pending[1]))
        steps.partners_at(*partners)
    assert (steps.old_read, steps.new_read) == (len(old_keys), len(new_keys))
    return reads, out_of_step, peak, pending


def test_rows_in_step_are_read_one_of_each_side_old_first():
    reads, out_of_step, peak, pending = merged("abc", "abc")
    assert reads == [("old", "a"), ("new", "a"), ("old", "b"), ("new", "b"), ("old", "c"), ("new", "c")]
    assert out_of_step == [] and peak == 0 and pending == ({}, {})


@pytest.mark.parametrize("inserted", [1, 3])
def test_after_an_insertion_the_side_behind_catches_up_and_the_sides_are_in_step_again(inserted):
    old = [f"r{n}" for n in range(200)]
    new = [f"new{n}" for n in range(inserted)] + old
    reads, out_of_step, peak, pending = merged(old, new)
    assert len(reads) == len(old) + len(new)  # every row read once
    assert pending == ({}, {f"new{n}": n + 1 for n in range(inserted)})  # only the inserted rows are left: added
    assert len(out_of_step) <= inserted + 1 and peak <= 2 * inserted + 1  # not every row after the insertion


def test_a_removal_and_a_longer_side_are_read_to_their_end():
    old = [f"r{n}" for n in range(50)]
    reads, _, peak, pending = merged(old, old[:10] + old[11:] + ["x", "y"])
    assert pending == ({"r10": 11}, {"x": 50, "y": 51})
    assert peak <= 4


def test_a_reversed_side_waits_pending():
    keys = [f"r{n}" for n in range(40)]
    _, out_of_step, peak, pending = merged(keys, keys[::-1])
    assert sorted(out_of_step) == sorted(keys) and pending == ({}, {}) and peak >= 20


def test_renumberings_are_gathered_into_runs_of_consecutive_seq_on_both_sides():
    runs = Renumberings()
    for list_name, old_seq, new_seq in [("basic", 2, 1), ("basic", 3, 2), ("basic", 4, 3),  # one run
                                        ("basic", 6, 4),  # a gap on the OLD side: a new run
                                        ("basic", 7, 6),  # a gap on the NEW side: a new run
                                        ("coordinated", 8, 7)]:  # the next 序号 in another list: a new run
        runs.add(list_name, old_seq, new_seq)
    assert runs.runs() == [("basic", 2, 1, 3), ("basic", 6, 4, 1), ("basic", 7, 6, 1), ("coordinated", 8, 7, 1)]


def test_rows_changed_moved_and_renumbered_in_one_diff_are_each_reported_with_their_own_cells(tmp_path):
    """Each table reuses one Row for every read: what a merge keeps (a row out of step, an item built) must be its own
    copy. A row moved to the next list, one changed in place and an insertion before both show their own cells."""
    repo = PackageRepo(tmp_path / "repo")
    repo.commit("Publish the July 2025 edition", tag="base")
    taken = repo.take("basic-duties", "652325100-0003")
    repo.append("coordinated-duties", id=taken["id"], category=taken["category"], name=taken["name"] + "（移）",
                departments="奇台县人民政府办公室", page="30")
    repo.update("basic-duties", "652325100-0010", name="第十项（修订）")
    result = CliRunner().invoke(cli, ["diff", "base", "--repo", str(repo.root), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    import json

    report = json.loads(result.output)
    items = {item["id"]: item for item in report["items"]}
    assert set(items) == {"652325100-0003", "652325100-0010"}
    assert "（移）" in json.dumps(items["652325100-0003"], ensure_ascii=False)
    assert "第十项（修订）" in json.dumps(items["652325100-0010"], ensure_ascii=False)
    assert "（移）" not in json.dumps(items["652325100-0010"], ensure_ascii=False)
