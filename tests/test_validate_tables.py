"""The fast table pass (validate/tables.py) never lets through a table that frictionless would find fault with.

``check_tables`` skips frictionless when the fast pass suspects nothing, so the promise to hold is:
whenever frictionless reports a table error on a copy of the package, the fast pass suspects that table.
"""

import shutil

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from dutylist.cli import cli
from dutylist.validate import checks
from dutylist.validate.read import load_package
from dutylist.validate.tables import suspect_tables

RESOURCES = ("basic-duties", "coordinated-duties", "reclaimed-duties", "categories", "departments", "corrections")
CELLS = st.sampled_from(["", " ", "x", "0", "-1", "1.5", "１２", "43", "99999999999999999999", "652325100-0001", "652325100-0001\n",
                         "652325100-00011", "民生服务", "corrected", "county", "a,b", '"', "12 ", "+3", "1_0"])


def frictionless_errors(root):
    """The table errors frictionless itself reports on the package at root (the check run without the fast pass)."""
    package = load_package(root)
    from frictionless import Package

    report = Package({"resources": checks._frictionless_resources(package)}, basepath=str(root)).validate()
    return {(task.name, error.type) for task in report.tasks for error in task.errors}


def copy_package(tmp_path):
    target = tmp_path / "package"
    shutil.copytree(ROOT / "data", target / "data")
    shutil.copytree(ROOT / "schemas", target / "schemas")
    shutil.copy2(ROOT / "datapackage.json", target / "datapackage.json")
    return target


def test_the_real_package_needs_no_frictionless_pass():
    assert suspect_tables(load_package(ROOT)) == set()
    assert frictionless_errors(ROOT) == set()


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(resource=st.sampled_from(RESOURCES), line=st.integers(min_value=0, max_value=90), column=st.integers(min_value=0, max_value=7),
       cell=CELLS, how=st.sampled_from(["cell", "blank-line", "duplicate-line", "drop-cell", "extra-cell", "header"]))
def test_every_table_error_of_frictionless_is_suspected(tmp_path_factory, resource, line, column, cell, how):
    root = copy_package(tmp_path_factory.mktemp("broken"))
    path = root / "data" / f"{resource}.csv"
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    at = min(line, len(rows) - 1) if how == "header" else 1 + line % (len(rows) - 1)
    row = rows[0] if how == "header" else rows[at]
    column = column % len(row)
    if how in ("cell", "header"):
        row[column] = cell
    elif how == "drop-cell":
        del row[column]
    elif how == "extra-cell":
        row.append(cell)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    for number, cells in enumerate(rows):
        writer.writerow(cells)
        if number == at and how == "blank-line":
            buffer.write("\n")
        if number == at and how == "duplicate-line":
            writer.writerow(cells)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    found = frictionless_errors(root)
    if found:
        assert suspect_tables(load_package(root)) >= {name for name, _ in found}


@pytest.mark.slow
def test_a_suspect_table_is_reported_in_frictionless_words(tmp_path):
    root = copy_package(tmp_path)
    path = root / "data" / "basic-duties.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",1,", ",1x,", 1), encoding="utf-8")
    assert suspect_tables(load_package(root)) == {"basic-duties"}
    result = CliRunner().invoke(cli, ["validate", str(root), "--format", "json"])
    assert result.exit_code == 1
    assert "table-type-error" in result.output and '"1x"' in result.output


# --- one case per kind of table error: the pass must suspect each (mutation testing of tables.py) ---------

def rows_of(root, resource):
    import csv
    import io

    return list(csv.reader(io.StringIO((root / "data" / f"{resource}.csv").read_text(encoding="utf-8"), newline="")))


def write_rows(root, resource, rows, blank_after=None):
    import csv
    import io

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    for number, cells in enumerate(rows):
        writer.writerow(cells)
        if number == blank_after:
            buffer.write("\n")
    (root / "data" / f"{resource}.csv").write_text(buffer.getvalue(), encoding="utf-8")


def set_cell(resource, row, field, value):
    """An edit: data row ``row`` (0 = the first after the header), column ``field``, set to ``value``."""
    def edit(root):
        rows = rows_of(root, resource)
        rows[1 + row][rows[0].index(field)] = value
        write_rows(root, resource, rows)
    return edit


def edit_schema(resource, change):
    def edit(root):
        import json

        path = root / "schemas" / f"{resource}.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        change(schema)
        path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    return edit


def both(*edits):
    def edit(root):
        for one in edits:
            one(root)
    return edit


def field_of(schema, name):
    return next(field for field in schema["fields"] if field["name"] == name)


def drop_constraint(resource, name, constraint):
    return edit_schema(resource, lambda schema: field_of(schema, name).get("constraints", {}).pop(constraint, None))


def rows_edit(resource, change, blank_after=None):
    def edit(root):
        rows = rows_of(root, resource)
        change(rows)
        write_rows(root, resource, rows, blank_after)
    return edit


TABLE_ERRORS = {
    # the constraints and types of the schemas the package uses
    "seq below its minimum": (set_cell("basic-duties", 0, "seq", "0"), "basic-duties"),
    "page above its maximum": (set_cell("basic-duties", 0, "page", "43"), "basic-duties"),
    "page below its minimum": (set_cell("basic-duties", 0, "page", "0"), "basic-duties"),
    "seq not an integer": (set_cell("basic-duties", 0, "seq", "x"), "basic-duties"),
    "id against its pattern": (set_cell("coordinated-duties", 0, "id", "652325100-01"), "coordinated-duties"),
    "id used twice": (set_cell("basic-duties", 1, "id", "652325100-0001"), "basic-duties"),
    "seq 01 beside 1": (set_cell("reclaimed-duties", 1, "seq", "01"), "reclaimed-duties"),
    "category not in the register": (set_cell("basic-duties", 0, "category", "不存在的类别"), "basic-duties"),
    "a record's field outside its enum": (set_cell("corrections", 0, "field", "seq"), "corrections"),
    "a record without an item": (set_cell("corrections", 0, "item_id", ""), "corrections"),
    "a department level outside its enum": (set_cell("departments", 0, "level", "city"), "departments"),
    "a department named twice": (set_cell("departments", 1, "name", "奇台县委"), "departments"),
    "a category without a name": (set_cell("categories", 0, "name", ""), "categories"),
    # the shape of the rows and the header
    "a row with a cell missing": (rows_edit("categories", lambda rows: rows[2].pop()), "categories"),
    "a row with a cell too many": (rows_edit("categories", lambda rows: rows[2].append("x")), "categories"),
    "a blank line": (rows_edit("categories", lambda rows: None, blank_after=2), "categories"),
    "a column renamed in the header": (rows_edit("categories", lambda rows: rows[0].__setitem__(1, "english")), "categories"),
    "a blank row where no field is required": (both(
        drop_constraint("categories", "name", "required"), drop_constraint("categories", "name_en", "required"),
        edit_schema("categories", lambda schema: schema.pop("primaryKey")),
        rows_edit("categories", lambda rows: rows.append(["", ""]))), "categories"),
    "an empty integer where the empty string is not null": (both(
        edit_schema("basic-duties", lambda schema: schema.update(missingValues=[])),
        set_cell("basic-duties", 0, "page", "")), "basic-duties"),
    # keys of more than one field
    "a two-field key used twice": (both(
        drop_constraint("categories", "name", "unique"), edit_schema("categories", lambda schema: schema.update(primaryKey=["name", "name_en"])),
        rows_edit("categories", lambda rows: rows.append(list(rows[1])))), "categories"),
    "a two-field key with an integer used twice as a number": (both(
        drop_constraint("reclaimed-duties", "seq", "unique"), drop_constraint("reclaimed-duties", "id", "unique"),
        edit_schema("reclaimed-duties", lambda schema: schema.update(primaryKey=["seq", "page"])),
        set_cell("reclaimed-duties", 1, "seq", "01"), set_cell("reclaimed-duties", 1, "page", "38"),
        set_cell("reclaimed-duties", 0, "page", "38")), "reclaimed-duties"),
    "a key cell empty where its field is not required": (both(
        drop_constraint("categories", "name", "required"), set_cell("categories", 0, "name", "")), "categories"),
    "a key of a number and a text used twice": (both(
        drop_constraint("reclaimed-duties", "seq", "unique"), drop_constraint("reclaimed-duties", "id", "unique"),
        edit_schema("reclaimed-duties", lambda schema: schema.update(primaryKey=["seq", "id"])),
        set_cell("reclaimed-duties", 1, "seq", "01"), set_cell("reclaimed-duties", 1, "id", "652325100-0154")), "reclaimed-duties"),
    # schema features outside the subset the pass checks: frictionless must read the table
    "a maximum length": (both(
        edit_schema("categories", lambda schema: field_of(schema, "name_en").setdefault("constraints", {}).update(maxLength=3))), "categories"),
    "a number field": (edit_schema("categories", lambda schema: field_of(schema, "name_en").update(type="number")), "categories"),
    "an email format": (edit_schema("categories", lambda schema: field_of(schema, "name_en").update(format="email")), "categories"),
    "other missing values": (both(
        edit_schema("categories", lambda schema: schema.update(missingValues=["", "NA"])), set_cell("categories", 0, "name_en", "NA")), "categories"),
    "a minimum length": (edit_schema("categories", lambda schema: field_of(schema, "name").update(constraints={"minLength": 10})), "categories"),
    "a foreign key of two fields": (both(
        edit_schema("basic-duties", lambda schema: schema.update(foreignKeys=[
            {"fields": ["category", "name"], "reference": {"resource": "categories", "fields": ["name", "name_en"]}}]))), "basic-duties"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(TABLE_ERRORS))
def test_each_kind_of_table_error_is_suspected(tmp_path, case):
    """A case is real when frictionless finds an error in that table; the pass must then suspect the table."""
    edit, resource = TABLE_ERRORS[case]
    root = copy_package(tmp_path)
    edit(root)
    assert resource in {name for name, _ in frictionless_errors(root)}, "not a real case: frictionless finds nothing"
    assert resource in suspect_tables(load_package(root))


MALFORMED_SCHEMAS = {
    "an enum that is not a list": lambda schema: field_of(schema, "name").setdefault("constraints", {}).update(enum="党的建设"),
    "a minimum that is not a number": lambda schema: field_of(schema, "name").setdefault("constraints", {}).update(minimum="1"),
    "a field named twice": lambda schema: schema["fields"].append(dict(field_of(schema, "name_en"))),
    "a field that is not an object": lambda schema: schema["fields"].append("name"),
    "a key naming no field": lambda schema: schema.update(primaryKey=["nom"]),
    "a key that is not a list": lambda schema: schema.update(primaryKey={"name": 1}),
    "list items of another type": lambda schema: field_of(schema, "name").update(type="list", itemType="integer"),
    "a field type frictionless does not know": lambda schema: field_of(schema, "name").update(type="text"),
    "missing values that are not the empty string": lambda schema: schema.update(missingValues=["-"]),
    "no fields": lambda schema: schema.update(fields=[]),
    "constraints that are not an object": lambda schema: field_of(schema, "name").update(constraints=["required"]),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(MALFORMED_SCHEMAS))
def test_a_schema_outside_the_subset_is_left_to_frictionless_without_a_crash(tmp_path, case):
    """The pass takes only the schema features it checks; any other schema is suspect as a whole, so frictionless
    reads the table, and validate reports rather than crashes."""
    root = copy_package(tmp_path)
    edit_schema("categories", MALFORMED_SCHEMAS[case])(root)
    assert "categories" in suspect_tables(load_package(root))
    result = CliRunner().invoke(cli, ["validate", str(root), "--format", "json"])
    assert result.exit_code in (0, 1, 2) and "Traceback" not in result.output, result.output
