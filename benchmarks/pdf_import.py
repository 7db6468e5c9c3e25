"""Reading the published PDF: pdfplumber against pypdfium2, and the time of a whole import.

Renders the package's lists as a PDF in the published layout (tests/pdf_edition.py; ``--size`` sets the font
size, 10.5 gives 28 table pages, 14 about 42 like the published edition), then:

- for each library, the time to read every character of every page and the share of the printed characters it
  gives back (a multiset count, whitespace left out);
- the cells ``dutylist extract`` recovers (pdfplumber's tables) that equal the printed cell exactly;
- the time of ``dutylist import-source EDITION.pdf --edition 2026-01`` (a dry run) on a copy of the package.

    .venv/bin/python benchmarks/pdf_import.py [--size 14] [--runs 3]
"""

import argparse
import collections
import io
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tools"))

import pdf_edition  # noqa: E402


def printed_characters(lists):
    """Every character printed in the tables' cells (NFKC, no whitespace), as a multiset."""
    return collections.Counter(char for rows in lists.values() for row in rows for cell in row
                               for char in unicodedata.normalize("NFKC", cell) if not char.isspace())


def share_found(expected, text):
    found = collections.Counter(char for char in unicodedata.normalize("NFKC", text) if not char.isspace())
    return sum(min(count, found[char]) for char, count in expected.items()) / sum(expected.values())


def read_pdfplumber(data):
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def read_pypdfium2(data):
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def timed(function, *args, runs=3):
    best, result = None, None
    for _ in range(runs):
        start = time.perf_counter()
        result = function(*args)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def cells_recovered(lists, text):
    """The share of the printed rows' cells that ``dutylist extract``'s text holds exactly, as the layout holds them."""
    from dutylist.importing.parse import title_list

    extracted, current = {}, None
    for line in text.splitlines():
        current = title_list(line) or current
        if current and line[:1].isdigit() and "\t" in line:
            extracted.setdefault(current, []).append(line.split("\t"))
    total = right = 0
    for list_name, rows in lists.items():
        for row, got in zip(rows, extracted.get(list_name, [])):
            expected = [unicodedata.normalize("NFKC", cell.replace("\n", " ")) for cell in row]
            right += sum(1 for a, b in zip(expected, got) if a == b)
        total += sum(len(row) for row in rows)
    return right / total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=float, default=pdf_edition.SIZE, help="font size of the rendering")
    parser.add_argument("--runs", type=int, default=3, help="runs of each timing (the best is shown)")
    options = parser.parse_args()
    pdf_edition.SIZE, pdf_edition.LEADING = options.size, round(options.size * 1.45)
    lists = pdf_edition.read_lists(ROOT)
    stream = io.BytesIO()
    pages = pdf_edition.render(lists, stream)
    data = stream.getvalue()
    expected = printed_characters(lists)
    print(f"rendered {pages} table pages ({pages + 2} in all), {len(data)} bytes, {sum(expected.values())} characters in the cells")
    for name, reader in (("pdfplumber", read_pdfplumber), ("pypdfium2", read_pypdfium2)):
        seconds, text = timed(reader, data, runs=options.runs)
        print(f"{name:10}  all text {seconds:6.2f} s   characters found {share_found(expected, text):.2%}")
    from dutylist.importing.pdf import extract_text

    seconds, text = timed(extract_text, data, "edition.pdf", runs=options.runs)
    print(f"dutylist extract (pdfplumber tables)  {seconds:6.2f} s   cells exact {cells_recovered(lists, text):.2%}")
    with tempfile.TemporaryDirectory() as folder:
        package = pdf_edition.package_copy(ROOT, folder)
        pdf = Path(folder) / "edition.pdf"
        pdf.write_bytes(data)
        command = [str(Path(sys.executable).parent / "dutylist"), "import-source", str(pdf), "--edition", "2026-01",
                   "--repo", str(package)]
        seconds, done = timed(lambda: subprocess.run(command, capture_output=True, text=True), runs=options.runs)
        print(f"dutylist import-source EDITION.pdf (dry run, a process)  {seconds:6.2f} s  exit {done.returncode}: "
              f"{done.stdout.splitlines()[2] if done.stdout.count(chr(10)) > 2 else done.stderr.strip()}")


if __name__ == "__main__":
    main()
