"""importing/job.py's two jobs (a re-import, a new edition) give one report shape, each filling in its own part."""

import json
import shutil

import pytest
from click.testing import CliRunner

from conftest import ROOT
from diff_repo import PackageRepo
from dutylist.cli import cli
from next_edition import next_edition_text

KEYS = ["source", "edition", "package_edition", "version", "new_edition", "pages", "rows", "links", "corrections",
        "anomalies", "new_anomalies", "source_problems", "pdf_warnings", "correction_problems", "amendment_problems", "amendments_dropped",
        "differences", "unrecorded", "would_write", "written", "refused", "ok"]
LINK_KEYS = ["file", "recorded", "counts", "likely", "review", "new", "retired"]


def import_json(root, *args):
    result = CliRunner().invoke(cli, ["import-source", *args, "--repo", str(root), "--format", "json"])
    assert "Traceback" not in result.output and result.exit_code in (0, 1), result.output
    return json.loads(result.output)


@pytest.mark.slow
def test_both_jobs_give_the_report_in_one_order_each_with_its_own_part(tmp_path):
    repo = PackageRepo(tmp_path / "repo")
    shutil.copytree(ROOT / "sources", repo.root / "sources")
    repo.commit("edition 2025-07")
    again = import_json(repo.root)
    assert list(again) == KEYS and list(again["links"]) == LINK_KEYS  # the JSON output keeps this order
    assert again["new_edition"] is False and again["ok"] is True and again["would_write"] == []
    assert again["corrections"]["dropped"] == [] and again["new_anomalies"] == [] and again["links"]["new"] == []

    next_source = tmp_path / "NEXT.txt"
    next_source.write_text(next_edition_text(), encoding="utf-8")
    later = import_json(repo.root, str(next_source), "--edition", "2026-01")
    assert list(later) == KEYS and list(later["links"]) == LINK_KEYS
    assert later["new_edition"] is True and later["differences"] == [] and later["correction_problems"] == []
    assert later["links"]["likely"] and all(link["previous_name"] for link in later["links"]["likely"])
    assert later["would_write"][0] == "sources/qitai-town-duty-list-2026-01.extracted.txt"
    assert later["would_write"][-1] == "datapackage.json" and later["written"] == []


def test_both_jobs_read_and_write_the_files_the_descriptor_names(package_copy):
    """A list kept in another file (the descriptor's resource path): the re-import reads it there, finds data/ as the
    source gives it, and --write would write it there, never to data/<resource>.csv."""
    (package_copy / "data/basic-duties.csv").rename(package_copy / "data/basic.csv")
    descriptor = json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))
    next(resource for resource in descriptor["resources"] if resource["name"] == "basic-duties")["path"] = "data/basic.csv"
    (package_copy / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    report = import_json(package_copy)
    assert report["ok"] is True and report["differences"] == [] and report["would_write"] == []
    (package_copy / "data/basic.csv").write_text((package_copy / "data/basic.csv").read_text(encoding="utf-8").replace(
        "652325100-0001,1,", "652325100-0001,7,", 1), encoding="utf-8")
    report = import_json(package_copy)
    assert report["ok"] is False and report["would_write"] == ["data/basic.csv"]
    assert {difference["file"] for difference in report["differences"]} == {"data/basic.csv"}
    assert not (package_copy / "data/basic-duties.csv").exists()
