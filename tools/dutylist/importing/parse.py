"""Parse the text extracted from the published PDF into raw rows, cell by cell.

Nothing here changes a cell's text: a raw row holds every cell exactly as
extracted. Normalisation lives in ``rules``; corrections in ``corrections``.

Nothing about one edition is fixed here: a list starts at a line that ends with the list's
title (基本履职事项清单, 配合履职事项清单, 上级部门收回事项清单) and names the package's town,
each page starts with the repeated table header, and a row is a line that starts with its 序号
and a tab. Text that does not have this layout is refused (``SourceRefused``) with the line
that shows it, before anything is derived from it.
"""

import re
from dataclasses import dataclass, field

from ..core.errors import DutylistError
from ..core.package import LIST_LABELS, LISTS

LIST_OF_TITLE_SUFFIX = {label: list_name for list_name, label in LIST_LABELS.items()}

SOURCE_COLUMNS = {
    "basic": ("seq", "category", "name"),
    "coordinated": ("seq", "category", "name", "departments", "county_duties", "town_duties"),
    "reclaimed": ("seq", "category", "name", "departments_handling"),
}

HEADER_START = "序号\t"
PAGE_FOOTER = re.compile(r"^第\s*(\d+)\s*页,\s*共\s*(\d+)\s*页$")
ROW_START = re.compile(r"^(\d+)\t")


@dataclass
class RawRow:
    list: str
    seq: int
    page: int
    line: int
    cells: dict


@dataclass
class SourceProblem:
    line: int
    code: str
    message: str


@dataclass
class ParsedSource:
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    pages: int = 0
    titles: dict = field(default_factory=dict)  # list name -> (line, title as printed)


class SourceRefused(DutylistError):
    """The text is not an edition in this layout; nothing may be derived from it.

    ``message`` is the problem alone; ``str(error)`` is "line N: problem"."""

    def __init__(self, line, code, message):
        super().__init__(f"line {line}: {message}", code=code, row=line)
        self.line, self.message = line, message


def parse_source(text, town=None):
    """Split the extracted text into rows of the three lists, each with its page.

    ``town`` is the town's name as the descriptor gives it; a list title naming another town
    is refused. Raises ``SourceRefused`` for text that is not this layout.
    """
    _refuse_unreadable(text)
    parsed = ParsedSource()
    current_list = None
    page = 0
    seen = {}  # (list, seq) -> line, and list -> its last 序号
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        list_name = title_list(line)
        if list_name:
            _start_list(parsed, list_name, number, stripped, town)
            current_list = list_name
        elif line.startswith(HEADER_START):
            page += 1
        elif footer := PAGE_FOOTER.match(stripped):
            _check_footer(parsed, number, int(footer.group(1)), page)
        elif ROW_START.match(line):
            if current_list is None:
                raise SourceRefused(number, "row-before-title", "a numbered row before any list title "
                                    f"(a line ending in {' / '.join(LIST_LABELS.values())})")
            if page == 0:
                raise SourceRefused(number, "row-before-header", "a numbered row before the first table header (序号 …)")
            row = _raw_row(current_list, page, number, line)
            _check_seq(seen, row)
            parsed.rows.append(row)
        elif stripped and current_list is not None:
            raise SourceRefused(number, "unknown-line", f"neither a list title, a table header, a page footer nor a "
                                f"numbered row: {stripped[:40]!r}; is this the extracted text of a duty list?")
    _check_lists(parsed)
    parsed.pages = page
    return parsed


def title_list(line):
    """The list whose title this line is (a line without tabs ending in the list's title), or None."""
    stripped = line.strip()
    if "\t" in line:
        return None
    for suffix, list_name in LIST_OF_TITLE_SUFFIX.items():
        if stripped.endswith(suffix):
            return list_name
    return None


def _refuse_unreadable(text):
    if not text.strip():
        raise SourceRefused(1, "empty-source", "the file is empty; give the text extracted from the edition's PDF")
    nul = text.find("\x00")
    if nul >= 0:
        raise SourceRefused(text.count("\n", 0, nul) + 1, "binary-source",
                            "a NUL byte: this is a binary file, not extracted text; extract the PDF's text first")


def _start_list(parsed, list_name, number, title, town):
    label = LIST_LABELS[list_name]
    if list_name in parsed.titles:
        raise SourceRefused(number, "list-repeated", f"a second {label} title (the first is at line {parsed.titles[list_name][0]})")
    prefix = title[: -len(label)]
    if town and town not in prefix:
        raise SourceRefused(number, "other-town", f"the title {title[-60:]!r} does not name {town}, the town of this package")
    parsed.titles[list_name] = (number, title)


def _check_lists(parsed):
    if not parsed.titles:
        raise SourceRefused(1, "not-this-layout", "no list title (a line ending in "
                            f"{', '.join(LIST_LABELS.values())}): this is not the extracted text of a duty list")
    last_line = max(line for line, _ in parsed.titles.values())
    for list_name in LISTS:
        label = LIST_LABELS[list_name]
        if list_name not in parsed.titles:
            raise SourceRefused(last_line, "list-missing", f"no {label} title in the text (the last list title is at "
                                f"line {last_line}); every edition has the three lists")
        if not any(row.list == list_name for row in parsed.rows):
            raise SourceRefused(parsed.titles[list_name][0], "list-empty", f"the {label} has no numbered rows")


def _check_seq(seen, row):
    label = LIST_LABELS[row.list]
    if (row.list, row.seq) in seen:
        raise SourceRefused(row.line, "duplicate-seq",
                            f"{label} 序号 {row.seq} again (first at line {seen[(row.list, row.seq)]})")
    previous = seen.get(row.list, 0)
    if row.seq != previous + 1:
        missing = f"{previous + 1}" if row.seq == previous + 2 else f"{previous + 1}-{row.seq - 1}"
        raise SourceRefused(row.line, "missing-seq", f"{label} 序号 {row.seq} follows {previous or 'the title'}: "
                            f"序号 {missing} is missing")
    seen[(row.list, row.seq)] = row.line
    seen[row.list] = row.seq


def _check_footer(parsed, number, printed_page, counted_page):
    if printed_page != counted_page:
        parsed.problems.append(
            SourceProblem(
                number,
                "page-mismatch",
                f"footer says page {printed_page}, headers counted {counted_page}",
            )
        )


def _raw_row(list_name, page, number, line):
    columns = SOURCE_COLUMNS[list_name]
    cells = line.split("\t")
    extra = [cell for cell in cells[len(columns):] if cell.strip()]
    described = f"the {LIST_LABELS[list_name]} has {len(columns)} columns ({', '.join(columns)})"
    if len(cells) < len(columns):
        raise SourceRefused(number, "wrong-cell-count", f"{len(cells)} cell(s) where {described}")
    if extra:
        raise SourceRefused(number, "wrong-cell-count", f"{len(extra)} non-empty cell(s) past the last column: {described}")
    values = dict(zip(columns, cells))
    seq = int(values.pop("seq"))
    return RawRow(list=list_name, seq=seq, page=page, line=number, cells=values)
