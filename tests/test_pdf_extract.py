"""`dutylist extract EDITION.pdf`: the published PDF's tables in the layout import-source reads.

Every PDF here is made by tests/pdf_edition.py in the published layout (or damaged on purpose): a small edition
of real rows of data/, one of which runs over three pages, so that wrapped lines, continued rows, repeated
headings and page numbers are all met.
"""

import io
import unicodedata

import pytest
from click.testing import CliRunner
from reportlab.pdfgen import canvas

from dutylist.cli import cli
from dutylist.importing.parse import title_list

from conftest import ROOT
from pdf_edition import read_lists, render

LISTS = read_lists(ROOT)
LONG_ROW = 27  # coordinated 27's duties, written out three times below, fill more than a page


def small_lists():
    """Real rows of each list; one coordinated row made long enough to run over two page breaks."""
    long_row = list(LISTS["coordinated"][LONG_ROW - 1])
    long_row[0] = "3"
    long_row[4] = "\n".join([long_row[4]] * 3)
    long_row[5] = "\n".join([long_row[5]] * 3)
    return {"basic": LISTS["basic"][:4], "coordinated": LISTS["coordinated"][:2] + [long_row] + [
        ["4", *LISTS["coordinated"][3][1:]]], "reclaimed": LISTS["reclaimed"][:3]}


def source_cell(text):
    """A cell as the extracted layout holds it: line breaks (the steps) as spaces, NFKC-folded."""
    return unicodedata.normalize("NFKC", text.replace("\n", " "))


def pdf_file(tmp_path, lists=None, name="edition.pdf", **options):
    path = tmp_path / name
    render(lists or small_lists(), path, **options)
    return path


def extract(*args):
    result = CliRunner().invoke(cli, ["extract", *map(str, args)])
    assert "Traceback" not in result.output, result.output
    return result


def rows_of(text):
    """{list title: [cells of each row]} and the number of heading lines of the extracted text."""
    lists, current, headings = {}, None, 0
    for line in text.splitlines():
        if title_list(line):
            current = lists.setdefault(line, [])
        elif line.startswith("序号\t"):
            headings += 1
        elif line[:1].isdigit() and "\t" in line:
            current.append(line.split("\t"))
    return lists, headings


@pytest.mark.slow
def test_every_cell_comes_back_as_the_layout_holds_it(tmp_path):
    lists = small_lists()
    result = extract(pdf_file(tmp_path, lists))
    assert result.exit_code == 0, result.output
    found, headings = rows_of(result.output)
    assert list(found) == ["昌吉州奇台县奇台镇基本履职事项清单", "昌吉州奇台县奇台镇配合履职事项清单",
                           "昌吉州奇台县奇台镇上级部门收回事项清单"]
    for (list_name, rows), extracted in zip(lists.items(), found.values()):
        assert extracted == [[source_cell(cell) for cell in row] for row in rows], list_name
    assert headings == 5  # one page of basic, three of coordinated (the long row goes on twice), one of reclaimed
    assert "第 " not in result.output and "目 录" in result.output  # page numbers dropped, the contents kept


@pytest.mark.slow
def test_a_row_continued_over_pages_is_one_line_on_the_page_it_starts(tmp_path):
    text = extract(pdf_file(tmp_path)).output
    coordinated = text.split("奇台镇配合履职事项清单")[1].split("奇台镇上级部门收回事项清单")[0]
    pages = [[line.split("\t")[0] for line in page.splitlines()[1:] if line[:1].isdigit()] for page in coordinated.split("序号\t")[1:]]
    starts = {seq: number for number, page in enumerate(pages) for seq in page}
    assert sorted(starts) == ["1", "2", "3", "4"]
    assert starts["4"] - starts["3"] == 2 and pages[starts["3"] + 1] == []  # a page that holds only row 3's middle


@pytest.mark.slow
def test_wrapped_lines_join_without_a_space_between_chinese_characters(tmp_path):
    text = extract(pdf_file(tmp_path)).output
    name = LISTS["basic"][0][2]
    assert source_cell(name) in text  # four printed lines in the PDF, one cell here, no space added
    assert "加强政治建设,坚定拥护" in text
    steps = source_cell(LISTS["coordinated"][0][4])
    assert "; 2." in steps and steps in text  # a step starts a printed line: one space, the rules make it a line


@pytest.mark.slow
def test_output_file_is_written_and_said(tmp_path):
    out = tmp_path / "edition.txt"
    result = extract(pdf_file(tmp_path), "-o", out)
    assert result.exit_code == 0 and f"wrote {out}" in result.output
    assert out.read_text(encoding="utf-8") == extract(tmp_path / "edition.pdf").output


@pytest.mark.slow
def test_a_table_with_a_wrong_column_count_is_refused_naming_its_page(tmp_path):
    lists = small_lists()
    lists["coordinated"] = [row[:5] for row in lists["coordinated"]]
    headings = ("序号", "事项类别", "事项名称", "对应上级部门", "上级部门职责")
    result = extract(pdf_file(tmp_path, lists, columns={"coordinated": (headings, (40, 60, 120, 100, 203))}))
    assert result.exit_code == 2
    assert "edition.pdf, page 4: a table of 5 columns where the 配合履职事项清单 has 6" in result.output


def test_a_pdf_of_another_document_is_refused(tmp_path):
    path = tmp_path / "minutes.pdf"
    page = canvas.Canvas(str(path))
    page.setFont("Helvetica", 12)
    page.drawString(72, 700, "Minutes of the meeting")
    page.rect(72, 500, 300, 100)
    page.drawString(80, 580, "Item  Owner")
    page.save()
    result = extract(path)
    assert result.exit_code == 2
    assert "no table headed 序号 under a list title" in result.output and "not the PDF of a duty list" in result.output


def test_an_encrypted_pdf_is_refused(tmp_path):
    result = extract(pdf_file(tmp_path, encrypt="secret"))
    assert result.exit_code == 2 and "is encrypted" in result.output and "without its password" in result.output


@pytest.mark.parametrize("damage", ["cut", "garbage", "text"])
def test_a_broken_file_is_refused(tmp_path, damage):
    data = pdf_file(tmp_path).read_bytes()
    broken = {"cut": data[: len(data) // 3], "garbage": b"%PDF-1.4\n" + bytes(range(256)) * 40,
              "text": "序号\t事项类别\n".encode()}[damage]
    path = tmp_path / "broken.pdf"
    path.write_bytes(broken)
    result = extract(path)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {path}")


def blank_pdf(path, pages):
    """A PDF of that many blank pages (no text layer, nothing to read), written to path."""
    stream = io.BytesIO()
    document = canvas.Canvas(stream)
    for _ in range(pages):
        document.showPage()
    document.save()
    path.write_bytes(stream.getvalue())
    return path


@pytest.mark.slow
def test_a_pdf_of_more_pages_than_the_limit_is_refused_at_once(tmp_path):
    path = blank_pdf(tmp_path / "long.pdf", 500)
    result = extract(path)
    assert result.exit_code == 2
    assert "500 pages, more than the limit of 300" in result.output and "DUTYLIST_MAX_PDF_PAGES" in result.output


@pytest.mark.slow
def test_a_500_page_scan_within_a_raised_page_limit_is_refused_before_any_ocr(tmp_path, monkeypatch):
    path = blank_pdf(tmp_path / "long.pdf", 500)
    monkeypatch.setenv("DUTYLIST_MAX_PDF_PAGES", "600")
    result = extract(path)
    assert result.exit_code == 2
    assert "500 pages without a text layer, more than the 100 that OCR reads" in result.output
