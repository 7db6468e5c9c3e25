"""Descriptions never stale (issue 20): what datapackage.json's descriptions state about the data ("the 85 duties",
"edition of July 2025") is checked by `validate` (warning description-stale, fix `dutylist fmt`), rewritten from the
data by `dutylist fmt` (and named by `fmt --check`), and derived by `import-source --write` for a new edition.
Through the command line, on the package committed in a real git repository."""

import json

import pytest
from click.testing import CliRunner

from maintainer_history import package_with_sources
from next_edition import next_edition_text

from dutylist.cli import cli


@pytest.fixture
def repo(tmp_path):
    """The package with its sources, committed in a git repository."""
    return package_with_sources(tmp_path / "repo")


def dutylist(*args):
    return CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)


def stale(repo):
    """The description-stale findings of validate, as (field, stated, fix)."""
    result = dutylist("validate", repo.root, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    return [(finding["field"], finding["text"], finding["fix"]) for finding in report["warnings"] + report["errors"]
            if finding["code"] == "description-stale"]


def descriptor(repo):
    return json.loads((repo.root / "datapackage.json").read_text(encoding="utf-8"))


def describe(repo, resource_index, text):
    repo.edit_json("datapackage.json", lambda document: document["resources"][resource_index].update(description=text))


@pytest.mark.slow
def test_a_stale_count_is_a_warning_that_names_fmt_and_fmt_rewrites_only_that_number(repo):
    assert stale(repo) == []  # the real package says what its data holds
    describe(repo, 0, "Basic duties: the 84 duties the town performs itself.")
    repo.commit("A description gone stale")
    assert stale(repo) == [("resources[0].description", "84 duties", "run `dutylist fmt`: it rewrites the descriptions' counts "
                                                                      "and edition from the data")]
    assert dutylist("validate", repo.root).exit_code == 0  # a warning: the data is right, its description is not
    check = dutylist("fmt", "--repo", repo.root, "--check")
    assert check.exit_code == 1 and "datapackage.json: would rewrite its descriptions" in check.output
    assert "'84 duties', the data gives '85 duties'" in check.output and "run: dutylist fmt" in check.output
    before = descriptor(repo)
    written = dutylist("fmt", "--repo", repo.root)
    assert written.exit_code == 0 and "datapackage.json: rewrote its descriptions" in written.output
    after = descriptor(repo)
    assert after["resources"][0]["description"] == "Basic duties: the 85 duties the town performs itself."
    after["resources"][0]["description"] = before["resources"][0]["description"]
    assert after == before  # nothing else changed
    assert stale(repo) == [] and dutylist("fmt", "--repo", repo.root, "--check").exit_code == 0


@pytest.mark.slow
def test_new_item_restates_the_count_and_a_hand_added_row_is_found_and_derived_by_fmt(repo):
    added = dutylist("new-item", "--repo", repo.root, "--list", "basic", "--category", "民生服务", "--name", "开展防范养老诈骗宣传",
                     "--page", "10")
    assert added.exit_code == 0, added.output
    assert descriptor(repo)["resources"][0]["description"] == "Basic duties: the 86 duties the town performs itself."
    assert stale(repo) == []
    fieldnames, basic = repo.rows("basic-duties")
    repo.write_rows("basic-duties", fieldnames, basic[:-1])  # a row removed by hand: the description is stale again
    assert [entry[:2] for entry in stale(repo)] == [("resources[0].description", "86 duties")]
    assert dutylist("fmt", "--repo", repo.root).exit_code == 0
    assert descriptor(repo)["resources"][0]["description"] == "Basic duties: the 85 duties the town performs itself."
    assert stale(repo) == []


def test_a_stale_edition_is_found_in_the_package_description_and_derived_from_edition(repo):
    repo.edit_json("datapackage.json", lambda document: document.update(edition="2025-09"))
    assert [entry[:2] for entry in stale(repo)] == [("description", "edition of July 2025")]
    assert dutylist("fmt", "--repo", repo.root).exit_code == 0
    assert "edition of September 2025:" in descriptor(repo)["description"]
    assert stale(repo) == []


@pytest.mark.slow
def test_import_source_write_of_a_new_edition_derives_the_descriptions(repo, tmp_path):
    source = tmp_path / "NEXT.txt"
    source.write_text(next_edition_text(), encoding="utf-8")
    result = dutylist("import-source", "--repo", repo.root, source, "--edition", "2026-01", "--write")
    assert result.exit_code == 0, result.output
    written = descriptor(repo)
    assert "edition of January 2026:" in written["description"]
    counts = {resource: len(repo.rows(resource)[1]) for resource in ("basic-duties", "coordinated-duties", "reclaimed-duties")}
    for resource in written["resources"][:3]:
        assert f"the {counts[resource['name']]} duties" in resource["description"], resource
    assert counts != {"basic-duties": 85, "coordinated-duties": 68, "reclaimed-duties": 26}  # the counts did move
    assert stale(repo) == [] and dutylist("fmt", "--repo", repo.root, "--check").exit_code == 0
