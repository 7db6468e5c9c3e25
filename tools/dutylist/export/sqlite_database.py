"""The SQLite export: one table per resource with primary and foreign keys, and views joining the lists.

Tables are named after the resources with ``_`` for ``-`` (``coordinated_duties``); their columns
are the CSV's, in the CSV's order, an empty cell being NULL. List cells (``departments``,
``short_names``) keep their text as in the CSV (separated by 、) and ``duty_departments`` gives
one row per duty and department, with foreign keys to both. The views:

- ``duties``: the three lists as one table, with the list each duty is in;
- ``duties_by_department``: every duty with its list, one row per department (a duty without a
  department, as in the basic list, has one row with department NULL), the department's level
  and English name beside it.

Written with the standard library's sqlite3 (frictionless's SQL writer needs SQLAlchemy and
does not write the view). Same edition, same statements, same bytes.
"""

import sqlite3
import tempfile
from pathlib import Path

from . import ExportError
from ..core.package import (CORRECTION_FIELDS, INTEGER_FIELDS, ITEM_FIELDS, LIST_DELIMITER, LIST_FIELDS, LIST_RESOURCES, LISTS,
                            STEP_DELIMITER, STEP_FIELDS)

REGISTER_FIELDS = {
    "categories": ("name", "name_en"),
    "departments": ("name", "short_names", "level", "name_en", "note"),
}


def table_name(resource):
    return resource.replace("-", "_")


def schema_statements():
    statements = [
        "CREATE TABLE about (key TEXT PRIMARY KEY, value TEXT)",
        "CREATE TABLE categories (name TEXT PRIMARY KEY, name_en TEXT NOT NULL)",
        "CREATE TABLE departments (name TEXT PRIMARY KEY, short_names TEXT, level TEXT NOT NULL, name_en TEXT NOT NULL, note TEXT)",
    ]
    for list_name in LISTS:
        columns = []
        for field in LIST_FIELDS[list_name]:
            if field == "id":
                columns.append("id TEXT PRIMARY KEY")
            elif field == "seq":
                columns.append("seq INTEGER NOT NULL UNIQUE")
            elif field == "category":
                columns.append("category TEXT REFERENCES categories(name)")
            elif field in INTEGER_FIELDS:
                columns.append(f"{field} INTEGER")
            else:
                columns.append(f"{field} TEXT")
        statements.append(f"CREATE TABLE {table_name(LIST_RESOURCES[list_name])} ({', '.join(columns)})")
    statements += [
        "CREATE TABLE duty_departments (id TEXT NOT NULL, list TEXT NOT NULL, position INTEGER NOT NULL, "
        "department TEXT NOT NULL REFERENCES departments(name), PRIMARY KEY (id, department))",
        "CREATE TABLE corrections (number INTEGER PRIMARY KEY, "
        + ", ".join(f"{field} TEXT" for field in CORRECTION_FIELDS) + ")",
    ]
    union = []
    for list_name in LISTS:
        fields = LIST_FIELDS[list_name]
        select = ", ".join(field if field in fields else f"NULL AS {field}" for field in ITEM_FIELDS)
        union.append(f"SELECT '{list_name}' AS list, {select} FROM {table_name(LIST_RESOURCES[list_name])}")
    statements += [
        "CREATE VIEW duties AS " + " UNION ALL ".join(union),
        "CREATE VIEW duties_by_department AS "
        "SELECT duties.list, duties.id, duties.seq, duties.category, duties.name, "
        "duty_departments.position, duty_departments.department, departments.level AS department_level, "
        "departments.name_en AS department_name_en, duties.county_duties, duties.town_duties, duties.handling, duties.page "
        "FROM duties LEFT JOIN duty_departments ON duty_departments.id = duties.id "
        "LEFT JOIN departments ON departments.name = duty_departments.department",
    ]
    return statements


def export_sqlite(edition, progress=None):
    """The database file's bytes. sqlite3 writes files, so it is built in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="dutylist-export-") as folder:
        path = Path(folder) / "export.sqlite"
        connection = sqlite3.connect(path)
        try:
            fill(connection, edition, progress)
            connection.commit()
        finally:
            connection.close()
        return path.read_bytes()


def fill(connection, edition, progress=None):
    from .document import ordered_items

    for statement in schema_statements():
        connection.execute(statement)
    descriptor = edition["descriptor"]
    about = [("name", descriptor.get("name")), ("title", descriptor.get("title")), ("version", descriptor.get("version")),
             ("edition", descriptor.get("edition")), ("revision", edition.get("revision"))]
    connection.executemany("INSERT INTO about VALUES (?, ?)", [(key, _text(value)) for key, value in about])
    for register, fields in REGISTER_FIELDS.items():
        rows = edition["registers"].get(register, {})
        connection.executemany(
            f"INSERT INTO {register} VALUES ({', '.join('?' for _ in fields)})",
            [tuple(_text(rows[name].get(field)) for field in fields) for name in sorted(rows)],
        )
    for list_name in LISTS:
        fields = LIST_FIELDS[list_name]
        items = ordered_items(edition, list_name)
        _refuse_repeated_seq(items, list_name)
        connection.executemany(
            f"INSERT INTO {table_name(LIST_RESOURCES[list_name])} VALUES ({', '.join('?' for _ in fields)})",
            [tuple(_cell(item, field) for field in fields) for item in items],
        )
        links = {}
        for item in items:
            for position, department in enumerate(item.get("departments", []), start=1):
                links.setdefault((item["id"], department), (item["id"], list_name, position, department))
        connection.executemany("INSERT INTO duty_departments VALUES (?, ?, ?, ?)", list(links.values()))
        if progress:
            progress.advance(len(items))
    connection.executemany(
        f"INSERT INTO corrections VALUES (?, {', '.join('?' for _ in CORRECTION_FIELDS)})",
        [(number, *(_text(row.get(field)) for field in CORRECTION_FIELDS))
         for number, row in enumerate(edition.get("corrections", []), start=1)],
    )
    problems = connection.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        shown = []
        for table, rowid, parent, _ in problems[:5]:
            column = "category" if parent == "categories" else "department"
            row = connection.execute(f"SELECT id, {column} FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
            shown.append(f"{row[0]}: {column} {row[1]!r} is not in data/{parent}.csv")
        more = f" and {len(problems) - 5} more" if len(problems) > 5 else ""
        raise ExportError("the edition refers to names its registers lack: " + "; ".join(shown) + more
                          + ". Run dutylist validate, and add the name to the register or correct the item")


def _refuse_repeated_seq(items, list_name):
    """ExportError naming the first 序号 two items of the list share (or that is missing): the database keys each
    list by it (seq INTEGER NOT NULL UNIQUE), where JSON and XLSX only order by it."""
    first = {}
    for item in items:
        seq = item.get("seq")
        if seq is None or seq == "":
            raise ExportError(f"{LIST_RESOURCES[list_name]}: item {item['id']} has no seq; the database keys each list by "
                              "its seq. Run dutylist validate, and number the list 1..N")
        if seq in first:
            raise ExportError(f"{LIST_RESOURCES[list_name]}: seq {seq} is used by two items, {first[seq]} and {item['id']}; "
                              "the database keys each list by its seq. Run dutylist validate, and renumber the list 1..N")
        first[seq] = item["id"]


def _cell(item, field):
    value = item.get(field)
    if field in INTEGER_FIELDS:
        return value
    if field == "departments":
        return _text(LIST_DELIMITER.join(value or []))
    if field in STEP_FIELDS:
        return _text(STEP_DELIMITER.join(value or []))
    return _text(value)


def _text(value):
    return value if value not in (None, "") else None

