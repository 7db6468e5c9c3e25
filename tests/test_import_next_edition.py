"""Importing the next edition: every row linked to its id, reviewable before anything is written.

The next edition is made inside the tests from the real extracted text (tests/next_edition.py), in real
git repositories holding a copy of the package and its sources (tests/diff_repo.py ``PackageRepo``).
"""

import hashlib
import json
import os
import shutil

import pytest
from click.testing import CliRunner

from dutylist.cli import cli
from dutylist.core.package import csv_text, read_csv_text

from conftest import ROOT
from diff_repo import PackageRepo
from next_edition import ADDED_NAME, SOURCE, next_edition_text
from pdf_edition import lists_of_text, render

GOLDEN = ROOT / "tests" / "golden" / "import"
UPDATE_GOLDEN = os.environ.get("DUTYLIST_UPDATE_GOLDEN") == "1"
EDITION = "2026-01"
LINKS = f"sources/{EDITION}.links.csv"
KEPT_SOURCE = f"sources/qitai-town-duty-list-{EDITION}.extracted.txt"


def dutylist(repo, *args):
    result = CliRunner().invoke(cli, [*args, "--repo", str(repo.root if isinstance(repo, PackageRepo) else repo)])
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def repo(tmp_path):
    """A git repository holding the package at 2025-07 (one commit) and, outside the package, the next edition's text."""
    repo = PackageRepo(tmp_path / "repo")
    shutil.copytree(ROOT / "sources", repo.root / "sources")
    repo.commit("edition 2025-07", tag="v1.0.0")
    repo.next_source = tmp_path / "NEXT.txt"
    repo.next_source.write_text(next_edition_text(), encoding="utf-8")
    return repo


def current_names():
    return {row["id"]: row["name"] for resource in ("basic-duties", "coordinated-duties", "reclaimed-duties")
            for row in read_csv_text((ROOT / "data" / f"{resource}.csv").read_text(encoding="utf-8"))}


def links_by_id(repo):
    return {row["id"]: row for row in read_csv_text((repo.root / LINKS).read_text(encoding="utf-8"))}


def snapshot(root):
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file() and ".git" not in path.parts}


def assert_golden(name, text):
    path = GOLDEN / name
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    assert path.exists(), f"missing golden file {path}; run the tests with DUTYLIST_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8"), f"output differs from {path}; if intended, regenerate with DUTYLIST_UPDATE_GOLDEN=1 and review the git diff"


@pytest.mark.slow
def test_a_dry_run_links_every_row_reports_what_would_happen_and_writes_nothing(repo):
    before = snapshot(repo.root)
    result = dutylist(repo, "import-source", str(repo.next_source), "--edition", EDITION, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert snapshot(repo.root) == before
    assert report["written"] == []
    assert report["rows"] == {"basic": 86, "coordinated": 67, "reclaimed": 26}
    assert report["links"]["counts"] == {"exact": 177, "likely": 1, "review": 0, "new": 1, "manual": 0, "retired": 1}
    [likely] = report["links"]["likely"]
    assert (likely["id"], likely["list"], likely["seq"], likely["previous_list"], likely["previous_seq"]) == (
        "652325100-0013", "basic", 13, "basic", 13)
    names = current_names()
    assert likely["previous_name"] == names["652325100-0013"] and "构建工作" in likely["previous_name"]
    assert likely["name"] == names["652325100-0013"].replace("构建工作", "建设工作")
    assert 0.9 < likely["score"] < 1
    assert report["links"]["new"] == [{"id": "652325100-0180", "list": "basic", "seq": 86, "name": ADDED_NAME, "resembles": []}]
    assert report["links"]["retired"] == [{"id": "652325100-0022", "list": "basic", "seq": 22, "name": names["652325100-0022"]}]
    dropped = {(problem["item_id"], problem["code"]) for problem in report["corrections"]["dropped"]}
    assert dropped == {("652325100-0012", "correction-text-not-found"), ("652325100-0022", "correction-item-retired")}
    assert [(a["item_id"], a["field"], a["code"], a["text"]) for a in report["new_anomalies"]] == [
        ("652325100-0107", "county_duties", "glued-latin-or-digit", "T年")]
    assert report["would_write"] == [KEPT_SOURCE, LINKS, "data/corrections.csv", "data/basic-duties.csv",
                                     "data/coordinated-duties.csv", "data/reclaimed-duties.csv", "datapackage.json"]


@pytest.mark.slow
def test_the_text_report_starts_with_a_screen_that_says_what_happens(repo):
    result = dutylist(repo, "import-source", str(repo.next_source), "--edition", EDITION)
    assert result.exit_code == 0, result.output
    text = result.output.replace(str(repo.next_source), "NEXT.txt")
    first_screen = text.split("\n\n")[0].splitlines()
    assert len(first_screen) <= 24 and all(len(line) <= 320 for line in first_screen)
    assert first_screen[1].startswith("nothing written (a dry run); --write would write 7 file(s)")
    assert_golden("next-edition.txt", text)


@pytest.mark.slow
def test_write_brings_the_edition_in_and_diff_reports_exactly_its_changes(repo):
    result = dutylist(repo, "import-source", str(repo.next_source), "--edition", EDITION, "--write")
    assert result.exit_code == 0, result.output
    descriptor = json.loads((repo.root / "datapackage.json").read_text(encoding="utf-8"))
    assert (descriptor["edition"], descriptor["version"]) == (EDITION, "1.0.0")
    kept = (repo.root / KEPT_SOURCE).read_bytes()
    assert kept == repo.next_source.read_bytes()
    assert descriptor["sources"][0]["path"] == KEPT_SOURCE and descriptor["sources"][0]["edition"] == EDITION
    assert descriptor["sources"][0]["sha256"] == hashlib.sha256(kept).hexdigest()
    assert descriptor["sources"][1]["path"] == "sources/qitai-town-duty-list-2025-07.extracted.txt"
    assert not [path for path in repo.root.rglob(".*.tmp")]

    links = links_by_id(repo)
    def place(item_id):
        row = links[item_id]
        return row["list"], row["seq"], row["how"], row["previous_list"], row["previous_seq"]
    assert place("652325100-0040") == ("reclaimed", "26", "exact", "basic", "40")  # reclaimed
    assert place("652325100-0154") == ("basic", "84", "exact", "reclaimed", "1")  # returned
    assert place("652325100-0106") == ("basic", "85", "exact", "coordinated", "21")  # moved
    assert place("652325100-0180") == ("basic", "86", "new", "", "")  # added
    assert "652325100-0022" not in links  # removed
    assert place("652325100-0013")[:4] == ("basic", "13", "likely", "basic")  # reworded
    assert place("652325100-0107") == ("coordinated", "21", "exact", "coordinated", "22")  # new damage
    assert place("652325100-0012") == ("basic", "12", "exact", "basic", "12")  # clean this time
    assert place("652325100-0179") == ("reclaimed", "25", "exact", "reclaimed", "26")  # renumbered
    assert len(links) == 179

    again = dutylist(repo, "import-source")
    assert again.exit_code == 0, again.output
    assert "data/ is exactly the source with the rules, corrections and amendments applied" in again.output

    report = json.loads(dutylist(repo, "diff", "HEAD", "--format", "json").output)
    kinds = {}
    for item in report["items"]:
        kinds.setdefault(item["change"], set()).add(item["id"])
    assert kinds == {
        "reclaimed": {"652325100-0040"}, "returned": {"652325100-0154"}, "moved": {"652325100-0106"},
        "added": {"652325100-0180"}, "removed": {"652325100-0022"},
        "changed": {"652325100-0013", "652325100-0107", "652325100-0009"},
    }
    changed = {item["id"]: [field["field"] for field in item["fields"]] for item in report["items"] if item["change"] == "changed"}
    assert changed == {"652325100-0013": ["name"], "652325100-0107": ["county_duties"], "652325100-0009": ["page"]}
    page = next(item for item in report["items"] if item["id"] == "652325100-0009")["fields"][0]
    assert (page["old"], page["new"]) == (2, 1)
    assert report["renumbered"]["count"] > 100
    assert {record["item_id"] for record in report["corrections"]["removed"]} == {"652325100-0012", "652325100-0022"}
    assert report["summary"]["bump"] == "minor"


@pytest.mark.slow
def test_a_manual_override_in_the_links_file_is_honoured(repo):
    assert dutylist(repo, "import-source", str(repo.next_source), "--edition", EDITION, "--write").exit_code == 0
    rows = read_csv_text((repo.root / LINKS).read_text(encoding="utf-8"))
    for row in rows:
        if row["id"] == "652325100-0013":  # not the same duty after all: force a new id
            row.update(id="", how="new", score="")
        elif row["id"] == "652325100-0180":  # the added duty is the removed one, says the maintainer
            row.update(id="652325100-0022", how="manual")
    (repo.root / LINKS).write_text(csv_text(list(rows[0]), rows), encoding="utf-8")

    check = dutylist(repo, "import-source")
    assert check.exit_code == 1
    assert "differs-from-source  652325100-0181" in check.output
    assert "基本履职事项清单 13 → 652325100-0181" in check.output.split("new ids (1):")[1]
    written = dutylist(repo, "import-source", "--write")
    assert written.exit_code == 0, written.output
    basic = {row["seq"]: row["id"] for row in read_csv_text((repo.root / "data" / "basic-duties.csv").read_text(encoding="utf-8"))}
    assert (basic["13"], basic["86"]) == ("652325100-0181", "652325100-0022")
    links = links_by_id(repo)
    assert (links["652325100-0181"]["how"], links["652325100-0022"]["how"]) == ("new", "manual")
    assert dutylist(repo, "import-source").exit_code == 0


@pytest.mark.slow
def test_a_retired_id_is_never_issued_again(repo):
    repo.append("basic-duties", id="652325100-0180", category="党的建设", name="一项后来删除的事项", page="10")
    repo.commit("an item added by hand")
    repo.take("basic-duties", "652325100-0180")
    repo.commit("and removed again")
    result = dutylist(repo, "import-source", str(repo.next_source), "--edition", EDITION, "--format", "json")
    assert result.exit_code == 0, result.output
    assert [link["id"] for link in json.loads(result.output)["links"]["new"]] == ["652325100-0181"]


def replace_line(text, number, new):
    lines = text.split("\n")
    lines[number - 1] = new
    return "\n".join(lines)


def delete_line(text, number):
    lines = text.split("\n")
    del lines[number - 1]
    return "\n".join(lines)


REAL = SOURCE.read_text(encoding="utf-8")
BAD_SOURCES = {
    "empty": ("", "1  empty-source"),
    "binary": ("%PDF-1.7\n\x00\x01\x02stream", "2  binary-source"),
    "not-this-layout": ("id,seq,name\n1,1,某事项\n", "1  not-this-layout"),
    "list-missing": (REAL.split("昌吉州奇台县奇台镇上级部门收回事项清单")[0], "118  list-missing"),
    "duplicate-seq": (replace_line(REAL, 18, REAL.split("\n")[17].replace("5", "4", 1)), "18  duplicate-seq"),
    "missing-seq": (delete_line(REAL, 18), "18  missing-seq"),
    "wrong-cell-count": (replace_line(REAL, 247, "1\t民生服务\t对违规领取高龄津贴的追缴"), "247  wrong-cell-count"),
    "other-town": (REAL.replace("昌吉州奇台县奇台镇配合履职事项清单", "昌吉州奇台县西地镇配合履职事项清单"), "118  other-town"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BAD_SOURCES))
def test_a_bad_source_is_refused_naming_the_line_and_nothing_is_written(package_copy, tmp_path, name):
    text, expected = BAD_SOURCES[name]
    bad = tmp_path / f"{name}.txt"
    bad.write_text(text, encoding="utf-8")
    before = snapshot(package_copy)
    result = dutylist(package_copy, "import-source", str(bad), "--edition", EDITION, "--write")
    assert result.exit_code == 2, result.output
    assert f"{name}.txt:{expected}" in result.output
    assert "nothing was written" in result.output
    assert snapshot(package_copy) == before


@pytest.mark.parametrize("args, message", [
    (["--edition", "2026-13"], "edition '2026-13': give the edition as --edition YYYY-MM"),
    (["--edition", "2024-12"], "edition 2024-12 is older than the package's edition 2025-07"),
])
def test_an_edition_that_cannot_be_imported_is_refused(package_copy, args, message):
    result = dutylist(package_copy, "import-source", str(SOURCE), *args)
    assert result.exit_code == 2
    assert message in result.output


def test_a_new_edition_needs_its_text(package_copy):
    result = dutylist(package_copy, "import-source", "--edition", EDITION)
    assert result.exit_code == 2
    assert f"give the extracted text of edition {EDITION} as PATH" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("old, new, message", [
    ("basic,2,652325100-0002,new", "basic,2,652325100-0001,new", "3:id  652325100-0001 is already the id of basic 1"),
    ("basic,2,652325100-0002,new", "basic,2,652325100-0002,guessed", "3:how  'guessed' is not one of exact, likely, review, new, manual"),
    ("basic,2,652325100-0002,new", "basic,2,,manual", "3:id  no id: write one (how: manual)"),
    ("basic,2,652325100-0002,new", "basic,2,652325100-02,manual", "3:id  '652325100-02' is not an id of this package"),
    ("basic,2,652325100-0002,new,", "basic,2,652325100-0002,likely,1.5", "3:score  '1.5' is not a similarity from 0 to 1"),
    ("basic,2,652325100-0002,new", "basic,1,652325100-0002,new", "3:seq  basic 1 is linked twice"),
    ("basic,2,652325100-0002,new", "basic,99,652325100-0002,new", "links basic 99, which is not a row of the source"),
])
def test_a_links_file_that_cannot_be_honoured_is_refused_naming_its_row(package_copy, old, new, message):
    links = package_copy / "sources" / "2025-07.links.csv"
    text = links.read_text(encoding="utf-8")
    assert old in text
    links.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = snapshot(package_copy)
    result = dutylist(package_copy, "import-source", "--write")
    assert result.exit_code == 2
    assert "sources/2025-07.links.csv" in result.output and message in result.output
    assert snapshot(package_copy) == before


@pytest.mark.slow
def test_the_new_source_is_kept_byte_for_byte_even_with_windows_line_endings(repo):
    data = next_edition_text().replace("\n", "\r\n").encode("utf-8")
    repo.next_source.write_bytes(data)
    result = dutylist(repo, "import-source", str(repo.next_source), "--edition", EDITION, "--write")
    assert result.exit_code == 0, result.output
    assert (repo.root / KEPT_SOURCE).read_bytes() == data
    assert dutylist(repo, "import-source").exit_code == 0


def readme_steps():
    readme = (ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    section = readme.split("## When a new edition is published", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


@pytest.mark.slow
def test_the_readme_steps_for_a_new_edition_run_as_printed(repo, monkeypatch):
    import shlex
    import subprocess

    from diff_repo import GIT_ENV

    render(lists_of_text(next_edition_text()), repo.root.parent / "qitai-2026-01.pdf")  # the edition as published
    monkeypatch.chdir(repo.root)
    steps = readme_steps()
    assert [step.split()[:2] for step in steps] == [
        ["git", "switch"], ["dutylist", "import-source"], ["dutylist", "import-source"], ["dutylist", "import-source"],
        ["dutylist", "validate"], ["dutylist", "import-source"], ["dutylist", "diff"], ["git", "add"], ["git", "commit"]]
    for number, step in enumerate(steps):
        args = shlex.split(step)
        if args[0] == "git":
            subprocess.run(args, cwd=repo.root, env={**os.environ, **GIT_ENV}, check=True, capture_output=True)
            continue
        if number == 3:  # the maintainer records the new damage the report listed, then writes again
            corrections = repo.root / "data" / "corrections.csv"
            with open(corrections, "a", encoding="utf-8", newline="") as stream:
                stream.write('652325100-0107,county_duties,见T年度,见习年度,wrong-character,corrected,'
                             '"a Latin letter for a character; 就业见习 is the phrase of the same cell and of this item\'s name"\n')
        result = CliRunner().invoke(cli, args[1:])
        assert "Traceback" not in result.output
        assert result.exit_code == 0, (step, result.output)
    assert repo.git("status", "--porcelain") == ""
    assert json.loads(repo.git("show", "HEAD:datapackage.json"))["edition"] == EDITION


def new_ids(repo):
    result = dutylist(repo, "import-source", str(repo.next_source), "--edition", EDITION, "--format", "json")
    assert result.exit_code == 0, result.output
    return [link["id"] for link in json.loads(result.output)["links"]["new"]]


@pytest.mark.slow
def test_an_id_used_only_on_another_branch_is_never_issued_again(repo):
    repo.git("switch", "-q", "-c", "experiment")
    repo.append("basic-duties", id="652325100-0190", category="党的建设", name="只在另一分支上的事项", page="10")
    repo.commit("an item on another branch")
    repo.git("switch", "-q", "main")
    assert new_ids(repo) == ["652325100-0191"]


@pytest.mark.slow
def test_an_id_named_only_in_a_links_file_is_never_issued_again(repo):
    (repo.root / "sources" / "2025-01.links.csv").write_text(
        "list,seq,id,how,score,previous_list,previous_seq\nbasic,1,652325100-0200,new,,,\n", encoding="utf-8")
    assert new_ids(repo) == ["652325100-0201"]


@pytest.mark.parametrize("path", ["../outside.txt", "/etc/passwd", "https://example.org/source.txt"])
def test_a_source_path_outside_the_package_is_refused(package_copy, path):
    descriptor = json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["sources"][0]["path"] = path
    (package_copy / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    result = dutylist(package_copy, "import-source")
    assert result.exit_code == 2
    assert f"the source path {path!r}" in result.output


@pytest.mark.slow
def test_every_json_report_matches_its_schema(repo, package_copy):
    import jsonschema

    schema = json.loads((ROOT / "schemas" / "import-report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    path = package_copy / "data" / "basic-duties.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("组织开展基层理论宣讲", "组织开展基层理论宣传"), encoding="utf-8")
    reports = [
        dutylist(ROOT, "import-source", "--format", "json"),
        dutylist(package_copy, "import-source", "--format", "json"),
        dutylist(repo, "import-source", str(repo.next_source), "--edition", EDITION, "--format", "json"),
        dutylist(repo, "import-source", str(repo.next_source), "--edition", EDITION, "--format", "json", "--write"),
        dutylist(repo, "import-source", "--format", "json"),
    ]
    assert [report.exit_code for report in reports] == [0, 1, 0, 0, 0]
    for report in reports:
        jsonschema.validate(json.loads(report.output), schema)


@pytest.mark.slow
def test_a_new_edition_is_not_linked_to_data_that_cannot_be_read(repo):
    repo.update("coordinated-duties", "652325100-0090", seq="五")
    result = dutylist(repo, "import-source", str(repo.next_source), "--edition", EDITION, "--write")
    assert result.exit_code == 2
    assert "data/coordinated-duties.csv:6  seq '五' is not a whole number" in result.output


def test_a_long_value_in_the_links_file_is_not_echoed_whole(package_copy):
    header = "list,seq,id,how,score,previous_list,previous_seq\n"
    (package_copy / "sources" / "2025-07.links.csv").write_text(header + "x" * 100_000 + ",1,,new,,,\n", encoding="utf-8")
    result = dutylist(package_copy, "import-source")
    assert result.exit_code == 2
    assert "sources/2025-07.links.csv:2:list  'xxxx" in result.output and "is not one of basic" in result.output
    assert len(result.output) < 300