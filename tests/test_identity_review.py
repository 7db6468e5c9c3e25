"""The review screen of `dutylist import-source` (issue 21): each row put to review beside each proposed item, every
cell, the differences inline, what else changed; new ids beside the retired items they resemble; the same in JSON.
"""

import json

import jsonschema
import pytest
from click.testing import CliRunner

from dutylist.cli import cli

from conftest import ROOT
from identity_editions import EDITION, TRAP, answer, new_duty_like_a_removed_one, package_repo, source

SCHEMA = json.loads((ROOT / "schemas" / "import-report.schema.json").read_text(encoding="utf-8"))


def dutylist(root, *args):
    result = CliRunner().invoke(cli, [*args, "--repo", str(root)])
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def trap(tmp_path):
    """A repository and the path of an edition where basic 64 (自建房) is removed and a duty worded like it added (平安法治)."""
    repo = package_repo(tmp_path / "repo")
    text = source()
    new_duty_like_a_removed_one(text, category="平安法治")
    text.renumber()
    path = tmp_path / "NEXT.txt"
    path.write_text(text.text(), encoding="utf-8")
    return repo, path


def test_a_row_recorded_for_review_is_shown_with_its_proposed_item_cell_by_cell(package_copy):
    path = package_copy / "sources" / "2025-07.links.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("basic,2,652325100-0002,new", "basic,2,652325100-0002,review", 1),
                    encoding="utf-8")
    result = dutylist(package_copy, "import-source")
    assert result.exit_code == 1
    screen = result.output.split("rows to review in sources/2025-07.links.csv")[1]
    assert "[1/1] 基本履职事项清单 2 (page 1)  confidence None: recorded for review in the links file, not answered yet" in screen
    assert "proposed 652325100-0002 (was 基本履职事项清单 2)" in screen
    assert "事项名称  now: 以铸牢中华民族共同体意识为主线" in screen and "0002  the same" in screen
    report = json.loads(dutylist(package_copy, "import-source", "--format", "json").output)
    jsonschema.validate(report, SCHEMA)
    [entry] = report["links"]["review"]
    assert [candidate["id"] for candidate in entry["candidates"]] == ["652325100-0002"]


@pytest.mark.slow
def test_the_review_screen_shows_the_row_and_the_retired_item_side_by_side_with_what_changed(trap):
    repo, path = trap
    result = dutylist(repo.root, "import-source", str(path), "--edition", EDITION)
    assert result.exit_code == 1
    first_screen = result.output.split("\n\n")[0].splitlines()
    assert len(first_screen) <= 24
    assert first_screen[1] == "nothing written: 1 row(s) to review before data/ can be written"
    assert "1 to review" in first_screen[3]
    screen = result.output.split("rows to review in sources/2026-01.links.csv")[1].split("\nnew ids")[0]
    lines = screen.splitlines()
    assert lines[1].startswith("  [1/1] 基本履职事项清单 85 (page ")
    assert lines[1].endswith("the name changes what the duty is about")
    assert lines[2] == "    proposed 652325100-0064 (was 基本履职事项清单 64), confidence " + lines[2].split("confidence ")[1]
    assert "changed: category 城乡建设 → 平安法治" in lines[2]
    assert "    事项类别  now: 平安法治" in lines and "      0064  was: 城乡建设" in lines
    assert f"    事项名称  now: {TRAP}" in lines
    assert "      0064  was: 做好自建房安全隐患排查上报工作" in lines
    assert "      0064 diff: 做好[-自建房-]{+燃气使用+}安全隐患排查上报工作" in lines


@pytest.mark.slow
def test_the_json_report_gives_every_cell_the_differences_and_what_changed(trap):
    repo, path = trap
    result = dutylist(repo.root, "import-source", str(path), "--edition", EDITION, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    jsonschema.validate(report, SCHEMA)
    [entry] = report["links"]["review"]
    [candidate] = entry["candidates"]
    assert entry["cells"]["name"] == TRAP and entry["cells"]["category"] == "平安法治"
    assert candidate["cells"]["name"] == "做好自建房安全隐患排查上报工作"
    assert candidate["differences"] == {"category": "[-城乡建设-]{+平安法治+}", "name": "做好[-自建房-]{+燃气使用+}安全隐患排查上报工作"}
    assert candidate["changed"] == {"category": {"old": "城乡建设", "new": "平安法治"}}
    assert candidate["evidence"]["object_changed"] is True


@pytest.mark.slow
def test_once_answered_new_the_new_id_is_shown_beside_the_retired_item_it_resembles(trap):
    repo, path = trap
    assert dutylist(repo.root, "import-source", str(path), "--edition", EDITION, "--write").exit_code == 1
    answer(repo, {("basic", 85): ""})
    result = dutylist(repo.root, "import-source", str(path), "--edition", EDITION, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    jsonschema.validate(report, SCHEMA)
    [new] = report["links"]["new"]
    assert (new["id"], new["name"]) == ("652325100-0180", TRAP)
    assert [item["id"] for item in new["resembles"]][:1] == ["652325100-0064"]
    text = dutylist(repo.root, "import-source", str(path), "--edition", EDITION).output
    assert f"基本履职事项清单 85 → 652325100-0180  {TRAP}\n      resembles retired 652325100-0064 (was 基本履职事项清单 64, " in text
