"""Issue 18, errors part: every failure is exit 2 with a message naming the file, never a traceback, and a lenient
read's work stays bounded by the bytes read. Through the real command line (CliRunner; subprocess for /dev/full)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from diff_repo import PackageRepo
from dutylist.cli import cli
from dutylist.core import edition as core_edition

BASIC = "data/basic-duties.csv"
ROOT = Path(__file__).resolve().parent.parent


def invoke(*args):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def assert_clean(result, code, *expected):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    for text in expected:
        assert text in result.output, result.output


def set_cell(package, old_prefix, new_prefix):
    path = package / BASIC
    text = path.read_text(encoding="utf-8")
    assert "\n" + old_prefix in text
    path.write_text(text.replace("\n" + old_prefix, "\n" + new_prefix, 1), encoding="utf-8")


@pytest.fixture
def repo(tmp_path):
    repository = PackageRepo(tmp_path / "repo")
    repository.commit("Publish", tag="base")
    return repository


@pytest.mark.slow
@pytest.mark.parametrize("command", [["diff", "HEAD:nope"], ["export", "--from", "HEAD:nope"], ["diff", "HEAD:data"],
                                     ["diff", "HEAD:datapackage.json"]])
def test_a_revision_with_a_path_that_is_not_a_package_is_exit_2(repo, command):
    assert_clean(invoke(*command, "--repo", repo.root), 2, "HEAD:", "is not a revision")


def test_validate_against_a_revision_with_a_missing_path_is_exit_2_with_json(repo):
    result = invoke("validate", repo.root, "--against", "HEAD:nope", "--format", "json")
    assert_clean(result, 2, "not a revision")
    assert json.loads(result.stdout)["error"]["code"] == "input-unreadable"


SEQ_OF_5000_DIGITS = "7" * 5000


@pytest.mark.slow
def test_a_seq_of_5000_digits_is_never_given_to_int(package_copy, tmp_path):
    set_cell(package_copy, "652325100-0003,3,", f"652325100-0003,{SEQ_OF_5000_DIGITS},")
    assert_clean(invoke("validate", package_copy), 1, "basic-duties.csv")
    result = invoke("diff", package_copy, package_copy, "--format", "json")
    assert_clean(result, 0)
    result = invoke("export", "--repo", package_copy)
    assert_clean(result, 0)
    for export_format in ("sqlite", "xlsx"):
        assert_clean(invoke("export", "--repo", package_copy, "--format", export_format, "-o", tmp_path / f"x.{export_format}"), 0)


def test_a_long_number_is_text_to_the_lenient_reader_with_a_short_warning(package_copy, tmp_path):
    root = tmp_path / "old"
    __import__("shutil").copytree(package_copy, root)
    set_cell(package_copy, "652325100-0003,3,", f"652325100-0003,{SEQ_OF_5000_DIGITS},")
    result = invoke("diff", root, package_copy, "--format", "json")
    assert_clean(result, 0)
    warnings = json.loads(result.stdout)["warnings"]
    assert [w["row"] for w in warnings if w["code"] == "not-a-whole-number"] == [4]
    assert "(5000 characters)" in warnings[0]["message"] and len(warnings[0]["message"]) < 300


def test_a_text_seq_exports_after_the_numbers(package_copy, tmp_path):
    set_cell(package_copy, "652325100-0004,4,", "652325100-0004,four,")
    result = invoke("export", "--repo", package_copy)
    assert_clean(result, 0)
    items = json.loads(result.stdout)["lists"]["basic"]["items"]
    assert items[-1]["seq"] == "four"


@pytest.mark.slow
def test_a_repeated_seq_in_a_sqlite_export_names_both_items(package_copy, tmp_path):
    set_cell(package_copy, "652325100-0004,4,", "652325100-0004,3,")
    assert_clean(invoke("export", "--repo", package_copy, "--format", "sqlite", "-o", tmp_path / "x.sqlite"), 2,
                 "basic-duties: seq 3 is used by two items, 652325100-0003 and 652325100-0004")
    assert not (tmp_path / "x.sqlite").exists()


@pytest.mark.parametrize("command", [["export", "--repo", "{p}"], ["validate", "{p}"], ["diff", "{p}", "{p}", "--format", "json"]])
def test_a_lone_surrogate_in_the_descriptor_is_exit_2(package_copy, command):
    path = package_copy / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"edition": "2025-07",', '"edition": "2025-07", "note": "bad \\udc80",', 1), encoding="utf-8")
    result = invoke(*[part.format(p=package_copy) for part in command])
    assert_clean(result, 2, "datapackage.json", "lone surrogate")


@pytest.mark.slow
@pytest.mark.parametrize("fields", [["a", "b"], [], None])
def test_a_malformed_fields_list_in_a_schema_is_compared_not_a_crash(package_copy, tmp_path, fields):
    old = tmp_path / "old"
    __import__("shutil").copytree(package_copy, old)
    path = package_copy / "schemas/basic-duties.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"] = fields
    path.write_text(json.dumps(schema), encoding="utf-8")
    result = invoke("diff", old, package_copy, "--format", "json")
    assert_clean(result, 0)
    assert json.loads(result.stdout)["schema"]  # the removed fields are reported
    assert_clean(invoke("export", "--repo", package_copy), 0)


# --- bounded by the bytes read ---------------------------------------------------------------------

def fill_basic(package, unit, count):
    path = package / BASIC
    header = path.read_text(encoding="utf-8").split("\n")[0]
    path.write_text(header + "\n" + unit * count, encoding="utf-8", newline="")


def test_rows_of_empty_cells_are_blank_rows_and_their_warnings_are_capped(package_copy, tmp_path):
    """The issue's attack (header plus ',\\n' repeated) made an item and four warnings per two bytes."""
    old = tmp_path / "old"
    __import__("shutil").copytree(package_copy, old)
    fill_basic(package_copy, ",\n", 20_000)
    result = invoke("diff", old, package_copy, "--format", "json")
    assert_clean(result, 0)
    report = json.loads(result.stdout)
    assert report["summary"]["added"] == 0
    blank = [w for w in report["warnings"] if w["code"] == "blank-row"]
    assert len(blank) == core_edition.MAX_WARNINGS_PER_CODE_AND_FILE + 1
    assert "and 19950 more blank-row warnings" in blank[-1]["message"]


def test_a_file_of_damaged_rows_is_refused_once_the_damage_passes_the_limit(package_copy, tmp_path, monkeypatch):
    old = tmp_path / "old"
    __import__("shutil").copytree(package_copy, old)
    monkeypatch.setattr(core_edition, "MAX_DAMAGE_PER_FILE", 100)
    fill_basic(package_copy, "x,\n", 200)
    result = invoke("diff", old, package_copy, "--format", "json")
    assert_clean(result, 2, BASIC, "too damaged to compare")
    assert json.loads(result.stdout)["error"]["code"] == "too-damaged"
    assert_clean(invoke("export", "--repo", package_copy), 2, "too damaged")


# --- output that cannot be written, and the last line of defence ------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("command", [["validate", "{p}"], ["validate", "{p}", "--format", "json"], ["export", "--repo", "{p}"],
                                     ["diff", "{p}", "{p}", "--format", "json"], ["diff", "{p}", "{p}/nope", "--format", "json"]])
def test_a_full_standard_output_is_exit_2_with_a_short_message(package_copy, command):
    args = [part.format(p=package_copy) for part in command]
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "dutylist", *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert result.stderr.startswith("Error: "), result.stderr


def test_an_unexpected_exception_is_an_internal_error_not_a_traceback(package_copy, monkeypatch):
    from dutylist.validate import run

    def planted(*args, **kwargs):
        raise LookupError("a planted bug\nsecond line")

    monkeypatch.setattr(run, "validate_package", planted)
    result = invoke("validate", package_copy, "--format", "json")
    assert_clean(result, 2, "internal error in dutylist validate: LookupError: a planted bug; please report it")
    assert "second line" not in result.output
    assert json.loads(result.stdout)["error"]["code"] == "internal-error"


# --- what the random-damage fuzz (benchmarks/fuzz.py) found beyond the list ---------------------------

def test_export_json_that_fails_gives_the_json_error_object(package_copy):
    """Every command given --format json fails as JSON (the click group sets it once for every UserError)."""
    (package_copy / "data/departments.csv").unlink()
    result = invoke("export", "--repo", package_copy, "--format", "json")
    assert_clean(result, 2, "data/departments.csv")
    error = json.loads(result.stdout)["error"]
    assert error["file"] == "data/departments.csv" and "departments.csv" in error["message"]


@pytest.mark.slow
def test_a_list_saved_with_a_byte_order_mark_is_still_compared_with_a_warning(repo):
    path = repo.root / BASIC
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace("做好".encode(), "负责".encode(), 1))
    result = invoke("diff", "--repo", repo.root, "--format", "json")
    assert_clean(result, 0)
    report = json.loads(result.stdout)
    assert [(warning["side"], warning["code"], warning["file"]) for warning in report["warnings"]] == [("new", "encoding-bom", BASIC)]
    assert report["summary"]["identical"] is False


def test_export_json_is_strict_json_when_the_descriptor_holds_nan(package_copy):
    descriptor = package_copy / "datapackage.json"
    descriptor.write_text(descriptor.read_text(encoding="utf-8").replace('"name": "qitai-town-duty-list"', '"name": NaN', 1),
                          encoding="utf-8")
    result = invoke("export", "--repo", package_copy, "--format", "json")
    assert_clean(result, 0)
    document = json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"bare {name} in the export"))
    assert document["name"] == "NaN"


# A schema not shaped as a Table Schema (core/table_schema.py): validate reports schema-malformed and checks the
# resource without it; diff compares it as missing with a warning; fmt refuses it; never a traceback.
MALFORMED_SCHEMAS = {
    "foreignKeys true": lambda schema: schema.update(foreignKeys=True),
    "foreignKeys a text": lambda schema: schema.update(foreignKeys="["),
    "a reference that is a text": lambda schema: schema.update(foreignKeys=[{"fields": "category", "reference": "number"}]),
    "fields a text": lambda schema: schema.update(fields="x"),
    "a field that is a list": lambda schema: schema["fields"].__setitem__(0, []),
    "a name that is a list": lambda schema: schema["fields"][0].update(name=[]),
    "constraints a text": lambda schema: schema["fields"][0].update(constraints="("),
    "a maximum that is a text": lambda schema: schema["fields"][1].setdefault("constraints", {}).update(maximum="("),
    "required a text": lambda schema: schema["fields"][2].setdefault("constraints", {}).update(required="yes"),
    "a primary key that is a number": lambda schema: schema.update(primaryKey=5),
}


@pytest.mark.slow
@pytest.mark.parametrize("damage", sorted(MALFORMED_SCHEMAS))
def test_a_schema_of_another_shape_is_reported_never_a_crash(repo, damage):
    path = repo.root / "schemas/basic-duties.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    MALFORMED_SCHEMAS[damage](schema)
    path.write_text(json.dumps(schema), encoding="utf-8")
    result = invoke("validate", repo.root, "--format", "json")
    assert_clean(result, 1)
    assert [(finding["code"], finding["file"]) for finding in json.loads(result.stdout)["errors"]
            if finding["code"] == "schema-malformed"] == [("schema-malformed", "schemas/basic-duties.json")]
    result = invoke("diff", "--repo", repo.root, "--format", "json")
    assert_clean(result, 0)
    report = json.loads(result.stdout)
    assert [(warning["code"], warning["file"]) for warning in report["warnings"]] == [("schema-malformed", "schemas/basic-duties.json")]
    assert_clean(invoke("fmt", "--check", "--repo", repo.root), 2, "schemas/basic-duties.json")


@pytest.mark.parametrize("resource", [{"name": ["a", "b"], "path": BASIC}, "basic-duties", None])
def test_a_resource_that_is_not_an_object_with_a_text_name_is_refused(package_copy, resource):
    path = package_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"][0] = resource
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    for command in (["validate", package_copy, "--format", "json"], ["export", "--repo", package_copy, "--format", "json"],
                    ["fmt", "--check", "--repo", package_copy], ["diff", package_copy, package_copy, "--format", "json"]):
        result = invoke(*command)
        assert_clean(result, 2, "datapackage.json", "resources[0]")


@pytest.mark.slow
def test_site_on_a_full_disk_is_exit_2_and_leaves_nothing(tmp_path):
    """A 64 KiB tmpfs holds no site: the build stops with a message, and no half site nor hidden sibling is left."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    try:
        result = invoke("site", "--repo", ROOT, "-o", disk / "site")
        assert_clean(result, 2, str(disk / "site"), "No space left on device")
        assert list(disk.iterdir()) == []
    finally:
        subprocess.run(["umount", str(disk)], check=True)
