"""validate reads the lists and the correction records as streams (validate/read.py), one item at a time.

The promises held here: the streamed run reports exactly what the same checks report over the package
loaded whole, on the real package and on every broken copy test_validate.py makes; the lists and the
records are not held; and what a check that sees one item at a time must not lose (the rarer form of a
mark past the report's cap, integers compared as numbers) comes through the command line.
"""

import json

import pytest
from click.testing import CliRunner

from conftest import ROOT
from dutylist.cli import cli
from dutylist.validate.read import load_package, open_package
from dutylist.validate.run import run_checks, validate_package
from validate_helpers import BREAKS, edit_rows, row_of

COORDINATED = "data/coordinated-duties.csv"


def whole(root):
    """The report of the checks run over the package loaded whole (every row and item in memory)."""
    found, omitted = run_checks(load_package(root))
    errors = [f.to_dict() for f in found if f.level == "error"]
    return {"valid": not errors, "errors": errors, "warnings": [f.to_dict() for f in found if f.level == "warning"],
            "omitted": omitted}


def test_the_real_package_streamed_is_the_real_package_whole():
    assert validate_package(ROOT) == whole(ROOT)


@pytest.mark.slow
@pytest.mark.parametrize("code", sorted(BREAKS))
def test_each_broken_copy_streamed_is_the_same_copy_whole(package_copy, code):
    breaking, _ = BREAKS[code]
    breaking(package_copy)
    streamed = validate_package(package_copy)
    assert streamed == whole(package_copy)
    assert code in {f["code"] for f in streamed["errors"] + streamed["warnings"]}


def test_the_lists_and_the_records_are_not_held():
    package = open_package(ROOT)
    assert set(package.rows) == {"categories", "departments"}  # the registers only
    assert package.items is None
    first = next(package.stream_items())
    assert (first["id"], first["_file"], first["_row"]) == ("652325100-0001", "data/basic-duties.csv", 2)
    assert set(package.rows) == {"categories", "departments"}


def validate_json(path):
    result = CliRunner().invoke(cli, ["validate", str(path), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def test_the_rarer_mark_past_the_cap_is_counted_not_lost(package_copy):
    """60 names in one file with '?', 111 elsewhere with '？': 50 findings shown, 10 counted under omitted."""
    def mark(rows, char, limit=None):
        for row in rows[:limit]:
            row["name"] += char

    edit_rows(package_copy, "coordinated-duties", lambda rows: mark(rows, "?", 60))
    edit_rows(package_copy, "basic-duties", lambda rows: mark(rows, "？"))
    edit_rows(package_copy, "reclaimed-duties", lambda rows: mark(rows, "？"))
    report = validate_json(package_copy)
    shown = [f for f in report["errors"] if f["code"] == "mixed-punctuation-width"]
    assert [(f["file"], f["row"]) for f in shown] == [(COORDINATED, row) for row in range(2, 52)]
    assert "(111 times against 60)" in shown[0]["message"]
    assert {"code": "mixed-punctuation-width", "level": "error", "file": COORDINATED, "count": 10} in report["omitted"]


@pytest.mark.slow
def test_a_seq_written_01_beside_1_is_the_unique_error_frictionless_reports(package_copy):
    """The strict table pass compares integers as numbers, as frictionless does: 01 and 1 are the same 序号."""
    edit_rows(package_copy, "basic-duties", lambda rows: row_of(rows, "652325100-0002").update(seq="01"))
    report = validate_json(package_copy)
    assert ("table-unique-error", "data/basic-duties.csv", 3, "seq") in {
        (f["code"], f["file"], f["row"], f["field"]) for f in report["errors"]}


def test_a_file_that_stops_being_utf8_after_the_check_is_a_message_not_a_traceback(package_copy, monkeypatch):
    """The bytes are checked once in chunks before the rows are read; if the file changes in between, the reading
    says so and exits 2. (validate first reads the lists without that check, decoding them as it reads them; the
    bytes that are not UTF-8 make it open the package again with the check, which here sees the file whole again.)"""
    from dutylist.validate import read

    scan = read._scan_csv
    target = package_copy / "data" / "basic-duties.csv"
    whole = target.read_bytes()
    broken = whole.replace("党的建设".encode(), b"\xb5\xb3", 1)

    def scan_then_break(package, reader, name, path):
        if name == "basic-duties":
            target.write_bytes(whole)
        ok = scan(package, reader, name, path)
        if name == "basic-duties":
            target.write_bytes(broken)
        return ok

    monkeypatch.setattr(read, "_scan_csv", scan_then_break)
    result = CliRunner().invoke(cli, ["validate", str(package_copy)])
    assert result.exit_code == 2
    assert "data/basic-duties.csv" in result.output and "no longer UTF-8" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_a_list_without_a_seq_column_is_reported_not_a_crash(package_copy):
    """An item then has no 序号: the checks that keep one per item (id-in-two-lists, seq) do without it."""
    import csv
    import io

    path = package_copy / "data" / "reclaimed-duties.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    at = rows[0].index("seq")
    rows[1][0] = "652325100-0001"  # also in the basic list: id-in-two-lists must name the other item without a 序号 here
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([row[:at] + row[at + 1:] for row in rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    report = validate_json(package_copy)
    assert not report["valid"]
    assert ("table-missing-label", "data/reclaimed-duties.csv") in {(f["code"], f["file"]) for f in report["errors"]}
    two = [f for f in report["errors"] if f["code"] == "id-in-two-lists"]
    assert [(f["file"], f["row"]) for f in two] == [("data/reclaimed-duties.csv", 2)] and "basic item 1 " in two[0]["message"]
    assert validate_package(package_copy) == whole(package_copy)


@pytest.mark.parametrize("command", ["validate", "diff"])
def test_running_out_of_memory_is_exit_2_with_a_message_not_a_traceback(monkeypatch, command):
    from dutylist.diff import stream
    from dutylist.validate import run

    def exhausted(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(run, "validate_package", exhausted)
    monkeypatch.setattr(stream, "compare_readers", exhausted)
    arguments = ["validate", str(ROOT)] if command == "validate" else ["diff", str(ROOT), str(ROOT), "--format", "json"]
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 2, result.output
    assert f"dutylist {command}: out of memory" in result.output and "docs/safety.md" in result.output
    assert "Traceback" not in result.output
    if command == "diff":  # --format json: the JSON error object, as for any input that cannot be read
        assert json.loads(result.stdout)["error"]["code"] == "out-of-memory"


CELLS = ["", " ", "x", " 党的建设 ", "12", " 7 ", "１２", "1.5", "a、b、、 c ", "1.一\n2.二", "1.一\r\n\r\n 2.二 ", "、", "\n"]


def test_the_quick_item_builder_makes_what_item_from_row_makes():
    """validate/read.py builds items straight from the cells; it must give core.edition.item_from_row's item, or
    leave the row to it (None), for every row of the real package and for odd cells in every column."""
    import itertools

    from dutylist.core.edition import EditionError, item_from_row
    from dutylist.core.edition import item_builder

    package = open_package(ROOT)
    rows = []
    for resource, list_name in (("basic-duties", "basic"), ("coordinated-duties", "coordinated"), ("reclaimed-duties", "reclaimed")):
        records = package._records(resource)
        header = next(records)
        rows += [(header, list_name, cells) for _, cells in records]
        base = rows[-1][2]
        for at, cell in itertools.product(range(len(header)), CELLS):
            rows.append((header, list_name, base[:at] + [cell] + base[at + 1:]))
    built = 0
    for header, list_name, cells in rows:
        quick = item_builder(header, list_name)(cells)
        try:
            slow = item_from_row(dict(zip(header, cells)), list_name)
        except EditionError:
            slow = None
        if quick is not None:
            built += 1
            assert quick == slow, (cells, quick, slow)
    assert built >= 179
