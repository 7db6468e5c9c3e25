"""dutylist changelog on a real history of releases: golden files, determinism, release notes, and --check."""

import json
import shutil
import subprocess

import jsonschema
import pytest
from click.testing import CliRunner

from diff_repo import ROOT, PackageRepo
from dutylist.cli import cli
from release_history import assert_golden, build_history, dutylist, release

SCHEMA = json.loads((ROOT / "schemas" / "diff.json").read_text(encoding="utf-8"))
VERSIONS = ("1.0.0", "1.1.0", "1.1.1", "2.0.0")


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    return build_history(tmp_path_factory.mktemp("history") / "repo")


@pytest.fixture
def repo(history, tmp_path):
    """A clone of the history, free to edit."""
    subprocess.run(["git", "clone", "-q", str(history.root), str(tmp_path / "clone")], check=True)
    clone = PackageRepo.__new__(PackageRepo)
    clone.root = tmp_path / "clone"
    return clone


def changelog(repo, name):
    return (repo.root / "changelog" / name).read_text(encoding="utf-8")


def check(repo):
    result = dutylist(repo, "changelog", "--check", "--format", "json")
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.slow
def test_the_changelog_made_by_the_releases_is_as_in_the_golden_files(history):
    assert_golden("CHANGELOG.md", changelog(history, "CHANGELOG.md"))
    for version in VERSIONS:
        assert_golden(f"{version}.md", changelog(history, f"{version}.md"))
        document = json.loads(changelog(history, f"{version}.json"))
        jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)
        if version != "1.0.0":  # the first is every item of the real package: checked below, not kept as a golden file
            assert_golden(f"{version}.json", changelog(history, f"{version}.json"))
    first = json.loads(changelog(history, "1.0.0.json"))
    assert first["from"]["label"] == "empty edition" and first["summary"]["added"] == 179 and first["notes"]


@pytest.mark.slow
def test_each_version_is_the_diff_against_the_one_before(history):
    for old, new in zip(VERSIONS, VERSIONS[1:]):
        result = dutylist(history, "diff", old, new, "--format", "json")
        document = json.loads(result.stdout)
        generated = json.loads(changelog(history, f"{new}.json"))
        for side in ("from", "to"):  # the changelog names versions, never commits
            assert generated[side] == {**document[side], "label": f"version {document[side]['version']}", "revision": None}
        assert {key: value for key, value in generated.items() if key not in ("from", "to")} == \
               {key: value for key, value in document.items() if key not in ("from", "to")}
    bumps = {version: json.loads(changelog(history, f"{version}.json"))["summary"]["bump"] for version in VERSIONS[1:]}
    assert bumps == {"1.1.0": "minor", "1.1.1": "patch", "2.0.0": "major"}


@pytest.mark.slow
def test_the_report_reads_in_the_order_reviewers_check(history):
    report = changelog(history, "1.1.0.md")
    headings = [line for line in report.splitlines() if line.startswith("## ") or line.startswith("<summary>")]
    order = [heading.removeprefix("<summary><strong>").split(" (")[0].split("</")[0] for heading in headings]
    assert order[:5] == ["## 摘要 Summary", "上级部门收回 Reclaimed", "新增 Added", "调整清单 Moved", "修改 Changed"]
    assert order[-1] == "按部门 By department"  # each section after the summary folded in <details>, as in a pull-request comment
    assert "### 奇台县住房和城乡建设局 (1)\n\n- 上级部门收回 reclaimed: `652325100-0125`" in report


@pytest.mark.slow
def test_regenerating_an_unchanged_history_changes_no_byte(repo):
    before = {path.name: path.read_bytes() for path in (repo.root / "changelog").iterdir()}
    (repo.root / "NOTES.txt").write_text("an unrelated commit\n", encoding="utf-8")
    repo.commit("An unrelated commit")
    result = dutylist(repo, "changelog")
    assert result.exit_code == 0 and "changelog/ is up to date" in result.output, result.output
    assert {path.name: path.read_bytes() for path in (repo.root / "changelog").iterdir()} == before
    assert check(repo) == (0, {"ok": True, "versions": list(reversed(VERSIONS)), "problems": []})


@pytest.mark.slow
def test_release_notes_written_by_hand_are_kept(repo):
    index = repo.root / "changelog" / "CHANGELOG.md"
    notes = "The county reclaimed urban health checks (城市体检).\n\nSee the county notice.\n"
    marker = "<!-- end of release notes 1.1.0 -->"
    index.write_text(index.read_text(encoding="utf-8").replace(marker, notes + marker), encoding="utf-8")
    edited = index.read_text(encoding="utf-8")
    assert check(repo)[0] == 0
    (repo.root / "changelog" / "1.1.0.md").unlink()
    assert dutylist(repo, "changelog").exit_code == 0
    assert index.read_text(encoding="utf-8") == edited
    edit_minor_again(repo)
    release(repo, epoch=1806537600)
    assert notes + marker in index.read_text(encoding="utf-8")
    index.write_bytes(index.read_bytes().replace(b"\n", b"\r\n"))  # an editor (or git's autocrlf) that writes CRLF
    assert check(repo)[0] == 0  # line endings are not a difference
    (repo.root / "changelog" / "2.1.0.md").unlink()
    assert dutylist(repo, "changelog").exit_code == 0 and notes + marker in index.read_text(encoding="utf-8")


def edit_minor_again(repo):
    repo.append("basic-duties", id="652325100-0181", category="民生服务", name="开展防范非法集资宣传教育", page="10")


@pytest.mark.slow
def test_check_names_a_hand_edited_report(repo):
    report = repo.root / "changelog" / "1.1.0.md"
    report.write_text(report.read_text(encoding="utf-8").replace("新增 Added", "新增 Added by hand", 1), encoding="utf-8")
    code, document = check(repo)
    assert code == 1 and [(p["code"], p["file"]) for p in document["problems"]] == [("stale", "changelog/1.1.0.md")]
    result = dutylist(repo, "changelog", "--check")
    assert "changelog/1.1.0.md does not match the history" in result.output and result.exit_code == 1


@pytest.mark.slow
def test_check_names_a_missing_version(repo):
    (repo.root / "changelog" / "1.1.1.md").unlink()
    (repo.root / "changelog" / "1.1.1.json").unlink()
    index = repo.root / "changelog" / "CHANGELOG.md"
    text = index.read_text(encoding="utf-8")
    start, end = text.index("## 1.1.1 · "), text.index("## 1.1.0 · ")
    index.write_text(text[:start] + text[end:], encoding="utf-8")
    code, document = check(repo)
    assert code == 1
    assert [(p["code"], p["file"]) for p in document["problems"]] == [
        ("missing", "changelog/1.1.1.json"), ("missing", "changelog/1.1.1.md"), ("section-missing", "changelog/CHANGELOG.md")]
    assert "no section for version 1.1.1" in document["problems"][2]["message"]


@pytest.mark.slow
def test_check_names_a_stale_section_and_a_version_that_does_not_exist(repo):
    index = repo.root / "changelog" / "CHANGELOG.md"
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace("**版本 Bump: minor**", "**版本 Bump: patch**"), encoding="utf-8")
    shutil.copy(repo.root / "changelog" / "1.1.0.md", repo.root / "changelog" / "1.2.0.md")
    code, document = check(repo)
    assert code == 1
    assert [(p["code"], p["file"]) for p in document["problems"]] == [
        ("section-stale", "changelog/CHANGELOG.md"), ("not-a-version", "changelog/1.2.0.md")]
    assert "the section of version 1.1.0 does not match" in document["problems"][0]["message"]


@pytest.mark.slow
def test_a_change_committed_without_a_release_is_named_and_released_by_the_command(repo):
    released = {path.name: path.read_bytes() for path in (repo.root / "changelog").iterdir()}
    edit_minor_again(repo)
    repo.commit("A new item, committed without a release")
    result = dutylist(repo, "changelog", "--check")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == ("the package changed since version 2.0.0; run `dutylist release` (main is always a "
                                             "released version; `dutylist diff 2.0.0` shows the change)")
    assert dutylist(repo, "changelog").output.endswith("note: " + result.output.splitlines()[0] + "\n")
    assert {path.name: path.read_bytes() for path in (repo.root / "changelog").iterdir()} == released  # 2.0.0 did not change
    output = release(repo, epoch=1806537600).output
    assert "release 2.1.0: a minor release after 2.0.0" in output and "items added: 1" in output
    repo.commit("Release 2.1.0")
    assert check(repo)[0] == 0
    assert json.loads(changelog(repo, "2.1.0.json"))["items"][0]["id"] == "652325100-0181"


def test_check_outside_a_git_repository_exits_2(package_copy):
    result = CliRunner().invoke(cli, ["changelog", "--check", "--repo", str(package_copy)])
    assert result.exit_code == 2 and "not a git repository" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_an_unreadable_changelog_is_named_and_never_overwritten(repo):
    index = repo.root / "changelog" / "CHANGELOG.md"
    index.write_bytes(index.read_text(encoding="utf-8").encode("utf-16"))
    before = index.read_bytes()
    code, document = check(repo)
    assert code == 1 and [(p["code"], p["file"]) for p in document["problems"]] == [("unreadable", "changelog/CHANGELOG.md")]
    result = dutylist(repo, "changelog")
    assert result.exit_code == 2 and "changelog/CHANGELOG.md cannot be read" in result.output and "Traceback" not in result.output
    assert index.read_bytes() == before


@pytest.mark.slow
def test_a_tag_names_the_commit_of_its_version(repo):
    edit_minor_again(repo)
    repo.commit("A new item, committed without a release")
    assert [p["code"] for p in check(repo)[1]["problems"]] == ["unreleased-change"]
    repo.git("tag", "v2.0.0")  # the maintainer declares that this commit is 2.0.0
    code, document = check(repo)
    assert code == 1 and [(p["code"], p["file"]) for p in document["problems"]] == [
        ("stale", "changelog/2.0.0.json"), ("stale", "changelog/2.0.0.md"), ("section-stale", "changelog/CHANGELOG.md")]
    editions = json.loads(dutylist(repo, "editions", "--format", "json").stdout)["versions"]
    assert editions[0]["version"] == "2.0.0" and editions[0]["commit"] == repo.git("rev-parse", "HEAD")
