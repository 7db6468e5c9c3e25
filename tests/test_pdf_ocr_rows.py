"""The rows of a scanned PDF: the grid gives every row band, the 序号 readings and the count decide which is new.

A row breaks only at a page's end, so every ruled band below a page's first is a new row, even where OCR reads no
序号 in it (a faint print); the first band of a page continues the row before unless the page's 序号 readings agree
better with its being new (its ink decides a tie). Where a reading and the count disagree, the count is kept and a
warning says so: on stderr from ``extract``, in the report of ``import-source``.
"""

import difflib
import json
import io

import jsonschema
import pytest
from click.testing import CliRunner

from dutylist.cli import cli
from dutylist.importing.pdf import ocr
from dutylist.importing.pdf.layout import PageTables

from conftest import ROOT
from pdf_edition import read_lists, render

TITLE = "昌吉州奇台县奇台镇配合履职事项清单"
HEADING = [["序号"], ["事项类别"], ["事项名称"], ["对应上级部门"], ["上级部门职责"], ["乡镇配合职责"]]


def rows_of(text):
    """The rows of an extracted text: [序号, cell, …] of each line that starts with a number (one list here)."""
    return [line.split("\t") for line in text.splitlines() if line[:1].isdigit() and "\t" in line]


def image_pdf(path):
    """A one-page PDF without a text layer (a blank picture): extract reads it by OCR."""
    from PIL import Image

    Image.new("L", (100, 140), 255).save(path, format="PDF", resolution=50)
    return path


def band(seq, name):
    """One ruled row as OCR gave it: the 序号 read (or not), and its text cells."""
    return [[seq] if seq else [], ["党的建设"] if name else [], [name] if name else [], [], [], ["配合"] if name else []]


def read_pages(*tables):
    """A stand-in for ocr.read_pages giving these tables (each [(seq read, name, ink in the 序号 cell)]), one a page."""
    def pages(data, file, limits):
        found = []
        for number, rows in enumerate(tables, start=1):
            table = [HEADING] + [band(seq, name) for seq, name, _ in rows]
            inked = [False] + [ink for _, _, ink in rows]
            found.append(PageTables(number, lines_above=[TITLE] if number == 1 else [], tables=[table], counted=True,
                                    inked=inked))
        return found
    return pages


def test_each_band_below_a_pages_first_is_a_new_row_and_a_disagreeing_reading_is_a_warning(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "read_pages", read_pages(
        [("1", "甲", True), ("", "乙", True), ("9", "丙", True)],  # a faint 序号 read as nothing, a 3 read as 9
        [("1", "丙续", True), ("4", "丁", True), ("5", "戊", True)],  # a mark read as 1 in a continued row's cell
        [("", "戊续", False), ("6", "己", True)],  # a continued row, as printed
    ))
    result = CliRunner().invoke(cli, ["extract", str(image_pdf(tmp_path / "scan.pdf"))])
    assert result.exit_code == 0, result.output
    rows = [(int(cells[0]), cells[2]) for cells in rows_of(result.stdout)]
    assert rows == [(1, "甲"), (2, "乙"), (3, "丙丙续"), (4, "丁"), (5, "戊戊续"), (6, "己")]
    warnings = result.stderr.splitlines()
    assert warnings == [
        f"warning: {tmp_path / 'scan.pdf'}, page 1: a ruled row whose 序号 cell reads no number, counted as "
        "配合履职事项清单 序号 2 (the grid and the count are trusted: check that row)",
        f"warning: {tmp_path / 'scan.pdf'}, page 1: a ruled row whose 序号 cell reads 9, counted as 配合履职事项清单 "
        "序号 3 (the grid and the count are trusted: check that row)",
        f"warning: {tmp_path / 'scan.pdf'}, page 2: the first row's 序号 cell reads 1, taken as row 3 continued from "
        "the page before, as the page's other 序号 say",
    ]


def test_a_pages_first_band_read_as_the_next_number_is_a_new_row_and_one_without_ink_continues(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "read_pages", read_pages(
        [("1", "甲", True), ("2", "乙", True)],
        [("3", "丙", True), ("8", "丁", True)],  # new: its reading and the count agree, the next is misread
        [("", "丁续", False), ("", "戊", True)],  # no reading on the page: the ink decides, none in the first
    ))
    result = CliRunner().invoke(cli, ["extract", str(image_pdf(tmp_path / "scan.pdf"))])
    assert result.exit_code == 0, result.output
    rows = [(int(cells[0]), cells[2]) for cells in rows_of(result.stdout)]
    assert rows == [(1, "甲"), (2, "乙"), (3, "丙"), (4, "丁丁续"), (5, "戊")]
    assert len(result.stderr.splitlines()) == 2  # the 8 counted as 4, the 5 read as nothing
    assert "reads 8, counted as 配合履职事项清单 序号 4" in result.stderr


@pytest.mark.slow  # OCR of four pages at 300 dpi (about 15 s alone)
@pytest.mark.skipif(bool(ocr.available()), reason=f"OCR: {ocr.available()}; .ci/run installs it")
def test_a_scan_with_faint_numbers_and_a_row_over_a_page_break_keeps_every_row(tmp_path):
    """Rows 2 and 6 have their 序号 printed in light grey; row 3 runs over the page break. Before the grid decided,
    both faint rows were joined to the row above."""
    import pypdfium2
    from PIL import Image

    rows = read_lists(ROOT)["coordinated"][:6]
    printed = io.BytesIO()
    assert render({"coordinated": rows}, printed, faint=("2", "6")) == 2
    document = pypdfium2.PdfDocument(printed.getvalue())
    images = [page.render(scale=300 / 72, grayscale=True).to_pil().convert("L").rotate(0.5, resample=Image.BICUBIC,
                                                                                        fillcolor=255)
              for page in document]
    document.close()
    scan = tmp_path / "scan.pdf"
    images[0].save(scan, format="PDF", save_all=True, append_images=images[1:], resolution=300)
    result = CliRunner(env={"DUTYLIST_MAX_FILE_BYTES": str(1 << 26)}).invoke(cli, ["extract", str(scan)])
    assert result.exit_code == 0, result.output
    found = rows_of(result.stdout)
    assert [cells[0] for cells in found] == ["1", "2", "3", "4", "5", "6"]
    for read, cells in zip(found, rows):  # each row holds its own printed name and duties (OCR misreads a character)
        for column in (2, 5):
            printed_text, read_text = "".join(cells[column].split()), "".join(read[column].split())
            assert difflib.SequenceMatcher(None, printed_text, read_text).ratio() > 0.8, (read[0], column, read_text)


@pytest.mark.slow
def test_import_source_reports_a_seq_read_otherwise_than_counted_and_imports_by_the_count(tmp_path, monkeypatch):
    from diff_repo import PackageRepo
    from pdf_edition import HEADINGS, LABELS

    lists = {name: rows[:2] for name, rows in read_lists(ROOT).items()}

    def pages(data, file, limits):
        found = []
        for number, (name, rows) in enumerate(lists.items(), start=1):
            table = [[[heading] for heading in HEADINGS[name]]] + [[[cell] for cell in row] for row in rows]
            table[2][0] = ["9"]  # the second row's 序号 misread
            found.append(PageTables(number, lines_above=["昌吉州奇台县奇台镇" + LABELS[name]], tables=[table],
                                    counted=True, inked=[True] * len(table)))
        return found

    monkeypatch.setattr(ocr, "read_pages", pages)
    repo = PackageRepo(tmp_path / "repo")
    scan = image_pdf(tmp_path / "scan.pdf")
    result = CliRunner().invoke(cli, ["import-source", str(scan), "--edition", "2026-01", "--format", "json",
                                      "--repo", str(repo.root)])
    report = json.loads(result.output)
    jsonschema.validate(report, json.loads((ROOT / "schemas" / "import-report.schema.json").read_text(encoding="utf-8")))
    assert report["rows"] == {"basic": 2, "coordinated": 2, "reclaimed": 2}
    assert report["pdf_warnings"] == [
        f"{scan}, page {page}: a ruled row whose 序号 cell reads 9, counted as {label} 序号 2 (the grid and the count "
        "are trusted: check that row)" for page, label in enumerate(("基本履职事项清单", "配合履职事项清单", "上级部门收回事项清单"), 1)]
    text = CliRunner().invoke(cli, ["import-source", str(scan), "--edition", "2026-01", "--repo", str(repo.root)]).output
    assert "OCR: 3 序号 read otherwise than the rows counted (below): check those rows" in text
    assert "序号 that OCR read otherwise than the rows counted (the count is kept) (3):" in text
