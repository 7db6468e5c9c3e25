"""``dutylist fmt``: every CSV of the package in one canonical layout, so that diffs stay minimal.

The canonical form: UTF-8 without byte-order mark, LF line endings, the columns in the order of
the resource's Table Schema, quoting only where the csv module needs it, no whitespace at the ends
of a cell or of a line inside it, step fields one step per line (no blank lines), list fields
separated by a bare 、. It changes layout, never words: what ``load_edition`` reads is the same
before and after (a test checks it). A file whose columns are not the schema's fields, a ragged
row, or a file that is not UTF-8 is not formatted but reported (exit 2): those need a person.

The descriptor's descriptions are derived from the data where they state it (core/descriptions.py:
"the 85 duties", "edition of July 2025"): ``fmt`` rewrites those numbers and months from the lists
it has read and the descriptor's ``edition``, and nothing else in datapackage.json (``fmt --check``
names it when they are stale, as ``validate`` does with ``description-stale``).
"""

import csv
import io
import json
import os
import stat
from dataclasses import dataclass

from ..core.descriptions import refreshed, stale_statements
from ..core.errors import DutylistError
from ..core.edition import EditionError, FolderReader, read_descriptor, resource_paths, schema_of, split_list, split_steps
from ..core.package import (
    DESCRIPTOR, LIST_DELIMITER, LIST_OF_RESOURCE, LIST_VALUE_FIELDS, STEP_DELIMITER, STEP_FIELDS, csv_text, read_csv_text,
    write_bytes_atomic,
)

LIST_FIELDS = (*LIST_VALUE_FIELDS, "short_names")  # short_names: the departments register's list field


class FormatError(DutylistError):
    """A file cannot be put in canonical form without a person's decision."""


@dataclass
class FileResult:
    path: str
    changed: bool
    reasons: list

    def to_dict(self):
        return {"path": self.path, "changed": self.changed, "reasons": self.reasons}


def canonical_cell(field, value):
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if field in STEP_FIELDS:
        return STEP_DELIMITER.join(split_steps(value))
    if field in LIST_FIELDS:
        return LIST_DELIMITER.join(split_list(value))
    return "\n".join(line.rstrip() for line in value.strip().split("\n"))


def canonical_text(path, data, fieldnames):
    """The canonical text of one CSV file's bytes, and why it differs (an empty list when it does not)."""
    reasons = []
    if data.startswith(b"\xef\xbb\xbf"):
        reasons.append("byte-order mark")
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FormatError(f"{path}:{line}: not UTF-8 (byte {error.start}); save it as UTF-8 (it may be GBK), then run dutylist fmt") from None
    if "\r" in text:
        reasons.append("CR line endings")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise FormatError(f"{path}: empty; a resource needs at least its header row")
    header = [name.strip() for name in rows[0]]
    if sorted(header) != sorted(fieldnames):
        missing = [name for name in fieldnames if name not in header]
        extra = [name for name in header if name not in fieldnames]
        raise FormatError(f"{path}:1: the columns are not the schema's fields (missing: {', '.join(missing) or 'none'}; "
                          f"not in the schema: {', '.join(extra) or 'none'}); fix the header, then run dutylist fmt")
    if header != list(fieldnames):
        reasons.append("column order")
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            reasons.append("blank row")
            continue
        if len(row) != len(header):
            raise FormatError(f"{path}:{number}: {len(row)} cells where the header has {len(header)} columns (a ragged row); "
                              f"fix the row, then run dutylist fmt")
        records.append({name: canonical_cell(name, cell) for name, cell in zip(header, row)})
    canonical = csv_text(fieldnames, records)
    if canonical != text and not reasons:
        reasons.append("quoting or whitespace")
    return canonical, reasons if canonical != text or reasons else []


def package_files(root, names=None):
    """(path, fieldnames) of every CSV resource, from datapackage.json and the Table Schemas; ``names``, if given,
    gets each path's resource name."""
    reader = FolderReader(root)
    descriptor = read_descriptor(reader)
    paths = resource_paths(descriptor)
    files = []
    for resource in descriptor.get("resources") or []:
        if not isinstance(resource, dict) or resource.get("name") not in paths:
            continue
        path = paths[resource["name"]]
        if not path.endswith(".csv"):
            continue
        schema = schema_of(reader, resource)  # EditionError: refused, missing, not JSON or not a Table Schema
        if schema is None:
            raise FormatError(f"datapackage.json: resource {resource['name']} has no Table Schema with fields")
        files.append((path, [field.get("name") for field in schema["fields"] if isinstance(field, dict)]))
        if names is not None:
            names[path] = resource["name"]
    return files


def format_package(root, write, progress=None):
    """Check (and with write, rewrite) every CSV, then the descriptions of datapackage.json that state the data.
    Returns a FileResult per CSV, in descriptor order, and one for datapackage.json when its descriptions change."""
    names = {}
    try:
        files = package_files(root, names)
    except EditionError as error:
        raise FormatError(str(error)) from None
    results = []
    counts = {}  # list resource -> its number of items, as formatted
    if progress:
        progress.stage("formatting", total=len(files))
    for path, fieldnames in files:
        target = root / path
        if not target.exists():
            raise FormatError(f"{path}: no such file; datapackage.json names it as a resource")
        if not target.is_file() or target.is_symlink():
            raise FormatError(f"{path}: not a regular file (a link or a folder); fmt only rewrites regular files")
        try:
            data = FolderReader(root).read(path)  # never through a link, never over the size limit (core/files.py)
        except EditionError as error:
            raise FormatError(str(error)) from None
        canonical, reasons = canonical_text(path, data, fieldnames)
        if names.get(path) in LIST_OF_RESOURCE:
            counts[names[path]] = len(read_csv_text(canonical))
        changed = canonical.encode("utf-8") != data
        if changed and write:
            write_bytes_atomic(target, canonical.encode("utf-8"), mode=stat.S_IMODE(os.stat(target).st_mode))
        results.append(FileResult(path, changed, reasons if changed else []))
        if progress:
            progress.advance()
    descriptions = format_descriptions(root, counts, write)
    return results + ([descriptions] if descriptions else [])


def format_descriptions(root, counts, write):
    """The FileResult of datapackage.json when a description states a count or edition the data contradicts (and,
    with write, the file rewritten with those statements derived from the data), else None."""
    try:
        descriptor = read_descriptor(FolderReader(root))
    except EditionError as error:
        raise FormatError(str(error)) from None
    stale = stale_statements(descriptor, counts)
    if not stale:
        return None
    if write:
        target = root / DESCRIPTOR
        text = json.dumps(refreshed(descriptor, counts), ensure_ascii=False, indent=2) + "\n"
        write_bytes_atomic(target, text.encode("utf-8"), mode=stat.S_IMODE(os.stat(target).st_mode))
    return FileResult(DESCRIPTOR, True, [f"{field} said {stated!r}, the data gives {derived!r}" for field, stated, derived in stale])


def descriptor_for_lists(root, list_texts):
    """(path, text) of datapackage.json with the descriptions that state the data restated from the lists' item
    counts after an edit, or None when they already agree. ``list_texts``: {path relative to root: the list's new
    CSV text}; the other lists are read as they are. Used by the commands that add or move items, so that "the 85
    duties" never goes stale (docs/validate.md: Descriptions that state the data)."""
    reader = FolderReader(root)
    descriptor = read_descriptor(reader)
    paths = resource_paths(descriptor)
    given = {str(path): text for path, text in list_texts.items()}
    counts = {}
    for name in LIST_OF_RESOURCE:
        path = paths.get(name)
        if path is None:
            continue
        text = given.get(path)
        if text is None:
            data = reader.read(path)  # a link or a file over the limit: EditionError, refused with its message
            try:
                text = None if data is None else data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = None  # validate reports the file; its count is not restated
        if text is not None:
            counts[name] = len(read_csv_text(text))
    if not stale_statements(descriptor, counts):
        return None
    return root / DESCRIPTOR, json.dumps(refreshed(descriptor, counts), ensure_ascii=False, indent=2) + "\n"


def render_text(results, write):
    descriptions = [result for result in results if result.path == DESCRIPTOR]
    results = [result for result in results if result.path != DESCRIPTOR]
    changed = [result for result in results if result.changed]
    lines = [f"{result.path}: {'reformatted' if write else 'would be reformatted'} ({', '.join(result.reasons)})" for result in changed]
    lines += [f"{result.path}: {'rewrote' if write else 'would rewrite'} its descriptions from the data ({'; '.join(result.reasons)})"
              for result in descriptions]
    if not changed:
        lines.append(f"all {len(results)} CSV files are in canonical form")
    elif write:
        lines.append(f"reformatted {len(changed)} of {len(results)} CSV files")
    else:
        lines.append(f"{len(changed)} of {len(results)} CSV files are not in canonical form; run: dutylist fmt")
    if descriptions and not write:
        lines.append(f"the descriptions of {DESCRIPTOR} are stale; run: dutylist fmt")
    return "\n".join(lines)
