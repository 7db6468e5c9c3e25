"""Amendments: the editorial changes between editions, recorded in ``data/amendments.csv``, said once.

An amendment is not extraction damage (that is a correction, data/corrections.csv): it is an item added,
removed, moved to another list, renumbered or reworded by a county notice or the maintainers' decision.
Each record is one step on one item, applied in file order after the source, the rules, the links and the
corrections (importing/derive.py), so that source + rules + links + corrections + amendments == data/:

- ``add``      field ``list``, before empty, after the list: a new item, every cell empty (the records
  after it fill them, its 序号 first);
- ``remove``   field ``list``, before the item's list, after empty: the item leaves the package;
- ``move``     field ``list``, before and after the two lists: the item changes list; its cells that the
  target list has no column for must have been emptied by ``change`` records first (nothing is dropped
  silently);
- ``renumber`` field ``seq``, before and after the 序号;
- ``change``   any other field the item's list has: the whole value before and after.

``before`` is checked against the item as it stands, so that a record never applies to a value it did not
see. An id never changes. Rows of a list an amendment touches are ordered by 序号.
"""

from dataclasses import dataclass

from .package import ITEM_FIELDS, LIST_FIELDS, LISTS

AMENDMENT_FIELDS = ("item_id", "operation", "field", "before", "after", "reason", "authority", "by", "date")
OPERATIONS = ("add", "remove", "move", "renumber", "change")
LIST_FIELD = "list"  # the field an add, remove or move names: the item's list
FIXED_FIELDS = ("id",)  # never amended: an id never changes
CHANGEABLE_FIELDS = tuple(name for name in ITEM_FIELDS if name not in (*FIXED_FIELDS, "seq"))


@dataclass
class AmendmentProblem:
    row: int
    item_id: str
    field: str
    code: str
    message: str


def record_problem(record):
    """What makes a record malformed on its own (operation, field, before and after), or None: the same words
    for the importer and for validate."""
    operation, field = record.get("operation") or "", record.get("field") or ""
    before, after = record.get("before") or "", record.get("after") or ""
    if operation not in OPERATIONS:
        return f"operation {operation!r} is not one of {', '.join(OPERATIONS)}"
    if operation in ("add", "remove", "move"):
        if field != LIST_FIELD:
            return f"a {operation} record names the field {LIST_FIELD!r}, not {field!r}"
        lists = {"add": (after,), "remove": (before,), "move": (before, after)}[operation]
        if any(name not in LISTS for name in lists):
            return f"a {operation} record's list must be one of {', '.join(LISTS)}"
        if operation == "add" and before or operation == "remove" and after:
            return f"a {operation} record leaves {'before' if operation == 'add' else 'after'} empty"
    elif operation == "renumber":
        if field != "seq" or not (before.isascii() and before.isdigit() or not before) or not (after.isascii() and after.isdigit()):
            return "a renumber record names the field 'seq', before and after whole numbers (before empty for a new item)"
    elif field not in CHANGEABLE_FIELDS:
        return f"a change record names a field of the item ({', '.join(CHANGEABLE_FIELDS)}), not {field!r}"
    if before == after:
        return "before and after are the same: the record changes nothing"
    return None


def apply_amendments(items, records, history=None):
    """Apply the records (rows of amendments.csv, in order) to items keyed by id (dicts with ``_list``), in place.

    Returns (a problem for each record that does not apply, never a silent skip; the lists a record touched,
    which the caller orders by 序号). ``history`` (a dict), when given, collects each value a record replaced
    under (item id, field), and a removed item under (item id, None): what the records explain on the way to data/."""
    problems, touched = [], set()
    for row, record in enumerate(records, start=2):
        item = items.get(record.get("item_id"))
        if history is not None and item is not None:
            field = record.get("field")
            if record.get("operation") == "remove":
                history.setdefault((record["item_id"], None), set()).add(item["_list"])
            elif field in item:
                history.setdefault((record["item_id"], field), set()).add(item[field])
        problem = _apply_one(items, record, row, touched)
        if problem:
            problems.append(problem)
    return problems, touched


def _apply_one(items, record, row, touched):
    item_id, operation, field = record.get("item_id") or "", record.get("operation") or "", record.get("field") or ""
    before, after = record.get("before") or "", record.get("after") or ""

    def problem(code, message):
        return AmendmentProblem(row, item_id, field, code, message)

    malformed = record_problem(record)
    if malformed:
        return problem("amendment-malformed", malformed)
    item = items.get(item_id)
    if operation == "add":
        if item is not None:
            return problem("amendment-item-exists", f"{item_id} is already an item ({item['_list']} list); an id is never given twice")
        items[item_id] = {**{name: "" for name in ITEM_FIELDS}, "id": item_id, "_list": after}
        touched.add(after)
        return None
    if item is None:
        return problem("amendment-unknown-item", f"no item has id {item_id!r} where this record applies")
    held = item["_list"] if field == LIST_FIELD else item.get(field) or ""
    if held != before:
        return problem("amendment-before-differs", f"{item_id} {field} holds {held!r}, the record says it was {before!r}")
    touched.add(item["_list"])
    if operation == "remove":
        del items[item_id]
    elif operation == "move":
        left = [name for name in ITEM_FIELDS if name not in LIST_FIELDS[after] and item.get(name)]
        if left:
            return problem("amendment-move-cells", f"the {after} list has no column {', '.join(left)}: empty "
                           f"{'it' if len(left) == 1 else 'them'} with change records before the move")
        item["_list"] = after
        touched.add(after)
    else:
        if field not in LIST_FIELDS[item["_list"]]:
            return problem("amendment-unknown-field", f"the {item['_list']} list has no column {field!r}")
        item[field] = after
    return None


def ordered_by_seq(rows):
    """Rows in 序号 order, stably (a 序号 that is not a number last, in the order given)."""
    return sorted(rows, key=lambda row: (0, int(row["seq"])) if str(row.get("seq", "")).isdigit() else (1, 0))


def amendments_between(expected, held):
    """The records that take the items ``expected`` (what the records give, id -> item with ``_list``) to the
    items ``held`` (data/ as it stands), in the order of ``held`` then the removals: for each item, the cells a
    move empties, the move, then its 序号 and other fields. Each record holds item_id, operation, field, before, after."""
    records = []
    for item_id, item in held.items():
        was = expected.get(item_id)
        if was is None:
            records.append(_record(item_id, "add", LIST_FIELD, "", item["_list"]))
            was = {**{name: "" for name in ITEM_FIELDS}, "id": item_id, "_list": item["_list"]}
        elif was["_list"] != item["_list"]:
            records.extend(_record(item_id, "change", name, was[name], "") for name in CHANGEABLE_FIELDS
                           if was.get(name) and name not in LIST_FIELDS[item["_list"]])
            records.append(_record(item_id, "move", LIST_FIELD, was["_list"], item["_list"]))
        for name in LIST_FIELDS[item["_list"]]:
            if name in FIXED_FIELDS or (was.get(name) or "") == (item.get(name) or ""):
                continue
            records.append(_record(item_id, "renumber" if name == "seq" else "change", name, was.get(name) or "", item.get(name) or ""))
    records.extend(_record(item_id, "remove", LIST_FIELD, item["_list"], "") for item_id, item in expected.items() if item_id not in held)
    return records


def _record(item_id, operation, field, before, after):
    return {"item_id": item_id, "operation": operation, "field": field, "before": before, "after": after}
