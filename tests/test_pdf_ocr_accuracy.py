"""How OCR reads a scanned edition's cells: each cell's text lines side by side as one line, smoothed; a step
number's point read again stretched; brackets paired. Measured on the whole rendering by benchmarks/pdf_ocr.py
(figures in docs/import.md); here a small rendering, scanned with a little skew and noise, is read back through
``dutylist extract``, and the pieces are checked on images drawn here.
"""

import difflib
import unicodedata

import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw

from dutylist.cli import cli
from dutylist.importing.parse import parse_source
from dutylist.importing.pdf import ocr

from conftest import ROOT
from pdf_edition import read_lists, render, scanned, wrap, WIDTHS

STEPS = "1.组织开展基层党组织建设工作；\n2.做好招投标和建设工作；\n3.对上报的候选人初步人选进行资格审查。"


def cell_image(lines, width=400, height=300):
    """A white cell with dark bars standing for text lines: each (top, bottom, left, right)."""
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for top, bottom, left, right in lines:
        draw.rectangle((left, top, right, bottom), fill=0)
    return image


def test_a_cells_lines_are_put_side_by_side_bottoms_aligned_and_a_wrapped_mark_is_its_own_line():
    # two full lines, then a semicolon alone on the third: its point and comma (12 px apart) are one line
    cell = cell_image([(20, 70, 10, 300), (100, 150, 10, 250), (190, 198, 14, 22), (211, 226, 12, 22)])
    assert ocr.ink_lines(cell) == [(20, 71), (100, 151), (190, 227)]
    line, starts = ocr.side_by_side(cell)
    gap = round((51 + 2 * ocr.PAD) * ocr.GAP)
    assert line.height == 51 + 2 * ocr.PAD
    assert starts == [0, 291 + gap, 291 + gap + 241 + gap]
    assert line.width == starts[-1] + 11
    bottoms = [max(y for y in range(line.height) if line.getpixel((x, y)) < 128) for x in (starts[0], starts[1], starts[2] + 5)]
    assert bottoms == [line.height - ocr.PAD - 1] * 3  # the mark stands on the line's foot, as printed
    assert ocr.side_by_side(cell_image([])) == (None, [])
    assert ocr.ink_lines(cell_image([(50, 52, 10, 12)])) == []  # a speck is no line


def test_words_go_back_to_the_printed_line_they_were_drawn_from():
    starts = [0, 320, 600]
    words = [(0, "2."), (30, "做好"), (322, "工作"), (380, "A"), (410, "B"), (601, ";")]
    assert ocr._by_segment(words, starts) == ["2.做好", "工作A B", ";"]


def test_a_point_is_put_after_a_digit_only_where_the_stretched_reading_has_it():
    assert ocr._points_after_digits(["工作;", "2对上报的"], "工作;2.对上报的") == ["工作;", "2.对上报的"]
    assert ocr._points_after_digits(["工作;", "2对上报的"], "工作;2对上报的") == ["工作;", "2对上报的"]
    assert ocr._points_after_digits(["共3个"], "共3.个") == ["共3.个"]  # what Tesseract saw, nothing guessed
    assert ocr._points_after_digits(["1 2A"], "1. 2.A") == ["1 2A"]  # only before a Chinese character
    assert ocr._points_after_digits(["2对上报"], "2,对上报") == ["2对上报"]  # only a point


def test_an_opening_bracket_read_as_an_angle_bracket_is_paired_with_its_closing_one():
    assert ocr._paired_brackets("社会救助〈含城镇)") == "社会救助(含城镇)"
    assert ocr._paired_brackets("拟招录《聘）人员") == "拟招录(聘）人员"
    assert ocr._paired_brackets("职级〈职员\n等级)晋升") == "职级(职员\n等级)晋升"
    assert ocr._paired_brackets("《中华人民共和国土地管理法》(2019)") == "《中华人民共和国土地管理法》(2019)"
    assert ocr._paired_brackets("〈一〉和(二)") == "〈一〉和(二)"


def lone_mark_wrapped(text, width):
    """The shortest start of ``text`` that, ended by ``；``, wraps the ``；`` alone onto its last line."""
    for end in range(1, len(text)):
        if wrap(text[:end] + "；", width)[-1] == "；":
            return text[:end] + "；"
    raise AssertionError("no wrap leaves the mark alone")


def printed(cell):
    return "".join(unicodedata.normalize("NFKC", cell).split())


@pytest.mark.slow  # OCR of five pages
@pytest.mark.skipif(bool(ocr.available()), reason=f"OCR: {ocr.available()}; .ci/run installs it")
def test_a_scanned_rendering_is_read_back_nearly_character_for_character(tmp_path):
    lists = {name: [list(row) for row in rows[:1]] for name, rows in read_lists(ROOT).items()}
    name = lone_mark_wrapped("组织开展基层党组织建设工作" * 5, WIDTHS["basic"][2])
    lists["basic"][0][2] = name
    lists["coordinated"][0][4] = STEPS  # step numbers, each at a line's start
    render(lists, tmp_path / "edition.pdf")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned((tmp_path / "edition.pdf").read_bytes(), 300, 0.5, 0.002))
    result = CliRunner().invoke(cli, ["extract", str(scan), "-o", str(tmp_path / "scan.txt")])
    assert result.exit_code == 0, result.output
    read = {(row.list, row.seq): list(row.cells.values()) for row in parse_source((tmp_path / "scan.txt").read_text("utf-8")).rows}
    assert sorted(read) == sorted((list_name, int(row[0])) for list_name, rows in lists.items() for row in rows)
    right = total = 0
    for list_name, rows in lists.items():
        for row in rows:
            for want, have in zip(row[1:], read[(list_name, int(row[0]))]):
                want, have = printed(want), printed(have)
                right += sum(block.size for block in difflib.SequenceMatcher(None, want, have, autojunk=False).get_matching_blocks())
                total += len(want)
    assert right / total >= 0.99, f"{right}/{total}"
    assert printed(read[("basic", 1)][1]).endswith(name[-3:-1] + ";")  # the mark wrapped alone is read
    steps = read[("coordinated", 1)][3].split(" ")  # each step's printed line kept apart by its words' places
    assert [step[:1] for step in steps] == ["1", "2", "3"] and steps[-1].endswith("资格审查。")
