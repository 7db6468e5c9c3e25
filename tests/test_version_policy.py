"""The version policy of the README, row by row: each kind of change calls for its bump, and the report says why.

On the pure core with small editions; one test through the command line on a real git repository.
"""

import copy
import json

import pytest
from click.testing import CliRunner

from diff_repo import PackageRepo
from dutylist.cli import cli
from dutylist.diff.compare import compare, declared_bump
from dutylist.diff.schemas import constraint_change, schema_changes
from editions import edition, item

SCHEMA = {
    "fields": [
        {"name": "id", "type": "string", "constraints": {"required": True, "pattern": "^x$"}},
        {"name": "seq", "type": "integer", "constraints": {"minimum": 1, "maximum": 99}},
        {"name": "level", "type": "string", "constraints": {"enum": ["a", "b"]}},
        {"name": "name", "type": "string", "title": "名称", "constraints": {"maxLength": 10, "minLength": 1}},
    ],
    "primaryKey": ["id"],
}


def schemas_edited(change):
    new = copy.deepcopy(SCHEMA)
    change(new)
    return new


def field(schema, name):
    return next(entry for entry in schema["fields"] if entry["name"] == name)


def bump_of(old, new):
    summary = compare(old, new)["summary"]
    return summary["bump"], [reason["reason"] for reason in summary["bump_reasons"]]


def schema_bump(change):
    old = edition(item(1), schemas={"basic-duties": SCHEMA})
    new = edition(item(1), schemas={"basic-duties": schemas_edited(change)})
    return bump_of(old, new)


# --- major -----------------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("change, kind", [
    (lambda s: s["fields"].pop(), "field-removed"),
    (lambda s: field(s, "seq").update(type="number"), "retyped"),
    (lambda s: field(s, "name").update(format="email"), "retyped"),
    (lambda s: field(s, "seq")["constraints"].update(minimum=2), "constraint-tightened"),
    (lambda s: field(s, "seq")["constraints"].update(maximum=50), "constraint-tightened"),
    (lambda s: field(s, "name")["constraints"].update(minLength=2), "constraint-tightened"),
    (lambda s: field(s, "name")["constraints"].update(maxLength=5), "constraint-tightened"),
    (lambda s: field(s, "level")["constraints"].update(enum=["a"]), "constraint-tightened"),
    (lambda s: field(s, "name")["constraints"].update(required=True), "constraint-tightened"),
    (lambda s: field(s, "name")["constraints"].update(unique=True), "constraint-tightened"),
    (lambda s: field(s, "level")["constraints"].update(pattern="^a$"), "constraint-tightened"),
    (lambda s: field(s, "id")["constraints"].update(pattern="^y$"), "constraint-changed"),
    (lambda s: field(s, "level")["constraints"].update(enum=["a", "c"]), "constraint-changed"),
    (lambda s: s.update(primaryKey=["seq"]), "changed"),
])
def test_a_breaking_schema_change_is_major(change, kind):
    bump, reasons = schema_bump(change)
    assert bump == "major"
    assert any(reason.startswith(f"schema {kind}: basic-duties") for reason in reasons), reasons


def test_a_removed_resource_is_major():
    old = edition(item(1), schemas={"basic-duties": SCHEMA, "extra": SCHEMA},
                  descriptor={"resources": [{"name": "basic-duties"}, {"name": "extra"}]})
    new = edition(item(1), schemas={"basic-duties": SCHEMA}, descriptor={"resources": [{"name": "basic-duties"}]})
    bump, reasons = bump_of(old, new)
    assert bump == "major"
    assert "resource removed: extra" in reasons and "schema resource-removed: extra" in reasons


# --- minor -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("change, kind", [
    (lambda s: s["fields"].append({"name": "note", "type": "string"}), "field-added"),
    (lambda s: field(s, "seq")["constraints"].update(minimum=0), "constraint-loosened"),
    (lambda s: field(s, "seq")["constraints"].update(maximum=100), "constraint-loosened"),
    (lambda s: field(s, "name")["constraints"].update(minLength=0), "constraint-loosened"),
    (lambda s: field(s, "name")["constraints"].update(maxLength=20), "constraint-loosened"),
    (lambda s: field(s, "level")["constraints"].update(enum=["a", "b", "c"]), "constraint-loosened"),
    (lambda s: field(s, "id")["constraints"].update(required=False), "constraint-loosened"),
    (lambda s: field(s, "id")["constraints"].pop("pattern"), "constraint-loosened"),
])
def test_a_loosening_or_adding_schema_change_is_minor(change, kind):
    bump, reasons = schema_bump(change)
    assert bump == "minor"
    assert any(reason.startswith(f"schema {kind}: basic-duties") for reason in reasons), reasons


def test_an_added_resource_is_minor():
    old = edition(item(1), schemas={"basic-duties": SCHEMA}, descriptor={"resources": [{"name": "basic-duties"}]})
    new = edition(item(1), schemas={"basic-duties": SCHEMA, "extra": SCHEMA},
                  descriptor={"resources": [{"name": "basic-duties"}, {"name": "extra"}]})
    bump, reasons = bump_of(old, new)
    assert bump == "minor" and "resource added: extra" in reasons


@pytest.mark.parametrize("old_items, new_items, kind", [
    ([item(1)], [item(1), item(2)], "added"),
    ([item(1), item(2)], [item(1)], "removed"),
    ([item(1, "coordinated")], [item(1, "reclaimed")], "reclaimed"),
    ([item(1, "reclaimed")], [item(1, "basic")], "returned"),
    ([item(1, "basic")], [item(1, "coordinated")], "moved"),
])
def test_a_change_of_the_list_content_is_minor(old_items, new_items, kind):
    bump, reasons = bump_of(edition(*old_items), edition(*new_items))
    assert bump == "minor" and f"items {kind}: 1" in reasons


@pytest.mark.parametrize("register", ["categories", "departments"])
@pytest.mark.parametrize("what", ["added", "removed"])
def test_a_register_row_added_or_removed_is_minor(register, what):
    rows = {"甲": {"name": "甲"}}
    with_row = {"categories": {}, "departments": {}, register: rows}
    without = {"categories": {}, "departments": {}}
    old, new = (without, with_row) if what == "added" else (with_row, without)
    bump, reasons = bump_of(edition(registers=old), edition(registers=new))
    assert bump == "minor" and f"{register} {what}: 1" in reasons


# --- patch ---------------------------------------------------------------------------------------------------

def test_a_corrected_item_field_is_patch():
    bump, reasons = bump_of(edition(item(1, name="且织")), edition(item(1, name="组织")))
    assert (bump, reasons) == ("patch", ["items changed: 1"])


def test_renumbering_is_patch():
    bump, reasons = bump_of(edition(item(1, seq=2)), edition(item(1, seq=1)))
    assert (bump, reasons) == ("patch", ["items renumbered: 1"])


@pytest.mark.parametrize("register", ["categories", "departments"])
def test_a_register_row_changed_is_patch(register):
    old = {"categories": {}, "departments": {}, register: {"甲": {"name": "甲", "name_en": "a"}}}
    new = {"categories": {}, "departments": {}, register: {"甲": {"name": "甲", "name_en": "b"}}}
    assert bump_of(edition(registers=old), edition(registers=new)) == ("patch", [f"{register} changed: 1"])


def test_a_correction_record_changed_is_patch():
    record = {"item_id": "652325100-0001", "field": "name", "extracted": "且", "corrected": "组"}
    assert bump_of(edition(corrections=[]), edition(corrections=[record])) == ("patch", ["correction records changed"])
    assert bump_of(edition(corrections=[record]), edition(corrections=[])) == ("patch", ["correction records changed"])


@pytest.mark.parametrize("key", ["title", "description"])
def test_schema_documentation_is_patch(key):
    bump, reasons = schema_bump(lambda s: field(s, "name").update({key: "新的说明"}))
    assert bump == "patch" and reasons == [f"schema documented: basic-duties.name ({key})"]


@pytest.mark.parametrize("key", ["title", "description", "edition", "licenses", "sources", "town", "name"])
def test_descriptor_metadata_is_patch(key):
    bump, reasons = bump_of(edition(descriptor={key: "旧"}), edition(descriptor={key: "新"}))
    assert (bump, reasons) == ("patch", ["descriptor metadata changed"])


# --- none ---------------------------------------------------------------------------------------------------

def test_only_the_version_and_created_changing_is_none():
    old = edition(item(1), version="1.0.0", descriptor={"created": "2025-07-01"})
    new = edition(item(1), version="1.0.1", descriptor={"created": "2026-01-01"})
    report = compare(old, new)
    assert report["summary"]["bump"] == "none" and report["summary"]["bump_reasons"] == []
    assert report["summary"]["identical"] is False  # the descriptor did change: it is reported
    assert compare(old, copy.deepcopy(old))["summary"]["identical"] is True


def test_the_largest_bump_wins():
    old = edition(item(1, name="且织"), item(2), schemas={"basic-duties": SCHEMA})
    new = edition(item(1, name="组织"), schemas={"basic-duties": schemas_edited(lambda s: s["fields"].pop())})
    bump, reasons = bump_of(old, new)
    assert bump == "major" and "items changed: 1" in reasons and "items removed: 1" in reasons


# --- declared bump ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, declared", [
    ("1.0.0", "2.0.0", "major"), ("1.0.0", "1.1.0", "minor"), ("1.0.0", "1.0.1", "patch"), ("1.0.0", "1.0.0", "none"),
    ("1.9.9", "2.0.0", "major"), ("1.0.9", "1.1.0", "minor"), (None, "1.0.0", "major"), (None, None, None),
    ("1.0", "1.0.1", None), ("1.0.0", "1.1", None), ("1.0.0", "1.0.x", None), ("1.0.0", None, None),
])
def test_declared_bump(old, new, declared):
    assert declared_bump(old, new) == declared


def test_a_declared_bump_lower_than_the_changes_is_flagged_in_the_reports():
    report = compare(edition(item(1), version="1.0.0"), edition(item(1), item(2), version="1.0.1"))
    assert (report["summary"]["bump"], report["summary"]["declared_bump"]) == ("minor", "patch")
    from dutylist.diff import render_markdown, render_text
    assert "⚠" in render_markdown.render(report) and "⚠" in render_text.render(report)
    enough = compare(edition(item(1), version="1.0.0"), edition(item(1), item(2), version="2.0.0"))
    assert "⚠" not in render_markdown.render(enough) and "✓" in render_markdown.render(enough)


# --- the classifier itself ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, old, new, kind", [
    ("required", None, True, "constraint-tightened"), ("required", True, False, "constraint-loosened"),
    ("unique", False, True, "constraint-tightened"), ("unique", True, None, "constraint-loosened"),
    ("pattern", None, "^a$", "constraint-tightened"), ("pattern", "^a$", None, "constraint-loosened"),
    ("minimum", 1, 1.5, "constraint-tightened"), ("exclusiveMinimum", 1, 0, "constraint-loosened"),
    ("maximum", 9, 8, "constraint-tightened"), ("exclusiveMaximum", 9, 10, "constraint-loosened"),
    ("minimum", 1, "2", "constraint-changed"), ("minimum", True, 2, "constraint-changed"),
    ("enum", ["a", "b"], ["b"], "constraint-tightened"), ("enum", ["a"], ["a", "b"], "constraint-loosened"),
    ("enum", ["a"], ["b"], "constraint-changed"), ("enum", "a", ["a"], "constraint-changed"),
])
def test_constraint_change_classes(name, old, new, kind):
    assert constraint_change(name, old, new) == kind


def test_schema_field_order_is_not_a_change():
    reordered = schemas_edited(lambda s: s["fields"].reverse())
    assert schema_changes({"r": SCHEMA}, {"r": reordered}) == []


@pytest.mark.slow
def test_the_cli_reports_a_loosened_constraint_as_minor(tmp_path):
    repo = PackageRepo(tmp_path / "repo")
    repo.commit("base", tag="base")
    repo.edit_json("schemas/basic-duties.json",
                   lambda s: next(f for f in s["fields"] if f["name"] == "page")["constraints"].update(maximum=50))
    repo.commit("loosen")
    result = CliRunner().invoke(cli, ["diff", "base", "HEAD", "--repo", str(repo.root), "--format", "json"], catch_exceptions=False)
    summary = json.loads(result.stdout)["summary"]
    assert summary["bump"] == "minor"
    assert [reason["reason"] for reason in summary["bump_reasons"]] == ["schema constraint-loosened: basic-duties.page (maximum)"]
