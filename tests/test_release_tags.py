"""Tagged releases on real git repositories: `dutylist release` commits and tags vX.Y.Z; `editions` and every
version lookup prefer the tag when it points to a commit declaring that version, warn when it does not, and
find the same commits in a clone without tags."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from diff_repo import GIT_ENV, PackageRepo
from release_history import dutylist, edit_minor, edit_patch, released_package

EPOCH = 1796515200  # 2026-12-06
IDENTITY = {key: value for key, value in GIT_ENV.items() if key.startswith("GIT_")}  # who commits, fixed dates, no user config


def run(repo, *args):
    """dutylist through the CLI with the test identity (the release commits and tags as that maintainer)."""
    from click.testing import CliRunner

    from dutylist.cli import cli

    return CliRunner().invoke(cli, [*args, "--repo", str(repo.root)], env={**IDENTITY, "SOURCE_DATE_EPOCH": str(EPOCH)},
                              catch_exceptions=False)


@pytest.fixture
def repo(tmp_path):
    """The real package released as 1.0.0 with its changelog, untagged (as the real history is)."""
    return released_package(tmp_path / "repo")


def tag_object(repo, tag):
    return repo.git("cat-file", "-t", tag)


def test_a_tag_name_is_built_only_from_a_version():
    from dutylist.core.history import existing_tag, tag_name

    assert tag_name("1.1.0") == "v1.1.0"
    assert existing_tag(None, "../x") is None and existing_tag(None, "1.1") is None  # refused before any lookup


@pytest.mark.slow
def test_release_commits_the_package_and_tags_the_commit(repo):
    edit_minor(repo)
    result = run(repo, "release")
    assert result.exit_code == 0, result.output
    head = repo.git("rev-parse", "HEAD")
    assert f'committed {head[:12]} "Release 1.1.0" and tagged it v1.1.0; publish both: git push origin HEAD v1.1.0' in result.output
    assert repo.git("status", "--porcelain") == ""  # everything the release wrote is in the commit
    assert repo.git("log", "-1", "--format=%s") == "Release 1.1.0"
    assert "- minor: items reclaimed: 1" in repo.git("log", "-1", "--format=%b")
    assert tag_object(repo, "v1.1.0") == "tag"  # annotated
    assert repo.git("rev-parse", "v1.1.0^{commit}") == head
    editions = json.loads(run(repo, "editions", "--format", "json").stdout)
    newest = editions["versions"][0]
    assert (newest["version"], newest["commit"], newest["tag"]) == ("1.1.0", head, "v1.1.0")
    assert editions["versions"][1]["tag"] is None and editions["tag_warnings"] == []
    assert run(repo, "changelog", "--check").exit_code == 0


@pytest.mark.slow
def test_no_commit_writes_the_files_and_leaves_the_commit_and_the_tag_to_the_maintainer(repo):
    edit_patch(repo)
    result = run(repo, "release", "--no-commit")
    assert result.exit_code == 0, result.output
    assert ('now review and commit it: git add datapackage.json data schemas changelog && git commit -m "Release 1.0.1" '
            '&& git tag -a v1.0.1 -m "Release 1.0.1"') in result.output
    assert repo.git("log", "-1", "--format=%s") == "Changelog of 1.0.0" and repo.git("tag") == ""
    assert repo.git("status", "--porcelain", "--", "datapackage.json") != ""
    dry = run(repo, "release", "--dry-run")
    assert "dry run: nothing written; would commit it and tag it v1.0.1" in dry.output
    plan = json.loads(run(repo, "release", "--dry-run", "--format", "json").stdout)
    assert (plan["tag"], plan["committed"]) == ("v1.0.1", None)


@pytest.mark.slow
def test_release_refuses_an_existing_tag_before_writing_anything(repo):
    edit_patch(repo)
    repo.git("tag", "-a", "v1.0.1", "-m", "made by hand")
    before = repo.git("status", "--porcelain")
    for extra in ([], ["--no-commit"]):
        result = run(repo, "release", *extra)
        assert result.exit_code == 2, result.output
        assert "tag v1.0.1 already exists" in result.output and "git tag -d v1.0.1" in result.output
    error = json.loads(run(repo, "release", "--format", "json").stdout)["error"]
    assert error["code"] == "tag-exists"
    assert repo.git("status", "--porcelain") == before


@pytest.mark.slow
def test_release_refuses_changes_outside_the_package_unless_no_commit(repo):
    edit_patch(repo)
    (repo.root / "notes.txt").write_text("kept out\n", encoding="utf-8")
    repo.git("add", "notes.txt")  # a staged file that does not belong in the release
    before = repo.git("status", "--porcelain")
    result = run(repo, "release")
    assert result.exit_code == 2
    assert "the working tree has changes outside the package (notes.txt)" in result.output
    assert "commit or stash them first, or release with --no-commit" in result.output
    assert json.loads(run(repo, "release", "--format", "json").stdout)["error"]["code"] == "tree-not-clean"
    assert repo.git("status", "--porcelain") == before and repo.git("tag") == ""
    (repo.root / "untracked.txt").write_text("never added\n", encoding="utf-8")
    repo.git("reset", "-q", "notes.txt")  # untracked files outside the package are left alone
    assert run(repo, "release").exit_code == 0
    assert "changelog/1.0.1.md" in repo.git("show", "--name-only", "--format=", "HEAD").split()
    assert "notes.txt" not in repo.git("show", "--name-only", "--format=", "HEAD").split()
    assert "?? notes.txt" in repo.git("status", "--porcelain") and "?? untracked.txt" in repo.git("status", "--porcelain")


@pytest.mark.slow
def test_a_tag_that_points_elsewhere_is_not_followed_and_editions_warns(repo):
    first = repo.git("rev-parse", "HEAD~1")  # declares 1.0.0 but has no changelog
    release_commit = repo.git("rev-parse", "HEAD")
    edit_patch(repo)
    assert run(repo, "release").exit_code == 0
    repo.git("tag", "-a", "-f", "v1.0.1", "-m", "wrong", first)  # moved to a commit that declares 1.0.0
    result = run(repo, "editions")
    assert f"warning: tag v1.0.1 points to commit {first[:12]}, which declares version 1.0.0: version 1.0.1 is read " \
           f"from commit {repo.git('rev-parse', 'HEAD')[:12]} instead" in result.output
    assert run(repo, "diff", "1.0.1", "--format", "json").exit_code == 0
    versions = json.loads(run(repo, "editions", "--format", "json").stdout)["versions"]
    assert [entry["commit"] for entry in versions] == [repo.git("rev-parse", "HEAD"), release_commit]
    # a tag on the commit that declared 1.0.0 before its changelog: followed, since that commit declares 1.0.0
    repo.git("tag", "-a", "v1.0.0", "-m", "by hand", first)
    versions = json.loads(run(repo, "editions", "--format", "json").stdout)["versions"]
    assert (versions[1]["commit"], versions[1]["tag"]) == (first, "v1.0.0")


@pytest.mark.slow
def test_a_clone_without_tags_finds_the_same_release_commits(repo, tmp_path):
    edit_minor(repo)
    assert run(repo, "release").exit_code == 0
    edit_patch(repo)
    plan = json.loads(run(repo, "release", "--format", "json").stdout)
    assert (plan["version"], plan["tag"], plan["committed"]) == ("1.1.1", "v1.1.1", repo.git("rev-parse", "HEAD"))
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--no-tags", str(repo.root), str(clone)], check=True, capture_output=True,
                   env={**os.environ, **IDENTITY})
    cloned = PackageRepo.__new__(PackageRepo)
    cloned.root = clone
    assert cloned.git("tag") == ""
    tagged = json.loads(run(repo, "editions", "--format", "json").stdout)["versions"]
    untagged = json.loads(run(cloned, "editions", "--format", "json").stdout)["versions"]
    assert [(entry["version"], entry["commit"]) for entry in untagged] == [(entry["version"], entry["commit"]) for entry in tagged]
    assert [entry["tag"] for entry in tagged] == ["v1.1.1", "v1.1.0", None] and {entry["tag"] for entry in untagged} == {None}
    assert run(cloned, "changelog", "--check").exit_code == 0


README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
PIN = re.findall(r"```shell\n(.*?)```", README.split("### Pin a version", 1)[1].split("\n### ", 1)[0], flags=re.S)


def test_the_readme_pins_by_tag():
    (block,) = PIN
    assert "@v1.1.0" in block and "--branch v1.1.0" in block and "checkout -q v1.1.0" in block and "/v1.1.0/" in block


@pytest.mark.slow
def test_the_readmes_git_lines_pin_a_released_tag(repo, tmp_path):
    edit_minor(repo)
    assert run(repo, "release").exit_code == 0
    tagged = repo.git("rev-parse", "v1.1.0^{commit}")
    edit_patch(repo)
    assert run(repo, "release").exit_code == 0  # a newer version: the pins must not follow it
    (block,) = PIN
    lines = [line.split("  #")[0].strip() for line in block.splitlines() if line.startswith("git ")]
    assert len(lines) == 2
    downstream = tmp_path / "downstream"
    downstream.mkdir()
    env = {**os.environ, **IDENTITY, "REPO": repo.root.as_uri(),  # submodules may use file:// only when allowed
           "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "protocol.file.allow", "GIT_CONFIG_VALUE_0": "always"}
    subprocess.run(["git", "init", "-q"], cwd=downstream, check=True, env=env)
    for line in lines:
        result = subprocess.run(["bash", "-c", line], cwd=downstream, capture_output=True, text=True, env=env)
        assert result.returncode == 0, (line, result.stderr)
    for checkout in (downstream / "qitai-duties", downstream / "vendor" / "qitai-duties"):
        assert json.loads((checkout / "datapackage.json").read_text(encoding="utf-8"))["version"] == "1.1.0"
        assert subprocess.run(["git", "rev-parse", "HEAD"], cwd=checkout, capture_output=True, text=True, env=env).stdout.strip() == tagged


RELEASES = (Path(__file__).resolve().parent.parent / "docs" / "releases.md").read_text(encoding="utf-8")
TAG_EXISTING = re.search(r"runs it, all but the push, in a temporary repository\):\n\n```shell\n(.*?)```", RELEASES, flags=re.S)


@pytest.mark.slow
def test_the_documented_loop_tags_the_versions_released_before_tags(repo, tmp_path):
    edit_minor(repo)
    assert run(repo, "release", "--no-commit").exit_code == 0
    repo.commit("Release 1.1.0 without a tag, as before")
    script = "\n".join(line for line in TAG_EXISTING.group(1).splitlines() if not line.startswith("git push"))
    bin_folder = Path(sys.executable).parent  # dutylist and python3 as a reader's shell finds them
    env = {**os.environ, **IDENTITY, "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["bash", "-c", script], cwd=repo.root, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    versions = json.loads(run(repo, "editions", "--format", "json").stdout)
    assert [(entry["version"], entry["tag"]) for entry in versions["versions"]] == [("1.1.0", "v1.1.0"), ("1.0.0", "v1.0.0")]
    assert versions["tag_warnings"] == [] and tag_object(repo, "v1.0.0") == "tag"
    assert repo.git("rev-parse", "v1.0.0^{commit}") == repo.git("rev-parse", "HEAD~1")  # the commit with changelog/1.0.0.md
