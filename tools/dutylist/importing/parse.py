"""Parse the text extracted from the published PDF into raw rows, cell by cell.

Nothing here changes a cell's text: a raw row holds every cell exactly as
extracted. Normalisation lives in ``rules``; corrections in ``corrections``.
"""

import re
from dataclasses import dataclass, field

LIST_TITLES = {
    "昌吉州奇台县奇台镇基本履职事项清单": "basic",
    "昌吉州奇台县奇台镇配合履职事项清单": "coordinated",
    "昌吉州奇台县奇台镇上级部门收回事项清单": "reclaimed",
}

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


def parse_source(text):
    """Split the extracted text into rows of the three lists, each with its page."""
    parsed = ParsedSource()
    current_list = None
    page = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped in LIST_TITLES:
            current_list = LIST_TITLES[stripped]
        elif line.startswith(HEADER_START):
            page += 1
        elif footer := PAGE_FOOTER.match(stripped):
            _check_footer(parsed, number, int(footer.group(1)), page)
        elif ROW_START.match(line) and current_list:
            parsed.rows.append(_raw_row(parsed, current_list, page, number, line))
    parsed.pages = page
    return parsed


def _check_footer(parsed, number, printed_page, counted_page):
    if printed_page != counted_page:
        parsed.problems.append(
            SourceProblem(
                number,
                "page-mismatch",
                f"footer says page {printed_page}, headers counted {counted_page}",
            )
        )


def _raw_row(parsed, list_name, page, number, line):
    columns = SOURCE_COLUMNS[list_name]
    cells = line.split("\t")
    extra = [cell for cell in cells[len(columns):] if cell.strip()]
    if extra:
        parsed.problems.append(
            SourceProblem(number, "extra-cells", f"{len(extra)} non-empty cell(s) past the last column")
        )
    cells = (cells + [""] * len(columns))[: len(columns)]
    values = dict(zip(columns, cells))
    seq = int(values.pop("seq"))
    return RawRow(list=list_name, seq=seq, page=page, line=number, cells=values)
