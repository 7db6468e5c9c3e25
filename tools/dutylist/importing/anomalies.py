"""What the importer notices in the extracted text: a work list for the maintainer, never a change."""

from dataclasses import asdict, dataclass

from ..core.damage import GLUED_PATTERNS, SPACE_BETWEEN_CJK, step_problems, text_units
from .rules import STEP_FIELDS

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
