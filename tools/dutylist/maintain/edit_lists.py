"""``dutylist move-item`` and ``dutylist renumber``: edits of the lists' shape, each recorded as amendments.

Both read data/ as it stands (the records must apply: importing/job.py ``records_and_data``), make the
edit, and write the lists it touches together with its amendment records, which are exactly the
difference between data/ before and after (core/amendments.py ``amendments_between``). Ids never change.

A move reshapes the item's cells for the target list's columns, never inventing content: what the
target list has no column for is emptied (its text kept in the record's ``before``); a target cell is
filled from the item where the lists mean the same thing (the county department's duties become the
receiving department's handling, and back), from the options given, or left empty and said so.
"""

from ..core.amendments import amendments_between
from ..core.errors import DutylistError
from ..core.package import LIST_DELIMITER, LIST_FIELDS, LIST_RESOURCES, LIST_VALUE_FIELDS, LISTS, STEP_DELIMITER, STEP_FIELDS, csv_text
from .canonical_csv import descriptor_for_lists
from .new_item import one_line
from .record import amendments_file_text, amendments_path, stamp

COUNTY, TOWN, HANDLING = STEP_FIELDS  # 上级部门职责, 乡镇配合职责, 工作方式
CARRIED = {(COUNTY, HANDLING): "the county department's duties become its way of handling the reclaimed duty",
           (HANDLING, COUNTY): "the department's handling becomes the county department's duties"}


class EditError(DutylistError):
    """The edit cannot be made as asked; nothing was written."""


def _state(repo):
    from ..importing.job import records_and_data

    given, held, job, _ = records_and_data(repo)
    amendments_path(job)  # a package without the resource cannot record the edit: said before anything is done
    return held, job


def _rows(held, list_name):
    return [item for item in held.values() if item["_list"] == list_name]


def _renumbered(rows):
    return [{**row, "seq": str(number)} for number, row in enumerate(rows, start=1)]


def move_item(repo, item_id, target, after=None, given=None):
    """Move the item to the list ``target`` (after the item ``after``, or at the end), renumbering both lists.
    ``given``: field -> values for the target cells (departments, steps). Returns the plan (see ``_plan``)."""
    held, job = _state(repo)
    item = held.get(item_id)
    if item is None:
        raise EditError(f"{item_id}: no item of data/ has this id")
    source = item["_list"]
    if source == target:
        raise EditError(f"{item_id} is already in the {target} list; to move it within the list use --after with renumber "
                        "(reorder the rows, then dutylist renumber)")
    moved, notes = reshape(item, target, given or {})
    leaving = _renumbered([row for row in _rows(held, source) if row["id"] != item_id])
    arriving = [row for row in _rows(held, target)]
    index = len(arriving)
    if after:
        found = [number for number, row in enumerate(arriving) if row["id"] == after]
        if not found:
            raise EditError(f"--after {after}: no item of the {target} list has that id")
        index = found[0] + 1
    arriving = _renumbered(arriving[:index] + [moved] + arriving[index:])
    return _plan(job, held, {source: leaving, target: arriving}, notes)


def reshape(item, target, given):
    """The item with the target list's cells, and notes saying what came from where, what was emptied and what is empty."""
    moved = {"id": item["id"], "_list": target}
    notes = []
    for field in LIST_FIELDS[target]:
        if field in given and given[field]:
            moved[field] = _joined(field, given[field])
            notes.append(f"{field}: as given")
        elif field in item:
            moved[field] = item.get(field) or ""
        else:
            carried = next(((old, why) for (old, new), why in CARRIED.items() if new == field and item.get(old)), None)
            moved[field] = item[carried[0]] if carried else ""
            notes.append(f"{field}: from {carried[0]} ({carried[1]})" if carried else
                         f"{field}: left empty (the item has nothing for it; give {option_of(field)} to fill it)")
    for field, value in item.items():
        if field not in LIST_FIELDS[target] and field != "_list" and value:
            notes.append(f"{field}: emptied (the {target} list has no such column; the amendment record keeps its text)")
    return moved, notes


def option_of(field):
    """The command-line option that gives a field's values (--department, --county-duty, --town-duty, --handling)."""
    return "--" + field.replace("_", "-").replace("duties", "duty").replace("departments", "department")


def _joined(field, values):
    parts = [one_line(value) for value in values if one_line(value)]
    return (LIST_DELIMITER if field in LIST_VALUE_FIELDS else STEP_DELIMITER).join(parts)


def renumber(repo, list_name):
    """Number the list's items 1..N in the order of its file (after a row was removed or the rows reordered by hand)."""
    held, job = _state(repo)
    return _plan(job, held, {list_name: _renumbered(_rows(held, list_name))}, [])


def _plan(job, held, lists, notes):
    """The new state of the lists given, the records that take data/ there, and the files to write."""
    after = dict(held)
    for rows in lists.values():
        for row in rows:
            after[row["id"]] = row
    ordered = {row["id"]: after[row["id"]] for list_name in LISTS for row in (lists.get(list_name) or _rows(after, list_name))}
    records = amendments_between(held, ordered)
    files = {job.path(LIST_RESOURCES[list_name]): csv_text(LIST_FIELDS[list_name], [{f: row.get(f, "") for f in LIST_FIELDS[list_name]}
                                                                                 for row in rows])
             for list_name, rows in lists.items()}
    return {"job": job, "records": records, "files": files, "notes": notes}


def write(plan, reason, authority="", by=""):
    """Write the lists and the stamped records as one change; returns the records written."""
    from ..core.package import write_files_atomic

    job = plan["job"]
    if not plan["records"]:
        return []
    records = stamp(plan["records"], reason, authority, by)
    files = {job.repo / path: text for path, text in plan["files"].items()}
    files[job.repo / amendments_path(job)] = amendments_file_text(job, records)
    descriptor = descriptor_for_lists(job.repo, plan["files"])  # the counts a move changes, restated
    if descriptor is not None:
        files[descriptor[0]] = descriptor[1]
    write_files_atomic(files)
    return records
