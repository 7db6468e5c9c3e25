"""What the importer notices in the extracted text: a work list for the maintainer, never a change."""

import re
from dataclasses import asdict, dataclass

from .rules import LIST_DELIMITER, LIST_FIELDS, STEP_DELIMITER, STEP_FIELDS

CJK = r"[\u3400-\u9fff]"
SPACE_BETWEEN_CJK = re.compile(rf"{CJK}[ \t\u3000]+{CJK}")
GLUED_PATTERNS = (
    # a single letter or digit opening a cell or a step, stuck to the next character: 1强, D强, T展
    (re.compile(rf"^[A-Za-z0-9](?={CJK})"), "a Latin letter or digit glued to the start of a Chinese word"),
    # a Latin letter written for a step number: I.县安
    (re.compile(rf"^[A-Za-z]\.(?={CJK})"), "a Latin letter where a step number belongs"),
    # a lone Latin letter inside a Chinese word: 加D强 (C、D级 and APP are tokens, not damage)
    (re.compile(rf"(?<={CJK})[A-Za-z](?={CJK})"), "a lone Latin letter inside a Chinese word"),
)
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
        found.extend(anomaly(field, "glued-latin-or-digit", text) for text in glued_fragments(field, text))
        if field in STEP_FIELDS and text:
            found.extend(anomaly(field, "step-numbering", message) for message in step_problems(text))
    return found


def glued_fragments(field, text):
    """Each letter or digit glued into Chinese text, with the character after it ('1强', 'I.县')."""
    return [unit[match.start(): match.end() + 1] for unit in text_units(field, text)
            for pattern, _ in GLUED_PATTERNS for match in pattern.finditer(unit)]


def text_units(field, text):
    """Where a cell, a step or a department name starts: the lines of a field, the entries of a list."""
    lines = text.split(STEP_DELIMITER)
    if field in LIST_FIELDS:
        return [entry for line in lines for entry in line.split(LIST_DELIMITER) if entry]
    return [line for line in lines if line]


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
