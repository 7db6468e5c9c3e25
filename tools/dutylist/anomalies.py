"""What the importer notices in the extracted text: a work list for the maintainer, never a change."""

import re
from dataclasses import asdict, dataclass

from .rules import STEP_DELIMITER, STEP_FIELDS

CJK = r"[\u3400-\u9fff]"
SPACE_BETWEEN_CJK = re.compile(rf"{CJK}\s+{CJK}")
LATIN_GLUED = re.compile(rf"{CJK}[A-Za-z]+|[A-Za-z]+\.?{CJK}")
DIGIT_GLUED_AT_START = re.compile(rf"^[0-9]+{CJK}")
STEP_NUMBER = re.compile(r"^(\d+)\.")

MESSAGES = {
    "empty-cell": "the cell is empty",
    "unknown-category": "{text!r} is not a category of the register",
    "step-numbering": "{text}",
    "space-between-chinese": "a space between Chinese characters: {text!r}",
    "glued-latin-or-digit": "Latin letters or digits glued to Chinese text: {text!r}",
}


@dataclass
class Anomaly:
    item_id: str
    list: str
    seq: int
    page: int
    line: int
    field: str
    code: str
    text: str

    @property
    def message(self):
        return MESSAGES[self.code].format(text=self.text)

    def to_dict(self):
        return {**asdict(self), "message": self.message}


def find_anomalies(raw, item_id, values, known_categories):
    def anomaly(field, code, text=""):
        return Anomaly(item_id, raw.list, raw.seq, raw.page, raw.line, field, code, text)

    found = [anomaly(field, "empty-cell") for field, text in raw.cells.items() if not text.strip()]
    category = values.get("category", "")
    if category and known_categories and category not in known_categories:
        found.append(anomaly("category", "unknown-category", category))
    for field, text in raw.cells.items():
        found.extend(anomaly(field, "space-between-chinese", m.group()) for m in SPACE_BETWEEN_CJK.finditer(text))
    for field, text in values.items():
        found.extend(anomaly(field, "glued-latin-or-digit", text) for text in glued_fragments(text))
        if field in STEP_FIELDS and text:
            found.extend(anomaly(field, "step-numbering", message) for message in step_problems(text))
    return found


def glued_fragments(text):
    fragments = [m.group() for m in LATIN_GLUED.finditer(text)]
    for line in text.split(STEP_DELIMITER):
        fragments.extend(m.group() for m in DIGIT_GLUED_AT_START.finditer(line))
    return fragments


def step_problems(text):
    """Problems with the numbering of one field's steps, one line per step."""
    lines = text.split(STEP_DELIMITER)
    numbers = [STEP_NUMBER.match(line) for line in lines]
    if len(lines) == 1 and not numbers[0]:
        return []  # a single unnumbered step is a plain sentence
    problems = []
    expected = 1
    for line, match in zip(lines, numbers):
        if not match:
            problems.append(f"step {expected} has no number: {line[:20]!r}")
            expected += 1
            continue
        number = int(match.group(1))
        if number != expected:
            problems.append(f"step numbered {number} where {expected} was expected")
        expected = number + 1
    return problems
