"""The layout of the data package: which resource holds what, and how its CSVs are read and written."""

import csv
import io
import os
import tempfile
from pathlib import Path

DESCRIPTOR = "datapackage.json"

LISTS = ("basic", "coordinated", "reclaimed")
LIST_RESOURCES = {
    "basic": "basic-duties",
    "coordinated": "coordinated-duties",
    "reclaimed": "reclaimed-duties",
}
LIST_OF_RESOURCE = {resource: list_name for list_name, resource in LIST_RESOURCES.items()}
LIST_LABELS = {
    "basic": "基本履职事项清单",
    "coordinated": "配合履职事项清单",
    "reclaimed": "上级部门收回事项清单",
}
LIST_FIELDS = {
    "basic": ("id", "seq", "category", "name", "page"),
    "coordinated": (
        "id", "seq", "category", "name", "departments", "county_duties", "town_duties", "page",
    ),
    "reclaimed": ("id", "seq", "category", "name", "departments", "handling", "page"),
}
CORRECTION_FIELDS = ("item_id", "field", "extracted", "corrected", "kind", "status", "evidence")
ID_PREFIX = "652325100-"
LIST_DELIMITER = "、"  # between the entries of a list field (departments, short_names)
STEP_DELIMITER = "\n"  # between the numbered steps of a step field


def data_path(resource):
    return f"data/{resource}.csv"


def read_csv_text(text):
    """Rows of a CSV as dicts of strings, in file order: exactly what csv.DictReader gives, a little faster.

    The first record names the columns; blank records are skipped; a short row's missing cells are None;
    a long row's extra cells are a list under the key None.
    """
    records = csv.reader(io.StringIO(text, newline=""))
    header = next(records, None)
    if header is None:
        return []
    width = len(header)
    rows = []
    for cells in records:
        if not cells:
            continue
        if len(cells) == width:
            rows.append(dict(zip(header, cells)))
        else:
            row = dict(zip(header, cells))
            if len(cells) > width:
                row[None] = cells[width:]
            else:
                for key in header[len(cells):]:
                    row[key] = None
            rows.append(row)
    return rows


def csv_text(fieldnames, rows):
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_atomic(path, text):
    """Write text to path so that a reader sees the old file or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
