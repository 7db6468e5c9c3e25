"""dutylist diff on real git repositories: one maintainer edit per kind of change, checked against golden reports."""

import json
import os
import subprocess
import sys

import jsonschema
import pytest
from click.testing import CliRunner

from diff_repo import EDITS, ROOT, assert_golden, change_items
from dutylist.cli import cli

SCHEMA = json.loads((ROOT / "schemas" / "diff.json").read_text(encoding="utf-8"))


def run(repo, *args):
    return CliRunner().invoke(cli, ["diff", *args, "--repo", str(repo.root)], catch_exceptions=False)


def report(repo, *args):
    result = run(repo, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)
    return document


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(EDITS))
def test_each_kind_of_change_is_reported_as_in_the_golden_reports(repo, kind):
    edit, version = EDITS[kind]
    edit(repo)
    repo.set_version(version)
    repo.commit(f"Edit: {kind}")
    document = report(repo, "base", "HEAD")
    assert_golden(f"{kind}.json", json.dumps(document, ensure_ascii=False, indent=2) + "\n", repo)
    assert_golden(f"{kind}.md", run(repo, "base", "HEAD", "--format", "markdown", "--full").stdout, repo)


@pytest.mark.slow
def test_each_item_gets_exactly_the_kind_its_edit_calls_for(repo):
    for edit, _ in EDITS.values():
        edit(repo)
    repo.set_version("2.0.0")
    repo.commit("A new edition")
    document = report(repo, "1.0.0", "2.0.0")
    kinds = {item["id"]: item["change"] for item in document["items"]}
    assert kinds == {
        "652325100-0180": "added", "652325100-0183": "added", "652325100-0181": "added", "652325100-0182": "added",
        "652325100-0010": "removed", "652325100-0040": "removed", "652325100-0041": "removed",
        "652325100-0125": "reclaimed", "652325100-0156": "returned", "652325100-0085": "moved",
        "652325100-0003": "changed", "652325100-0140": "changed", "652325100-0121": "changed",
    }
    reclaimed = next(item for item in document["items"] if item["change"] == "reclaimed")
    assert reclaimed["reclaimed_by"] == ["奇台县住房和城乡建设局"]
    assert reclaimed["from"] == {"list": "coordinated", "seq": 40} and reclaimed["to"] == {"list": "reclaimed", "seq": 26}
    assert document["likely"]["renames"] == [{"removed": "652325100-0040", "added": "652325100-0180", "similarity": pytest.approx(0.97, abs=0.02)}]
    assert document["likely"]["splits"][0]["removed"] == "652325100-0041"
    assert document["summary"]["bump"] == "major" and document["summary"]["declared_bump"] == "major"
    assert document["summary"]["lists"]["basic"] == {"before": 85, "after": 85 - 4 + 5}


@pytest.mark.slow
def test_a_release_grouped_by_department(repo):
    for kind in ("reclaimed", "returned", "moved", "changed"):
        EDITS[kind][0](repo)
    repo.set_version("1.1.0")
    repo.commit("A new edition")
    assert_golden("by-department.md", run(repo, "base", "HEAD", "--format", "markdown", "--by", "department", "--full").stdout, repo)
    assert_golden("by-department.txt", run(repo, "base", "HEAD", "--format", "text", "--by", "department", "--full").stdout, repo)


@pytest.mark.slow
def test_whitespace_line_endings_and_row_order_are_not_changes(repo):
    for resource in ("basic-duties", "coordinated-duties", "departments", "corrections"):
        fieldnames, rows = repo.rows(resource)
        padded = [{field: f" {value}  " if field not in ("id",) else value for field, value in row.items()} for row in reversed(rows)]
        repo.write_rows(resource, fieldnames, padded)
        path = repo.path(resource)
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    repo.commit("Reformat the CSVs")
    assert repo.git("diff", "--stat", "base", "HEAD")
    result = run(repo, "base", "HEAD", "--exit-code", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["identical"]


@pytest.mark.slow
def test_exit_code_reports_differences_like_git_diff(repo):
    change_items(repo)
    repo.commit("Fix a name")
    assert run(repo, "base", "HEAD", "--exit-code").exit_code == 1
    assert run(repo, "base", "HEAD").exit_code == 0
    assert run(repo, "HEAD", "HEAD", "--exit-code").exit_code == 0


@pytest.mark.slow
def test_first_version_is_compared_with_an_empty_edition(repo):
    document = report(repo)
    assert document["from"]["revision"] is None and document["notes"]
    assert document["summary"]["added"] == 179 and document["summary"]["removed"] == 0
    assert {item["change"] for item in document["items"]} == {"added"}


@pytest.mark.slow
def test_defaults_compare_an_edited_working_tree_with_the_last_release_without_touching_it(repo):
    change_items(repo)
    repo.set_version("1.0.1")
    repo.commit("1.0.1")
    repo.update("basic-duties", "652325100-0004", page="2")
    repo.git("checkout", "-q", "--detach", "HEAD")
    before = repo.git("status", "--porcelain")
    result = subprocess.run([sys.executable, "-m", "dutylist", "diff", "--format", "json"], cwd=repo.root,
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "tools")})
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    # issue 20: the tree differs from 1.0.1, the last release, so OLD is 1.0.1 (tests/test_diff_default_base.py has the rest)
    assert document["from"]["version"] == "1.0.1" and document["from"]["revision"] == repo.git("rev-parse", "HEAD")
    assert document["to"]["label"] == "working tree" and document["baseline"]["choice"] == "last-release"
    assert {item["id"] for item in document["items"]} == {"652325100-0004"}
    assert repo.git("status", "--porcelain") == before


@pytest.mark.slow
def test_a_version_resolves_to_the_commit_that_released_it_or_to_its_tag(repo):
    repo.set_version("1.1.0")
    released = repo.commit("1.1.0")
    change_items(repo)
    repo.commit("Still 1.1.0: a fix committed without a release")
    repo.set_version("1.2.0")
    repo.commit("1.2.0")
    document = report(repo, "1.1.0", "1.2.0")
    assert document["from"]["revision"] == released
    assert len(document["items"]) == 3 and document["summary"]["bump"] == "patch"
    repo.git("tag", "v1.1.0", "HEAD~1")
    document = report(repo, "1.1.0", "1.2.0")
    assert document["from"]["revision"] == repo.git("rev-parse", "HEAD~1")
    assert document["items"] == [] and document["summary"]["bump"] == "none"


@pytest.mark.slow
def test_a_folder_can_be_either_side(repo, package_copy):
    change_items(repo)
    document = report(repo, str(package_copy), str(repo.root))
    assert document["from"]["revision"] is None and len(document["items"]) == 3


def test_output_file_is_written_atomically_in_the_format_of_its_suffix(repo, tmp_path):
    change_items(repo)
    target = tmp_path / "changelog" / "1.0.1.md"
    target.parent.mkdir()  # -o never creates a missing folder (tests/test_hostile_read.py)
    result = run(repo, "base", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("# 履职事项清单变更报告")
    assert [path.name for path in target.parent.iterdir()] == ["1.0.1.md"]


@pytest.mark.slow
def test_the_text_report_marks_insertions_and_deletions(repo):
    change_items(repo)
    output = run(repo, "base", "--format", "text").stdout
    assert "进万家{+、进社区+}活动" in output
    assert "增 {+奇台县消防救援大队+}" in output


@pytest.mark.slow
def test_schema_changes_are_classified_for_the_version_policy(repo):
    def rework(schema):
        fields = {field["name"]: field for field in schema["fields"]}
        fields["page"]["type"] = "string"
        del fields["page"]["constraints"]["maximum"]
        fields["seq"]["constraints"]["minimum"] = 0
        fields["category"]["constraints"] = {"enum": ["党的建设", "民生服务"]}
        schema["fields"] = [field for field in schema["fields"] if field["name"] != "name"]
        schema["fields"].append({"name": "note", "type": "string"})
    repo.edit_json("schemas/reclaimed-duties.json", rework)
    repo.commit("Rework the reclaimed schema")
    changes = {(change["field"], change["change"], change["key"]) for change in report(repo, "base", "HEAD")["schema"]}
    assert changes == {
        ("page", "retyped", "type"), ("page", "constraint-loosened", "maximum"), ("seq", "constraint-loosened", "minimum"),
        ("category", "constraint-tightened", "enum"), ("name", "field-removed", None), ("note", "field-added", None),
    }
    assert report(repo, "base", "HEAD")["summary"]["bump"] == "major"
    assert report(repo, "HEAD", "base")["summary"]["bump"] == "major"
