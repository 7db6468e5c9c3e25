"""Amendments are data (issue 20): data/amendments.csv, checked by validate, applied by import-source after the
corrections; `import-source --write` never throws away a value no record gives; and, for random sequences of
edits and records, import-source reproduces data/ exactly and --write never changes a recorded value."""

import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PACKAGE_FILES, ROOT
from dutylist.cli import cli
from dutylist.core.package import csv_text, read_csv_text

HEADER = "item_id,operation,field,before,after,reason,authority,by,date\n"
BASIC = "data/basic-duties.csv"


def run(package, *args):
    return CliRunner().invoke(cli, [*args, "--repo", str(package)] if args[0] != "validate" else [*args, str(package)])


def write_amendments(package, *lines):
    (package / "data" / "amendments.csv").write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")


def edit(package, path, old, new):
    target = package / path
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_package_declares_the_amendments_resource_empty_and_documented():
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "amendments")
    assert (resource["path"], resource["schema"]) == ("data/amendments.csv", "schemas/amendments.json")
    assert (ROOT / "data" / "amendments.csv").read_text(encoding="utf-8") == HEADER
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "### `amendments` · 修订记录" in readme and "| `operation` | 操作 |" in readme


@pytest.mark.slow
def test_validate_reports_a_malformed_record_and_an_unknown_item_with_their_fixes(package_copy):
    write_amendments(package_copy, "652325100-0003,rename,name,a,b,x,,,2026-12-03",
                     "652325100-0998,change,name,a,b,x,,,2026-12-03",
                     "652325100-0997,remove,list,basic,,x,,,2026-12-03")  # removed: not unknown
    result = run(package_copy, "validate", "--format", "json")
    assert result.exit_code == 1
    found = [(f["code"], f["file"], f["row"], f["field"]) for f in json.loads(result.stdout)["errors"] if f["code"].startswith("amendment")]
    assert found == [("amendment-malformed", "data/amendments.csv", 2, "operation"),
                     ("amendment-unknown-item", "data/amendments.csv", 3, "item_id")]
    assert all(f["fix"] for f in json.loads(result.stdout)["errors"] if f["code"].startswith("amendment"))


@pytest.mark.slow
def test_import_source_applies_the_amendments_after_the_corrections_and_says_which_do_not_apply(package_copy):
    old = "组织开展基层理论宣讲，深化习近平新时代中国特色社会主义思想进万家活动"
    write_amendments(package_copy, f"652325100-0003,change,name,{old},组织开展基层理论宣讲宣传活动,reworded,notice 3,me,2026-12-03")
    report = json.loads(run(package_copy, "import-source", "--format", "json").stdout)
    assert report["ok"] is False and [(d["kind"], d["id"], d["field"]) for d in report["differences"]] == [("cell", "652325100-0003", "name")]
    assert report["differences"] == [{"kind": "cell", "file": BASIC, "row": 4, "id": "652325100-0003", "field": "name",
                                      "derived": "组织开展基层理论宣讲宣传活动", "held": old}]
    assert report["unrecorded"] == []  # the record replaces that very value: --write loses nothing and applies it
    assert run(package_copy, "import-source", "--write").exit_code == 0
    assert "652325100-0003,3,党的建设,组织开展基层理论宣讲宣传活动," in (package_copy / BASIC).read_text(encoding="utf-8")
    assert run(package_copy, "import-source").exit_code == 0

    write_amendments(package_copy, "652325100-0003,change,name,not what it holds,new,x,,,2026-12-03")
    result = run(package_copy, "import-source")
    assert result.exit_code == 1
    assert "data/amendments.csv:2:name  amendment-before-differs  652325100-0003" in result.output


@pytest.mark.slow
def test_import_source_write_refuses_to_throw_away_an_unrecorded_value_and_lists_each(package_copy):
    edit(package_copy, BASIC, "组织开展基层理论宣讲", "组织开展基层理论宣传")
    (package_copy / BASIC).write_text((package_copy / BASIC).read_text(encoding="utf-8") + "652325100-0999,86,民生服务,新事项,10\n",
                                      encoding="utf-8")
    before = {path: path.read_bytes() for path in (package_copy / "data").iterdir()}
    result = run(package_copy, "import-source", "--write")
    assert result.exit_code == 1
    assert "refused, nothing written: data/ holds 2 value(s) no record gives" in result.output
    assert "data/basic-duties.csv:4:name  unrecorded  652325100-0003" in result.output
    assert "data/basic-duties.csv:87  unrecorded  652325100-0999: data/ holds this item (the whole row)" in result.output
    assert "dutylist record --item 652325100-0999 --reason TEXT" in result.output
    assert "None" not in result.output  # a difference without a row or a field prints neither
    assert {path: path.read_bytes() for path in (package_copy / "data").iterdir()} == before
    report = json.loads(run(package_copy, "import-source", "--write", "--format", "json").stdout)
    assert report["refused"] is True and report["written"] == [] and len(report["unrecorded"]) == 2


def test_import_source_write_still_repairs_a_list_that_lost_its_rows(package_copy):
    (package_copy / BASIC).write_text("id,seq\n", encoding="utf-8")  # nothing of data/ is lost by restoring the rows
    result = run(package_copy, "import-source", "--write")
    assert result.exit_code == 0, result.output
    assert (package_copy / BASIC).read_bytes() == (ROOT / BASIC).read_bytes()


# --- the property ---------------------------------------------------------------------------------------------------

TEXT = st.text(alphabet="组织开展宣传服务管理基层工作", min_size=2, max_size=12)
STEP = st.one_of(
    st.tuples(st.just("change"), st.integers(0, 84), TEXT),
    st.tuples(st.just("add"), TEXT),
    st.tuples(st.just("remove"), st.integers(0, 84)),
    st.tuples(st.just("move"), st.integers(0, 25)),
    st.tuples(st.just("new-item"), TEXT),
    st.tuples(st.just("record")),
)


def rows_of(package, path):
    text = (package / path).read_text(encoding="utf-8")
    return list(read_csv_text(text)[0]), read_csv_text(text)


def apply_step(package, step, added):
    """One edit, by hand (a CSV rewritten) or through the command line."""
    kind = step[0]
    if kind == "record":
        assert run(package, "record", "--all", "--reason", "a recorded edit").exit_code == 0
        return
    if kind == "move":
        _, reclaimed = rows_of(package, "data/reclaimed-duties.csv")
        item_id = reclaimed[step[1] % len(reclaimed)]["id"]
        assert run(package, "move-item", item_id, "--to", "coordinated", "--reason", "returned").exit_code == 0
        return
    if kind == "new-item":
        result = run(package, "new-item", "--list", "basic", "--category", "民生服务", "--name", step[1], "--page", "10",
                     "--in-category", "--reason", "new")
        assert result.exit_code in (0, 1), result.output  # 1: refused as validate would (a name twice): nothing written
        return
    fieldnames, rows = rows_of(package, BASIC)
    if kind == "change" and rows:
        rows[step[1] % len(rows)]["name"] = step[2]
    elif kind == "add":  # an id above every id of the package's files (new-item mints the same way)
        used = re.findall(r"652325100-(\d{4})", "".join(path.read_text(encoding="utf-8") for path in (package / "data").glob("*.csv")))
        added.append(f"652325100-{max(map(int, used)) + 1:04d}")
        rows.append({"id": added[-1], "seq": str(len(rows) + 1), "category": "民生服务", "name": step[1], "page": "10"})
    elif kind == "remove" and rows:
        del rows[step[1] % len(rows)]
    (package / BASIC).write_text(csv_text(fieldnames, rows), encoding="utf-8")


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=1, max_size=5))
def test_for_any_edits_and_records_import_source_reproduces_data_and_write_never_changes_a_recorded_value(steps):
    with tempfile.TemporaryDirectory(prefix="amend-property-") as folder:
        package = Path(folder)
        for name in PACKAGE_FILES:
            (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, package / name)
        added = []
        for step in [*steps, ("record",)]:
            apply_step(package, step, added)
            data = {path.name: path.read_bytes() for path in (package / "data").iterdir()}
            checked = run(package, "import-source", "--format", "json")
            report = json.loads(checked.stdout)
            written = run(package, "import-source", "--write", "--format", "json")
            after = {path.name: path.read_bytes() for path in (package / "data").iterdir()}
            if report["unrecorded"]:  # an edit not recorded yet: --write refuses and changes nothing
                assert written.exit_code == 1 and json.loads(written.stdout)["refused"] and after == data
            else:  # no value of data/ is lost: every row is kept as it was (a row removed by hand may come back)
                for name, text in data.items():
                    kept = {json.dumps(row, sort_keys=True) for row in read_csv_text(after[name].decode())}
                    assert all(json.dumps(row, sort_keys=True) in kept for row in read_csv_text(text.decode())), (steps, name)
            if step == ("record",):
                assert checked.exit_code == 0 and report["ok"], (steps, report["differences"], report["amendment_problems"])


@pytest.mark.slow
def test_a_new_edition_is_not_written_over_an_edit_no_record_gives(package_copy, tmp_path):
    from next_edition import next_edition_text

    source = tmp_path / "NEXT.txt"
    source.write_text(next_edition_text(), encoding="utf-8")
    edit(package_copy, BASIC, "组织开展基层理论宣讲", "组织开展基层理论宣传")
    before = {path: path.read_bytes() for path in (package_copy / "data").iterdir()}
    result = run(package_copy, "import-source", str(source), "--edition", "2026-01", "--write")
    assert result.exit_code == 1
    assert "refused, nothing written" in result.output and "data/basic-duties.csv:4:name  unrecorded  652325100-0003" in result.output
    assert {path: path.read_bytes() for path in (package_copy / "data").iterdir()} == before
    assert json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))["edition"] == "2025-07"
