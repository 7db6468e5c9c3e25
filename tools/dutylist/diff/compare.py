"""``compare(old, new)``: what changed between two editions, as plain data (the JSON output itself).

Both sides are editions as returned by ``edition.load_edition`` (or ``empty_edition()``).
Items are matched by id, never by 序号. The shape is described by ``schemas/diff.json``.
"""

import re
from collections import defaultdict

from ..core.kinds import BUMPS, KIND_BUMPS, KINDS, RELEASE_BUMPS, SCHEMA_BUMPS, STRUCTURE_BUMPS
from ..core.names import NameRefused, version_key
from ..core.package import ITEM_FIELDS as LIST_COLUMNS
from ..core.package import LIST_RESOURCES, LIST_VALUE_FIELDS, LISTS, STEP_FIELDS
from ..core.shown import json_safe
from .inline import inline_ops, step_changes
from .resemblance import resemblances
from .schemas import schema_changes

ITEM_FIELDS = tuple(field for field in LIST_COLUMNS if field not in ("id", "seq"))  # what a change shows, in order
SET_FIELDS = LIST_VALUE_FIELDS
EXTRA_CELLS = "(extra cells)"  # as core.edition.EXTRA_CELLS: the cells of a ragged row beyond its header
CORRECTION_KEY = ("item_id", "field", "extracted")


def empty_edition(label="empty edition"):
    """An edition with nothing in it: the other side of a package's first version."""
    return {"label": label, "descriptor": {}, "items": {}, "registers": {"categories": {}, "departments": {}},
            "corrections": [], "schemas": {}, "empty": True}


def compare(old, new, unchanged=None):
    """The report. ``unchanged`` is for a caller that left out the items equal on both sides but for their 序号
    (diff/stream.py): ``{"renumbered": [(list, old seq, new seq, count)], "lists": {list: {"before", "after"}}}``,
    where each entry of ``renumbered`` stands for ``count`` items renumbered from old seq, old seq + 1, ... to
    new seq, new seq + 1, ... (a run: a million renumbered items are a few thousand entries)."""
    columns = (old.get("columns") or {}, new.get("columns") or {})
    items, renumbered = item_changes(old["items"], new["items"], columns)
    report = {
        "from": side(old),
        "to": side(new),
        "summary": {},
        "items": items,
        "renumbered": renumbered_summary(renumbered, unchanged["renumbered"] if unchanged else ()),
        "likely": likely_reidentifications(items),
        "registers": {name: row_changes(stripped_register(old, name), stripped_register(new, name))
                      for name in ("categories", "departments")},
        "corrections": correction_changes(old.get("corrections", []), new.get("corrections", [])),
        "schema": schema_changes(old.get("schemas", {}), new.get("schemas", {})),
        "descriptor": descriptor_changes(old["descriptor"], new["descriptor"]),
        "structure": structure_changes(old, new),
        "by_department": by_department(items, old["items"], new["items"]),
        "warnings": load_warnings(old, new),
        "notes": notes(old, new),
    }
    lists = unchanged["lists"] if unchanged else list_counts(old["items"], new["items"])
    report["summary"] = summary(report, lists)
    return json_safe(report)




def load_warnings(old, new):
    """What was read leniently (a cell kept as text, a ragged row, a duplicated column), side by side."""
    return [{"side": role, **warning} for role, edition in (("old", old), ("new", new)) for warning in edition.get("warnings", [])]


def structure_changes(old, new):
    """Columns added, removed, renamed or duplicated in a CSV between the two sides, and (as warnings of NEW)
    columns that NEW's own Table Schema does not declare or that its CSV lacks."""
    changes = []
    old_columns, new_columns = old.get("columns") or {}, new.get("columns") or {}
    for resource in sorted(old_columns.keys() & new_columns.keys()):
        before, after = old_columns[resource], new_columns[resource]
        old_duplicates, new_duplicates = _duplicated_columns(before), _duplicated_columns(after)
        before_unique, after_unique = _unique_columns(before), _unique_columns(after)
        removed = [column for column in before_unique if column not in after_unique and column not in new_duplicates]
        added = [column for column in after_unique if column not in before_unique and column not in old_duplicates]
        for column in list(removed):
            position = before.index(column)
            partner = next((name for name in added if after.index(name) == position), None)
            if partner is not None:
                changes.append({"resource": resource, "change": "column-renamed", "column": partner, "old_column": column})
                removed.remove(column)
                added.remove(partner)
        changes += [{"resource": resource, "change": "column-removed", "column": column} for column in removed]
        changes += [{"resource": resource, "change": "column-added", "column": column} for column in added]
        changes += [{"resource": resource, "change": "column-duplicated", "column": column}
                    for column in new_duplicates if column not in old_duplicates]
    return changes


REPEATED_COLUMN = re.compile(r"^(.*) \(column \d+\)$")


def _unique_columns(header):
    """A header without the columns of a repeated name (core.edition reads them as '<name> (column N)')."""
    repeated = _duplicated_columns(header)
    return [name for name in header if not _is_duplicate(name, repeated)]


def _duplicated_columns(header):
    bases = [match.group(1) for match in map(REPEATED_COLUMN.match, header) if match]
    return sorted({base for base in bases if bases.count(base) > 1})


def _is_duplicate(name, repeated):
    match = REPEATED_COLUMN.match(name)
    return bool(match) and match.group(1) in repeated


def side(edition):
    descriptor = edition["descriptor"]
    return {
        "label": edition["label"],
        "revision": edition.get("revision"),
        "version": _as_text(descriptor.get("version")),
        "edition": _as_text(descriptor.get("edition")),
    }


def _as_text(value):
    """A descriptor value shown as a version or edition: a string, or null where there is none."""
    if value is None or isinstance(value, str):
        return value
    import json

    value = json_safe(value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def notes(old, new):
    found = []
    if old.get("empty"):
        found.append("no previous version: compared against an empty edition, so every item is added")
    if new.get("empty"):
        found.append("compared against an empty edition, so every item is removed")
    return found


def item_changes(old_items, new_items, columns=({}, {})):
    """One pass over the ids in file order (so that runs of 序号 come nearly sorted); changes sorted by id.

    A 序号 that is not a whole number (read leniently) cannot be renumbered: its change is a field change."""
    changes, renumbered = [], []
    for item_id in [*old_items, *(item_id for item_id in new_items if item_id not in old_items)]:
        old, new = old_items.get(item_id), new_items.get(item_id)
        renumbering = old is not None and new is not None and old["seq"] != new["seq"]
        if renumbering and not (_whole(old["seq"]) and _whole(new["seq"])):
            renumbering = False
            seq_change = [field_change("seq", old["seq"], new["seq"])]
        else:
            seq_change = []
        if old is not None and new is not None and not seq_change and _same_but_seq(old, new):
            if renumbering:
                renumbered.append((old["list"], old["seq"], new["seq"]))
            continue
        fields = seq_change + field_changes(old, new, columns) if old and new else []
        kind = change_kind(old, new, fields)
        if kind:
            changes.append(item_change(item_id, kind, old, new, fields))
        elif renumbering:
            renumbered.append((old["list"], old["seq"], new["seq"]))
    changes.sort(key=lambda change: change["id"])
    return changes, renumbered


def _same_but_seq(old, new):
    return old == new or (old.keys() == new.keys() and {**old, "seq": new["seq"]} == new)


def change_kind(old, new, fields):
    if old is None:
        return "added"
    if new is None:
        return "removed"
    if old["list"] == new["list"]:
        return "changed" if fields else None
    if new["list"] == "reclaimed":
        return "reclaimed"
    if old["list"] == "reclaimed":
        return "returned"
    return "moved"


def item_change(item_id, kind, old, new, fields):
    change = {
        "id": item_id,
        "change": kind,
        "from": place(old),
        "to": place(new),
        "name": (new or old).get("name", ""),
        "fields": fields,
    }
    if kind in ("added", "removed"):
        change["record"] = record(new or old)
    if kind in ("reclaimed", "returned"):
        reclaimed_side = new if kind == "reclaimed" else old
        change["reclaimed_by"] = reclaimed_side.get("departments", [])
    return change


def _whole(value):
    return isinstance(value, int) and not isinstance(value, bool)


def place(item):
    return {"list": item["list"], "seq": item["seq"]} if item else None


def record(item):
    return {field: item[field] for field in _fields_of(item)}


def _fields_of(*items):
    """The fields to show: the known ones in their order, then any other column (an extra column, extra cells)."""
    present = {field for item in items for field in item}
    others = sorted(present - set(ITEM_FIELDS) - {"id", "list", "seq"})
    return [field for field in ITEM_FIELDS if field in present] + others


def field_changes(old, new, columns=({}, {})):
    """Each differing field. A field only one side has is a change when the other side's list has no such
    column (moved between lists, or a ragged row's extra cells); it is skipped when the column itself was
    added or removed (a structure change, reported once under ``structure``)."""
    changes = []
    for field in _fields_of(old, new):
        if field in old and field in new:
            old_value, new_value = _plain(old[field]), _plain(new[field])
            if old_value != new_value:
                changes.append(field_change(field, old_value, new_value))
        elif _column_difference(field, old if field in old else new, columns[1] if field in old else columns[0]):
            continue
        else:
            absent = "new" if field in old else "old"
            value = _plain((old if field in old else new)[field])
            empty = [] if isinstance(value, list) else ""
            change = field_change(field, empty if absent == "old" else value, empty if absent == "new" else value)
            change["absent"] = absent
            changes.append(change)
    return changes


def _column_difference(field, holder, other_columns):
    """Whether field, held by holder's side only, is missing on the other side because that side's CSV for
    holder's list lacks the column (a structure change) rather than because the item changed lists."""
    if field == EXTRA_CELLS:
        return False
    header = other_columns.get(LIST_RESOURCES.get(holder["list"]))
    return header is not None and field not in header


def field_change(field, old, new):
    change = {"field": field, "old": old, "new": new}
    if field in SET_FIELDS:
        old_set, new_set = old or [], new or []
        change["kind"] = "set"
        change["added"] = [value for value in new_set if value not in old_set]
        change["removed"] = [value for value in old_set if value not in new_set]
    elif field in STEP_FIELDS:
        change["kind"] = "steps"
        change["steps"] = step_changes(old, new)
    elif isinstance(old, str) and isinstance(new, str):
        change["kind"] = "text"
        change["inline"] = inline_ops(old, new)
    else:
        change["kind"] = "value"
    return change


def renumbered_summary(renumbered, runs=()):
    """Items whose only change is their 序号, as runs of consecutive 序号 shifted by the same amount.

    ``renumbered``: (list, old seq, new seq) of each item; ``runs``: (list, old seq, new seq, count) of runs of
    them gathered already (diff/stream.py). The summary is the same as of every item of the runs one by one:
    sorted, runs whose 序号 do not overlap are whole stretches of that order; where 序号 overlap (a 序号 used
    twice in a list), the runs are taken item by item."""
    spans = sorted([(list_name, old_seq, new_seq, 1) for list_name, old_seq, new_seq in renumbered] + [tuple(run) for run in runs])
    if any(first[0] == then[0] and then[1] < first[1] + first[3] for first, then in zip(spans, spans[1:])):
        spans = sorted((list_name, old_seq + step, new_seq + step, 1)
                       for list_name, old_seq, new_seq, count in spans for step in range(count))
    found = []
    for list_name, old_seq, new_seq, count in spans:
        last = found[-1] if found else None
        if last and last["list"] == list_name and last["old_last"] + 1 == old_seq and last["shift"] == new_seq - old_seq:
            last.update(old_last=old_seq + count - 1, new_last=new_seq + count - 1, count=last["count"] + count)
        else:
            found.append({"list": list_name, "old_first": old_seq, "old_last": old_seq + count - 1, "new_first": new_seq,
                          "new_last": new_seq + count - 1, "shift": new_seq - old_seq, "count": count})
    by_list = {list_name: sum(span[3] for span in spans if span[0] == list_name) for list_name in LISTS}
    return {"count": sum(span[3] for span in spans), "by_list": by_list, "runs": found}


def likely_reidentifications(items):
    removed = {item["id"]: item["name"] for item in items if item["change"] == "removed"}
    added = {item["id"]: item["name"] for item in items if item["change"] == "added"}
    return resemblances(removed, added)


def stripped_register(edition, name):
    """Register rows keyed by name, with whitespace at cell ends (not a real change) removed."""
    return {_plain(key): _stripped(row) for key, row in edition["registers"].get(name, {}).items()}


def _stripped(row):
    return {key: _plain(value) for key, value in row.items() if key is not None}


def _plain(value):
    """A cell without what is not a real change: whitespace at its ends and the line-ending style."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip() if isinstance(value, str) else value


def row_changes(old_rows, new_rows):
    """Register rows keyed by name: added, removed, and changed with each differing column."""
    changed = []
    for name in sorted(old_rows.keys() & new_rows.keys()):
        fields = _row_field_changes(old_rows[name], new_rows[name])
        if fields:
            changed.append({"name": name, "fields": fields})
    return {
        "added": [new_rows[name] for name in sorted(new_rows.keys() - old_rows.keys())],
        "removed": [old_rows[name] for name in sorted(old_rows.keys() - new_rows.keys())],
        "changed": changed,
    }


def _row_field_changes(old, new):
    """The differing columns of two rows of one register or of the corrections. A column only one side's
    file has is a structure change (reported once); a ragged row's extra cells are compared."""
    changes = []
    for column in sorted(old.keys() | new.keys(), key=str):
        if column is None:
            continue
        if column in old and column in new:
            if old[column] != new[column]:
                changes.append(field_change(column, old[column], new[column]))
        elif column == EXTRA_CELLS:
            absent = "new" if column in old else "old"
            value = old.get(column, new.get(column))
            change = field_change(column, "" if absent == "old" else value, "" if absent == "new" else value)
            change["absent"] = absent
            changes.append(change)
    return changes


def correction_changes(old_rows, new_rows):
    """Correction records paired by (item_id, field, extracted): a record whose other columns changed is one
    change with those columns; records without a partner (or sharing their key with others) are added or removed."""
    from collections import Counter

    # records equal to the byte on both sides are no change: match them first, as multisets, so that only the
    # rest is normalised (a national collection holds hundreds of thousands of records, nearly all unchanged)
    old_raw, new_raw = Counter(_frozen(row) for row in old_rows), Counter(_frozen(row) for row in new_rows)
    common = old_raw & new_raw
    old_rows = [_stripped(dict(row)) for row in (old_raw - common).elements()]
    new_rows = [_stripped(dict(row)) for row in (new_raw - common).elements()]
    old_count = Counter(_frozen(row) for row in old_rows)
    new_count = Counter(_frozen(row) for row in new_rows)
    removed = [dict(row) for row in sorted((old_count - new_count).elements())]  # a repeated record counts each time
    added = [dict(row) for row in sorted((new_count - old_count).elements())]
    old_keys, new_keys = defaultdict(list), defaultdict(list)
    for row in removed:
        old_keys[_correction_key(row)].append(row)
    for row in added:
        new_keys[_correction_key(row)].append(row)
    changed = []
    for key in sorted(old_keys.keys() & new_keys.keys()):
        if len(old_keys[key]) == 1 and len(new_keys[key]) == 1:
            old_row, new_row = old_keys[key][0], new_keys[key][0]
            fields = _row_field_changes(old_row, new_row)
            if fields:
                changed.append({"key": dict(zip(CORRECTION_KEY, key)), "fields": fields})
                removed.remove(old_row)
                added.remove(new_row)
    return {
        "added": [dict(row) for row in sorted(_frozen(row) for row in added)],
        "removed": [dict(row) for row in sorted(_frozen(row) for row in removed)],
        "changed": changed,
    }


def _correction_key(row):
    return tuple(str(row.get(column) or "") for column in CORRECTION_KEY)


def _frozen(row):
    return tuple(sorted((key, value) for key, value in row.items() if key is not None))


def descriptor_changes(old, new):
    """The changed keys of the descriptor (resources aside: their names are compared, their schemas under
    ``schema``), each with its path and old and new value; nested values are compared with deepdiff."""
    old_resources = _resource_names(old)
    new_resources = _resource_names(new)
    changed = []
    for key in sorted((old.keys() | new.keys()) - {"resources"}, key=str):
        if key not in new:
            changed.append({"field": key, "path": key, "change": "removed", "old": old[key]})
        elif key not in old:
            changed.append({"field": key, "path": key, "change": "added", "new": new[key]})
        elif old[key] != new[key] or type(old[key]) is not type(new[key]):
            changed += _nested_changes(key, old[key], new[key])
    return {
        "changed": changed,
        "resources_added": sorted(new_resources - old_resources),
        "resources_removed": sorted(old_resources - new_resources),
    }


def _nested_changes(key, old, new):
    if not (isinstance(old, (dict, list)) and isinstance(new, (dict, list))):
        return [{"field": key, "path": key, "change": "changed", "old": old, "new": new}]
    from deepdiff import DeepDiff  # imported here: only a changed nested descriptor value needs it

    found = []
    for kind, levels in DeepDiff(_keyed(old, new), _keyed(new, old), view="tree", verbose_level=2).items():
        for level in levels:
            path = key + "".join(f"[{part}]" if isinstance(part, (int, KeyOf)) else f".{part}" for part in level.path(output_format="list"))
            if "added" in kind:
                found.append({"field": key, "path": path, "change": "added", "new": _unkeyed(level.t2)})
            elif "removed" in kind:
                found.append({"field": key, "path": path, "change": "removed", "old": _unkeyed(level.t1)})
            else:
                found.append({"field": key, "path": path, "change": "changed", "old": _unkeyed(level.t1), "new": _unkeyed(level.t2)})
    return sorted(found, key=lambda change: change["path"]) or [{"field": key, "path": key, "change": "changed", "old": old, "new": new}]


IDENTIFYING_KEYS = ("name", "path")  # an array of objects each with a distinct one of these is compared by it (licenses by name, sources by path)


class KeyOf(str):
    """An array element's place shown by its identifying key (``sources[path=sources/x.txt]``), not its index."""


def _keyed(value, other=None):
    """value with every array of objects that each have a distinct ``name`` (else ``path``) string turned into a
    dict keyed by it, so that adding a source first reads as one source added, not every source changed.
    ``other``: the same place on the other side, so that both sides' arrays are keyed by the same key."""
    if isinstance(value, dict):
        counterpart = other if isinstance(other, dict) else {}
        return {name: _keyed(part, counterpart.get(name)) for name, part in value.items()}
    if not isinstance(value, list):
        return value
    others = other if isinstance(other, list) else []
    key = next((key for key in IDENTIFYING_KEYS if _identifies(value, key) and (not others or _identifies(others, key))), None)
    if key is None:
        return [_keyed(part, others[index] if index < len(others) else None) for index, part in enumerate(value)]
    partners = {part[key]: part for part in others}
    return {KeyOf(f"{key}={part[key]}"): _keyed(part, partners.get(part[key])) for part in value}


def _identifies(array, key):
    """Whether every element of a non-empty array is an object with a string ``key``, each a different one."""
    names = [part.get(key) if isinstance(part, dict) else None for part in array]
    return bool(names) and all(isinstance(name, str) for name in names) and len(set(names)) == len(names)


def _unkeyed(value):
    """The value as the descriptor has it: each array ``_keyed`` turned into a dict, a list again."""
    if isinstance(value, dict):
        parts = {name: _unkeyed(part) for name, part in value.items()}
        return list(parts.values()) if parts and all(isinstance(name, KeyOf) for name in parts) else parts
    return value


def _resource_names(descriptor):
    return {resource.get("name") for resource in descriptor.get("resources") or [] if isinstance(resource, dict)}


def by_department(items, old_items=None, new_items=None):
    """The ids of the changed items concerning each county department: the departments of either side of
    the item, whether or not they changed."""
    groups = defaultdict(list)
    for item in items:
        departments = _departments(item, (old_items or {}).get(item["id"]), (new_items or {}).get(item["id"]))
        for department in departments or [None]:
            groups[department].append(item["id"])
    return [{"department": department, "ids": groups[department]}
            for department in sorted(groups, key=lambda name: (name is None, name or ""))]


def _departments(item, old=None, new=None):
    found = list(item.get("record", {}).get("departments", []))
    for side in (old, new):
        if side and isinstance(side.get("departments"), list):
            found += side["departments"]
    for change in item["fields"]:
        if change["field"] == "departments":
            found += (change["old"] or []) + (change["new"] or [])
    found += item.get("reclaimed_by", [])
    return list(dict.fromkeys(value for value in found if isinstance(value, str) and value))


def list_counts(old_items, new_items):
    counts = {list_name: {"before": 0, "after": 0} for list_name in LISTS}
    for item in old_items.values():
        counts[item["list"]]["before"] += 1
    for item in new_items.values():
        counts[item["list"]]["after"] += 1
    return counts


def summary(report, lists):
    counts = {kind: 0 for kind in KINDS}
    for item in report["items"]:
        counts[item["change"]] += 1
    counts["renumbered"] = report["renumbered"]["count"]
    counts["registers"] = sum(len(entries) for register in report["registers"].values() for entries in register.values())
    counts["corrections"] = sum(len(entries) for entries in report["corrections"].values())
    counts["schema"] = len(report["schema"])
    counts["structure"] = len(report["structure"])
    counts["warnings"] = len(report["warnings"])
    descriptor = report["descriptor"]
    counts["descriptor"] = len(descriptor["changed"]) + len(descriptor["resources_added"]) + len(descriptor["resources_removed"])
    counts["likely_renames"] = len(report["likely"]["renames"])
    counts["lists"] = lists
    reasons = bump_reasons(report)
    counts["identical"] = not any(counts[key] for key in (*KINDS, "renumbered", "registers", "corrections", "schema", "structure", "descriptor"))
    counts["bump"] = max((reason["bump"] for reason in reasons), key=BUMPS.index, default="none")
    counts["bump_reasons"] = reasons
    counts["declared_bump"] = declared_bump(report["from"]["version"], report["to"]["version"])
    return counts


def bump_reasons(report):
    """Why the changes call for a major, minor or patch release (see docs/diff.md, version policy)."""
    reasons = []
    for change in report["schema"]:
        where = change["resource"] + (f".{change['field']}" if change["field"] else "")
        reasons.append({"bump": SCHEMA_BUMPS[change["change"]], "reason": f"schema {change['change']}: {where}"
                        + (f" ({change['key']})" if change["key"] else "")})
    for change in report["structure"]:
        column = change["column"] if "old_column" not in change else f"{change['old_column']} → {change['column']}"
        reasons.append({"bump": STRUCTURE_BUMPS[change["change"]], "reason": f"{change['change']}: {change['resource']}.{column}"})
    for name in report["descriptor"]["resources_removed"]:
        reasons.append({"bump": "major", "reason": f"resource removed: {name}"})
    for name in report["descriptor"]["resources_added"]:
        reasons.append({"bump": "minor", "reason": f"resource added: {name}"})
    kinds = defaultdict(int)
    for item in report["items"]:
        kinds[item["change"]] += 1
    for kind in KINDS:
        if kinds[kind]:
            reasons.append({"bump": KIND_BUMPS[kind], "reason": f"items {kind}: {kinds[kind]}"})
    for register, changes in report["registers"].items():
        for what in ("added", "removed"):
            if changes[what]:
                reasons.append({"bump": "minor", "reason": f"{register} {what}: {len(changes[what])}"})
        if changes["changed"]:
            reasons.append({"bump": "patch", "reason": f"{register} changed: {len(changes['changed'])}"})
    if report["renumbered"]["count"]:
        reasons.append({"bump": "patch", "reason": f"items renumbered: {report['renumbered']['count']}"})
    if any(report["corrections"].values()):
        reasons.append({"bump": "patch", "reason": "correction records changed"})
    if any(change["field"] not in ("version", "created") for change in report["descriptor"]["changed"]):
        reasons.append({"bump": "patch", "reason": "descriptor metadata changed"})
    return reasons


def declared_bump(old_version, new_version):
    """The bump the version numbers themselves declare, or None if either is not MAJOR.MINOR.PATCH."""
    old, new = _semver(old_version), _semver(new_version)
    if old_version is None and new is not None:
        return "major"
    if old is None or new is None:
        return None
    for position, bump in enumerate(RELEASE_BUMPS):
        if new[position] != old[position]:
            return bump
    return "none"


def _semver(version):
    """The version as (major, minor, patch), or None when it is not a version (core/names.py's grammar)."""
    try:
        return version_key(version)
    except NameRefused:
        return None
