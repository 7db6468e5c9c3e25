"""The mechanical normalisations applied to every extracted cell.

Each rule is documented once here (and in the README) and tested; any other
change to the extracted text is a record in ``data/corrections.csv``.
Rules turn a raw row's cells into field values exactly as the CSV stores them:
department lists joined by 、, numbered steps one per line.
"""

import re
from dataclasses import dataclass

from ..core.edition import split_list
from ..core.package import LIST_DELIMITER, STEP_DELIMITER, STEP_FIELDS
from ..core.punctuation import full_width_punctuation

LIST_FIELDS = ("departments",)

STEP_START = re.compile(r"\s+(?=\d+\.)")
WHITESPACE_RUN = re.compile(r"\s+")
ASCII_ALNUM = re.compile(r"[0-9A-Za-z]")


@dataclass(frozen=True)
class Rule:
    code: str
    summary: str


RULES = (
    Rule("trim-cell", "Whitespace at the ends of a cell is dropped."),
    Rule(
        "split-handover",
        "The reclaimed list's 承接部门及工作方式 cell is split at its first ':' into "
        "departments (before) and handling (after).",
    ),
    Rule(
        "full-width-punctuation",
        "An ASCII , ; : ( ) that stands in Chinese text becomes the full-width mark the PDF printed "
        "(，；：（）): the extraction folded full-width marks to ASCII (as NFKC does), as the space after "
        "every handover colon of the reclaimed list ('奇台县民政局: ') shows. A mark is in Chinese "
        "text when the nearest character on either side, passing over spaces, straight quotes and "
        "other such marks, is neither ASCII nor absent; a pair "
        "of parentheses goes together, full-width when either bracket is or when it encloses Chinese. "
        "Marks among Latin letters and digits ('1,000', '8:00') stay ASCII; straight quotes are kept.",
    ),
    Rule(
        "one-step-per-line",
        "In county_duties, town_duties and handling, whitespace before a step number "
        "('2.', '3.' ...) becomes a line break: one numbered step per line.",
    ),
    Rule(
        "join-wrapped-lines",
        "Inside a line, a run of whitespace is removed unless it stands between two "
        "ASCII letters or digits: spaces left where the PDF wrapped a line "
        "('重大 事项' becomes '重大事项', '1. 在' becomes '1.在').",
    ),
    Rule(
        "split-departments",
        "A department cell is a list separated by 、; empty entries are dropped.",
    ),
)


def normalise_cells(list_name, cells):
    """Apply every rule to one raw row's cells; return the field values."""
    values = {name: text.strip() for name, text in cells.items()}
    if list_name == "reclaimed":
        values.update(split_handover(values.pop("departments_handling")))
    values = {name: full_width_punctuation(text) for name, text in values.items()}
    for name in STEP_FIELDS:
        if name in values:
            values[name] = one_step_per_line(values[name])
    values = {name: join_wrapped_lines(text) for name, text in values.items()}
    for name in LIST_FIELDS:
        if name in values:
            values[name] = split_departments(values[name])
    return values


def split_handover(text):
    departments, separator, handling = text.partition(":")
    if not separator:
        return {"departments": "", "handling": text.strip()}
    return {"departments": departments.strip(), "handling": handling.strip()}


def one_step_per_line(text):
    return STEP_START.sub(STEP_DELIMITER, text)


def join_wrapped_lines(text):
    return STEP_DELIMITER.join(_join_line(line) for line in text.split(STEP_DELIMITER))


def _join_line(line):
    def keep_if_between_ascii(match):
        before = line[match.start() - 1] if match.start() else ""
        after = line[match.end()] if match.end() < len(line) else ""
        both_ascii = ASCII_ALNUM.fullmatch(before or "-") and ASCII_ALNUM.fullmatch(after or "-")
        return " " if both_ascii else ""

    return WHITESPACE_RUN.sub(keep_if_between_ascii, line.strip())


def split_departments(text):
    return LIST_DELIMITER.join(split_list(text))
