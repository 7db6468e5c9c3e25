"""dutylist export: each format read back with an independent reader and compared with the CSVs, cell for cell."""

import csv
import io
import json
import subprocess
import sqlite3
import zipfile

import jsonschema
import openpyxl
import pytest
from click.testing import CliRunner

from conftest import ROOT
from diff_repo import PackageRepo
from dutylist.cli import cli

SCHEMA = json.loads((ROOT / "schemas" / "export.json").read_text(encoding="utf-8"))
LISTS = {"basic": "basic-duties", "coordinated": "coordinated-duties", "reclaimed": "reclaimed-duties"}
TITLES = {"basic": "基本履职事项清单", "coordinated": "配合履职事项清单", "reclaimed": "上级部门收回事项清单"}
PRINTED_HEADINGS = {
    "basic": ["序号", "事项类别", "事项名称"],
    "coordinated": ["序号", "事项类别", "事项名称", "对应上级部门", "上级部门职责", "乡镇配合职责"],
    "reclaimed": ["序号", "事项类别", "事项名称", "承接部门及工作方式"],
}


def csv_rows(folder, resource):
    with open(folder / "data" / f"{resource}.csv", encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def export(folder, *args):
    result = CliRunner().invoke(cli, ["export", "--repo", str(folder), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def export_file(folder, tmp_path, name, *args):
    target = tmp_path / name
    export(folder, "-o", str(target), *args)
    return target


# JSON


def json_cell(item, field):
    value = item.get(field)
    if field == "category":
        return value["name"] if value else ""
    if field == "departments":
        return "、".join(department["name"] for department in value)
    if field in ("county_duties", "town_duties", "handling"):
        return "\n".join(value)
    return str(value)


@pytest.mark.slow
def test_json_export_matches_its_schema_and_the_csvs_cell_for_cell():
    document = json.loads(export(ROOT, "--format", "json").stdout)
    jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    clean = subprocess.run(["git", "status", "--porcelain", "--", "datapackage.json", "data", "schemas", ":!schemas/export.json"], cwd=ROOT,
                           capture_output=True, text=True).stdout == ""  # a clean checkout records its commit (export.json is no schema of the package)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    assert (document["version"], document["edition"], document["revision"]) == (descriptor["version"], descriptor["edition"],
                                                                                head if clean else None)
    categories = {row["name"]: row for row in csv_rows(ROOT, "categories")}
    departments = {row["name"]: row for row in csv_rows(ROOT, "departments")}
    for list_name, resource in LISTS.items():
        rows = csv_rows(ROOT, resource)
        block = document["lists"][list_name]
        assert block["count"] == len(rows) == len(block["items"])
        items = {item["id"]: item for item in block["items"]}
        assert [item["seq"] for item in block["items"]] == sorted(int(row["seq"]) for row in rows)
        for row in rows:
            item = items[row["id"]]
            assert item["list"] == list_name
            assert {field: json_cell(item, field) for field in row} == row
            if item["category"]:
                assert item["category"]["name_en"] == categories[item["category"]["name"]]["name_en"]
            for department in item.get("departments", []):
                register = departments[department["name"]]
                assert (department["level"], department["name_en"]) == (register["level"], register["name_en"])
    assert document["registers"]["categories"] == sorted(categories.values(), key=lambda row: row["name"])
    assert [{**row, "short_names": "、".join(row["short_names"])} for row in document["registers"]["departments"]] == \
        sorted(departments.values(), key=lambda row: row["name"])
    assert document["corrections"] == csv_rows(ROOT, "corrections")


@pytest.mark.slow
def test_json_export_is_deterministic_and_written_atomically_to_a_file(tmp_path):
    first = export_file(ROOT, tmp_path, "one.json").read_bytes()
    second = export(ROOT, "--format", "json").stdout_bytes
    assert first == second
    assert [path.name for path in tmp_path.iterdir()] == ["one.json"]  # no temporary file left behind


# XLSX


def xlsx_cell(row, field):
    if field == "handover":
        return f"{row['departments']}：{row['handling']}" if row["departments"] else row["handling"]  # the data's Chinese colon
    if field in ("seq", "page"):
        return int(row[field])
    return row[field]


XLSX_FIELDS = {
    "basic": ["seq", "category", "name"],
    "coordinated": ["seq", "category", "name", "departments", "county_duties", "town_duties"],
    "reclaimed": ["seq", "category", "name", "handover"],
}


def sheet_values(worksheet):
    return [["" if value is None else value for value in row] for row in worksheet.iter_rows(values_only=True)]


@pytest.mark.slow
def test_xlsx_export_has_the_printed_headings_and_the_csvs_cell_for_cell(tmp_path):
    workbook = openpyxl.load_workbook(export_file(ROOT, tmp_path, "list.xlsx"))
    assert workbook.sheetnames == [*TITLES.values(), "事项类别", "部门", "说明"]
    for list_name, resource in LISTS.items():
        worksheet = workbook[TITLES[list_name]]
        values = sheet_values(worksheet)
        assert values[0] == PRINTED_HEADINGS[list_name] + ["事项标识", "页码"]
        expected = [[xlsx_cell(row, field) for field in XLSX_FIELDS[list_name]] + [row["id"], int(row["page"])]
                    for row in sorted(csv_rows(ROOT, resource), key=lambda row: int(row["seq"]))]
        assert values[1:] == expected
        assert worksheet.freeze_panes == "A2"
        assert all(cell.alignment.wrap_text for cell in worksheet["E" if list_name == "coordinated" else "C"])
        assert worksheet.column_dimensions["C"].width >= 30
    steps = workbook[TITLES["coordinated"]]["E2"].value
    assert steps.count("\n") >= 1 and steps.splitlines()[1].startswith("2.")  # steps are lines inside the cell
    categories = sheet_values(workbook["事项类别"])
    assert categories[1:] == [[row["name"], row["name_en"]] for row in sorted(csv_rows(ROOT, "categories"), key=lambda row: row["name"])]
    departments = sheet_values(workbook["部门"])
    assert departments[0] == ["部门名称", "简称", "层级", "英文名称(非官方)", "说明"]
    assert departments[1:] == [list(row.values()) for row in sorted(csv_rows(ROOT, "departments"), key=lambda row: row["name"])]
    about = dict(sheet_values(workbook["说明"])[1:])
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert about["版本 version"] == descriptor["version"] and about["版次 edition"] == descriptor["edition"]


@pytest.mark.slow
def test_xlsx_export_is_the_same_bytes_for_the_same_edition(tmp_path):
    first = export_file(ROOT, tmp_path, "a.xlsx").read_bytes()
    second = export_file(ROOT, tmp_path, "b.xlsx").read_bytes()
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert "2000-01-01T00:00:00Z" in core and core.count("2000-01-01T00:00:00Z") == 2  # created and modified


HOSTILE = {
    "652325100-0001": '=HYPERLINK("http://example.org/x","<script>alert(1)</script>")',
    "652325100-0002": "+1+1",
    "652325100-0003": "-2+3",
    "652325100-0004": "@SUM(A1:A2)",
    "652325100-0005": "<script>alert('x')</script>",
}


@pytest.mark.slow
def test_xlsx_export_neutralises_formulas_and_escapes_markup(package_copy, tmp_path):
    path = package_copy / "data" / "basic-duties.csv"
    rows = csv_rows(package_copy, "basic-duties")
    for row in rows:
        row["name"] = HOSTILE.get(row["id"], row["name"])
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    departments = package_copy / "data" / "departments.csv"
    registers = csv_rows(package_copy, "departments")
    notes = {registers[0]["name"]: "\t=1+2", registers[1]["name"]: "\r@SUM(1)", registers[2]["name"]: "-x"}
    for row in registers:
        row["note"] = notes.get(row["name"], row["note"])
    with open(departments, "w", encoding="utf-8", newline="") as stream:  # CRLF, so that the csv module quotes a lone CR
        writer = csv.DictWriter(stream, fieldnames=list(registers[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(registers)
    target = export_file(package_copy, tmp_path, "hostile.xlsx")
    workbook = openpyxl.load_workbook(target)
    by_name = {row[0].value: row[4] for row in workbook["部门"].iter_rows(min_row=2)}
    for name, text in notes.items():
        cell = by_name[name]
        assert cell.value == text.replace("\r", "\n")  # a CR is a line break in a workbook
        assert cell.data_type == "s" and cell.quotePrefix is True
    worksheet = workbook[TITLES["basic"]]
    by_id = {row[3].value: row[2] for row in worksheet.iter_rows(min_row=2)}
    for item_id, text in HOSTILE.items():
        cell = by_id[item_id]
        assert cell.value == text  # shown and read back exactly as written
        assert cell.data_type == "s"  # a string, never a formula
        assert cell.quotePrefix is (text[0] in "=+-@")  # Excel keeps it text when the cell is edited
    with zipfile.ZipFile(target) as archive:
        xml = "".join(archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml"))
    assert "<f>" not in xml and "<f " not in xml
    assert "<script>" not in xml and "&lt;script&gt;" in xml


# SQLite


@pytest.mark.slow
def test_sqlite_export_has_keys_and_the_csvs_cell_for_cell(tmp_path):
    connection = sqlite3.connect(export_file(ROOT, tmp_path, "list.sqlite"))
    connection.execute("PRAGMA foreign_keys = ON")
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    for resource in [*LISTS.values(), "categories", "departments", "corrections"]:
        table = resource.replace("-", "_")
        rows = csv_rows(ROOT, resource)
        columns = [column[1] for column in connection.execute(f"PRAGMA table_info({table})")]
        fields = list(rows[0])
        selected = connection.execute(f"SELECT {', '.join(fields)} FROM {table}").fetchall()
        as_csv = [{field: "" if value is None else str(value) for field, value in zip(fields, row)} for row in selected]
        key = (lambda row: int(row["seq"])) if resource in LISTS.values() else (lambda row: row["name"]) if resource != "corrections" else None
        assert as_csv == (sorted(rows, key=key) if key else rows), resource
        assert set(fields) <= set(columns)
    for table in ("basic_duties", "coordinated_duties", "reclaimed_duties", "categories", "departments"):
        primary = [column[1] for column in connection.execute(f"PRAGMA table_info({table})") if column[5]]
        assert primary == (["id"] if "duties" in table else ["name"])
    for table in ("basic_duties", "coordinated_duties", "reclaimed_duties"):
        assert [(key[2], key[3], key[4]) for key in connection.execute(f"PRAGMA foreign_key_list({table})")] == [("categories", "category", "name")]
    assert {(key[2], key[3]) for key in connection.execute("PRAGMA foreign_key_list(duty_departments)")} == {("departments", "department")}


@pytest.mark.slow
def test_sqlite_view_answers_all_duties_shared_with_one_department_in_one_query(tmp_path):
    connection = sqlite3.connect(export_file(ROOT, tmp_path, "list.sqlite"))
    query = "SELECT list, seq, name FROM duties_by_department WHERE department = '奇台县民政局' ORDER BY list, seq"
    found = connection.execute(query).fetchall()
    expected = []
    for list_name in ("coordinated", "reclaimed"):
        for row in csv_rows(ROOT, LISTS[list_name]):
            if "奇台县民政局" in row["departments"].split("、"):
                expected.append((list_name, int(row["seq"]), row["name"] or None))
    assert found == sorted(expected, key=lambda row: (row[0], row[1])) and len(found) > 5
    total = sum(max(1, len([d for d in row.get("departments", "").split("、") if d])) for resource in LISTS.values()
                for row in csv_rows(ROOT, resource))
    assert connection.execute("SELECT count(*) FROM duties_by_department").fetchone()[0] == total
    assert connection.execute("SELECT count(*) FROM duties").fetchone()[0] == sum(len(csv_rows(ROOT, r)) for r in LISTS.values())


@pytest.mark.slow
def test_sqlite_export_is_the_same_bytes_for_the_same_edition(tmp_path):
    assert export_file(ROOT, tmp_path, "a.db").read_bytes() == export_file(ROOT, tmp_path, "b.db").read_bytes()


@pytest.mark.slow
def test_sqlite_export_refuses_an_edition_whose_names_are_not_in_the_registers(package_copy, tmp_path):
    path = package_copy / "data" / "coordinated-duties.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("奇台县民政局", "奇台县不存在局", 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["export", "--repo", str(package_copy), "-o", str(tmp_path / "x.sqlite")])
    assert result.exit_code == 2
    assert "department '奇台县不存在局' is not in data/departments.csv" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "x.sqlite").exists()


# Revisions


@pytest.mark.slow
@pytest.mark.parametrize("spec", ["HEAD~1", "1.0.0"])
def test_export_reads_a_revision_or_a_version_from_git(tmp_path, spec):
    repo = PackageRepo(tmp_path / "repo")
    first = repo.commit("Publish 1.0.0")
    repo.update("basic-duties", "652325100-0001", name="改过的名称")
    repo.set_version("1.0.1")
    repo.commit("Correct a name")
    document = json.loads(export(repo.root, "--from", spec).stdout)
    assert document["revision"] == first and document["version"] == "1.0.0"
    assert document["lists"]["basic"]["items"][0]["name"] != "改过的名称"
    assert json.loads(export(repo.root).stdout)["lists"]["basic"]["items"][0]["name"] == "改过的名称"


def test_export_of_an_unknown_revision_exits_2_with_a_message(tmp_path):
    repo = PackageRepo(tmp_path / "repo")
    repo.commit("Publish")
    result = CliRunner().invoke(cli, ["export", "--repo", str(repo.root), "--from", "no-such-branch"])
    assert result.exit_code == 2 and "'no-such-branch' is not a revision" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_a_binary_export_goes_to_a_pipe_as_the_same_bytes_as_to_a_file(tmp_path):
    written = export_file(ROOT, tmp_path, "list.xlsx").read_bytes()
    piped = export(ROOT, "--format", "xlsx").stdout_bytes
    assert piped == written and piped.startswith(b"PK")


def test_export_into_a_missing_folder_is_refused_and_creates_nothing(tmp_path):
    """-o never creates folders (docs/safety.md): exit 2, the folder named, nothing written."""
    target = tmp_path / "missing" / "duties.json"
    result = CliRunner().invoke(cli, ["export", "--repo", str(ROOT), "-o", str(target)])
    assert result.exit_code == 2
    assert "does not exist" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "missing").exists()
