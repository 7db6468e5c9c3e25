"""The fast table pass (validate/tables.py) never lets through a table that frictionless would find fault with.

``check_tables`` skips frictionless when the fast pass suspects nothing, so the promise to hold is:
whenever frictionless reports a table error on a copy of the package, the fast pass suspects that table.
"""

import shutil

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


def test_a_suspect_table_is_reported_in_frictionless_words(tmp_path):
    root = copy_package(tmp_path)
    path = root / "data" / "basic-duties.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",1,", ",1x,", 1), encoding="utf-8")
    assert suspect_tables(load_package(root)) == {"basic-duties"}
    result = CliRunner().invoke(cli, ["validate", str(root), "--format", "json"])
    assert result.exit_code == 1
    assert "table-type-error" in result.output and '"1x"' in result.output
