"""A fast pass over the tables that answers one question: could frictionless find anything here?

``frictionless validate`` reads every row through its full type system, which is most of the time
of a validation. The package uses a small part of Table Schema (string, integer and list fields;
required, unique, pattern, enum, minimum and maximum; a primary key; foreign keys into the
registers), so this module checks exactly that part over the rows ``validate`` has already read,
in one pass per table, and is deliberately stricter than frictionless (an integer is ASCII digits
only; a pattern must match the whole cell).

``suspect_tables(package)`` returns the resources where something might be wrong: a table with a
schema outside the subset, a header other than the schema's fields, a blank line, a ragged row, or
any cell that fails the strict check. ``check_tables`` then runs frictionless as before, so that
every finding keeps frictionless's own words; when nothing is suspect it skips frictionless, whose
verdict on such tables is "valid". The tests hold that promise: every table error frictionless
reports on a broken copy is also suspect here.
"""

import re

TYPES = ("string", "integer", "list")
CONSTRAINTS = {"required", "unique", "pattern", "enum", "minimum", "maximum"}
FIELD_KEYS = {"name", "type", "format", "title", "description", "example", "rdfType", "constraints", "delimiter", "itemType"}
SCHEMA_KEYS = {"fields", "primaryKey", "foreignKeys", "missingValues", "$schema", "title", "description"}


def suspect_tables(package):
    """Names of the readable resources where frictionless might find an error (all of them if unsure)."""
    names = list(package.files)
    schemas = {name: package.schemas.get(name) for name in names}
    suspect = {name for name in names if not _supported(schemas[name]) or package.blank_lines.get(name, True)}
    keyed = _foreign_key_fields(schemas)
    values = {}  # resource -> {field: set of non-null values}, for the fields foreign keys use
    for name in names:
        if name in suspect:
            continue
        ok, values[name] = _rows_pass(schemas[name], package.rows.get(name, []), keyed.get(name, set()))
        if not ok:
            suspect.add(name)
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


def _rows_pass(schema, rows, keyed):
    """(no cell could be an error, {field: set of non-null values} for the keyed fields) for one table, in one pass."""
    fields = schema["fields"]
    names = [field["name"] for field in fields]
    nulls = set(schema.get("missingValues", [""]))
    checks = [_cell_check(field) for field in fields]
    uniques = {field["name"]: set() for field in fields if (field.get("constraints") or {}).get("unique")}
    key = schema.get("primaryKey", [])
    key = [key] if isinstance(key, str) else key
    seen_keys = set()
    values = {name: set() for name in names if name in keyed}
    if rows and list(rows[0][1]) != names:
        return False, values  # another header
    width = len(names)
    # only the fields with something to check: a plain string field accepts any cell
    active = [(name, check) for name, check in zip(names, checks) if check.active or name in values or name in uniques]
    check_blank = not any(check.required and nulls >= {""} for _, check in active)
    for _, row in rows:
        if len(row) != width or None in row.values():
            return False, values  # a ragged row
        if check_blank and not any(row.values()):
            return False, values  # a blank row (where a required field is active, its check catches one)
        for name, check in active:
            value = row[name]
            if value in nulls:
                if check.required:
                    return False, values
                continue
            if not check(value):
                return False, values
            if name in values:
                values[name].add(value)
            if name in uniques:
                if value in uniques[name]:
                    return False, values
                uniques[name].add(value)
        if key:
            cells = tuple(row[name] for name in key)
            if any(cell in nulls for cell in cells) or cells in seen_keys:
                return False, values
            seen_keys.add(cells)
    return True, values


class _Check:
    """A strict test of one non-null cell of a field."""

    def __init__(self, field):
        constraints = field.get("constraints") or {}
        self.required = bool(constraints.get("required"))
        self.integer = field.get("type") == "integer"
        self.pattern = re.compile(constraints["pattern"]) if "pattern" in constraints else None
        self.enum = set(map(str, constraints["enum"])) if "enum" in constraints else None
        self.minimum = constraints.get("minimum")
        self.maximum = constraints.get("maximum")
        self.active = self.required or self.integer or self.pattern is not None or self.enum is not None

    def __call__(self, value):
        if self.integer:
            if not (value.isascii() and value.isdigit()):
                return False
            number = int(value)
            if self.minimum is not None and number < self.minimum:
                return False
            if self.maximum is not None and number > self.maximum:
                return False
        if self.pattern is not None and not self.pattern.fullmatch(value):
            return False
        return self.enum is None or value in self.enum


def _cell_check(field):
    return _Check(field)


def _foreign_keys_hold(name, schema, values, suspect):
    for foreign in schema.get("foreignKeys", []):
        field, target = _one(foreign["fields"]), foreign["reference"]
        target_field = _one(target["fields"])
        if target["resource"] in suspect or target["resource"] not in values:
            return False
        if not values[name].get(field, set()) <= values[target["resource"]].get(target_field, set()):
            return False
    return True
