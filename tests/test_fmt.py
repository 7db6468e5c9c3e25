"""dutylist fmt: the canonical layout of the CSVs, restored after edits in other tools, without changing a word."""

import csv
import io
import os
import stat

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from dutylist.cli import cli
from dutylist.core.edition import FolderReader, item_from_row, load_edition
from dutylist.core.package import LIST_FIELDS, read_csv_text
from dutylist.maintain.canonical_csv import canonical_text

FILES = ["basic-duties", "coordinated-duties", "reclaimed-duties", "categories", "departments", "corrections", "amendments"]


def run(folder, *args):
    return CliRunner().invoke(cli, ["fmt", "--repo", str(folder), *args], catch_exceptions=False)


def rewrite(path, change):
    path.write_bytes(change(path.read_bytes()))


def reorder_columns(data):
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    order = list(reversed(range(len(rows[0]))))
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows([[row[index] for index in order] for row in rows])
    return buffer.getvalue().encode("utf-8")


def quote_everything_with_crlf(data):
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    buffer = io.StringIO(newline="")
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def pad_cells(data):
    """What a spreadsheet or a careless editor does: spaces at cell and line ends, blank lines between steps, spaced 、."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    header = rows[0]
    for row in rows[1:]:
        for index, name in enumerate(header):
            if name in ("county_duties", "town_duties"):
                row[index] = row[index].replace("\n", "  \r\n\r\n ") + " "
            elif name == "departments":
                row[index] = row[index].replace("、", " 、 ")
            elif name == "name":
                row[index] = f" {row[index]}  "
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows + [[]])
    return buffer.getvalue().encode("utf-8")


def test_the_real_package_is_in_canonical_form():
    result = run(ROOT, "--check")
    assert result.exit_code == 0, result.output
    assert result.output == "all 7 CSV files are in canonical form\n"


@pytest.mark.slow
def test_fmt_restores_the_canonical_bytes_after_edits_in_other_tools_and_keeps_permissions(package_copy):
    data = package_copy / "data"
    original = {name: (data / f"{name}.csv").read_bytes() for name in FILES}
    before = load_edition(FolderReader(package_copy))
    rewrite(data / "basic-duties.csv", lambda content: b"\xef\xbb\xbf" + content)
    rewrite(data / "coordinated-duties.csv", pad_cells)
    rewrite(data / "reclaimed-duties.csv", reorder_columns)
    rewrite(data / "categories.csv", quote_everything_with_crlf)
    os.chmod(data / "categories.csv", 0o640)
    messed = {name: (data / f"{name}.csv").read_bytes() for name in FILES}

    result = run(package_copy, "--check")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "data/basic-duties.csv: would be reformatted (byte-order mark)",
        "data/coordinated-duties.csv: would be reformatted (CR line endings, blank row)",
        "data/reclaimed-duties.csv: would be reformatted (column order)",
        "data/categories.csv: would be reformatted (CR line endings)",
        "4 of 7 CSV files are not in canonical form; run: dutylist fmt",
    ]
    assert {name: (data / f"{name}.csv").read_bytes() for name in FILES} == messed  # --check writes nothing

    result = run(package_copy)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "reformatted 4 of 7 CSV files"
    assert {name: (data / f"{name}.csv").read_bytes() for name in FILES} == original
    assert stat.S_IMODE(os.stat(data / "categories.csv").st_mode) == 0o640
    assert sorted(path.name for path in data.iterdir()) == sorted(f"{name}.csv" for name in FILES)  # no temporary files
    after = load_edition(FolderReader(package_copy))
    assert after["items"] == before["items"] and after["registers"] == before["registers"]
    assert run(package_copy, "--check").exit_code == 0


def test_fmt_changes_layout_only_never_words(package_copy):
    path = package_copy / "data" / "coordinated-duties.csv"
    rewrite(path, pad_cells)
    padded = load_edition(FolderReader(package_copy))
    assert run(package_copy).exit_code == 0
    assert load_edition(FolderReader(package_copy))["items"] == padded["items"]


def test_fmt_refuses_what_needs_a_person_and_writes_nothing(package_copy):
    data = package_copy / "data"
    cases = [
        ("basic-duties.csv", lambda content: content.decode("utf-8").encode("gb18030"),
         "data/basic-duties.csv:2: not UTF-8"),
        ("basic-duties.csv", lambda content: content.replace(b"id,seq,category,name,page", b"id,seq,category,title,page"),
         "data/basic-duties.csv:1: the columns are not the schema's fields (missing: name; not in the schema: title)"),
        ("categories.csv", lambda content: content + "多余,a,b\n".encode("utf-8"),
         "data/categories.csv:21: 3 cells where the header has 2 columns (a ragged row)"),
    ]
    for name, change, message in cases:
        original = (data / name).read_bytes()
        rewrite(data / name, change)
        broken = (data / name).read_bytes()
        for args in ((), ("--check",)):
            result = run(package_copy, *args)
            assert result.exit_code == 2, result.output
            assert message in result.output and "Traceback" not in result.output
            assert (data / name).read_bytes() == broken
        (data / name).write_bytes(original)


COORDINATED = (ROOT / "data" / "coordinated-duties.csv").read_bytes()
PADDING = st.sampled_from(["", " ", "  ", "\t", "\r\n", "\n", " \r\n "])


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_canonical_form_is_a_fixed_point_and_keeps_what_the_edition_reads(data):
    """Any padding, line-ending, quoting and column-order noise: fmt gives the original bytes back, and the items read the same."""
    rows = list(csv.reader(io.StringIO(COORDINATED.decode("utf-8"), newline="")))
    header, records = rows[0], rows[1:]
    picked = data.draw(st.lists(st.integers(0, len(records) - 1), min_size=1, max_size=5, unique=True))
    for index in picked:
        for column in range(len(header)):
            if header[column] in ("id", "seq", "page"):
                continue
            before, after = data.draw(PADDING), data.draw(PADDING)
            inner = data.draw(PADDING) if header[column] in ("county_duties", "town_duties") else ""
            records[index][column] = before + records[index][column].replace("\n", inner + "\n" + inner) + after
    order = data.draw(st.permutations(range(len(header))))
    quoting = data.draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    terminator = data.draw(st.sampled_from(["\n", "\r\n"]))
    buffer = io.StringIO(newline="")
    csv.writer(buffer, quoting=quoting, lineterminator=terminator).writerows([[row[i] for i in order] for row in [header, *records]])
    noisy = buffer.getvalue().encode("utf-8")
    if data.draw(st.booleans()):
        noisy = b"\xef\xbb\xbf" + noisy
    canonical, _ = canonical_text("data/coordinated-duties.csv", noisy, list(LIST_FIELDS["coordinated"]))
    assert canonical.encode("utf-8") == COORDINATED
    noisy_items = [item_from_row(row, "coordinated") for row in read_csv_text(noisy.decode("utf-8-sig"))]
    assert noisy_items == [item_from_row(row, "coordinated") for row in read_csv_text(canonical)]
    assert canonical_text("data/coordinated-duties.csv", canonical.encode("utf-8"), list(LIST_FIELDS["coordinated"]))[1] == []
