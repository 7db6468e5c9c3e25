"""An edition of the package as plain data, read from a folder or from any git revision.

``load_edition(reader)`` returns::

    {"label": str, "descriptor": dict,
     "items": {id: {"id", "list", "seq", "category", "name", "page",
                    "departments": [str], "county_duties": [str],
                    "town_duties": [str], "handling": [str]}},
     "registers": {"categories": {name: row}, "departments": {name: row}},
     "corrections": [row], "schemas": {resource name: dict}}

List fields are lists, step fields are lists of lines, and fields a list does
not have are absent. Nothing here judges the content: that is ``validate``'s
job. Only what prevents reading an edition raises ``EditionError``.

``load_edition(reader, lenient=True)`` (what ``diff`` reads) refuses only what is
not CSV at all: a cell that is not a whole number stays text, ragged rows, repeated
column names and repeated ids are read as they are, each with a warning in
``edition["warnings"]``; ``edition["columns"]`` holds each resource's header.
"""

import csv
import json
import re
from pathlib import Path

from .errors import DutylistError
from .names import resource_path_problem
from .files import BOM, FileRefused, json_depth_problem, open_package_file, read_git_entry, read_package_file
from .table_schema import shape_problem
from .package import (DESCRIPTOR, INTEGER_FIELDS, LIST_DELIMITER, LIST_OF_RESOURCE, LIST_VALUE_FIELDS, STEP_DELIMITER,
                      STEP_FIELDS, read_csv_text)

REGISTERS = ("categories", "departments")
MAX_WARNINGS_PER_CODE_AND_FILE = 50  # as validate lists at most 50 findings of one code in one file
MAX_DAMAGE_PER_FILE = 10_000  # damaged rows, cells and columns a lenient read takes in one file before it refuses it
MAX_FIELDS = 100  # per Table Schema; the package's have at most ten
MAX_RESOURCES = 16  # a package has seven; each resource is read in full, so the work of a command grows with their number


class EditionError(DutylistError):
    """An edition cannot be read. Names the file, and the row and field where there is one.

    ``message`` is the problem alone; ``str(error)`` is "location  problem"."""

    def __init__(self, file, message, row=None, field=None, code=None):
        self.file, self.row, self.field, self.message = file, row, field, message
        super().__init__(self.location() + "  " + message, code=code)

    def location(self):
        return ":".join(str(part) for part in (self.file, self.row, self.field) if part is not None)


class FolderReader:
    def __init__(self, root):
        self.root = Path(root)
        self.label = str(self.root)

    def read(self, path):
        """The file's bytes, or None if there is none; only a regular file inside the folder (core/files.py)."""
        try:
            return read_package_file(self.root, path)
        except FileRefused as refused:
            raise EditionError(refused.file, refused.message, code=refused.code) from None

    def open_binary(self, path, streamed=True):
        """A buffered binary stream of the file (checked as ``read`` checks it), or None: a large table read without
        holding it, so with no size limit (core/files.py); ``streamed=False`` for a table that is then held whole."""
        try:
            return open_package_file(self.root, path, streamed=streamed)
        except FileRefused as refused:
            raise EditionError(refused.file, refused.message, code=refused.code) from None


class GitReader:
    """Reads files of one revision straight from git objects: the working tree is never touched."""

    def __init__(self, repo, revision):
        import git  # imported here so that commands without git history start fast

        try:
            self.commit = repo.commit(revision)
        except (git.BadName, git.BadObject, ValueError, KeyError, git.GitCommandError):  # KeyError: REV:path with no such path
            raise EditionError(revision, "not a revision of this repository (a commit, tag, branch or HEAD~N)") from None
        self.label = revision
        self.revision = self.commit.hexsha

    def read(self, path):
        """The blob's bytes, or None if there is none; a symbolic link or submodule is refused (core/files.py)."""
        try:
            return read_git_entry(self.commit.tree, path)
        except FileRefused as refused:
            raise EditionError(refused.file, refused.message, code=refused.code) from None


def resource_paths(descriptor, file=DESCRIPTOR):
    """The path of each resource, checked to stay inside the package."""
    paths = {}
    for index, resource in enumerate(descriptor.get("resources") or []):
        name = resource.get("name") if isinstance(resource, dict) else None
        path = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(path, str):
            continue
        problem = resource_path_problem(path)
        if problem:
            raise EditionError(file, f"resource {name or index}: path {path!r} {problem}", field=f"resources[{index}].path")
        paths[name] = path
    return paths


def read_text(reader, path, warnings=None):
    """The file's text. A byte-order mark (a spreadsheet's UTF-8 save) is refused, or, with ``warnings`` (a lenient
    read: diff), left out with an ``encoding-bom`` warning: the file still decodes, so it is compared."""
    data = reader.read(path)
    if data is None:
        raise EditionError(path, f"no such file in {reader.label}")
    if data.startswith(BOM) and warnings is None:
        raise EditionError(path, "starts with a byte-order mark (BOM); save it as UTF-8 without BOM (`dutylist fmt` does)", row=1)
    if data.startswith(BOM):
        warnings.append(load_warning("encoding-bom", path, 1, None, "starts with a byte-order mark (BOM), read without it; "
                                     "`dutylist fmt` saves it as UTF-8 without BOM"))
        data = data[len(BOM):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise EditionError(path, f"is not UTF-8 (byte {error.start}); save it as UTF-8 (it may be GBK)", row=line) from None


def read_descriptor(reader):
    """The descriptor as a dict; EditionError if it is no JSON object, names more than MAX_RESOURCES resources, or a
    resource that is no object or whose name is not a text (every reader indexes resources by name)."""
    descriptor = parse_json(read_text(reader, DESCRIPTOR), DESCRIPTOR)
    if not isinstance(descriptor, dict):
        raise EditionError(DESCRIPTOR, "must hold a JSON object")
    resources = descriptor.get("resources")
    if isinstance(resources, list) and len(resources) > MAX_RESOURCES:
        raise EditionError(DESCRIPTOR, f"names {len(resources)} resources; a package has seven (three lists, two registers, "
                                       f"the corrections and the amendments) and at most {MAX_RESOURCES} are read", field="resources",
                           code="too-many-resources")
    for index, resource in enumerate(resources if isinstance(resources, list) else []):
        if not isinstance(resource, dict) or not isinstance(resource.get("name", ""), str):
            raise EditionError(DESCRIPTOR, f"resources[{index}] is not a resource with a text name; each resource is an object "
                               '{"name": "...", "path": "...", "schema": "..."}', field=f"resources[{index}]",
                               code="descriptor-malformed")
    return descriptor


def load_edition(reader, lenient=False, lists=True, corrections=True):
    """The edition read by reader (with ``lists=False`` its three lists stay empty, with ``corrections=False``
    its correction records: diff/stream.py reads those as streams). ``lenient`` (diff): a cell that does not fit its type is kept as text,
    a ragged row or a duplicated column is read as it is, and each is a warning in ``edition["warnings"]``
    instead of an ``EditionError``; ``edition["columns"]`` holds each resource's header."""
    descriptor = read_descriptor(reader)
    paths = resource_paths(descriptor)
    edition = {"label": reader.label, "descriptor": descriptor, "items": {}, "registers": {}, "corrections": [], "schemas": {}}
    warnings = LoadWarnings() if lenient else None
    if lenient:
        edition["warnings"], edition["columns"] = warnings, {}
    for resource in descriptor.get("resources") or []:
        schema = schema_of(reader, resource, warnings)
        if schema is not None:
            edition["schemas"][resource.get("name")] = schema

    def rows(resource, path):
        if not lenient:
            return _rows(reader, path)
        text = read_text(reader, path, warnings)
        if not text.strip():
            raise EditionError(path, "is empty; a resource needs at least its header row", row=1)
        header, found = lenient_rows(text, path, warnings)
        edition["columns"][resource] = header
        return found

    for resource, list_name in LIST_OF_RESOURCE.items() if lists else ():
        path = _required_path(paths, resource)
        for row_number, row in rows(resource, path):
            item = item_from_row(row, list_name, path, row_number, warnings)
            if item["id"] in edition["items"]:
                other = edition["items"][item["id"]]
                if not lenient:
                    raise EditionError(
                        path, f"id {item['id']} is already used by {other['list']} item {other['seq']}; ids are unique across the three lists",
                        row=row_number, field="id",
                    )
                warnings.append(load_warning("duplicate-id", path, row_number, "id",
                                             f"id {item['id']} is already used by {other['list']} item {other['seq']}; "
                                             f"this row is compared as '{item['id']} (row {row_number})'"))
                item["id"] = f"{item['id']} (row {row_number})"
            edition["items"][item["id"]] = item
    for register in REGISTERS:
        path = _required_path(paths, register)
        edition["registers"][register] = named = {}
        for row_number, row in rows(register, path):
            name = row.get("name") or ""
            if name in named and lenient:
                warnings.append(load_warning("duplicate-name", path, row_number, "name",
                                             f"name {name!r} is already a row of the register; this row is compared as '{name} (row {row_number})'"))
                name = f"{name} (row {row_number})"
            named[name] = row
    if "corrections" in paths and corrections:
        edition["corrections"] = [row for _, row in rows("corrections", paths["corrections"])]
    if lenient:
        warnings.close()
    return edition


def schema_of(reader, resource, warnings=None):
    """The resource's Table Schema, or None if it names none. A schema not shaped as a Table Schema is refused, or
    with ``warnings`` (a lenient read: diff) left out with a ``schema-malformed`` warning: compared as missing."""
    schema = resource.get("schema") if isinstance(resource, dict) else None
    try:
        if isinstance(schema, str) and not resource_path_problem(schema):
            return parse_schema(read_text(reader, schema), schema)
        return checked_schema(schema, DESCRIPTOR) if isinstance(schema, dict) else None
    except EditionError as error:
        if warnings is None or error.code != "schema-malformed":
            raise
        warnings.append(load_warning("schema-malformed", error.file, None, error.field,
                                     f"{error.message}; it is compared as if the resource had no schema"))
        return None


class LoadWarnings(list):
    """The warnings of a lenient read, at most MAX_WARNINGS_PER_CODE_AND_FILE of each code and file: a file of a
    million damaged rows gives a report the size of a screen, not a million warnings. ``close()`` adds one
    warning per code and file saying how many more there were."""

    def __init__(self):
        super().__init__()
        self.counts = {}

    def append(self, warning):
        """Keep the warning if fewer than the cap of its code and file are kept; refuse the file (EditionError) once
        it has more than MAX_DAMAGE_PER_FILE: each damaged row is still an item, and a file of nothing but damaged
        two-byte rows would cost a kilobyte of report per two bytes read."""
        damage = 0 if warning["code"] == "blank-row" else self.counts.get(warning["file"], 0) + 1  # a blank row is no item
        if damage:
            self.counts[warning["file"]] = damage
        if damage > MAX_DAMAGE_PER_FILE:
            raise EditionError(warning["file"], f"has more than {MAX_DAMAGE_PER_FILE} damaged rows, cells or columns "
                               "(ragged rows, missing or repeated ids, numbers that are not numbers); it is too damaged "
                               "to compare: run `dutylist validate` on this edition to see what to fix",
                               code="too-damaged")
        key = (warning["code"], warning["file"])
        self.counts[key] = count = self.counts.get(key, 0) + 1
        if count <= MAX_WARNINGS_PER_CODE_AND_FILE:
            super().append(warning)

    def close(self):
        for key, count in self.counts.items():
            if isinstance(key, str):
                continue  # a file's total
            code, file = key
            more = count - MAX_WARNINGS_PER_CODE_AND_FILE
            if more > 0:
                super().append(load_warning(code, file, None, None, f"… and {more} more {code} warnings in this file "
                                            f"(only the first {MAX_WARNINGS_PER_CODE_AND_FILE} are listed)"))
        self.counts = {}


EXTRA_CELLS = "(extra cells)"  # the cells of a ragged row beyond its header, read leniently as one text


def lenient_rows(text, path, warnings):
    """(header, iterator of (row number, row dict)) for any CSV text: the columns of a repeated column name are each read
    as '<name> (column N)'; a short row's missing cells are empty; a long row's extra cells are joined under
    EXTRA_CELLS. Each of these is a warning."""
    import csv
    import io

    from .files import allow_long_cells

    allow_long_cells()  # a cell may be as long as the file size limit allows
    records = csv.reader(io.StringIO(text, newline=""))
    raw = next(records, [])
    counts = {name: raw.count(name) for name in raw}
    header = []
    for position, name in enumerate(raw, start=1):
        if counts[name] > 1:
            if position == raw.index(name) + 1:  # one warning per repeated name
                warnings.append(load_warning("duplicate-column", path, 1, name,
                                             f"{counts[name]} columns are named {name!r}; none of them is compared item by item, "
                                             f"each is read as '{name} (column N)'"))
            name = f"{name} (column {position})"
        header.append(name)
    return header, _lenient_records(records, header, path, warnings)


def _lenient_records(records, header, path, warnings):
    """(row number, row dict) for each row, one at a time: a large file is never held as a list of rows."""
    for row_number, cells in enumerate(records, start=2):
        if not cells:
            continue  # a blank line, as csv.DictReader skips it
        if not any(cells):
            warnings.append(load_warning("blank-row", path, row_number, None, "has only empty cells; it is skipped as a blank line"))
            continue  # nothing to compare (Frictionless calls it a blank row): never an item of its own
        row = {name: (cells[index] if index < len(cells) else "") for index, name in enumerate(header)}
        if len(cells) != len(header):
            more = len(cells) > len(header)
            warnings.append(load_warning("ragged-row", path, row_number, None,
                                         f"has {len(cells)} cells where the header has {len(header)} columns"
                                         + ("; the extra cells are compared as one text" if more else "; the missing cells are read as empty")))
            if more:
                row[EXTRA_CELLS] = " | ".join(cells[len(header):])
        yield row_number, row


def load_warning(code, file, row, field, message):
    """A cell, row or column read as it is rather than refused; says to run validate."""
    return {"code": code, "file": file, "row": row, "field": field,
            "message": f"{message}; run `dutylist validate` on this edition to see what to fix"}


def item_from_row(row, list_name, path="", row_number=None, warnings=None):
    """One item from one CSV row. With ``warnings`` (a list: lenient reading) nothing raises: a value that
    does not fit its type is kept as text and a warning is appended."""
    item = {"list": list_name}
    for field, value in row.items():
        if field is None:
            if warnings is None:
                raise EditionError(path, "has more cells than the header has columns (a ragged row)", row=row_number)
            continue
        value = (value or "").strip()
        if field in LIST_VALUE_FIELDS:
            item[field] = split_list(value)
        elif field in STEP_FIELDS:
            item[field] = split_steps(value)
        elif field in INTEGER_FIELDS:
            item[field] = _integer(value, path, row_number, field, warnings)
        else:
            item[field] = value
    if not item.get("id"):
        if warnings is None:
            raise EditionError(path, "has no id; every item needs one", row=row_number, field="id")
        warnings.append(load_warning("missing-id", path, row_number, "id", f"has no id; this row is compared as '(no id, {path} row {row_number})'"))
        item["id"] = f"(no id, {path} row {row_number})"
    if warnings is not None:
        item.setdefault("seq", "")  # a list without a seq column still has places to show
    return item


def split_list(value):
    """A list cell (``departments``, ``short_names``) as its names: split at 、, each stripped, empty ones left out."""
    return [part.strip() for part in value.split(LIST_DELIMITER) if part.strip()]


def split_steps(value):
    """A numbered-steps cell as its steps: one a line (CRLF read as LF), each stripped, empty lines left out."""
    return [line for line in map(str.strip, value.split(STEP_DELIMITER)) if line]  # strip() takes a CRLF's CR too

def item_builder(header, list_name):
    """A quick ``item_from_row`` (validate's streamed reading) for a row of the header's width: cells straight to
    an item, with the same splitting (``split_list``, ``split_steps``), or None for a row it does not take (a 序号 or page that is not ASCII digits, no id), which the caller reads
    the slow way. None when the header itself needs the slow way (a name used twice, no columns)."""
    if not header or len(set(header)) != len(header) or None in header:
        return None
    integers = [name for name in header if name in INTEGER_FIELDS]
    steps = [name for name in header if name in STEP_FIELDS]
    lists = [name for name in header if name in LIST_VALUE_FIELDS and name not in STEP_FIELDS and name not in INTEGER_FIELDS]
    strip = str.strip

    def build(cells):
        item = {"list": list_name}
        item.update(zip(header, map(strip, cells)))  # every cell stripped, in the header's order; then the typed ones
        for name in integers:
            value = item[name]
            if whole_number_match(value) is None:
                return None
            item[name] = int(value)
        for name in steps:
            item[name] = split_steps(item[name])
        for name in lists:
            item[name] = split_list(item[name])
        return item if item.get("id") else None

    return build


LONGEST_WHOLE_NUMBER = 18  # digits: any such number fits SQLite's 64-bit INTEGER, and int() reads it at once


WHOLE_NUMBER = re.compile(f"[0-9]{{1,{LONGEST_WHOLE_NUMBER}}}")
whole_number_match = WHOLE_NUMBER.fullmatch  # one C call: the loops over every row of a collection use it


def is_whole_number(value):
    """ASCII digits only (Python's int() would also take '１２' (full-width) or '٣'), at most LONGEST_WHOLE_NUMBER
    of them: a 序号 or page of 5,000 digits is text, never given to int() (which refuses more than 4,300)."""
    return isinstance(value, str) and whole_number_match(value) is not None


def _integer(value, path, row_number, field, warnings=None):
    if is_whole_number(value):
        return int(value)
    if warnings is None:
        shown = value if len(value) <= 40 else f"{value[:20]}…({len(value)} characters)"
        raise EditionError(path, f"{shown!r} is not a whole number (at most {LONGEST_WHOLE_NUMBER} ASCII digits 0-9)",
                           row=row_number, field=field)
    shown = value if len(value) <= 40 else f"{value[:20]}…({len(value)} characters)"
    warnings.append(load_warning("not-a-whole-number", path, row_number, field,
                                 f"{shown!r} is not a whole number of at most {LONGEST_WHOLE_NUMBER} digits; it is compared as text"))
    return value


def _required_path(paths, resource):
    if resource not in paths:
        raise EditionError(DESCRIPTOR, f"has no resource named {resource!r} with a path")
    return paths[resource]


def _rows(reader, path):
    text = read_text(reader, path)
    if not text.strip():
        raise EditionError(path, "is empty; a resource needs at least its header row", row=1)
    try:
        return enumerate(read_csv_text(text), start=2)
    except csv.Error as error:
        raise EditionError(path, f"cannot be read as CSV ({error})") from None


def parse_schema(text, path):
    """A Table Schema parsed as parse_json parses it; EditionError if it has more than MAX_FIELDS fields
    (frictionless's work grows faster than the number of fields: 20,000 took 36 s)."""
    return checked_schema(parse_json(text, path), path)


def checked_schema(schema, path):
    """The schema (parsed JSON), or EditionError if it is not shaped as a Table Schema (core/table_schema.py)
    or has more than MAX_FIELDS fields."""
    problem = shape_problem(schema)
    if problem:
        place, sentence = problem
        raise EditionError(path, f"{place or 'the schema'} {sentence}; write it as a Table Schema (see schemas/ of the "
                                 "published package)", field=place, code="schema-malformed")
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if isinstance(fields, list) and len(fields) > MAX_FIELDS:
        raise EditionError(path, f"has {len(fields)} fields; a list has at most ten and at most {MAX_FIELDS} are read",
                           field="fields", code="too-many-fields")
    return schema


def parse_json(text, path):
    """Parsed JSON; EditionError if it is not JSON or nests deeper than a descriptor or schema ever needs."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise EditionError(path, f"is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    except RecursionError:
        raise EditionError(path, "nests too deeply to be read; a descriptor or schema needs only a few levels") from None
    problem = json_depth_problem(value)
    if problem:
        raise EditionError(path, problem)
    return value
