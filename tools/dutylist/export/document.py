"""The edition as one plain-data document: the three lists in order, registers resolved.

``build_document(edition)`` is what ``dutylist export --format json`` prints, and what the
workbook and the database are written from. Items are ordered by list, then 序号, then id;
registers by name. Nothing depends on the clock or the machine.
"""

from ..core.edition import split_list
from ..core.package import LIST_FIELDS, LIST_LABELS, LIST_RESOURCES, LISTS, STEP_FIELDS

FORMAT_VERSION = 1
DESCRIPTOR_KEYS = ("name", "title", "version", "edition", "town", "licenses")


def ordered_items(edition, list_name):
    """The list's items by 序号, then id; a 序号 that is not a number (an edition read leniently) comes after
    the numbers, in the order of its text."""
    items = [item for item in edition["items"].values() if item["list"] == list_name]
    return sorted(items, key=_seq_order)


def _seq_order(item):
    seq = item.get("seq", 0)
    text = isinstance(seq, str)
    return text, 0 if text else seq, seq if text else "", item["id"]


def build_document(edition, progress=None):
    descriptor = edition["descriptor"]
    categories = edition["registers"].get("categories", {})
    departments = edition["registers"].get("departments", {})
    document = {"format_version": FORMAT_VERSION}
    for key in DESCRIPTOR_KEYS:
        document[key] = descriptor.get(key)
    document["revision"] = edition.get("revision")
    document["lists"] = {}
    for list_name in LISTS:
        items = ordered_items(edition, list_name)
        document["lists"][list_name] = {
            "resource": LIST_RESOURCES[list_name],
            "title": LIST_LABELS[list_name],
            "count": len(items),
            "items": [resolved_item(item, categories, departments) for item in items],
        }
        if progress:
            progress.advance(len(items))
    document["registers"] = {
        "categories": [dict(categories[name]) for name in sorted(categories)],
        "departments": [register_department(departments[name]) for name in sorted(departments)],
    }
    document["corrections"] = [dict(row) for row in edition.get("corrections", [])]
    return document


def resolved_item(item, categories, departments):
    resolved = {"id": item["id"], "list": item["list"]}
    for field in LIST_FIELDS[item["list"]]:
        if field == "id":
            continue
        value = item.get(field)
        if field == "category":
            resolved[field] = resolved_category(value, categories)
        elif field == "departments":
            resolved[field] = [resolved_department(name, departments) for name in value or []]
        elif field in STEP_FIELDS:
            resolved[field] = list(value or [])
        else:
            resolved[field] = value
    return resolved


def resolved_category(name, categories):
    if not name:
        return None
    row = categories.get(name)
    return {"name": name, "name_en": row.get("name_en") if row else None}


def resolved_department(name, departments):
    row = departments.get(name)
    return {"name": name, "level": row.get("level") if row else None, "name_en": row.get("name_en") if row else None}


def register_department(row):
    department = dict(row)
    department["short_names"] = split_list(row.get("short_names") or "")
    return department
