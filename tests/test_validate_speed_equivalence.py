"""validate's fast paths (issue 24, second round) give the findings their plain definitions give.

The fast paths: an item built from its cells by ``edition.item_builder`` (cells stripped at once, then typed)
instead of ``edition.item_from_row``; the item's text joined by ``checks.item_text`` without its units; the
checks' preconditions found by ``in`` scans and by two patterns instead of one alternation; the amendments
check's ids kept as compact keys. The reference
reads every row the general way (``item_from_row``) and turns the preconditions off (every check looks at
every unit), and the property compares the whole report of
``dutylist validate --format json`` with it on randomly broken copies of the real package.
"""

import re
import tempfile
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from dutylist.core import edition
from dutylist.core.package import LIST_OF_RESOURCE, read_csv_text
from dutylist.validate import checks
from dutylist.validate.read import _ascii_integers, load_package, open_package
from dutylist.validate.run import run_checks
from validate_helpers import broken_copy, edit_rows, edits, report_json, validate_json

OLD_GLUED_PRECONDITION = re.compile(r"(?m)[A-Za-z]|^[0-9](?=[\u3400-\u9fff])")  # the one pattern of the first round


def reference_report(root):
    """The report of the checks over the package read whole, every item built the general way (item_from_row),
    with the checks' shortcuts off: every precondition on the item's text holds, so each check looks at every unit."""
    with patch.object(checks, "_holds_any", lambda text, characters: True), \
            patch.object(checks, "DIGIT_GLUED_AT_START", re.compile("")):
        return _reference_report(root)


def _reference_report(root):
    package = open_package(root)
    for name in package.files:
        if name not in package.rows:
            package.rows[name] = list(package._rows(name))
    items = []
    for resource, list_name in LIST_OF_RESOURCE.items():
        path = package.files.get(resource)
        for row_number, row in package.rows.get(resource, []) if path else []:
            try:
                item = edition.item_from_row(row, list_name, path, row_number)
            except edition.EditionError:  # a 序号 or page in digits other than ASCII is reported, then read as a number
                row = _ascii_integers(package, resource, path, row_number, row)
                try:
                    item = edition.item_from_row(row, list_name, path, row_number)
                except edition.EditionError:
                    continue
            item["_file"], item["_row"] = path, row_number
            items.append(item)
    package.items = items
    return report_json(*run_checks(package))


def test_the_quick_builder_builds_what_item_from_row_builds():
    for resource, list_name in LIST_OF_RESOURCE.items():
        text = (ROOT / "data" / f"{resource}.csv").read_text(encoding="utf-8")
        header = text.splitlines()[0].split(",")
        build = edition.item_builder(header, list_name)
        rows = read_csv_text(text)
        assert rows
        for row in rows:
            cells = [row[name] for name in header]
            for changed in (cells, [f" {cell}\r\n" for cell in cells], [cell.replace("\n", "\r\n\n ") for cell in cells]):
                built = build(changed)
                assert built == edition.item_from_row(dict(zip(header, changed)), list_name)
                assert list(built) == list(edition.item_from_row(dict(zip(header, changed)), list_name))  # same key order


def test_the_item_text_is_its_units_joined():
    items = list(load_package(ROOT).items)
    odd = [{"name": "a", "departments": ["", "b", ""], "county_duties": ["", ""], "town_duties": [], "handling": "c"},
           {"category": "", "departments": ["x"]}, {}]
    for item in items + odd:
        assert checks.item_text(item) == "\n".join(unit for _, unit in checks.text_units(item))


@pytest.mark.slow
@given(st.text(alphabet=st.sampled_from(["强", "A", "z", "1", "9", "\n", " ", ".", "，", ",", "!", "“", '"', "？", "ａ", "Ｚ",
                                         "\u212a", "é", "\r"]), max_size=12))
def test_the_preconditions_are_the_patterns(text):
    assert bool(checks._holds_latin_letter(text) or checks.DIGIT_GLUED_AT_START.search("\n" + text)) == bool(
        OLD_GLUED_PRECONDITION.search(text))
    assert checks._holds_latin_letter(text) == bool(checks.LATIN_LETTER.search(text))
    assert checks._holds_any(text, checks.HALF_WIDTH_MARKS) == bool(checks.HALF_WIDTH_MARK.search(text))


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
def test_the_fast_path_reports_what_the_reference_reports(changes):
    with tempfile.TemporaryDirectory(prefix="scale2-equivalence-") as folder:
        package = broken_copy(folder, changes)
        assert validate_json(package) == reference_report(package)


@pytest.mark.slow
def test_the_amendments_check_finds_the_items_by_their_compact_keys(package_copy):
    """The check keeps each item's id as a key (compact.IdKeys), not its text: an id of the package's shape and an id
    of any other shape are found exactly; one no item has is unknown."""
    edit_rows(package_copy, "reclaimed-duties", lambda rows: rows[0].update(id="X-1"))  # an id of another shape
    header = (package_copy / "data" / "amendments.csv").read_text(encoding="utf-8").splitlines()[0]
    lines = ["652325100-0003,change,name,a,b,x,,,2026-12-03", "X-1,change,name,a,b,x,,,2026-12-03",
             "652325100-0998,change,name,a,b,x,,,2026-12-03", "X-2,change,name,a,b,x,,,2026-12-03",
             "6523251000003,change,name,a,b,x,,,2026-12-03"]  # the digits of a known id, not its text
    (package_copy / "data" / "amendments.csv").write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    report = validate_json(package_copy)
    unknown = [(f["row"], f["text"]) for f in report["errors"] if f["code"].startswith("amendment")]
    assert unknown == [(4, "652325100-0998"), (5, "X-2"), (6, "6523251000003")]
    assert report == reference_report(package_copy)
