"""OCR of a scanned edition: character accuracy and time, on rasterised copies of the round-trip PDF.

Renders the package's lists as a PDF in the published layout (tests/pdf_edition.py, ``--size`` as in
benchmarks/pdf_import.py: 13 gives 42 table pages), rasterises every page at each ``--dpi`` (grey, turned by
``--skew`` degrees, ``--noise`` of the pixels set black or white at random, seeded), saves the images as an
image-only PDF, reads it with ``dutylist extract SCAN.pdf -o TEXT`` (one process, timed: the OCR) and imports that
text with ``dutylist import-source TEXT --edition 2026-01`` into a copy of the package (what a PDF's import does with
the same text, for its links and its 序号 warnings, which ``extract`` writes to stderr). The text is then compared
with the printed cells, two ways:
character accuracy is the characters of the printed cells that the OCR text matches (difflib's matching blocks,
whitespace left out) over all printed characters, *by row number* (printed row N of a list against the row the
import numbered N: one row missed or split shifts every later row of that list) and *by aligned rows* (each list's
read rows aligned with its printed rows in order, the alignment that matches the most characters: a missed or split
row costs its own characters only). Rows found, rows with every cell exact, and rows whose number is right (each
read row aligned with the printed row of its own 序号) are counted too.
Needs tesseract and its chi_sim model (``apt-get install tesseract-ocr tesseract-ocr-chi-sim``).

    .venv/bin/python benchmarks/pdf_ocr.py [--size 13] [--dpi 150 300] [--skew 0.5] [--noise 0.002] [--rows N]
"""

import argparse
import difflib
import io
import os
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


def rows_of_text(text):
    from dutylist.importing.parse import parse_source

    return {(row.list, row.seq): list(row.cells.values()) for row in parse_source(text).rows}


def printed(row):
    """The printed cells of a row as the extracted text holds them (NFKC, no line break)."""
    return [unicodedata.normalize("NFKC", cell.replace("\n", " ")) for cell in row[1:]]


def matching(expected, got):
    """(characters of ``expected``'s cells that ``got``'s match, characters of ``expected``), whitespace left out."""
    matched = total = 0
    for want, have in zip(expected, got or [""] * len(expected)):
        want, have = "".join(want.split()), "".join(have.split())
        matcher = difflib.SequenceMatcher(None, want, have, autojunk=False)
        matched += sum(block.size for block in matcher.get_matching_blocks())
        total += len(want)
    return matched, total


def accuracy(lists, text):
    """(character accuracy by row number, rows found, rows exact) of the OCR text against the printed cells."""
    found = rows_of_text(text)
    matched = total = exact = present = 0
    for list_name, rows in lists.items():
        for row in rows:
            expected = printed(row)
            got = found.get((list_name, int(row[0])))
            present += got is not None
            exact += got == expected
            right, count = matching(expected, got)
            matched, total = matched + right, total + count
    return matched / total, present, exact


def aligned_accuracy(lists, text):
    """(character accuracy by aligned rows, rows whose 序号 is their printed row's): each list's read rows aligned
    with its printed rows in order (dynamic programming, the alignment matching the most characters; a row left
    unaligned on either side matches nothing)."""
    found = rows_of_text(text)
    matched = total = numbered = 0
    for list_name, rows in lists.items():
        read = sorted((seq, cells) for (name, seq), cells in found.items() if name == list_name)
        want = [printed(row) for row in rows]
        total += sum(matching(cells, cells)[1] for cells in want)
        score = [[0] * (len(read) + 1) for _ in range(len(want) + 1)]
        for i in range(1, len(want) + 1):
            for j in range(1, len(read) + 1):
                pair = matching(want[i - 1], read[j - 1][1])[0]
                score[i][j] = max(score[i - 1][j], score[i][j - 1], score[i - 1][j - 1] + pair)
        matched += score[-1][-1]
        i, j = len(want), len(read)
        while i and j:  # walk the alignment back: a row numbered as its printed row counts
            if score[i][j] == score[i - 1][j]:
                i -= 1
            elif score[i][j] == score[i][j - 1]:
                j -= 1
            else:
                numbered += read[j - 1][0] == int(rows[i - 1][0])
                i, j = i - 1, j - 1
    return matched / total, numbered


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=float, default=13, help="font size of the rendering (13: 42 table pages)")
    parser.add_argument("--dpi", type=int, nargs="+", default=[150, 300])
    parser.add_argument("--skew", type=float, default=0.5, help="degrees each page is turned")
    parser.add_argument("--noise", type=float, default=0.002, help="share of pixels set black or white at random")
    parser.add_argument("--rows", type=int, help="only the first ROWS rows of each list (a quicker run)")
    options = parser.parse_args()
    pdf_edition.SIZE, pdf_edition.LEADING = options.size, round(options.size * 1.45)
    lists = {name: rows[:options.rows] for name, rows in pdf_edition.read_lists(ROOT).items()}
    stream = io.BytesIO()
    pages = pdf_edition.render(lists, stream)
    rows = sum(len(rows) for rows in lists.values())
    print(f"rendered {pages} table pages ({pages + 2} in all), {rows} rows; skew {options.skew}°, noise {options.noise:.1%}")
    for dpi in options.dpi:
        with tempfile.TemporaryDirectory() as folder:
            package = pdf_edition.package_copy(ROOT, folder)
            pdf = Path(folder) / "scan.pdf"
            pdf.write_bytes(pdf_edition.scanned(stream.getvalue(), dpi, options.skew, options.noise))
            program = str(Path(sys.executable).parent / "dutylist")
            kept = package / "sources" / "scan.extracted.txt"
            start = time.perf_counter()
            read = subprocess.run([program, "extract", str(pdf), "-o", str(kept)], capture_output=True, text=True,
                                  env={**os.environ, "DUTYLIST_MAX_FILE_BYTES": str(1 << 28)})  # a 300-dpi scan > 8 MiB
            seconds = time.perf_counter() - start
            warned = sum(1 for line in read.stderr.splitlines() if line.startswith("warning: "))
            done = subprocess.run([program, "import-source", str(kept), "--edition", "2026-01", "--repo", str(package)],
                                  capture_output=True, text=True)
            summary = " / ".join(line for line in done.stdout.splitlines()[2:4]) or done.stderr.strip()
            print(f"{dpi} dpi ({pdf.stat().st_size // 1024} KiB): extract exit {read.returncode} in {seconds:.0f} s; "
                  f"import-source exit {done.returncode}: {summary}")
            if kept.exists():
                text = kept.read_text(encoding="utf-8")
                share, present, exact = accuracy(lists, text)
                aligned, numbered = aligned_accuracy(lists, text)
                print(f"    characters right {aligned:.2%} by aligned rows ({share:.2%} by row number), rows found "
                      f"{present}/{rows}, rows numbered as printed {numbered}, rows with every cell exact {exact}")
                print(f"    序号 read otherwise than counted (extract's warnings): {warned}")


if __name__ == "__main__":
    main()
