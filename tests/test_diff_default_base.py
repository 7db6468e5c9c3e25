"""Bare `dutylist diff` (issue 20): an edited working tree is compared with the last released version, an unchanged one
shows what that release changed; the report says which baseline it chose and why in its first lines and in its JSON.
Explicit sides and --since-release keep working. On a release history made by `dutylist release` (tests/release_history.py)."""

import json
import shutil

import jsonschema
import pytest
from click.testing import CliRunner

from diff_repo import ROOT, PackageRepo
from maintainer_history import released_1_1_0
from release_history import DATES, dutylist, release

from dutylist.cli import cli

SCHEMA = json.loads((ROOT / "schemas" / "diff.json").read_text(encoding="utf-8"))
NEW_ITEM = ("new-item", "--list", "basic", "--category", "民生服务", "--name", "开展防范养老诈骗宣传", "--page", "10")


def diff(repo, *args, exit_code=0):
    result = CliRunner().invoke(cli, ["diff", *args, "--repo", str(repo.root)], catch_exceptions=False)
    assert result.exit_code == exit_code, result.output
    return result


def report(repo, *args):
    document = json.loads(diff(repo, *args, "--format", "json").stdout)
    jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)
    return document


def changed_ids(document):
    return {item["id"] for item in document["items"]}


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """1.0.0 and 1.1.0 (release_history.edit_minor), released by `dutylist release` and committed."""
    return released_1_1_0(tmp_path_factory.mktemp("history") / "repo")


@pytest.fixture
def repo(released, tmp_path):
    """A copy of the released history, free to edit."""
    copy = PackageRepo.__new__(PackageRepo)
    copy.root = tmp_path / "repo"
    shutil.copytree(released.root, copy.root)
    return copy


def edit_between_editions(repo):
    """What a maintainer does after 1.1.0 (issue 20): an item added, a typo fixed, an item moved to the reclaimed list."""
    assert dutylist(repo, *NEW_ITEM).exit_code == 0
    _, rows = repo.rows("basic-duties")
    name = next(row["name"] for row in rows if row["id"] == "652325100-0010")
    repo.update("basic-duties", "652325100-0010", name=name + "工作")
    taken = repo.take("coordinated-duties", "652325100-0088")
    repo.append("reclaimed-duties", id=taken["id"], category=taken["category"], name=taken["name"],
                departments=taken["departments"], handling="由县委组织部负责。", page="42")


@pytest.mark.slow
def test_an_unchanged_tree_shows_what_the_last_release_changed_and_says_so_first(repo):
    document = report(repo)
    assert (document["from"]["version"], document["to"]["label"]) == ("1.0.0", "working tree")
    assert document["baseline"]["choice"] == "version-before" and document["baseline"]["version"] == "1.0.0"
    assert "holds 1.1.0, the last released version, unchanged" in document["baseline"]["reason"]
    assert changed_ids(document) == changed_ids(report(repo, "1.0.0", "1.1.0"))  # what 1.1.0 changed
    first_lines = diff(repo, "--format", "text").stdout.splitlines()[:8]
    assert any(line.startswith("! 基准 Baseline: the working tree holds 1.1.0") for line in first_lines), first_lines


@pytest.mark.slow
def test_an_edited_tree_is_compared_with_the_last_release_not_the_version_before(repo):
    edit_between_editions(repo)
    document = report(repo)
    assert document["from"]["version"] == "1.1.0" and document["from"]["revision"] == document["baseline"]["revision"]
    assert document["baseline"]["choice"] == "last-release"
    assert document["baseline"]["reason"].startswith("the working tree differs from 1.1.0, the last released version")
    assert "`dutylist diff 1.0.0 1.1.0`" in document["baseline"]["reason"]
    assert changed_ids(document) == {"652325100-0181", "652325100-0010", "652325100-0088"}  # 3 edits, not 151 changes
    markdown = diff(repo, "--format", "markdown").stdout
    assert "> **基准 Baseline:** the working tree differs from 1.1.0" in "\n".join(markdown.splitlines()[:8])


@pytest.mark.slow
def test_committed_edits_and_a_declared_next_version_are_still_compared_with_the_last_release(repo):
    edit_between_editions(repo)
    repo.commit("Edits committed without a release")
    assert report(repo)["from"]["version"] == "1.1.0"
    release(repo, epoch=DATES["1.1.1"])  # the tree now declares 1.2.0, not yet committed
    document = report(repo)
    assert (document["from"]["version"], document["to"]["version"]) == ("1.1.0", "1.2.0")
    assert changed_ids(document) == {"652325100-0181", "652325100-0010", "652325100-0088"}
    repo.commit("Release 1.2.0")  # released: the tree holds it unchanged, so the report is what 1.2.0 changed
    document = report(repo)
    assert document["baseline"]["choice"] == "version-before" and document["from"]["version"] == "1.1.0"
    assert "holds 1.2.0, the last released version, unchanged" in document["baseline"]["reason"]


@pytest.mark.slow
def test_since_release_and_explicit_sides_keep_working(repo):
    document = report(repo, "--since-release")
    assert document["from"]["version"] == "1.1.0" and document["summary"]["identical"]
    assert document["baseline"]["reason"] == "1.1.0 is the last released version (--since-release)"
    edit_between_editions(repo)
    assert changed_ids(report(repo, "--since-release")) == {"652325100-0181", "652325100-0010", "652325100-0088"}
    explicit = report(repo, "1.0.0")
    assert explicit["from"]["version"] == "1.0.0" and "baseline" not in explicit  # sides given: no choice to explain
    assert "baseline" not in report(repo, "1.0.0", "1.1.0")
    refused = diff(repo, "1.0.0", "--since-release", "--format", "json", exit_code=2)
    assert json.loads(refused.stdout)["error"]["code"] == "options-conflict"
    assert "give no OLD" in refused.stderr


def test_a_first_version_is_compared_with_an_empty_edition_and_says_why(tmp_path):
    repo = PackageRepo(tmp_path / "repo")
    repo.commit("Publish the July 2025 edition as 1.0.0")
    document = report(repo)
    assert document["from"]["revision"] is None and document["summary"]["added"] == 179
    assert document["baseline"] == {
        "choice": "version-before", "version": None, "revision": None,
        "reason": "the working tree holds 1.0.0, the last released version, unchanged, and no version came before it: "
                  "compared with an empty edition"}
    repo.update("basic-duties", "652325100-0003", page="2")
    document = report(repo)  # edited: compared with 1.0.0 itself
    assert document["baseline"]["choice"] == "last-release" and changed_ids(document) == {"652325100-0003"}
    assert "`dutylist diff" not in document["baseline"]["reason"]  # no version before 1.0.0 to point to
