"""A fast pass over the tables that answers one question: could frictionless find anything here?

``frictionless validate`` reads every row through its full type system, which is most of the time
of a validation. The package uses a small part of Table Schema (string, integer and list fields;
required, unique, pattern, enum, minimum and maximum; a primary key; foreign keys into the
registers), so this module checks exactly that part as ``validate`` reads the rows,
in one pass per table, and is deliberately stricter than frictionless (an integer is ASCII digits
only; a pattern must match the whole cell).

``TablePass`` checks one table as validate/read.py streams it (its rows are never held), and
``suspect_tables(package)`` returns the resources where something might be wrong: a table with a
schema outside the subset, a header other than the schema's fields, a blank line, a ragged row, any
cell that fails the strict check, or a foreign key value missing from its register.
``check_tables`` then runs frictionless as before, so that every finding keeps frictionless's own words; when nothing is suspect it skips frictionless, whose
verdict on such tables is "valid". The tests hold that promise: every table error frictionless
reports on a broken copy is also suspect here.
"""

import re

from ..core.edition import LONGEST_WHOLE_NUMBER
from .compact import Repeats, hashes

TYPES = ("string", "integer", "list")
CONSTRAINTS = {"required", "unique", "pattern", "enum", "minimum", "maximum"}
FIELD_KEYS = {"name", "type", "format", "title", "description", "example", "rdfType", "constraints", "delimiter", "itemType"}
SCHEMA_KEYS = {"fields", "primaryKey", "foreignKeys", "missingValues", "$schema", "title", "description"}


def suspect_tables(package):
    """Names of the readable resources where frictionless might find an error (all of them if unsure).

    The row pass ran while the package was read (``TablePass``, fed by validate/read.py); this adds
    the foreign keys, which need every table's values.
    """
    names = list(package.files)
    passes = {name: package.table_passes.get(name) for name in names}
    suspect = {name for name in names if passes[name] is None or not passes[name].finished or not passes[name].ok}
    schemas = {name: package.schemas.get(name) for name in names}
    values = {name: table_pass.values for name, table_pass in passes.items() if table_pass is not None}
    for name in names:
        if name not in suspect and not _foreign_keys_hold(name, schemas[name], values, suspect):
            suspect.add(name)
    return suspect


def _supported(schema):
    if not isinstance(schema, dict) or not set(schema) <= SCHEMA_KEYS:
        return False
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields or schema.get("missingValues", [""]) not in ([""], []):
        return False
    for field in fields:
        if not isinstance(field, dict) or not set(field) <= FIELD_KEYS or field.get("type", "string") not in TYPES:
            return False
        if field.get("format", "default") != "default" or field.get("itemType", "string") != "string":
            return False
        constraints = field.get("constraints", {})
        if not isinstance(constraints, dict) or not set(constraints) <= CONSTRAINTS:
            return False
        if "pattern" in constraints and not isinstance(constraints["pattern"], str):
            return False
        if "enum" in constraints and not isinstance(constraints["enum"], list):
            return False
        for bound in ("minimum", "maximum"):
            if bound in constraints and (field.get("type") != "integer" or type(constraints[bound]) is not int):
                return False
    names = [field.get("name") for field in fields]
    if len(set(names)) != len(names) or not all(isinstance(name, str) for name in names):
        return False
    key = schema.get("primaryKey", [])
    key = [key] if isinstance(key, str) else key
    if not isinstance(key, list) or not set(key) <= set(names):
        return False
    for foreign in schema.get("foreignKeys", []):
        if not _simple_foreign_key(foreign, names):
            return False
    return True


def _simple_foreign_key(foreign, names):
    if not isinstance(foreign, dict) or not isinstance(foreign.get("reference"), dict):
        return False
    fields, target = foreign.get("fields"), foreign["reference"]
    fields = [fields] if isinstance(fields, str) else fields
    target_fields = target.get("fields")
    target_fields = [target_fields] if isinstance(target_fields, str) else target_fields
    return (isinstance(fields, list) and len(fields) == 1 and fields[0] in names and isinstance(target_fields, list)
            and len(target_fields) == 1 and isinstance(target.get("resource"), str) and target["resource"])


def _foreign_key_fields(schemas):
    """resource -> the fields whose values a foreign key needs (its own key fields and the fields it points at)."""
    keyed = {}
    for name, schema in schemas.items():
        for foreign in (schema or {}).get("foreignKeys", []) if isinstance(schema, dict) else []:
            if _simple_foreign_key(foreign, [foreign.get("fields")] if isinstance(foreign.get("fields"), str) else foreign.get("fields") or []):
                keyed.setdefault(name, set()).add(_one(foreign["fields"]))
                keyed.setdefault(foreign["reference"]["resource"], set()).add(_one(foreign["reference"]["fields"]))
    return keyed


def _one(fields):
    return fields if isinstance(fields, str) else fields[0]


BATCH = 2048  # records checked together, column by column (C loops over a column instead of Python per cell)
LONGEST_INTEGER = LONGEST_WHOLE_NUMBER  # digits read as a number here; a longer cell is left to frictionless


class TablePass:
    """The strict check of one table, fed its header and then its records as they are read; ``finish()`` at the end.

    Records are checked in batches, a column at a time, so that the loops over cells run in C.
    ``ok`` is True when nothing frictionless might report was seen (it stays False once anything was);
    ``values`` holds {field: set of non-null values} for the fields that foreign keys use. Memory: one
    batch of records, the values of the foreign key fields, and 8 bytes a value of the unique and key fields
    (the number, or the hash of the text: compact.Repeats).
    """

    def __init__(self, schema, keyed):
        self.ok = _supported(schema)
        self.finished = False
        self.values = {}
        self.batch = []
        if not self.ok:
            return
        fields = schema["fields"]
        self.names = [field["name"] for field in fields]
        self.width = len(self.names)
        self.nulls = set(schema.get("missingValues", [""]))
        checks = [_Check(field) for field in fields]
        uniques = {field["name"] for field in fields if (field.get("constraints") or {}).get("unique")}
        key = schema.get("primaryKey", [])
        key = [key] if isinstance(key, str) else key
        self.values = {name: set() for name in self.names if name in keyed}
        # only the fields with something to check: a plain string field accepts any cell
        self.active = [(at, check, self.values.get(name), Repeats() if name in uniques else None)
                       for at, (name, check) in enumerate(zip(self.names, checks))
                       if check.active or name in self.values or name in uniques]
        self.check_blank = not any(check.required and self.nulls >= {""} for _, check, _, _ in self.active)
        self.key_at = [self.names.index(name) for name in key]
        self.key_integers = {at for at in self.key_at if checks[at].integer}
        # a one-field key that is also unique: its unique set already holds the key values
        self.key_seen = None if len(key) == 1 and key[0] in uniques else Repeats()

    def header(self, cells):
        if self.ok and cells != self.names:
            self.ok = False  # another header

    def blank(self):
        """A blank record (a blank line) in the file."""
        self.ok = False

    def records(self, batch):
        """Records after the header, a list of them (each a list of cells)."""
        if self.ok:
            self.batch.extend(batch)
            if len(self.batch) >= BATCH:
                self._check_batch()

    def finish(self):
        """The end of the table: the last batch is checked, then the unique and key values for one seen twice."""
        if self.ok and self.batch:
            self._check_batch()
        self.batch = []
        if self.ok:
            repeats = [unique for _, _, _, unique in self.active if unique is not None] + [self.key_seen]
            self.ok = not any(seen.repeated() for seen in repeats if seen is not None)
        self.active, self.key_seen = [], None  # the values seen once are no longer needed (8 bytes a row)
        self.finished = True

    def _check_batch(self):
        rows, self.batch = self.batch, []
        self.ok = self._batch_ok(rows)

    def _batch_ok(self, rows):
        width, nulls = self.width, self.nulls
        if any(len(cells) != width for cells in rows):
            return False  # a ragged row
        if self.check_blank and not all(map(any, rows)):
            return False  # a blank one (where a required field is active, its check catches one)
        columns = list(zip(*rows))
        for at, check, values, unique in self.active:
            column = columns[at]
            cells = column if nulls.isdisjoint(column) else [cell for cell in column if cell not in nulls]
            if check.required and len(cells) != len(column):
                return False
            if not check.all_ok(cells):
                return False
            if values is not None:
                values.update(cells)
            if unique is not None:  # a value seen twice is found at the end (finish); a shared hash only makes it suspect
                unique.add_all(map(int, cells) if check.integer else hashes(cells))  # as frictionless compares: 01 is 1
        if self.key_at:
            keys = list(zip(*(columns[at] for at in self.key_at)))
            if any(not nulls.isdisjoint(cells) for cells in keys):
                return False
            if self.key_seen is not None:
                if self.key_integers:  # compared as numbers, as frictionless does (every such cell passed its check)
                    keys = list(zip(*(map(int, columns[at]) if at in self.key_integers else columns[at] for at in self.key_at)))
                self.key_seen.add_all(hashes(keys))
        return True


class _Check:
    """The strict test of a field's non-null cells."""

    def __init__(self, field):
        constraints = field.get("constraints") or {}
        self.required = bool(constraints.get("required"))
        self.integer = field.get("type") == "integer"
        self.pattern = re.compile(constraints["pattern"]) if "pattern" in constraints else None
        self.enum = set(map(str, constraints["enum"])) if "enum" in constraints else None
        self.minimum = constraints.get("minimum")
        self.maximum = constraints.get("maximum")
        self.active = self.required or self.integer or self.pattern is not None or self.enum is not None

    def all_ok(self, cells):
        """Whether every one of these non-null cells passes (the loops over them run in C)."""
        if not cells:
            return True
        if self.integer:
            if not all(cells) or max(map(len, cells)) > LONGEST_INTEGER:
                return False  # an empty cell that is not null, or a number too long to read safely here
            digits = "".join(cells)
            if not (digits.isascii() and digits.isdigit()):
                return False
            if self.minimum is not None or self.maximum is not None:
                numbers = list(map(int, cells))
                if self.minimum is not None and min(numbers) < self.minimum:
                    return False
                if self.maximum is not None and max(numbers) > self.maximum:
                    return False
        if self.pattern is not None and not all(map(self.pattern.fullmatch, cells)):
            return False
        return self.enum is None or self.enum.issuperset(cells)


def _foreign_keys_hold(name, schema, values, suspect):
    for foreign in schema.get("foreignKeys", []):
        field, target = _one(foreign["fields"]), foreign["reference"]
        target_field = _one(target["fields"])
        if target["resource"] in suspect or target["resource"] not in values:
            return False
        if not values[name].get(field, set()) <= values[target["resource"]].get(target_field, set()):
            return False
    return True
