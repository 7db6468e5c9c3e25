"""Helpers to break a copy of the real package in the ways the validate tests need."""

import json

from dutylist.core.package import csv_text, read_csv_text


def edit_rows(package, resource, change):
    """Rewrite data/<resource>.csv after change(rows) edits its rows (dicts) in place."""
    path = package / "data" / f"{resource}.csv"
    text = path.read_text(encoding="utf-8")
    fieldnames = text.splitlines()[0].split(",")
    rows = read_csv_text(text)
    change(rows)
    path.write_text(csv_text(fieldnames, rows), encoding="utf-8")


def row_of(rows, item_id):
    return next(row for row in rows if row.get("id") == item_id)


def edit_descriptor(package, change):
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")


def resource(descriptor, name):
    return next(r for r in descriptor["resources"] if r["name"] == name)
