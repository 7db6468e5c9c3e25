"""Properties of compare(): nothing differs from itself, and swapping the sides inverts every change."""

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutylist.diff.compare import compare
from dutylist.diff.inline import inline_ops

pytestmark = pytest.mark.slow  # every test is a Hypothesis property

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "diff.json").read_text(encoding="utf-8"))
CHARACTERS = st.sampled_from("党的建设组织开展民生服务平安法治经济发展县镇村部门工作、,;。12")
TEXT = st.text(CHARACTERS, max_size=12)
STEPS = st.lists(TEXT.filter(bool), max_size=3).map(lambda steps: [f"{number}.{step}" for number, step in enumerate(steps, 1)])
DEPARTMENTS = st.lists(st.sampled_from(["县委", "民政局", "教育局", "公安局"]), unique=True, max_size=3)
IDS = [f"652325100-{number:04d}" for number in range(1, 9)]
OPPOSITE = {"added": "removed", "removed": "added", "reclaimed": "returned", "returned": "reclaimed",
            "moved": "moved", "changed": "changed", "insert": "delete", "delete": "insert", "equal": "equal"}
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def items(draw):
    chosen = draw(st.lists(st.sampled_from(IDS), unique=True, max_size=len(IDS)))
    result = {}
    for item_id in chosen:
        list_name = draw(st.sampled_from(["basic", "coordinated", "reclaimed"]))
        item = {"id": item_id, "list": list_name, "seq": draw(st.integers(1, 4)), "category": draw(st.sampled_from(["党的建设", "民生服务", ""])),
                "name": draw(TEXT), "page": draw(st.integers(1, 3))}
        if list_name != "basic":
            item["departments"] = draw(DEPARTMENTS)
        if list_name == "coordinated":
            item["county_duties"], item["town_duties"] = draw(STEPS), draw(STEPS)
        if list_name == "reclaimed":
            item["handling"] = draw(STEPS)
        result[item_id] = item
    return result


@st.composite
def editions(draw):
    departments = draw(st.lists(st.sampled_from(["县委", "民政局", "教育局"]), unique=True))
    return {
        "label": "generated",
        "descriptor": {"version": draw(st.sampled_from(["1.0.0", "1.1.0"])), "edition": "2025-07"},
        "items": draw(items()),
        "registers": {"categories": {}, "departments": {name: {"name": name, "level": draw(st.sampled_from(["county", ""]))} for name in departments}},
        "corrections": [],
        "schemas": {},
    }


@FAST
@given(editions())
def test_an_edition_does_not_differ_from_itself(edition):
    report = compare(edition, edition)
    assert report["summary"]["identical"]
    assert report["items"] == [] and report["renumbered"]["count"] == 0 and report["summary"]["bump"] == "none"


@FAST
@given(editions(), editions())
def test_swapping_the_sides_inverts_every_change(first, second):
    forward, backward = compare(first, second), compare(second, first)
    jsonschema.validate(forward, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert [inverted_item(item) for item in forward["items"]] == [without_name(item) for item in backward["items"]]
    for item in backward["items"]:
        assert item["name"] == (first["items"].get(item["id"]) or second["items"][item["id"]])["name"]
    assert sorted(map(inverted_run, forward["renumbered"]["runs"]), key=run_key) == sorted(backward["renumbered"]["runs"], key=run_key)
    swapped_renames = [{"removed": rename["added"], "added": rename["removed"], "similarity": rename["similarity"]} for rename in forward["likely"]["renames"]]
    assert sorted(swapped_renames, key=lambda rename: rename["removed"]) == backward["likely"]["renames"]
    assert [swap_keys(split, "removed", "added") for split in forward["likely"]["splits"]] == backward["likely"]["merges"]
    for register in ("categories", "departments"):
        changes, inverse = forward["registers"][register], backward["registers"][register]
        assert (changes["added"], changes["removed"]) == (inverse["removed"], inverse["added"])
        assert [{"name": change["name"], "fields": [inverted_field(field) for field in change["fields"]]} for change in changes["changed"]] == inverse["changed"]
    for kind in ("added", "removed", "reclaimed", "returned", "moved", "changed"):
        assert forward["summary"][kind] == backward["summary"][OPPOSITE[kind]]


@FAST
@given(TEXT, TEXT)
def test_inline_operations_rebuild_both_texts(old, new):
    ops = inline_ops(old, new)
    assert "".join(text for op, text in ops if op != "insert") == old
    assert "".join(text for op, text in ops if op != "delete") == new
    assert all(text for _, text in ops)


def without_name(item):
    return {key: value for key, value in item.items() if key != "name"}


def inverted_item(item):
    inverted = without_name(item)
    inverted.update({"change": OPPOSITE[item["change"]], "from": item["to"], "to": item["from"],
                     "fields": [inverted_field(field) for field in item["fields"]]})
    return inverted


def inverted_field(field):
    inverted = dict(field, old=field["new"], new=field["old"])
    if "absent" in field:
        inverted["absent"] = {"old": "new", "new": "old"}[field["absent"]]
    if "inline" in field:
        inverted["inline"] = inverted_ops(field["inline"])
    if field.get("kind") == "set":
        inverted["added"], inverted["removed"] = field["removed"], field["added"]
    if "steps" in field:
        inverted["steps"] = [inverted_step(step) for step in field["steps"]]
    return inverted


def inverted_step(step):
    inverted = {"step": OPPOSITE.get(step["step"], step["step"]), "old_index": step["new_index"], "new_index": step["old_index"],
                "old": step["new"], "new": step["old"]}
    if "inline" in step:
        inverted["inline"] = inverted_ops(step["inline"])
    return inverted


def inverted_ops(ops):
    """Swap insertions and deletions; within a run between equal parts, deletions come first."""
    swapped = [[OPPOSITE[op], text] for op, text in ops]
    result = []
    for op, text in swapped:
        if result and op == "delete" and result[-1][0] == "insert":
            result.insert(len(result) - 1, [op, text])
        else:
            result.append([op, text])
    return result


def inverted_run(run):
    return {"list": run["list"], "old_first": run["new_first"], "old_last": run["new_last"], "new_first": run["old_first"],
            "new_last": run["old_last"], "shift": -run["shift"], "count": run["count"]}


def run_key(run):
    return (run["list"], run["old_first"])


def swap_keys(entry, first, second):
    return {second: entry[first], first: entry[second], "containment": entry["containment"]}
