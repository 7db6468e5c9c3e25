"""From the tables found on a PDF's pages to the source text ``parse`` reads (the package's extracted layout).

A reader (``text_layer``, or ``ocr`` for a scanned PDF) gives one ``PageTables`` per page: the text lines above its
tables and each table's rows, every cell a list of printed lines. This module, the same for both readers:

- finds each list by its title (a line above a table, or a table row before the heading row, that ends with the
  list's title);
- drops the heading row (a row whose first cell reads 序号) and every line that is not a title: the page number,
  the cover and contents pages' lines that could be read as a title or a row;
- joins a cell's lines: without a space, except between two ASCII letters or digits and before a step number
  (``2.``), where a space stands (the rules later turn that space into a step's line break);
- joins a row that the PDF continued on the next page (its 序号 cell empty) to the row it continues; on a page read
  by OCR the grid and the count decide instead (``_State.counted_seqs``), and a 序号 read otherwise is a warning;
- folds the text with NFKC, as the earlier editions' text was folded (the rules turn ``，；：（）`` back);
- writes each table page as one heading line (``序号`` and the headings, tab-separated), then one line per row that
  starts on that page: ``seq<TAB>cell<TAB>…``, with a blank line between pages. ``parse`` numbers the pages by the
  heading lines, so an item's page is the table page (from 1) on which its row starts.

A table whose column count is not its list's, a heading before any list title and a row whose 序号 is not a whole
number are refused (``PdfRefused``, exit 2), naming the page of the PDF.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from ...core.errors import DutylistError
from ...core.package import FIELD_TITLES, LIST_LABELS
from ..parse import SOURCE_COLUMNS, ROW_START, title_list

ASCII_WORD_END = re.compile(r"[0-9A-Za-z]$")
ASCII_WORD_START = re.compile(r"^[0-9A-Za-z]")
STEP_NUMBER = re.compile(r"^\d+\.")
HEADING_FIRST_CELL = "序号"


class PdfRefused(DutylistError):
    """The PDF cannot be read as an edition of the duty list; nothing was derived from it (exit 2)."""

    def __init__(self, file, message, code="pdf-refused", page=None):
        where = f"{file}" + (f", page {page}" if page else "")
        super().__init__(f"{where}: {message}", code=code, file=file, row=page)
        self.page = page


@dataclass
class PageTables:
    """What a reader found on one page (numbered from 1): the text lines above its first table, and its tables, each
    a list of rows, each row a list of cells, each cell a list of printed lines."""
    number: int
    lines_above: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    text_lines: list = field(default_factory=list)  # the page's text lines, for a page without a table
    counted: bool = False  # the 序号 are counted, not read: OCR misreads lone digits (a 3 as 9), the grid gives the rows
    inked: list = field(default_factory=list)  # counted: whether each row's 序号 cell holds ink (its first table)


def join_lines(lines):
    """One cell's printed lines as one line: no space where a line wrapped between Chinese characters, one space
    between two ASCII letters or digits and before a step number (``2.``)."""
    text = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if text and (STEP_NUMBER.match(line) or (ASCII_WORD_END.search(text) and ASCII_WORD_START.match(line))):
            text += " "
        text += line
    return text


def cell_text(lines):
    """A cell as the source text holds it: its lines joined, NFKC-folded, with no tab or line break left."""
    return re.sub(r"[\t\r\n]+", " ", unicodedata.normalize("NFKC", join_lines(lines or [])))


def source_text(file, pages, warnings=None):
    """The source text (the package's extracted layout) of the pages a reader found; ``file`` names the PDF in
    refusals. Where OCR read a 序号 the count does not agree with, a line is added to ``warnings`` (a list)."""
    state = _State(file, warnings)
    for page in pages:
        if not page.tables:
            state.untabled_page(page)
            continue
        state.lines_above(page.lines_above, read_by_ocr=page.counted)
        state.output.append("")
        heading_written = False
        for table in page.tables:
            heading_written = state.table(page.number, table, heading_written, page.counted, page.inked)
    if state.list_name is None:
        raise PdfRefused(file, f"no table headed {HEADING_FIRST_CELL} under a list title "
                         f"({', '.join(LIST_LABELS.values())}) on any of its {len(pages)} pages: "
                         "this is not the PDF of a duty list", code="pdf-not-a-duty-list")
    return "\n".join(state.output).strip("\n") + "\n"


def _ocr_title(text):
    """An OCR-read line whose end is one list title with a character or two misread, ending in that title (the rest as
    read: parse still checks the town); else the line as read."""
    for label in LIST_LABELS.values():
        end = text[-len(label):]
        if len(end) == len(label) and sum(a == b for a, b in zip(end, label)) >= len(label) - 2 and end.endswith("清单"[-1]):
            return text[:-len(label)] + label
    return text


def _number(cell):
    """The whole number a 序号 cell (its lines) reads, or None."""
    text = cell_text(cell).replace(" ", "")
    return int(text) if text.isdigit() else None


def _reads_as_heading(list_name, cells):
    """Whether an OCR-read table's first row reads as its list's heading row by its other cells (one of them close to
    its column's title, 事项名称 say): its 序号 cell may read as nothing, or as a digit."""
    titles = [FIELD_TITLES.get(column) for column in SOURCE_COLUMNS.get(list_name, ())[1:]]
    return any(title and difflib.SequenceMatcher(None, cell_text(cell), title).ratio() >= 0.6
               for cell, title in zip(cells[1:], titles))


def _is_heading(first, index):
    """Whether a row whose first cell reads ``first`` is a heading row: 序号, or, as a table's first row, a cell
    that has one of its characters and no digit (OCR may misread the other)."""
    if first == HEADING_FIRST_CELL:
        return True
    return index == 0 and 0 < len(first) <= 3 and not any(char.isdigit() for char in first) and (
        "序" in first or "号" in first)


class _State:
    """The list being read, the rows so far (a continued row is joined to the last) and the lines written."""

    def __init__(self, file, warnings=None):
        self.file = file
        self.warnings = warnings if warnings is not None else []
        self.list_name = None
        self.output = []
        self.last_row = None  # the cells (lists of lines) of the row written last, while it may continue
        self.last_index = None  # its line in output
        self.last_seq = 0  # its 序号

    def untabled_page(self, page):
        """A page without a table (the cover, the contents): its lines, but none that parse would read as a list
        title or a row, and none once the lists have begun (notes, signatures)."""
        if self.list_name is not None:
            return
        for line in page.text_lines:
            line = unicodedata.normalize("NFKC", line).replace("\t", " ").strip()
            if line and not title_list(line) and not ROW_START.match(line):
                self.output.append(line)
        self.output.append("")

    def lines_above(self, lines, read_by_ocr=False):
        for line in lines:
            text = unicodedata.normalize("NFKC", line).strip()
            text = _ocr_title(text) if read_by_ocr and not title_list(text) else text
            if title_list(text):
                self.start_list(title_list(text), text)

    def start_list(self, list_name, title):
        self.list_name = list_name
        self.last_row, self.last_seq = None, 0
        self.output += ["", title]

    def table(self, page_number, rows, heading_written, counted=False, inked=()):
        """Write one table's rows; True once this page's heading line is written. ``counted``: the rows were read by
        OCR, and ``counted_seqs`` numbers them (``inked``: whether each row's 序号 cell holds ink)."""
        columns = None
        seqs = None
        for index, row in enumerate(rows):
            cells = [cell or [] for cell in row]
            first = cell_text(cells[0]).replace(" ", "") if cells else ""
            if _is_heading(first, index) or (counted and index == 0 and _reads_as_heading(self.list_name, cells)):
                columns = self.check_columns(page_number, cells)
                if not heading_written:  # 序号 as parse knows it (OCR may read 序 alone), the other headings as printed
                    self.output.append("\t".join((HEADING_FIRST_CELL, *(cell_text(cell) for cell in cells[1:]))))
                    heading_written = True
                continue
            joined = cell_text([cell_text(cell) for cell in cells])
            if not first.isdigit() and title_list(joined):  # a title printed as the table's first row
                self.start_list(title_list(joined), joined)
                continue
            if self.list_name is None:
                raise PdfRefused(self.file, f"a table row before any list title ({', '.join(LIST_LABELS.values())})",
                                 code="pdf-not-a-duty-list", page=page_number)
            if not heading_written:  # a page that does not repeat the heading row: write one, parse counts pages by it
                self.output.append("\t".join(("序号", *SOURCE_COLUMNS[self.list_name][1:])))
                heading_written = True
            if columns is None:  # no heading row on this page: the first row's columns are checked
                columns = self.check_columns(page_number, cells)
            if counted:  # a row the grid shows, numbered by the count
                if seqs is None:
                    seqs = self.counted_seqs(page_number, rows[index:], list(inked[index:]) + [False] * len(rows))
                first = seqs.pop(0)
                cells[0] = [first] if first else []
                if not first and not any(cells):  # a band with nothing in it
                    continue
            self.row(page_number, cells, first)
        return heading_written

    def counted_seqs(self, page_number, rows, inked):
        """The 序号 of each row of an OCR-read table from its first row below the heading, '' for a row that continues
        the one above. The grid gives every row band for sure, and a row breaks only at a page's end: every band
        with text below the first is a new row, numbered after the last (the 序号 run 1..N per list, across pages).
        The first continues the last row of the page before unless the page's 序号 readings agree better with its
        being new (the ink in its 序号 cell decides a tie). A reading the count does not agree with is a warning."""
        readings = [_number(row[0]) for row in rows]
        filled = [any(cell for cell in row) for row in rows]
        first_new = True
        if self.last_row is not None and filled and filled[0]:
            places = [k for k, full in enumerate(filled) if full]
            new = sum(readings[k] == self.last_seq + 1 + place for place, k in enumerate(places))
            continued = sum(readings[k] == self.last_seq + place for place, k in enumerate(places))
            first_new = new > continued or (new == continued and inked[0])
            if not first_new and readings[0] is not None:
                self.warn(page_number, f"the first row's 序号 cell reads {readings[0]}, taken as row {self.last_seq} "
                          "continued from the page before, as the page's other 序号 say")
        seqs, seq = [], self.last_seq
        for index, (reading, full) in enumerate(zip(readings, filled)):
            if not full or (index == 0 and not first_new):
                seqs.append("")
                continue
            seq += 1
            seqs.append(str(seq))
            if reading != seq:
                read = f"reads {reading}" if reading is not None else "reads no number"
                self.warn(page_number, f"a ruled row whose 序号 cell {read}, counted as {LIST_LABELS[self.list_name]} "
                          f"序号 {seq} (the grid and the count are trusted: check that row)")
        return seqs

    def warn(self, page_number, message):
        self.warnings.append(f"{self.file}, page {page_number}: {message}")

    def check_columns(self, page_number, cells):
        expected = SOURCE_COLUMNS[self.list_name] if self.list_name else None
        if expected is None:
            raise PdfRefused(self.file, f"a table headed {HEADING_FIRST_CELL} before any list title "
                             f"({', '.join(LIST_LABELS.values())})", code="pdf-not-a-duty-list", page=page_number)
        if len(cells) != len(expected):
            raise PdfRefused(self.file, f"a table of {len(cells)} columns where the {LIST_LABELS[self.list_name]} has "
                             f"{len(expected)} ({', '.join(expected)}); is this the edition's PDF?",
                             code="pdf-wrong-column-count", page=page_number)
        return len(cells)

    def row(self, page_number, cells, seq):
        if not seq:  # the PDF continues the row above (or the last row of the page before)
            if self.last_row is None:
                raise PdfRefused(self.file, "a row without 序号 that continues no row", code="pdf-row-without-seq",
                                 page=page_number)
            self.last_row = [previous + (cell or []) for previous, cell in zip(self.last_row, cells)]
            self.output[self.last_index] = "\t".join(cell_text(cell) for cell in self.last_row)
            return
        if not seq.isdigit():
            raise PdfRefused(self.file, f"序号 {seq[:20]!r} is not a whole number", code="pdf-bad-seq", page=page_number)
        self.last_seq = int(seq)
        self.last_row = [list(cell) for cell in cells]
        self.output.append("\t".join(cell_text(cell) for cell in self.last_row))
        self.last_index = len(self.output) - 1
