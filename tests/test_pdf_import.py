"""`dutylist import-source EDITION.pdf`: the published PDF imported as a later edition.

The round trip is the main test: the package's own lists, rendered as a PDF in the published layout
(tests/pdf_edition.py), come back as a later edition with every item under its id and its text unchanged
(only pages differ: the rendering's pages are not the 2025-07 PDF's). Refusals are exit 2 with nothing written.
"""

import csv
import hashlib
import json
import shutil

import pytest
from click.testing import CliRunner

from dutylist.cli import cli
from dutylist.importing.pdf.ocr import available as ocr_missing

from conftest import ROOT
from diff_repo import PackageRepo
from pdf_edition import read_lists, render, render_repo

EDITION = "2026-01"
KEPT_PDF = f"sources/qitai-town-duty-list-{EDITION}.pdf"
KEPT_TEXT = f"sources/qitai-town-duty-list-{EDITION}.extracted.txt"
LISTS = ("basic-duties", "coordinated-duties", "reclaimed-duties")


def dutylist(repo, *args):
    result = CliRunner().invoke(cli, [*map(str, args), "--repo", str(repo.root)])
    assert "Traceback" not in result.output, result.output
    return result


@pytest.fixture
def repo(tmp_path):
    """A git repository holding the package at 2025-07, its sources included."""
    repo = PackageRepo(tmp_path / "repo")
    shutil.copytree(ROOT / "sources", repo.root / "sources", dirs_exist_ok=True)
    repo.commit("edition 2025-07", tag="v1.0.0")
    return repo


def items(root):
    """{id: row without its page} of the three lists under ``root``."""
    found = {}
    for name in LISTS:
        with open(root / "data" / f"{name}.csv", encoding="utf-8", newline="") as stream:
            found.update({row["id"]: {key: value for key, value in row.items() if key != "page"}
                          for row in csv.DictReader(stream)})
    return found


def snapshot(root):
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file() and ".git" not in path.parts}


@pytest.mark.slow  # renders and reads 30 pages, imports twice
def test_the_package_rendered_as_a_pdf_comes_back_item_for_item(repo, tmp_path):
    pdf = tmp_path / "qitai-2026-01.pdf"
    pages = render_repo(ROOT, pdf)
    before = items(repo.root)

    result = dutylist(repo, "import-source", pdf, "--edition", EDITION, "--write", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["links"]["counts"] == {"exact": 179, "likely": 0, "review": 0, "new": 0, "manual": 0, "retired": 0}
    assert report["pages"] == pages
    assert items(repo.root) == before  # every item under its id, every text as it was

    kept = (repo.root / KEPT_PDF).read_bytes()
    assert kept == pdf.read_bytes()
    descriptor = json.loads((repo.root / "datapackage.json").read_text(encoding="utf-8"))
    text_entry, pdf_entry = descriptor["sources"][:2]
    assert text_entry["path"] == KEPT_TEXT and pdf_entry["path"] == KEPT_PDF
    assert pdf_entry["sha256"] == hashlib.sha256(kept).hexdigest() and pdf_entry["edition"] == EDITION
    assert text_entry["sha256"] == hashlib.sha256((repo.root / KEPT_TEXT).read_bytes()).hexdigest()

    again = dutylist(repo, "import-source")  # the kept text is now the edition's source: the invariant holds
    assert again.exit_code == 0 and "data/ is exactly the source" in again.output
    valid = CliRunner().invoke(cli, ["validate", str(repo.root)])
    assert valid.exit_code == 0, valid.output


@pytest.mark.slow
def test_a_dry_run_of_a_pdf_says_it_would_keep_the_pdf_and_writes_nothing(repo, tmp_path):
    pdf = tmp_path / "small.pdf"
    lists = read_lists(ROOT)
    render({name: rows[:3] for name, rows in lists.items()}, pdf)
    before = snapshot(repo.root)
    result = dutylist(repo, "import-source", pdf, "--edition", EDITION, "--format", "json")
    report = json.loads(result.output)
    assert snapshot(repo.root) == before and report["written"] == []
    assert report["would_write"][:2] == [KEPT_PDF, KEPT_TEXT]
    assert report["rows"] == {"basic": 3, "coordinated": 3, "reclaimed": 3}
    assert report["links"]["counts"]["exact"] == 9 and report["links"]["counts"]["retired"] == 170


@pytest.mark.slow
def test_a_table_with_a_wrong_column_count_is_refused_naming_its_page(repo, tmp_path):
    pdf = tmp_path / "edition.pdf"
    lists = {name: rows[:2] for name, rows in read_lists(ROOT).items()}
    lists["reclaimed"] = [row[:3] for row in lists["reclaimed"]]
    render(lists, pdf, columns={"reclaimed": (("序号", "事项类别", "事项名称"), (40, 100, 383))})
    before = snapshot(repo.root)
    result = dutylist(repo, "import-source", pdf, "--edition", EDITION, "--write")
    assert result.exit_code == 2 and snapshot(repo.root) == before
    assert f"Error: {pdf}, page 5: a table of 3 columns where the 上级部门收回事项清单 has 4" in result.output
    assert "nothing was written" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("content", [b"%PDF-1.7\n%broken\n", b"not a pdf at all"])
def test_a_broken_pdf_is_refused_as_json_too(repo, tmp_path, content):
    pdf = tmp_path / "edition.pdf"
    pdf.write_bytes(content)
    before = snapshot(repo.root)
    result = dutylist(repo, "import-source", pdf, "--edition", EDITION, "--write", "--format", "json")
    assert result.exit_code == 2 and snapshot(repo.root) == before
    error = json.loads(result.stdout)["error"]
    assert error["code"] in ("pdf-unreadable", "pdf-not-a-pdf") and error["file"] == str(pdf)


def test_an_encrypted_pdf_is_refused(repo, tmp_path):
    pdf = tmp_path / "edition.pdf"
    render({name: rows[:1] for name, rows in read_lists(ROOT).items()}, pdf, encrypt="secret")
    result = dutylist(repo, "import-source", pdf, "--edition", EDITION)
    assert result.exit_code == 2 and "is encrypted" in result.output


@pytest.mark.slow  # renders and reads 30 pages twice
def test_the_rendered_edition_of_the_docs_is_the_package_as_it_stands(tmp_path):
    fresh = tmp_path / "fresh.pdf"
    render_repo(ROOT, fresh)
    texts = [CliRunner().invoke(cli, ["extract", str(pdf)]) for pdf in (ROOT / "tests" / "fixtures" / "rendered-edition.pdf", fresh)]
    assert all(result.exit_code == 0 for result in texts)
    assert texts[0].output == texts[1].output, "data/ changed: render it again with python tests/pdf_edition.py tests/fixtures/rendered-edition.pdf"


def scan(pdf, out, dpi=200):
    """``pdf`` rasterised at ``dpi`` and turned by half a degree, as an image-only PDF (no text layer)."""
    import pypdfium2
    from PIL import Image

    document = pypdfium2.PdfDocument(str(pdf))
    images = [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L").rotate(0.5, resample=Image.BICUBIC,
                                                                                        fillcolor=255)
              for page in document]
    document.close()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return out


@pytest.mark.slow
def test_a_scanned_pdf_without_tesseract_is_refused_saying_what_to_install(repo, tmp_path, monkeypatch):
    pdf = tmp_path / "edition.pdf"
    render({name: rows[:1] for name, rows in read_lists(ROOT).items()}, pdf)
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))
    result = dutylist(repo, "import-source", scan(pdf, tmp_path / "scan.pdf", dpi=50), "--edition", EDITION)
    assert result.exit_code == 2
    assert "a scanned PDF (no text layer) needs OCR, and tesseract is not installed" in result.output
    assert "apt-get install tesseract-ocr tesseract-ocr-chi-sim" in result.output


@pytest.mark.slow  # OCR of five pages
@pytest.mark.skipif(bool(ocr_missing()), reason=f"OCR: {ocr_missing()}; .ci/run installs it")
def test_a_scanned_pdf_is_read_by_ocr_and_imported(repo, tmp_path):
    pdf = tmp_path / "edition.pdf"
    lists = {name: rows[:2] for name, rows in read_lists(ROOT).items()}
    render(lists, pdf)
    result = dutylist(repo, "import-source", scan(pdf, tmp_path / "scan.pdf"), "--edition", EDITION, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["rows"] == {"basic": 2, "coordinated": 2, "reclaimed": 2}
    assert report["links"]["counts"]["exact"] + report["links"]["counts"]["likely"] == 6  # names read well enough to link
    assert report["would_write"][:2] == [KEPT_PDF, KEPT_TEXT]
