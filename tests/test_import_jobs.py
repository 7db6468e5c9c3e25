"""importing/job.py's two jobs (a re-import, a new edition) give one report shape, each filling in its own part."""

import json
import shutil

from click.testing import CliRunner

from conftest import ROOT
from diff_repo import PackageRepo
from dutylist.cli import cli
from next_edition import next_edition_text

KEYS = ["source", "edition", "package_edition", "version", "new_edition", "pages", "rows", "links", "corrections",
        "anomalies", "new_anomalies", "source_problems", "correction_problems", "differences", "would_write", "written", "ok"]
LINK_KEYS = ["file", "recorded", "counts", "likely", "new", "retired"]


def import_json(root, *args):
    result = CliRunner().invoke(cli, ["import-source", *args, "--repo", str(root), "--format", "json"])
    assert "Traceback" not in result.output and result.exit_code in (0, 1), result.output
    return json.loads(result.output)


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
