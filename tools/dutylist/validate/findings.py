"""What ``dutylist validate`` reports: findings with a stable kebab-case code, a level and a message from a template."""

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
MAX_PER_CODE_AND_FILE = 50  # findings shown per code, level and file: more than any code has in the real package (43)

# code: (level, message template, fix template or None)
CODES = {
    # the descriptor
    "descriptor-profile": (ERROR, "not valid against the Data Package 2.0 profile: {detail}", None),
    "version-not-semver": (ERROR, "version {text!r} is not a semantic version MAJOR.MINOR.PATCH", "write it as, for example, 1.0.0"),
    "edition-missing": (ERROR, "the descriptor has no edition", 'add "edition": "YYYY-MM", the month the list was published'),
    "edition-invalid": (ERROR, "edition {text!r} is not a month YYYY-MM", "write it as, for example, 2025-07"),
    "description-stale": (WARNING, "the description says {text!r} where the data gives {derived!r}", "run `dutylist fmt`: it rewrites the descriptions' counts and edition from the data"),
    "resource-missing": (ERROR, "the descriptor has no resource named {name!r} with a path", "restore the resource; every edition has the three lists and the registers"),
    "resource-path-unsafe": (ERROR, "resource {name}: path {text!r} {problem}", "give a path relative to datapackage.json, inside the package (data/...)"),
    "schema-file-missing": (ERROR, "resource {name}: {problem}", "point schema at a Table Schema file schemas/<name>.json that exists"),
    "schema-malformed": (ERROR, "{problem}; the resource is checked without its schema", "write the schema as a Table Schema: a list of fields, each an object with a text name; constraints an object; foreignKeys a list of objects with fields and a reference"),
    "schema-pattern-unsafe": (ERROR, "the pattern {problem}; it could take very long to check, so it is not evaluated", "write a pattern with at most one *, + or {{m,}}, repeating only a character, a class or a fixed group, with no backreference or lookaround; bound the rest ({{1,20}})"),
    # reading the files
    "file-missing": (ERROR, "no such file: resource {name} names it as its path", "restore the file, or fix the resource's path"),
    "encoding-bom": (ERROR, "the file starts with a byte-order mark (BOM), as a spreadsheet saves it; it was read without it",
                     "run `dutylist fmt`: it saves the file as UTF-8 without BOM, as the package writes every CSV"),
    "encoding-not-utf8": (ERROR, "the file is not UTF-8 (byte {byte} cannot be decoded; it may be GBK)", "save it as UTF-8"),
    "empty-file": (ERROR, "the file is empty; a resource needs at least its header row", "restore the header row and the data"),
    "line-endings-crlf": (WARNING, "the file has Windows line endings (CRLF); they are read as LF, but the package stores LF", "save it with LF line endings (the repository's .gitattributes keeps them in a checkout)"),
    "table-error-limit": (WARNING, "the table check stopped after {limit} errors in this file; more rows may be wrong", "fix the errors shown, then run dutylist validate again"),
    # the duty-list rules
    "integer-not-ascii": (ERROR, "{field} {text!r} is written with digits other than ASCII 0-9 (full-width, say); Python reads it as a number, other tools do not", "write it with ASCII digits 0-9"),
    "seq-gap": (ERROR, "{list} list: seq {missing} missing; seq runs 1..N without gaps", "renumber the list so that seq runs 1..{count}"),
    "id-in-two-lists": (ERROR, "id {text} is also {other_list} item {other_seq} ({other_file} row {other_row}); an item is in one list only", "keep the item in one list, or give the new item a new id"),
    "unknown-category": (ERROR, "category {text!r} is not a name in data/categories.csv", "use a category of the register, or add it to data/categories.csv"),
    "unknown-department": (ERROR, "department {text!r} is not a name in data/departments.csv", "use the register's full name, or add the body to data/departments.csv"),
    "step-numbering": (ERROR, "{detail}", "number the steps 1., 2., 3. ... one per line, or flag the damage in data/corrections.csv"),
    "space-between-chinese": (ERROR, "a space between Chinese characters: {text!r}", "remove the space (a line-wrap left-over)"),
    "glued-latin-or-digit": (ERROR, "{detail}: {text!r}", "correct the extraction damage and record it in data/corrections.csv (or record it as kept-as-published if it is the official text)"),
    "half-width-punctuation": (ERROR, "ASCII {char!r} in Chinese text, where the package writes {full!r} ({count} in this field)", "write {full!r} as the PDF printed it (rule full-width-punctuation); ASCII , ; : ( ) stay only among Latin letters and digits"),
    "mixed-punctuation-width": (ERROR, "{char!r} where the rest of the package writes {usual!r} ({usual_count} times against {count})", "write {usual!r} as the rest of the package does"),
    "empty-required-cell": (ERROR, "{field} is empty and no correction record flags it as unrecoverable", "fill it in, or add an unrecoverable record to data/corrections.csv saying why it cannot be"),
    "correction-unknown-item": (ERROR, "the correction record points at item {text!r}, which is in no list", "fix item_id, or remove the record"),
    "correction-unknown-field": (ERROR, "the correction record points at field {text!r}, which item {item_id} ({list} list) does not have", "fix field, or remove the record"),
    "correction-not-applied": (ERROR, "the corrected text {text!r} is not what {item_id} {item_field} holds", "apply the correction to the data, or fix the record's corrected text"),
    "amendment-malformed": (ERROR, "the amendment record is malformed: {problem}", "write it as data/amendments.csv's schema says, or let dutylist record write it (docs/maintain.md)"),
    "amendment-unknown-item": (ERROR, "the amendment record points at item {text!r}, which is in no list and which no record of the file removes", "fix item_id; if the edit was undone, remove its records (dutylist import-source says what the records give)"),
    "flagged-unrecoverable": (WARNING, "{item_id} {field} is flagged unrecoverable ({kind}): {evidence}", None),
    "kept-as-published": (WARNING, "{item_id} {field} is an oddity of the official text, kept as published: {evidence}", None),
    # against an earlier edition
    "id-reused": (ERROR, "id {item_id} was {old_name!r} in {against}; it now names a different item (name similarity {ratio:.2f})", "give the new item a new id; an id is never reused"),
    "version-not-increased": (ERROR, "version {text} is not greater than {old_version}, the version in {against}, and {why}", "raise the version (semver) whenever the content changes (dutylist diff says which bump)"),
}

TABLE_FIXES = {
    "type-error": "write a value of the field's type (see its schema)",
    "constraint-error": "write a value that meets the field's constraint (see its schema)",
    "unique-error": "every value in this field must be unique; ids are never shared",
    "primary-key": "every row needs its own primary key value",
    "foreign-key": "use a value of the referenced register",
    "missing-cell": "give the row as many cells as the header has columns",
    "extra-cell": "remove the extra cell, or quote a cell that holds a comma",
    "missing-label": "restore the column in the header (see the resource's schema)",
    "extra-label": "remove the column, or add it to the resource's schema",
    "incorrect-label": "name the column as the schema does",
    "blank-row": "remove the blank row",
}


class Finding:
    """One finding: a stable code, a level, a message and where it is. A finding made from a code's templates
    (``finding()``) writes its message and fix only when they are read: a large package makes many findings
    that the report's cap leaves out."""

    __slots__ = ("code", "level", "file", "resource", "row", "field", "text", "_message", "_fix", "_values")

    def __init__(self, code, level, message=None, file=None, resource=None, row=None, field=None, text=None, fix=None,
                 values=None):
        self.code, self.level, self.file, self.resource, self.row, self.field, self.text = code, level, file, resource, row, field, text
        self._message, self._fix, self._values = message, fix, values

    @property
    def message(self):
        if self._message is None and self._values is not None:
            self._message = CODES[self.code][1].format(**self._values)
        return self._message

    @property
    def fix(self):
        if self._fix is None and self._values is not None and CODES[self.code][2]:
            self._fix = CODES[self.code][2].format(**self._values)
        return self._fix

    def to_dict(self):
        return {name: getattr(self, name) for name in FINDING_FIELDS}

    def location(self):
        return ":".join(str(part) for part in (self.file, self.row, self.field) if part is not None)

    def __eq__(self, other):
        return isinstance(other, Finding) and self.to_dict() == other.to_dict()

    def __repr__(self):
        return f"Finding({self.to_dict()!r})"


def finding(code, file=None, resource=None, row=None, field=None, text=None, level=None, **params):
    """A finding whose message and fix come from the code's templates (written when first read)."""
    return Finding(code=code, level=level or CODES[code][0], file=file, resource=resource, row=row, field=field, text=text,
                   values={"text": text, "field": field, **params})


@dataclass
class Omitted:
    """Findings of one code, level and file that a check counted but did not make (the report shows only the
    first ``run.MAX_PER_CODE_AND_FILE`` of them): only their number is reported, under ``omitted``."""

    code: str
    level: str
    file: str
    count: int


FINDING_FIELDS = ("code", "level", "message", "file", "resource", "row", "field", "text", "fix")
