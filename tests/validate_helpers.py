"""Helpers to break a copy of the real package in the ways the validate tests need."""

import json
import shutil
from pathlib import Path

from hypothesis import strategies as st

from conftest import PACKAGE_FILES, ROOT
from dutylist.core.package import LIST_OF_RESOURCE, csv_text, read_csv_text


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


def set_values(resource_name, item_id, **values):
    """An edit of a package: the row of item_id in data/<resource_name>.csv gets values."""
    return lambda package: edit_rows(package, resource_name, lambda rows: row_of(rows, item_id).update(**values))


def descriptor_change(change):
    """An edit of a package: change(descriptor) edits datapackage.json."""
    return lambda package: edit_descriptor(package, change)


def step_renumbered(package):
    def change(rows):
        row = row_of(rows, "652325100-0086")
        row["county_duties"] = row["county_duties"].replace("\n2.", "\n3.", 1)
    edit_rows(package, "coordinated-duties", change)


def comma_made_ascii(package):
    def change(rows):
        row = row_of(rows, "652325100-0001")
        row["name"] = row["name"].replace("，", ",", 1)
    edit_rows(package, "basic-duties", change)


def quote_made_curly(package):
    def change(rows):
        row = row_of(rows, "652325100-0001")
        row["name"] = row["name"].replace('"', "“", 1)
    edit_rows(package, "basic-duties", change)


def id_moved_to_a_second_list(package):
    def change(rows):
        row_of(rows, "652325100-0154")["id"] = "652325100-0001"
    edit_rows(package, "reclaimed-duties", change)


def seq_gap(package):
    def change(rows):
        row_of(rows, "652325100-0005")["seq"] = "86"
    edit_rows(package, "basic-duties", change)


def correction_change(**values):
    """An edit of a package: the first record of data/corrections.csv gets values."""
    def change(rows):
        rows[0].update(values)
    return lambda package: edit_rows(package, "corrections", change)


# One broken copy per check code: the edit that breaks it, and the (file, row, field) its finding names.
BREAKS = {
    "descriptor-profile": (descriptor_change(lambda d: d.update(licenses=[{}])), ("datapackage.json", None, "licenses[0]")),
    "version-not-semver": (descriptor_change(lambda d: d.update(version="1.0")), ("datapackage.json", None, "version")),
    "edition-missing": (descriptor_change(lambda d: d.pop("edition")), ("datapackage.json", None, "edition")),
    "edition-invalid": (descriptor_change(lambda d: d.update(edition="2025-7")), ("datapackage.json", None, "edition")),
    "resource-missing": (
        descriptor_change(lambda d: d.update(resources=[r for r in d["resources"] if r["name"] != "corrections"])),
        ("datapackage.json", None, "resources"),
    ),
    "schema-file-missing": (
        descriptor_change(lambda d: resource(d, "categories").update(schema="schemas/nope.json")),
        ("datapackage.json", None, "resources[3].schema"),
    ),
    "file-missing": (lambda p: (p / "data" / "departments.csv").unlink(), ("data/departments.csv", None, None)),
    "table-type-error": (set_values("basic-duties", "652325100-0002", seq="two"), ("data/basic-duties.csv", 3, "seq")),
    "table-constraint-error": (set_values("basic-duties", "652325100-0002", page="99"), ("data/basic-duties.csv", 3, "page")),
    "table-unique-error": (set_values("basic-duties", "652325100-0005", id="652325100-0004"), ("data/basic-duties.csv", 6, "id")),
    "unknown-category": (set_values("basic-duties", "652325100-0002", category="党建"), ("data/basic-duties.csv", 3, "category")),
    "seq-gap": (seq_gap, ("data/basic-duties.csv", 7, "seq")),
    "id-in-two-lists": (id_moved_to_a_second_list, ("data/reclaimed-duties.csv", 2, "id")),
    "unknown-department": (set_values("coordinated-duties", "652325100-0086", departments="县委组织部"), ("data/coordinated-duties.csv", 2, "departments")),
    "step-numbering": (step_renumbered, ("data/coordinated-duties.csv", 2, "county_duties")),
    "space-between-chinese": (set_values("basic-duties", "652325100-0002", name="以铸牢中华民族 共同体意识为主线"), ("data/basic-duties.csv", 3, "name")),
    "glued-latin-or-digit": (set_values("basic-duties", "652325100-0012", name="1强基层组织建设"), ("data/basic-duties.csv", 13, "name")),
    "half-width-punctuation": (comma_made_ascii, ("data/basic-duties.csv", 2, "name")),
    "mixed-punctuation-width": (quote_made_curly, ("data/basic-duties.csv", 2, "name")),
    "empty-required-cell": (set_values("basic-duties", "652325100-0002", name=""), ("data/basic-duties.csv", 3, "name")),
    "correction-unknown-item": (correction_change(item_id="652325100-0999"), ("data/corrections.csv", 2, "item_id")),
    "correction-unknown-field": (correction_change(field="departments"), ("data/corrections.csv", 2, "field")),
    "correction-not-applied": (correction_change(corrected="组织展开"), ("data/corrections.csv", 2, "corrected")),
}


# --- random broken copies (the fast paths' and the two-process reading's equivalence tests) ----------------

# what the checks look for, and what breaks a row's reading: spaces, Latin letters, digits, both forms of the marks,
# line breaks, step numbers, list delimiters, full-width digits
FRAGMENTS = [" ", "\u3000", "\t", "A", "z", "1", "I.", "1强", "D", ",", ";", ":", "(", ")", "！", "!", "？", "?", "“", "”",
             '"', "\n", "\r\n", "\n3.", "\n1.", "、", "、、", "１２", "x", "", "  \n  "]
FIELDS = ["category", "name", "departments", "county_duties", "town_duties", "handling", "seq", "page", "id"]

edits = st.lists(st.tuples(st.sampled_from(sorted(LIST_OF_RESOURCE)), st.integers(0, 200), st.sampled_from(FIELDS),
                           st.sampled_from(["insert", "replace", "empty"]), st.sampled_from(FRAGMENTS), st.integers(0, 60)),
                 min_size=1, max_size=6)


def apply_edit(package, edit):
    resource, row_at, field, how, fragment, at = edit

    def change(rows):
        row = rows[row_at % len(rows)]
        if field not in row:
            return
        value = row[field] or ""
        row[field] = {"insert": value[:at] + fragment + value[at:], "replace": fragment, "empty": ""}[how]

    edit_rows(package, resource, change)


def copy_package(target):
    target.mkdir()
    for name in PACKAGE_FILES:
        source = ROOT / name
        shutil.copytree(source, target / name) if source.is_dir() else shutil.copy2(source, target / name)
    return target




def broken_copy(folder, changes):
    """A copy of the real package in folder, with each random edit (of ``edits``) applied."""
    package = copy_package(Path(folder) / "package")
    for edit in changes:
        apply_edit(package, edit)
    return package


def report_json(found, omitted):
    """The JSON report (as ``dutylist validate --format json`` prints it, read back) of run_checks' findings."""
    errors = [f.to_dict() for f in found if f.level == "error"]
    report = {"valid": not errors, "errors": errors, "warnings": [f.to_dict() for f in found if f.level == "warning"],
              "omitted": omitted}
    return json.loads(json.dumps(report, ensure_ascii=False))


def validate_json(path):
    """The report of ``dutylist validate PATH --format json``, which must exit 0 or 1."""
    from click.testing import CliRunner

    from dutylist.cli import cli

    result = CliRunner().invoke(cli, ["validate", str(path), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)
