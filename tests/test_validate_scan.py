"""validate checks the files' bytes once before reading them (issue 24, third round): what the quicker scan leaves to
the reading gives the report the whole check gives.

The lists and correction records are decoded as they are read, not also before (``open_package(root,
decode_streamed=False)``); bytes that are not UTF-8, or a file that cannot be read, make ``validate_package`` check
the package again the whole way. CRLF is looked for with a one-byte scan first, a pair split across two chunks
included. The records' second reading stops once nothing more is to be reported, unless the file changed.
"""

from unittest.mock import patch

import pytest

from dutylist.validate import checks, compact, read, run
from dutylist.validate.read import open_package
from dutylist.validate.run import run_checks
from validate_helpers import copy_package, report_json, validate_json


def whole_check(root):
    """The report of the whole check: every file's bytes checked before it is read."""
    return report_json(*run_checks(open_package(root)))


@pytest.mark.parametrize("apart", [False, True])
@pytest.mark.parametrize("resource", ["basic-duties", "coordinated-duties", "corrections"])
def test_a_streamed_file_that_is_not_utf8_is_reported_as_the_whole_check_reports_it(tmp_path, resource, apart):
    """In one process, or with the coordinated list read in a second one (which fails on the bytes, and leaves the
    list to the first)."""
    package = copy_package(tmp_path / "package")
    path = package / "data" / f"{resource}.csv"
    lines = path.read_bytes().split(b"\n")
    lines[5] = lines[5].replace(b",", ",".encode() + "党".encode("gbk"), 1)  # GBK bytes at the start of a cell
    path.write_bytes(b"\n".join(lines))
    with patch.object(run, "APART_BYTES", 1000 if apart else run.APART_BYTES), patch.object(run, "spare_core", lambda: apart):
        report = validate_json(package)
    assert report == whole_check(package)
    assert [(f["code"], f["file"]) for f in report["errors"] if f["code"] == "encoding-not-utf8"] == [
        ("encoding-not-utf8", f"data/{resource}.csv")]


def test_the_quick_reading_is_tried_first_and_given_up_on_bytes_that_are_not_utf8(tmp_path):
    package = copy_package(tmp_path / "package")
    path = package / "data" / "reclaimed-duties.csv"
    path.write_bytes(path.read_bytes() + "党".encode("gbk") + b"\n")
    opened = []
    real = read.open_package

    def counted(root, decode_streamed=True):
        opened.append(decode_streamed)
        return real(root, decode_streamed)

    with patch("dutylist.validate.run.open_package", counted):
        report = validate_json(package)
    assert opened == [False, True]
    assert any(f["code"] == "encoding-not-utf8" for f in report["errors"])
    opened.clear()
    with patch("dutylist.validate.run.open_package", counted):
        validate_json(copy_package(tmp_path / "clean"))
    assert opened == [False]  # a package of UTF-8 files is read once


def test_an_unreadable_file_is_refused_as_the_whole_check_refuses_it(tmp_path, monkeypatch):
    """A cell over the limit before bytes that are not UTF-8: the whole check finds the bytes first and leaves the file
    out; the quick reading meets the long cell first, and gives way to the whole check."""
    package = copy_package(tmp_path / "package")
    path = package / "data" / "corrections.csv"
    path.write_bytes(path.read_bytes() + b"x" * 140_000 + b"\n" + "党".encode("gbk") + b"\n")
    monkeypatch.setenv("DUTYLIST_MAX_FILE_BYTES", "131072")
    report = validate_json(package)
    assert report == whole_check(package)
    assert any(f["code"] == "encoding-not-utf8" and f["file"] == "data/corrections.csv" for f in report["errors"])


def test_crlf_split_across_two_chunks_is_found(tmp_path, monkeypatch):
    package = copy_package(tmp_path / "package")
    path = package / "data" / "reclaimed-duties.csv"
    data = path.read_bytes()
    first_line_end = data.index(b"\n")
    path.write_bytes(data[:first_line_end] + b"\r" + data[first_line_end:])
    for chunk in (first_line_end + 1, first_line_end + 2, 1 << 20):  # \r ends a chunk; \r\n inside one; one chunk
        monkeypatch.setattr(read, "CHUNK", chunk)
        package_read = open_package(package)
        assert "reclaimed-duties" in package_read.crlf, chunk
        assert any(f.code == "line-endings-crlf" for f in package_read.load_findings)


@pytest.mark.slow
def test_the_second_reading_of_the_records_stops_early_only_when_the_file_is_unchanged(tmp_path):
    """Once every record with something to report is behind it, the reading stops, unless the file was written since
    the first reading began: then a record added at its end is read and reported as having no item."""
    package = copy_package(tmp_path / "package")
    batches = []
    real = read.Package.correction_columns

    def counted(self, columns, size):
        for batch in real(self, columns, size):
            batches.append(len(batch[0]))
            yield batch

    # two records a batch (compact.CHUNK, which the index's texts follow), so that stopping early shows
    with patch.object(read.Package, "correction_columns", counted), patch.object(compact, "CHUNK", 2), \
            patch.object(checks, "CHUNK", 2):
        opened = open_package(package)
        found, _ = run_checks(opened, limit=1)  # of each flag, the report keeps one: those come early in the file
        records = sum(1 for _ in opened.corrections())
        assert sum(batches) < 2 * records  # the second reading stopped before the end
        batches.clear()
        assert run_checks(open_package(package), limit=1) == (found, _)  # and reported the same
        opened = open_package(package)
        each, end = checks.check_corrections(opened)
        for item in opened.stream_items():
            each(item, checks.item_text(item))
        records_file = package / "data" / "corrections.csv"
        header = records_file.read_text(encoding="utf-8").splitlines()[0].split(",")
        added = {"item_id": "652325100-0999", "field": "name", "extracted": "x", "corrected": "y"}
        records_file.write_text(records_file.read_text(encoding="utf-8") + ",".join(added.get(name, "") for name in header)
                                + "\n", encoding="utf-8")
        unknown = [f.row for f in end() if f.code == "correction-unknown-item"]
    assert unknown == [records + 2]
    assert all(f.code != "correction-unknown-item" for f in found)
