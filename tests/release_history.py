"""A small real history of releases made by `dutylist release` in a temporary git repository.

1.0.0 is the real package with its changelog written by `dutylist changelog`; 1.1.0 reclaims, adds,
rewords and moves an item (minor); 1.1.1 records a correction and changes a register row (patch);
2.0.0 tightens a schema constraint (major). Each release is made by the command through the CLI, with
a fixed date (SOURCE_DATE_EPOCH), then committed as a maintainer would (`release --no-commit`).
"""

import os
from pathlib import Path

from click.testing import CliRunner

from diff_repo import GIT_ENV, PackageRepo
from dutylist.cli import cli

GOLDEN = Path(__file__).resolve().parent / "golden" / "changelog"
UPDATE_GOLDEN = os.environ.get("DUTYLIST_UPDATE_GOLDEN") == "1"
DATES = {"1.1.0": 1796515200, "1.1.1": 1799971200, "2.0.0": 1803859200}  # 2026-12-06, 2027-01-15, 2027-03-01 (UTC)


def dutylist(repo, *args, epoch=None):
    env = {**GIT_ENV, "SOURCE_DATE_EPOCH": str(epoch)} if epoch else dict(GIT_ENV)  # a release commits as the test maintainer
    return CliRunner().invoke(cli, [*args, "--repo", str(repo.root)], env=env, catch_exceptions=False)


def release(repo, bump="auto", epoch=None):
    """A release whose files the test commits itself, as a maintainer does with --no-commit (tests/test_release_tags.py
    tests the commit and the tag `release` makes by default)."""
    result = dutylist(repo, "release", bump, "--no-commit", epoch=epoch)
    assert result.exit_code == 0, result.output
    return result


def edit_minor(repo):
    """An item reclaimed, one added, one reworded, one moved."""
    taken = repo.take("coordinated-duties", "652325100-0125")
    repo.append("reclaimed-duties", id=taken["id"], category=taken["category"], name=taken["name"], departments=taken["departments"],
                handling="由县住房和城乡建设局负责城市体检工作。", page="42")
    repo.append("basic-duties", id="652325100-0180", category="民生服务", name="开展老年人防范电信网络诈骗宣传教育", page="10")
    repo.update("basic-duties", "652325100-0003", name="组织开展基层理论宣讲，深化习近平新时代中国特色社会主义思想进万家、进社区活动")
    taken = repo.take("basic-duties", "652325100-0085")
    repo.append("coordinated-duties", id=taken["id"], category=taken["category"], name=taken["name"], departments="奇台县人民政府办公室",
                county_duties="1.统筹全县政务服务热线事项转办；\n2.督促办理反馈。", town_duties="做好转办事项的办理反馈工作。", page="36")


def edit_patch(repo):
    """A correction (the value and its record) and a register row changed."""
    repo.update("basic-duties", "652325100-0004", name=repo_name(repo, "basic-duties", "652325100-0004").replace("落实党委议事规则", "落实党委议事决策规则"))
    fieldnames, rows = repo.rows("corrections")
    rows.append({"item_id": "652325100-0004", "field": "name", "extracted": "落实党委议事规则", "corrected": "落实党委议事决策规则",
                 "kind": "truncated", "status": "corrected", "evidence": "a test history: the word cut at a line wrap"})
    repo.write_rows("corrections", fieldnames, rows)
    fieldnames, rows = repo.rows("categories")
    for row in rows:
        if row["name"] == "民生服务":
            row["name_en"] = "Public services"
    repo.write_rows("categories", fieldnames, rows)


def edit_major(repo):
    """A constraint tightened: a program that accepted any name length may now see a rejection."""
    def tighten(schema):
        for field in schema["fields"]:
            if field["name"] == "name":
                field.setdefault("constraints", {})["maxLength"] = 500
    repo.edit_json("schemas/basic-duties.json", tighten)


def repo_name(repo, resource, item_id):
    return next(row["name"] for row in repo.rows(resource)[1] if row["id"] == item_id)


def build_history(root):
    repo = PackageRepo(root)
    repo.commit("Publish the July 2025 edition as 1.0.0")
    result = dutylist(repo, "changelog")
    assert result.exit_code == 0, result.output
    repo.commit("Changelog of 1.0.0")
    for edit, version in ((edit_minor, "1.1.0"), (edit_patch, "1.1.1"), (edit_major, "2.0.0")):
        edit(repo)
        output = release(repo, epoch=DATES[version]).output
        assert f"release {version}:" in output, output
        repo.commit(f"Release {version}")
    return repo


def assert_golden(name, text):
    """Compare with tests/golden/changelog/<name>; DUTYLIST_UPDATE_GOLDEN=1 rewrites the file first."""
    path = GOLDEN / name
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    assert path.exists(), f"missing golden file {path}; run the tests with DUTYLIST_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8"), (f"{name} differs from {path}; if the change is intended, "
                                                      f"regenerate with DUTYLIST_UPDATE_GOLDEN=1 and review the git diff")


def released_package(root):
    """The real package released as 1.0.0 with its changelog (two commits, untagged, as the real history began)."""
    repository = PackageRepo(root)
    repository.commit("Publish 1.0.0")
    assert dutylist(repository, "changelog").exit_code == 0
    repository.commit("Changelog of 1.0.0")
    return repository
