"""A byte-order mark from a spreadsheet's save (issue 20): one `encoding-bom` finding whose fix is `dutylist fmt`, and the
file is still checked (no correction record called unknown, no list dropped from the checks); import-source reads
data/ without the mark and says so. Through the command line, on the package committed in a real git repository."""

import json

import pytest
from click.testing import CliRunner

from maintainer_history import package_with_sources
from dutylist.cli import cli

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def repo(tmp_path):
    """The package with its sources (what import-source reads), committed in a git repository."""
    return package_with_sources(tmp_path / "repo")


def dutylist(repo, *args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def validate(repo):
    result = dutylist(repo, "validate", str(repo.root), "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def import_source(repo, *args):
    result = dutylist(repo, "import-source", "--repo", str(repo.root), *args)
    return result


def with_bom(repo, resource):
    path = repo.path(resource)
    path.write_bytes(BOM + path.read_bytes())


@pytest.mark.slow
def test_a_list_saved_with_a_bom_is_one_finding_that_names_fmt_and_the_list_is_still_checked(repo):
    with_bom(repo, "basic-duties")
    code, report = validate(repo)
    assert code == 1
    assert [(error["code"], error["file"], error["row"]) for error in report["errors"]] == [("encoding-bom", "data/basic-duties.csv", 1)]
    assert "`dutylist fmt`" in report["errors"][0]["fix"] and "remove the record" not in json.dumps(report)
    repo.git("checkout", "--", "data")
    repo.update("basic-duties", "652325100-0005", seq="5x")  # a broken 序号 in the file with the mark
    with_bom(repo, "basic-duties")
    code, report = validate(repo)
    assert {(error["code"], error["row"]) for error in report["errors"]} >= {("encoding-bom", 1), ("table-type-error", 6)}
    assert not any(error["code"] == "correction-unknown-item" for error in report["errors"])


@pytest.mark.slow
def test_fmt_removes_the_mark_and_validate_is_clean_again(repo):
    with_bom(repo, "coordinated-duties")
    with_bom(repo, "corrections")
    code, report = validate(repo)
    assert code == 1 and sorted(error["file"] for error in report["errors"]) == ["data/coordinated-duties.csv", "data/corrections.csv"]
    assert dutylist(repo, "fmt", "--repo", str(repo.root), "--check").exit_code == 1
    formatted = dutylist(repo, "fmt", "--repo", str(repo.root))
    assert formatted.exit_code == 0 and "byte-order mark" in formatted.output
    assert not repo.path("corrections").read_bytes().startswith(BOM)
    assert validate(repo)[0] == 0
    assert repo.git("status", "--porcelain") == ""  # fmt gave back exactly the committed files


def test_correction_records_saved_with_a_bom_are_still_checked(repo):
    fieldnames, rows = repo.rows("corrections")
    rows[0]["item_id"] = "652325100-0999"
    repo.write_rows("corrections", fieldnames, rows)
    with_bom(repo, "corrections")
    code, report = validate(repo)
    assert [error["code"] for error in report["errors"]] == ["encoding-bom", "correction-unknown-item"]
    assert report["errors"][1]["row"] == 2 and report["errors"][1]["text"] == "652325100-0999"


@pytest.mark.slow
def test_import_source_reads_data_without_the_mark_and_names_fmt(repo):
    with_bom(repo, "basic-duties")
    with_bom(repo, "corrections")
    result = import_source(repo, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["encoding_bom"] == ["data/corrections.csv", "data/basic-duties.csv"]
    assert report["differences"] == [] and report["ok"]  # not 85 cells "differing" with None, not "missing column item_id"
    text = import_source(repo).output
    assert "data/basic-duties.csv:1  encoding-bom" in text and "Run `dutylist fmt`" in text and "None" not in text
    written = import_source(repo, "--write")
    assert written.exit_code == 0 and not repo.path("basic-duties").read_bytes().startswith(BOM)  # a list it rewrites loses it
    assert dutylist(repo, "fmt", "--repo", str(repo.root)).exit_code == 0
    assert repo.git("status", "--porcelain") == ""
