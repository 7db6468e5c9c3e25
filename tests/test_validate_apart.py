"""validate reads its lists but the largest in a second process (issue 24): the report is what one process reports.

``run.run_checks(package, apart=resources)`` reads those lists in a forked child (core/fork.py) whatever their size;
``apart=()`` reads everything here. Each broken copy of ``validate_helpers.BREAKS``, random broken copies, ids
shared across lists and ids of other shapes give the same findings both ways, with each list apart and with the
two read apart by default; a child that fails leaves its lists to the parent, and a parent that fails stops its
child. Through the command line, lists above ``run.APART_BYTES`` are read apart with no setting.
"""

import json
import os
import tempfile
from pathlib import Path
from unittest.mock import patch

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from conftest import ROOT
from dutylist.cli import cli
from dutylist.core import fork
from dutylist.core.package import LIST_OF_RESOURCE
from dutylist.validate import run
from dutylist.validate.read import PackageUnreadable, open_package
from validate_helpers import BREAKS, broken_copy, copy_package, edit_rows, edits

LISTS = sorted(LIST_OF_RESOURCE)
APARTS = [(resource,) for resource in LISTS] + [("basic-duties", "reclaimed-duties")]  # each list; the default


def report(root, apart):
    found, omitted = run.run_checks(open_package(root), apart=apart)
    return [f.to_dict() for f in found], omitted


def children():
    """The pids of this process's children that are still there (zombies included)."""
    pids = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        pids.update((task / "children").read_text().split())
    return pids


# --- core/fork.py ------------------------------------------------------------------------------------

def test_a_forked_function_gives_its_result_or_failed():
    assert fork.Forked(lambda: {"a": [1, 2]}).result() == {"a": [1, 2]}
    assert fork.Forked(lambda: 1 / 0).result() is fork.FAILED
    assert fork.Forked(lambda: os._exit(0)).result() is fork.FAILED  # left without sending anything


def test_a_child_whose_result_is_not_wanted_is_stopped():
    before = children()
    worker = fork.Forked(lambda: __import__("time").sleep(60))
    worker.close()
    assert children() == before


# --- the same findings, one process or two ---------------------------------------------------------

@pytest.mark.slow
def test_the_real_package_gives_the_same_report_with_each_list_apart():
    alone = report(ROOT, ())
    for apart in APARTS:
        assert report(ROOT, apart) == alone


@pytest.mark.slow
@pytest.mark.parametrize("code", sorted(BREAKS))
def test_each_broken_copy_gives_the_same_report_with_each_list_apart(tmp_path, code):
    breaking, _ = BREAKS[code]
    package = copy_package(tmp_path / "package")
    breaking(package)
    alone = report(package, ())
    assert any(f["code"] == code for f in alone[0]) or code in {"resource-missing"}
    for apart in APARTS:
        assert report(package, apart) == alone, apart


@pytest.mark.slow
def test_ids_shared_across_lists_and_ids_of_other_shapes_are_found_both_ways(tmp_path):
    """The first item of an id is the one read first (basic, coordinated, reclaimed) wherever each list was read;
    an id of another shape gets a key of its own in each process, matched by its text."""
    package = copy_package(tmp_path / "package")
    edit_rows(package, "reclaimed-duties", lambda rows: (rows[0].update(id="652325100-0090"), rows[1].update(id="X-1"),
                                                          rows[2].update(id="X-2")))
    edit_rows(package, "coordinated-duties", lambda rows: (rows[0].update(id="652325100-0001"), rows[1].update(id="X-1")))
    edit_rows(package, "basic-duties", lambda rows: rows[3].update(id="X-2"))
    alone = report(package, ())
    shared = [(f["file"], f["row"], f["text"]) for f in alone[0] if f["code"] == "id-in-two-lists"]
    assert shared == [("data/coordinated-duties.csv", 2, "652325100-0001"), ("data/reclaimed-duties.csv", 2, "652325100-0090"),
                      ("data/reclaimed-duties.csv", 3, "X-1"), ("data/reclaimed-duties.csv", 4, "X-2")]
    for apart in APARTS:
        assert report(package, apart) == alone, apart


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(edits)
def test_random_broken_copies_give_the_same_report_with_each_list_apart(changes):
    with tempfile.TemporaryDirectory(prefix="apart-") as folder:
        package = broken_copy(folder, changes)
        alone = report(package, ())
        for apart in APARTS:
            assert report(package, apart) == alone, apart


# --- failures ------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_child_that_fails_leaves_its_list_to_the_parent(tmp_path):
    package = copy_package(tmp_path / "package")
    edit_rows(package, "coordinated-duties", lambda rows: rows[0].update(name="以铸牢中华民族 共同体意识"))
    alone = report(package, ())
    forked = []

    class Failing(fork.Forked):
        def __init__(self, function):
            forked.append(function)
            super().__init__(lambda: 1 / 0)

    with patch.object(run, "Forked", Failing):
        assert report(package, ("coordinated-duties",)) == alone
    assert forked and any(f["code"] == "space-between-chinese" for f in alone[0])


@pytest.mark.slow
def test_a_list_that_cannot_be_read_apart_is_reported_as_in_one_process(tmp_path, monkeypatch):
    """A cell longer than the csv module's limit (here 131,072 characters) makes the list unreadable: the child fails, and
    the parent, reading the list itself, refuses it with the message one process gives."""
    package = copy_package(tmp_path / "package")
    path = package / "data" / "coordinated-duties.csv"
    path.write_bytes(path.read_bytes() + b"x" * 140_000 + b"\n")
    monkeypatch.setenv("DUTYLIST_MAX_FILE_BYTES", "131072")  # the limit of a cell: the larger of this and 131,072
    with pytest.raises(PackageUnreadable) as alone:
        report(package, ())
    with pytest.raises(PackageUnreadable) as apart:
        report(package, ("coordinated-duties",))
    assert str(apart.value) == str(alone.value)
    assert "coordinated-duties.csv" in str(alone.value) and alone.value.code == "file-too-large"


def test_a_parent_that_fails_stops_its_child(tmp_path, monkeypatch):
    package = copy_package(tmp_path / "package")
    path = package / "data" / "basic-duties.csv"
    path.write_bytes(path.read_bytes() + b"x" * 140_000 + b"\n")
    monkeypatch.setenv("DUTYLIST_MAX_FILE_BYTES", "131072")  # the limit of a cell: the larger of this and 131,072
    before = children()
    with pytest.raises(PackageUnreadable):
        report(package, ("coordinated-duties",))
    assert children() == before


# --- through the command line --------------------------------------------------------------------------

def test_validate_reads_large_lists_apart_with_no_setting(tmp_path):
    """Above APART_BYTES (made small here: the real package's lists are far below it) the lists but the largest are
    read in a second process on a machine with two cores, and the JSON report is the one-process report, byte for
    byte."""
    package = copy_package(tmp_path / "package")
    edit_rows(package, "basic-duties", lambda rows: rows[0].update(name="以铸牢中华民族 共同体意识"))
    alone = CliRunner().invoke(cli, ["validate", str(package), "--format", "json"])
    forked = []

    class Counted(fork.Forked):
        def __init__(self, function):
            forked.append(1)
            super().__init__(function)

    with patch.object(run, "APART_BYTES", 1000), patch.object(run, "Forked", Counted), \
            patch.object(run, "spare_core", lambda: True):
        apart = CliRunner().invoke(cli, ["validate", str(package), "--format", "json"])
    assert forked == [1]
    assert apart.exit_code == alone.exit_code == 1
    assert apart.output == alone.output
    assert json.loads(apart.output)["errors"][0]["code"] == "space-between-chinese"


def test_a_small_package_or_one_core_reads_every_list_here(tmp_path):
    package = open_package(ROOT)
    assert run.lists_apart(package) == ()  # the real package: every list far below APART_BYTES
    with patch.object(run, "APART_BYTES", 1000), patch.object(run, "spare_core", lambda: False):
        assert run.lists_apart(package) == ()
    with patch.object(run, "APART_BYTES", 1000), patch.object(run, "spare_core", lambda: True):
        assert run.lists_apart(package) == ("basic-duties", "reclaimed-duties")  # all but the largest


@pytest.mark.slow
def test_validate_against_an_earlier_edition_reports_the_same_read_apart(repo):
    """``--against`` adds a per-item check (an id that now names another item): read apart, the same report."""
    repo.update("coordinated-duties", "652325100-0086", name="完全不同的一项新工作")
    command = ["validate", str(repo.root), "--against", "base", "--format", "json"]
    alone = CliRunner().invoke(cli, command)
    with patch.object(run, "APART_BYTES", 1000), patch.object(run, "spare_core", lambda: True):
        apart = CliRunner().invoke(cli, command)
    assert apart.exit_code == alone.exit_code == 1
    assert apart.output == alone.output
    assert any(f["code"] == "id-reused" for f in json.loads(alone.output)["errors"])
