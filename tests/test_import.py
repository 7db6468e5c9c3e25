"""The importer, the data it derives, and the invariant: source + rules + corrections == data/."""

import csv
import hashlib
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from dutylist.cli import cli
from dutylist.importing.derive import import_source
from dutylist.importing.links import read_links
from dutylist.core.package import id_prefix, read_csv_text

from conftest import ROOT

SOURCE = ROOT / "sources" / "qitai-town-duty-list-2025-07.extracted.txt"
SEED = ROOT.parent / "shared" / "seeds" / "000_a051d543e79bffba.txt"
PREFIX = id_prefix(json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8")))
LIST_FILES = {"basic": "basic-duties", "coordinated": "coordinated-duties", "reclaimed": "reclaimed-duties"}


def read_rows(name, root=ROOT):
    with open(root / "data" / f"{name}.csv", encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def by_seq(list_name):
    return {int(row["seq"]): row for row in read_rows(LIST_FILES[list_name])}


def run(args, root):
    return CliRunner().invoke(cli, [*args, "--repo", str(root)])


def test_the_source_is_kept_byte_identical():
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert hashlib.sha256(SOURCE.read_bytes()).hexdigest() == descriptor["sources"][0]["sha256"]
    if SEED.exists():
        assert SOURCE.read_bytes() == SEED.read_bytes()


@pytest.mark.slow
def test_the_first_edition_mints_ids_in_document_order_without_a_links_file():
    result = import_source(SOURCE.read_text(encoding="utf-8"), read_rows("corrections"), prefix=PREFIX)
    for list_name, resource in LIST_FILES.items():
        assert [row["id"] for row in result.rows[list_name]] == [row["id"] for row in read_rows(resource)]
    assert {link.how for link in result.linking.links} == {"new"}


def test_the_links_of_the_first_edition_all_read_new_in_document_order():
    links = read_csv_text((ROOT / "sources" / "2025-07.links.csv").read_text(encoding="utf-8"))
    assert [row["id"] for row in links] == [f"652325100-{number:04d}" for number in range(1, 180)]
    assert {(row["how"], row["score"], row["previous_list"], row["previous_seq"]) for row in links} == {("new", "", "", "")}


def test_importing_the_source_gives_exactly_data():
    corrections = read_rows("corrections")
    links = read_links((ROOT / "sources" / "2025-07.links.csv").read_text(encoding="utf-8"), "links", PREFIX)
    result = import_source(SOURCE.read_text(encoding="utf-8"), corrections, prefix=PREFIX, town="奇台镇", links=links)
    assert result.source_problems == []
    assert result.correction_problems == []
    for list_name, resource in LIST_FILES.items():
        assert result.rows[list_name] == read_rows(resource), resource


def test_import_source_command_confirms_the_invariant():
    result = run(["import-source"], ROOT)
    assert result.exit_code == 0, result.output
    assert "data/ is exactly the source with the rules, corrections and amendments applied" in result.output


@pytest.mark.parametrize("list_name, count", [("basic", 85), ("coordinated", 68), ("reclaimed", 26)])
def test_each_list_has_its_rows_numbered_one_to_n(list_name, count):
    assert sorted(by_seq(list_name)) == list(range(1, count + 1))


def test_ids_are_unique_across_the_three_lists():
    ids = [row["id"] for resource in LIST_FILES.values() for row in read_rows(resource)]
    assert len(ids) == len(set(ids)) == 179


def test_sample_values_a_reviewer_can_check_against_the_pdf():
    basic, coordinated, reclaimed = by_seq("basic"), by_seq("coordinated"), by_seq("reclaimed")
    assert basic[3]["name"] == "组织开展基层理论宣讲，深化习近平新时代中国特色社会主义思想进万家活动"
    assert basic[4]["name"].endswith("执行\"三重一大\"事项集体决策机制和重大事项请示报告制度，开展理论学习，实行党务公开")
    assert basic[81]["name"].startswith("负责本镇财政和资产管理工作")
    assert basic[85]["page"] == "10"
    assert coordinated[1]["page"] == "11" and reclaimed[1]["page"] == "38" and reclaimed[26]["page"] == "42"
    assert coordinated[1]["town_duties"].splitlines()[0] == "1.根据上级要求，制定推荐工作方案；"
    assert len(coordinated[1]["town_duties"].splitlines()) == 7
    assert coordinated[5]["departments"] == "奇台县委组织部、奇台县人力资源和社会保障局"
    assert coordinated[43]["departments"] == "奇台县住房和城乡建设局、奇台县市场监督管理局、奇台县交通运输局、奇台县公安局"
    assert coordinated[31]["name"] == "国土调查工作"
    assert coordinated[46]["category"] == "文化和旅游"
    assert reclaimed[1] == {
        "id": "652325100-0154", "seq": "1", "category": "民生服务", "name": "对违规领取高龄津贴的追缴",
        "departments": "奇台县民政局", "handling": "对违规领取高龄津贴的追缴。", "page": "38",
    }
    assert len(reclaimed[5]["handling"].splitlines()) == 6
    assert reclaimed[26]["handling"] == "建立微型消防站收回县消防救援机构。"


def test_unrecoverable_values_stay_empty_and_are_flagged():
    flagged = {(r["item_id"], r["field"]) for r in read_rows("corrections") if r["status"] == "unrecoverable"}
    for resource in LIST_FILES.values():
        for row in read_rows(resource):
            for field in ("category", "name"):
                if not row[field]:
                    assert (row["id"], field) in flagged, (row["id"], field)
    assert by_seq("coordinated")[23]["name"] == ""
    # coordinated 7's name is garbled beyond its legible start, which is kept and flagged
    assert by_seq("coordinated")[7]["name"] == "领导班子绩效考"
    assert ("652325100-0092", "name") in flagged


def test_every_category_and_department_resolves_to_its_register():
    categories = {row["name"] for row in read_rows("categories")}
    departments = {row["name"] for row in read_rows("departments")}
    for resource in LIST_FILES.values():
        for row in read_rows(resource):
            assert not row["category"] or row["category"] in categories, row["id"]
            for department in filter(None, row.get("departments", "").split("、")):
                assert department in departments, (row["id"], department)


def test_every_correction_names_its_kind_status_and_evidence():
    records = read_rows("corrections")
    assert records
    for record in records:
        assert record["kind"] and record["status"] and record["evidence"], record
        if record["status"] in ("unrecoverable", "kept-as-published"):
            # a flag writes nothing the source does not hold: the value as it stands, its legible part, or nothing
            assert record["corrected"] in record["extracted"], record


def test_the_anomaly_report_lists_every_kind_of_damage():
    result = run(["import-source", "--format", "json"], ROOT)
    report = json.loads(result.output)
    codes = {anomaly["code"] for anomaly in report["anomalies"]}
    assert codes == {"empty-cell", "unknown-category", "step-numbering", "space-between-chinese", "glued-latin-or-digit"}
    glued = {a["text"] for a in report["anomalies"] if a["code"] == "glued-latin-or-digit"}
    assert glued == {"1强", "D强", "T展", "I.县"}
    unknown = {a["text"] for a in report["anomalies"] if a["code"] == "unknown-category"}
    assert unknown == {"（十八十八里）宣", "13/L.16#1 11", "THV 22 54 TH", "Thu 22 541 157", "旅游", "应急管理"}
    assert report["rows"] == {"basic": 85, "coordinated": 68, "reclaimed": 26}


@pytest.mark.slow
def test_import_source_reports_but_does_not_overwrite_edited_data(package_copy):
    path = package_copy / "data" / "basic-duties.csv"
    edited = path.read_text(encoding="utf-8").replace("组织开展基层理论宣讲", "组织开展基层理论宣传")
    path.write_text(edited, encoding="utf-8")
    result = run(["import-source"], package_copy)
    assert result.exit_code == 1
    assert "data/basic-duties.csv:4:name  differs-from-source  652325100-0003" in result.output
    assert path.read_text(encoding="utf-8") == edited


@pytest.mark.slow
def test_import_source_write_restores_the_derived_lists_and_leaves_no_temporary_files(package_copy):
    path = package_copy / "data" / "basic-duties.csv"
    path.write_text("id,seq\n", encoding="utf-8")
    corrections_before = (package_copy / "data" / "corrections.csv").read_bytes()
    result = run(["import-source", "--write"], package_copy)
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == (ROOT / "data" / "basic-duties.csv").read_bytes()
    assert (package_copy / "data" / "corrections.csv").read_bytes() == corrections_before
    assert not [p for p in (package_copy / "data").iterdir() if p.name.startswith(".")]


def test_a_correction_that_no_longer_applies_is_reported_and_blocks_writing(package_copy):
    corrections = package_copy / "data" / "corrections.csv"
    corrections.write_text(corrections.read_text(encoding="utf-8").replace("且织开展", "且织展开"), encoding="utf-8")
    before = (package_copy / "data" / "basic-duties.csv").read_bytes()
    result = run(["import-source", "--write"], package_copy)
    assert result.exit_code == 1
    assert "data/corrections.csv:2:name  correction-text-not-found  652325100-0003" in result.output
    assert (package_copy / "data" / "basic-duties.csv").read_bytes() == before


def test_a_source_that_is_not_utf8_is_refused_without_traceback(package_copy, tmp_path):
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(SOURCE.read_text(encoding="utf-8").encode("gbk", errors="replace"))
    result = run(["import-source", "--source", str(gbk)], package_copy)
    assert result.exit_code == 2
    assert "gbk.txt: not UTF-8 text" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_python_dash_m_runs_the_command_line():
    completed = subprocess.run(
        [sys.executable, "-m", "dutylist", "import-source", "--repo", str(ROOT)], capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
    assert "rows: basic 85, coordinated 68, reclaimed 26" in completed.stdout


@pytest.mark.slow
def test_a_page_footer_that_disagrees_with_the_headers_is_reported(package_copy, tmp_path):
    damaged = tmp_path / "damaged.txt"
    damaged.write_text(SOURCE.read_text(encoding="utf-8").replace("第 11 页, 共 42 页", "第 12 页, 共 42 页"), encoding="utf-8")
    result = run(["import-source", "--source", str(damaged)], package_copy)
    assert result.exit_code == 1
    assert "damaged.txt:124  page-mismatch  footer says page 12, headers counted 11" in result.output


def test_cells_past_the_last_column_are_refused_naming_the_line(package_copy, tmp_path):
    text = SOURCE.read_text(encoding="utf-8")
    row = "23\t党的建设\t负责本镇\"双拥\"工作"
    assert row in text
    damaged = tmp_path / "damaged.txt"
    damaged.write_text(text.replace(row, row + "\t多余", 1), encoding="utf-8")
    before = (package_copy / "data" / "basic-duties.csv").read_bytes()
    result = run(["import-source", str(damaged), "--write"], package_copy)
    assert result.exit_code == 2
    assert "damaged.txt:40  wrong-cell-count  1 non-empty cell(s) past the last column" in result.output
    assert "Traceback" not in result.output
    assert (package_copy / "data" / "basic-duties.csv").read_bytes() == before
