"""dutylist release and dutylist editions on real git repositories: bumps, refusals, dry runs, atomic writes."""

import re
import json
import os

import pytest

from diff_repo import PackageRepo
from release_history import build_history, dutylist, edit_minor, edit_patch, release, released_package

EPOCH = 1796515200  # 2026-12-06


@pytest.fixture
def repo(tmp_path):
    """The real package released as 1.0.0, with its changelog."""
    return released_package(tmp_path / "repo")


def snapshot(repo):
    """Every file of the working tree (outside .git) with its bytes."""
    return {path.relative_to(repo.root).as_posix(): path.read_bytes()
            for path in sorted(repo.root.rglob("*")) if path.is_file() and ".git" not in path.relative_to(repo.root).parts}


@pytest.mark.slow
def test_auto_takes_the_bump_the_changes_call_for_and_sets_version_and_created(repo):
    edit_minor(repo)
    result = release(repo, epoch=EPOCH)
    descriptor = json.loads((repo.root / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["version"] == "1.1.0" and descriptor["created"] == "2026-12-06T00:00:00Z"
    assert result.output.splitlines()[:2] == ["release 1.1.0: a minor release after 1.0.0, because:", "  - minor: items reclaimed: 1"]
    assert re.search(r"valid against version 1\.0\.0 \(0 errors, \d+ warnings\)", result.output), result.output
    assert 'now review and commit it: git add datapackage.json data schemas changelog && git commit -m "Release 1.1.0"' in result.output
    assert (repo.root / "changelog" / "1.1.0.md").is_file() and "## 1.1.0 · edition 2025-07 · 2026-12-06" in \
        (repo.root / "changelog" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert repo.git("status", "--porcelain", "--", "changelog/1.0.0.md") == ""  # only what changed is written
    repo.commit("Release 1.1.0")
    assert dutylist(repo, "changelog", "--check").exit_code == 0


@pytest.mark.slow
def test_a_bump_smaller_than_the_changes_call_for_is_refused_with_the_reasons(repo):
    edit_minor(repo)
    before = snapshot(repo)
    result = dutylist(repo, "release", "patch", epoch=EPOCH)
    assert result.exit_code == 2
    assert "a patch release is too small: the changes since version 1.0.0 call for minor, because:" in result.output
    assert "  - minor: items added: 1" in result.output and "patch: items changed" not in result.output
    assert "run `dutylist release minor` (or `auto`)" in result.output
    assert snapshot(repo) == before


@pytest.mark.slow
def test_a_larger_bump_than_needed_is_the_maintainers_choice(repo):
    edit_patch(repo)
    result = release(repo, "major", epoch=EPOCH)
    assert result.output.startswith("release 2.0.0: a major release after 1.0.0 (the changes call for patch), because:")
    assert json.loads((repo.root / "datapackage.json").read_text(encoding="utf-8"))["version"] == "2.0.0"


@pytest.mark.slow
def test_dry_run_shows_what_it_would_do_and_writes_nothing(repo):
    edit_patch(repo)
    before = snapshot(repo)
    result = dutylist(repo, "release", "--dry-run", epoch=EPOCH)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("release 1.0.1: a patch release after 1.0.0, because:")
    assert "would write:\n  datapackage.json (version 1.0.1, created 2026-12-06T00:00:00Z)\n  changelog/1.0.1.json\n" \
           "  changelog/1.0.1.md\n  changelog/CHANGELOG.md\ndry run: nothing written" in result.output
    assert snapshot(repo) == before
    plan = json.loads(dutylist(repo, "release", "--dry-run", "--format", "json", epoch=EPOCH).stdout)
    assert plan["version"] == "1.0.1" and plan["bump"] == plan["required"] == "patch"
    assert snapshot(repo) == before


@pytest.mark.slow
def test_nothing_changed_since_the_last_version_is_refused(repo):
    (repo.root / "README.md").write_text("not part of the package\n", encoding="utf-8")
    result = dutylist(repo, "release")
    assert result.exit_code == 2
    assert "nothing changed since version 1.0.0" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_an_invalid_edition_is_refused(repo):
    repo.update("basic-duties", "652325100-0001", category="不存在的类别")
    before = snapshot(repo)
    result = dutylist(repo, "release")
    assert result.exit_code == 2
    assert "version 1.0.1 would not be valid (1 error(s))" in result.output
    assert "data/basic-duties.csv:2:category  unknown-category" in result.output
    assert snapshot(repo) == before


@pytest.mark.slow
def test_a_reused_id_is_refused_by_the_check_against_the_previous_version(repo):
    repo.update("basic-duties", "652325100-0002", name="开展老年人防范电信网络诈骗宣传教育")
    result = dutylist(repo, "release")
    assert result.exit_code == 2 and "id-reused" in result.output


@pytest.mark.slow
def test_an_interrupted_release_leaves_every_file_as_it_was(repo, monkeypatch):
    edit_minor(repo)
    before = snapshot(repo)
    real_replace, calls = os.replace, []

    def replace_failing_on_the_second_file(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace_failing_on_the_second_file)
    result = dutylist(repo, "release", epoch=EPOCH)
    monkeypatch.undo()
    assert len(calls) == 2  # the descriptor was already replaced when the second file failed
    assert result.exit_code == 2 and "No space left on device" in result.output and "nothing was changed" in result.output
    assert snapshot(repo) == before  # the descriptor is back and no temporary file is left


@pytest.mark.slow
def test_an_unwritable_target_leaves_every_file_as_it_was(repo):
    edit_minor(repo)
    before = snapshot(repo)
    (repo.root / "changelog" / "1.1.0.md").mkdir()  # a folder where the report goes: its rename fails, after two others
    result = dutylist(repo, "release", epoch=EPOCH)
    assert result.exit_code == 2 and "could not write the release" in result.output and "nothing was changed" in result.output
    assert snapshot(repo) == before


def test_release_needs_an_earlier_version_and_a_git_repository(tmp_path, package_copy):
    result = dutylist(PackageRepo(tmp_path / "empty", package=True), "release")
    assert result.exit_code == 2 and "no earlier version in the history of HEAD" in result.output
    from click.testing import CliRunner
    from dutylist.cli import cli

    result = CliRunner().invoke(cli, ["release", "--repo", str(package_copy)])
    assert result.exit_code == 2 and "not a git repository" in result.output


@pytest.mark.slow
def test_editions_lists_every_version_with_counts_and_validity(tmp_path):
    repo = build_history(tmp_path / "history")
    repo.update("basic-duties", "652325100-0001", category="不存在的类别")
    repo.set_version("2.0.1")
    repo.commit("An invalid version committed by hand")
    document = json.loads(dutylist(repo, "editions", "--format", "json").stdout)
    rows = [(entry["version"], entry["date"], entry["counts"], entry["valid"]) for entry in document["versions"]]
    assert rows == [
        ("2.0.1", "2027-03-01", {"basic": 85, "coordinated": 68, "reclaimed": 27}, False),
        ("2.0.0", "2027-03-01", {"basic": 85, "coordinated": 68, "reclaimed": 27}, True),
        ("1.1.1", "2027-01-15", {"basic": 85, "coordinated": 68, "reclaimed": 27}, True),
        ("1.1.0", "2026-12-06", {"basic": 85, "coordinated": 68, "reclaimed": 27}, True),
        ("1.0.0", "2026-11-29", {"basic": 85, "coordinated": 68, "reclaimed": 26}, True),
    ]
    assert document["versions"][0]["commit"] == repo.git("rev-parse", "HEAD")
    assert "unknown-category" in document["versions"][0]["first_error"]
    text = dutylist(repo, "editions").output
    assert text.splitlines()[-1].startswith("5 version(s); not valid under this version of dutylist's checks: 2.0.1 ")
    assert dutylist(repo, "diff", "1.1.0", "1.1.1", "--format", "json").exit_code == 0
