"""``dutylist new-item``: add an item to a list with a fresh id and the next 序号, or refuse it.

The id is the town's division code (from datapackage.json) and the next number after every id the
package has ever used: in the current files and links files and anywhere in their git history (all
branches), the same search the importer makes, so that a retired id is never given again. The item is refused when ``dutylist validate`` would report a new error
for it (unknown category or department, empty name, a page out of range, steps not numbered 1, 2,
…): the package is validated with and without the item, in a temporary copy, and only the errors
the item brings count. The list's CSV is then rewritten atomically, in canonical form, together with the
amendment records that say so (data/amendments.csv: the item added, its 序号 and cells, and the 序号 of every
item it pushes down), so that ``dutylist import-source`` still finds data/ to be what the records give.

The item goes at the end of its list, or after the item ``after``, or at the end of its category's block
(``in_category``); the items after it move down one 序号 each. Ids never change.
"""

import shutil
import tempfile
from collections import Counter
from pathlib import Path

from ..core.errors import DutylistError
from ..core.edition import EditionError, FolderReader, load_edition, read_descriptor, read_text, resource_paths
from ..core.history import open_repo
from .canonical_csv import descriptor_for_lists
from ..core.package import (LIST_DELIMITER, LIST_FIELDS, LIST_LABELS, LIST_RESOURCES, LIST_VALUE_FIELDS, STEP_DELIMITER,
                            STEP_FIELDS, csv_text, id_prefix, read_csv_text, write_files_atomic)


class ItemRefused(DutylistError):
    """Validation would refuse the item: ``findings`` are the errors it would bring (new-item exits 1 on it)."""

    code = "item-refused"

    def __init__(self, findings):
        self.findings = findings
        super().__init__("; ".join(f"{f['code']}: {f['message']}" for f in findings))


class NewItemError(DutylistError):
    """The item cannot be added as asked (misuse, or a package that cannot be read)."""


def used_id_numbers(root, prefix, progress=None):
    """(every id number the package has ever used, whether git history was searched): the importer's own
    answer (importing/used_ids.py: data/ and the links files, in the working tree and all of git history).
    NewItemError when a file may not be read or the history is larger than the search's limit of bytes."""
    from ..core.files import FileRefused
    from ..importing.used_ids import ids_ever_used

    if progress:
        progress.stage("reading the ids in git history")
    try:
        used = ids_ever_used(root, prefix)
    except FileRefused as refused:
        raise NewItemError(f"{refused.file}: {refused.message}") from None
    numbers = {int(item_id[len(prefix):]) for item_id in used}
    return numbers, _in_git(root)


def _in_git(root):
    return open_repo(root, search_parents=True) is not None


def one_line(text):
    """Command-line text with any line break made a space: a CR would also break the CSV record."""
    return " ".join(text.replace("\r", "\n").split("\n")).strip()


def build_row(list_name, fieldnames, item_id, seq, values):
    values = {key: one_line(value) if isinstance(value, str) else value for key, value in values.items()}
    for field in (*LIST_VALUE_FIELDS, *STEP_FIELDS):
        values[field] = [one_line(part) for part in values.get(field) or []]
    row = {field: "" for field in fieldnames}
    row.update(id=item_id, seq=str(seq), category=values["category"], name=values["name"], page=str(values["page"]))
    for field in (*LIST_VALUE_FIELDS, *STEP_FIELDS):
        given = values.get(field) or []
        if given and field not in fieldnames:
            raise NewItemError(f"the {list_name} list has no {field}; give it only for a list that has it")
        if field in fieldnames:
            row[field] = (LIST_DELIMITER if field in LIST_VALUE_FIELDS else STEP_DELIMITER).join(part.strip() for part in given if part.strip())
    return row


def place(rows, after=None, category=None):
    """The index at which a new row goes: after the row of id ``after``, after the last row of ``category``, or at the end."""
    if after:
        found = [index for index, row in enumerate(rows) if row.get("id") == after]
        if not found:
            raise NewItemError(f"--after {after}: no item of this list has that id")
        return found[0] + 1
    if category:
        found = [index for index, row in enumerate(rows) if row.get("category") == category]
        if found:
            return found[-1] + 1
    return len(rows)


def renumbered(rows, index, new_row):
    """The rows with new_row inserted at index and the rows after it moved down one 序号; and the renumber records."""
    records = []
    moved = []
    for row in rows[index:]:
        if (row.get("seq") or "").isdigit():
            records.append(_amendment(row["id"], "renumber", "seq", row["seq"], str(int(row["seq"]) + 1)))
            row = {**row, "seq": str(int(row["seq"]) + 1)}
        moved.append(row)
    return rows[:index] + [new_row] + moved, records


def added_records(list_name, row):
    """The amendment records of a new item: added to its list, then its 序号 and each cell it fills."""
    records = [_amendment(row["id"], "add", "list", "", list_name)]
    records += [_amendment(row["id"], "renumber" if field == "seq" else "change", field, "", value)
                for field, value in row.items() if field != "id" and value]
    return records


def _amendment(item_id, operation, field, before, after):
    return {"item_id": item_id, "operation": operation, "field": field, "before": before, "after": after}


def add_item(root, list_name, values, progress=None, after=None, in_category=False, record=None):
    """Add the item; returns {"id", "list", "seq", "file", "history_checked", "amendments"}. Raises ItemRefused or
    NewItemError. ``record``: (reason, authority, by) of the amendment records written with it."""
    from ..validate.run import PackageUnreadable, validate_package

    root = Path(root)
    try:
        descriptor = read_descriptor(FolderReader(root))
        paths = resource_paths(descriptor)
        load_edition(FolderReader(root))
    except EditionError as error:
        raise NewItemError(str(error)) from None
    resource = LIST_RESOURCES[list_name]
    path = paths.get(resource)
    if path is None:
        raise NewItemError(f"datapackage.json has no resource {resource}")
    target = root / path
    if not target.is_file() or target.is_symlink():
        raise NewItemError(f"{path}: not a regular file inside the package")
    try:
        text = read_text(FolderReader(root), path)  # through core/files.py, as load_edition read it
    except EditionError as error:
        raise NewItemError(str(error)) from None
    rows = read_csv_text(text)
    fieldnames = list(rows[0].keys()) if rows else list(LIST_FIELDS[list_name])
    try:
        prefix = id_prefix(descriptor)
    except ValueError as error:
        raise NewItemError(str(error)) from None
    numbers, history_checked = used_id_numbers(root, prefix, progress)
    number = max(numbers, default=0) + 1
    if number > 9999:
        raise NewItemError(f"every id {prefix}0001…{prefix}9999 has been used; ids are never reused")
    item_id = f"{prefix}{number:04d}"
    index = place(rows, after, values["category"] if in_category else None)
    if index == len(rows):
        seq = max((int(row["seq"]) for row in rows if row.get("seq", "").isdigit()), default=0) + 1
    else:
        seq = int(rows[index]["seq"]) if (rows[index].get("seq") or "").isdigit() else index + 1
    row = build_row(list_name, fieldnames, item_id, seq, values)
    new_rows, pushed = renumbered(rows, index, row)
    new_text = csv_text(fieldnames, new_rows)
    amendments = added_records(list_name, {field: row[field] for field in fieldnames}) + pushed

    if progress:
        progress.stage("validating the package with the new item")
    with tempfile.TemporaryDirectory(prefix="dutylist-new-item-") as folder:
        copy = Path(folder) / "package"
        copy.mkdir()
        shutil.copy2(root / "datapackage.json", copy / "datapackage.json")
        for name in ("data", "schemas", "sources"):
            if (root / name).is_dir():
                shutil.copytree(root / name, copy / name, symlinks=True)
        try:
            before = validate_package(copy)
            (copy / path).write_text(new_text, encoding="utf-8", newline="")
            after = validate_package(copy)
        except PackageUnreadable as error:
            raise NewItemError(str(error)) from None
    brought = Counter(_key(f) for f in after["errors"]) - Counter(_key(f) for f in before["errors"])
    refused = [f for f in after["errors"] if brought[_key(f)] > 0]
    if refused:
        raise ItemRefused(refused)
    files = {target: new_text}
    amendments_file = paths.get("amendments")
    if amendments_file is not None:  # a package made before amendments has nowhere to record them
        amendments = _stamped(amendments, record)
        files[root / amendments_file] = _amendments_text(root, amendments_file, amendments)
    else:
        amendments = []
    descriptor = descriptor_for_lists(root, {path: new_text})  # "the 85 duties" becomes "the 86 duties"
    if descriptor is not None:
        files[descriptor[0]] = descriptor[1]
    write_files_atomic(files)
    return {"id": item_id, "list": list_name, "list_title": LIST_LABELS[list_name], "seq": seq, "file": path,
            "history_checked": history_checked, "amendments": amendments, "amendments_file": amendments_file}


def _stamped(amendments, record):
    from .record import stamp

    reason, authority, by = record or (DEFAULT_REASON, "", "")
    return stamp(amendments, reason, authority, by)


def _amendments_text(root, path, records):
    """The amendments file with the records appended (read through core/files.py)."""
    from .record import append_records

    try:
        text = read_text(FolderReader(root), path)
    except EditionError as error:
        raise NewItemError(str(error)) from None
    return append_records(text, records)


DEFAULT_REASON = "added with dutylist new-item (no reason given)"


def _key(finding):
    return (finding["code"], finding["file"], finding["row"], finding["field"], finding["message"])
