"""``compare(old, new)``: what changed between two editions, as plain data (the JSON output itself).

Both sides are editions as returned by ``edition.load_edition`` (or ``empty_edition()``).
Items are matched by id, never by 序号. The shape is described by ``schemas/diff.json``.
"""

from collections import defaultdict

from ..core.package import LISTS
from .inline import inline_ops, step_changes
from .resemblance import resemblances
from .schemas import schema_changes

KINDS = ("reclaimed", "returned", "added", "removed", "moved", "changed")
TOWN_LISTS = ("basic", "coordinated")
ITEM_FIELDS = ("category", "name", "departments", "county_duties", "town_duties", "handling", "page")
SET_FIELDS = ("departments",)
STEP_FIELDS = ("county_duties", "town_duties", "handling")
DESCRIPTOR_KEYS = ("name", "title", "version", "edition", "description", "created", "town", "licenses", "sources")
BUMPS = ("none", "patch", "minor", "major")
SCHEMA_BUMPS = {
    "resource-removed": "major", "field-removed": "major", "retyped": "major",
    "constraint-tightened": "major", "constraint-changed": "major", "changed": "major",
    "resource-added": "minor", "field-added": "minor", "constraint-loosened": "minor",
    "documented": "patch",
}


def empty_edition(label="empty edition"):
    """An edition with nothing in it: the other side of a package's first version."""
    return {"label": label, "descriptor": {}, "items": {}, "registers": {"categories": {}, "departments": {}},
            "corrections": [], "schemas": {}, "empty": True}


def compare(old, new, unchanged=None):
    """The report. ``unchanged`` is for a caller that left out the items equal on both sides but for their 序号
    (diff/stream.py): ``{"renumbered": [(list, old seq, new seq)], "lists": {list: {"before", "after"}}}``."""
    items, renumbered = item_changes(old["items"], new["items"])
    if unchanged:
        renumbered += unchanged["renumbered"]
    report = {
        "from": side(old),
        "to": side(new),
        "summary": {},
        "items": items,
        "renumbered": renumbered_summary(renumbered),
        "likely": likely_reidentifications(items),
        "registers": {name: row_changes(stripped_register(old, name), stripped_register(new, name))
                      for name in ("categories", "departments")},
        "corrections": correction_changes(old.get("corrections", []), new.get("corrections", [])),
        "schema": schema_changes(old.get("schemas", {}), new.get("schemas", {})),
        "descriptor": descriptor_changes(old["descriptor"], new["descriptor"]),
        "by_department": by_department(items),
        "notes": notes(old, new),
    }
    lists = unchanged["lists"] if unchanged else list_counts(old["items"], new["items"])
    report["summary"] = summary(report, lists)
    return report


def side(edition):
    descriptor = edition["descriptor"]
    return {
        "label": edition["label"],
        "revision": edition.get("revision"),
        "version": descriptor.get("version"),
        "edition": descriptor.get("edition"),
    }


def notes(old, new):
    found = []
    if old.get("empty"):
        found.append("no previous version: compared against an empty edition, so every item is added")
    if new.get("empty"):
        found.append("compared against an empty edition, so every item is removed")
    return found


def item_changes(old_items, new_items):
    """One pass over the ids in file order (so that runs of 序号 come nearly sorted); changes sorted by id."""
    changes, renumbered = [], []
    for item_id in [*old_items, *(item_id for item_id in new_items if item_id not in old_items)]:
        old, new = old_items.get(item_id), new_items.get(item_id)
        if old is not None and new is not None and _same_but_seq(old, new):
            if old["seq"] != new["seq"]:
                renumbered.append((old["list"], old["seq"], new["seq"]))
            continue
        fields = field_changes(old, new) if old and new else []
        kind = change_kind(old, new, fields)
        if kind:
            changes.append(item_change(item_id, kind, old, new, fields))
        elif old["seq"] != new["seq"]:
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


def place(item):
    return {"list": item["list"], "seq": item["seq"]} if item else None


def record(item):
    return {field: item[field] for field in ITEM_FIELDS if field in item}


def field_changes(old, new):
    changes = []
    for field in ITEM_FIELDS:
        old_value, new_value = _plain(old.get(field)), _plain(new.get(field))
        if old_value != new_value:
            changes.append(field_change(field, old_value, new_value))
    return changes


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


def renumbered_summary(renumbered):
    """Items whose only change is their 序号, as runs of consecutive 序号 shifted by the same amount."""
    runs = []
    for list_name, old_seq, new_seq in sorted(renumbered):
        last = runs[-1] if runs else None
        if last and last["list"] == list_name and last["old_last"] + 1 == old_seq and last["shift"] == new_seq - old_seq:
            last.update(old_last=old_seq, new_last=new_seq, count=last["count"] + 1)
        else:
            runs.append({"list": list_name, "old_first": old_seq, "old_last": old_seq, "new_first": new_seq,
                         "new_last": new_seq, "shift": new_seq - old_seq, "count": 1})
    by_list = {list_name: sum(1 for entry in renumbered if entry[0] == list_name) for list_name in LISTS}
    return {"count": len(renumbered), "by_list": by_list, "runs": runs}


def likely_reidentifications(items):
    removed = {item["id"]: item["name"] for item in items if item["change"] == "removed"}
    added = {item["id"]: item["name"] for item in items if item["change"] == "added"}
    return resemblances(removed, added)


def stripped_register(edition, name):
    """Register rows keyed by name, with whitespace at cell ends (not a real change) removed."""
    rows = (_stripped(row) for row in edition["registers"].get(name, {}).values())
    return {row.get("name", ""): row for row in rows}


def _stripped(row):
    return {key: _plain(value) for key, value in row.items() if key is not None}


def _plain(value):
    """A cell without what is not a real change: whitespace at its ends and the line-ending style."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip() if isinstance(value, str) else value


def row_changes(old_rows, new_rows):
    """Register rows keyed by name: added, removed, and changed with each differing column."""
    changed = []
    for name in sorted(old_rows.keys() & new_rows.keys()):
        old, new = old_rows[name], new_rows[name]
        fields = [field_change(column, old.get(column), new.get(column))
                  for column in sorted(old.keys() | new.keys()) if old.get(column) != new.get(column)]
        if fields:
            changed.append({"name": name, "fields": fields})
    return {
        "added": [new_rows[name] for name in sorted(new_rows.keys() - old_rows.keys())],
        "removed": [old_rows[name] for name in sorted(old_rows.keys() - new_rows.keys())],
        "changed": changed,
    }


def correction_changes(old_rows, new_rows):
    old_set = {_frozen(_stripped(row)) for row in old_rows}
    new_set = {_frozen(_stripped(row)) for row in new_rows}
    return {
        "added": [dict(row) for row in sorted(new_set - old_set)],
        "removed": [dict(row) for row in sorted(old_set - new_set)],
    }


def _frozen(row):
    return tuple(sorted((key, value) for key, value in row.items() if key is not None))


def descriptor_changes(old, new):
    old_resources = _resource_names(old)
    new_resources = _resource_names(new)
    return {
        "changed": [{"field": key, "old": old.get(key), "new": new.get(key)}
                    for key in DESCRIPTOR_KEYS if old.get(key) != new.get(key)],
        "resources_added": sorted(new_resources - old_resources),
        "resources_removed": sorted(old_resources - new_resources),
    }


def _resource_names(descriptor):
    return {resource.get("name") for resource in descriptor.get("resources") or [] if isinstance(resource, dict)}


def by_department(items):
    """The ids of the changed items concerning each county department (from either side)."""
    groups = defaultdict(list)
    for item in items:
        departments = _departments(item)
        for department in departments or [None]:
            groups[department].append(item["id"])
    return [{"department": department, "ids": groups[department]}
            for department in sorted(groups, key=lambda name: (name is None, name or ""))]


def _departments(item):
    found = list(item.get("record", {}).get("departments", []))
    for change in item["fields"]:
        if change["field"] == "departments":
            found += (change["old"] or []) + (change["new"] or [])
    found += item.get("reclaimed_by", [])
    return list(dict.fromkeys(found))


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
    descriptor = report["descriptor"]
    counts["descriptor"] = len(descriptor["changed"]) + len(descriptor["resources_added"]) + len(descriptor["resources_removed"])
    counts["likely_renames"] = len(report["likely"]["renames"])
    counts["lists"] = lists
    reasons = bump_reasons(report)
    counts["identical"] = not any(counts[key] for key in (*KINDS, "renumbered", "registers", "corrections", "schema", "descriptor"))
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
    for name in report["descriptor"]["resources_removed"]:
        reasons.append({"bump": "major", "reason": f"resource removed: {name}"})
    for name in report["descriptor"]["resources_added"]:
        reasons.append({"bump": "minor", "reason": f"resource added: {name}"})
    kinds = defaultdict(int)
    for item in report["items"]:
        kinds[item["change"]] += 1
    for kind in KINDS:
        if kinds[kind]:
            reasons.append({"bump": "patch" if kind == "changed" else "minor", "reason": f"items {kind}: {kinds[kind]}"})
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
    for position, bump in enumerate(("major", "minor", "patch")):
        if new[position] != old[position]:
            return bump
    return "none"


def _semver(version):
    parts = str(version).split(".") if version is not None else []
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts)
