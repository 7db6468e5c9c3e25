"""OCR of a scanned edition: character accuracy and time, on rasterised copies of the round-trip PDF.

Renders the package's lists as a PDF in the published layout (tests/pdf_edition.py, ``--size`` as in
benchmarks/pdf_import.py: 13 gives 42 table pages), rasterises every page at each ``--dpi`` (grey, turned by
``--skew`` degrees, ``--noise`` of the pixels set black or white at random, seeded), saves the images as an
image-only PDF, and imports it with ``dutylist import-source SCAN.pdf --edition 2026-01 --write`` into a copy of the
package (one process, timed). The text kept in ``sources/`` is then compared with the printed cells, row by row:
character accuracy is the characters of the printed cells that the OCR text matches (difflib's matching blocks,
whitespace left out) over all printed characters; rows found and rows with every cell exact are counted too.
Needs tesseract and its chi_sim model (``apt-get install tesseract-ocr tesseract-ocr-chi-sim``).

    .venv/bin/python benchmarks/pdf_ocr.py [--size 13] [--dpi 150 300] [--skew 0.5] [--noise 0.002] [--rows N]
"""

import argparse
import difflib
import io
import os
import random
import shutil
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


def scanned(data, dpi, skew, noise, seed=1):
    """The PDF ``data`` as an image-only PDF: each page rasterised at ``dpi``, turned and speckled."""
    import pypdfium2
    from PIL import Image

    document = pypdfium2.PdfDocument(data)
    chance = random.Random(seed)
    images = []
    for page in document:
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        image = image.rotate(skew, resample=Image.BICUBIC, fillcolor=255)
        pixels = image.load()
        for _ in range(int(image.width * image.height * noise)):
            pixels[chance.randrange(image.width), chance.randrange(image.height)] = chance.choice((0, 255))
        images.append(image)
    document.close()
    stream = io.BytesIO()
    images[0].save(stream, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return stream.getvalue()


def rows_of_text(text):
    from dutylist.importing.parse import parse_source

    return {(row.list, row.seq): list(row.cells.values()) for row in parse_source(text).rows}


def accuracy(lists, text):
    """(character accuracy, rows found, rows exact) of the OCR text against the printed cells."""
    found = rows_of_text(text)
    matched = total = exact = present = 0
    for list_name, rows in lists.items():
        for row in rows:
            expected = [unicodedata.normalize("NFKC", cell.replace("\n", " ")) for cell in row[1:]]
            got = found.get((list_name, int(row[0])))
            present += got is not None
            exact += got == expected
            for want, have in zip(expected, got or [""] * len(expected)):
                want, have = "".join(want.split()), "".join(have.split())
                matcher = difflib.SequenceMatcher(None, want, have, autojunk=False)
                matched += sum(block.size for block in matcher.get_matching_blocks())
                total += len(want)
    return matched / total, present, exact


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
            package = Path(folder) / "package"
            package.mkdir()
            for name in ("datapackage.json", "data", "schemas", "sources"):
                (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, package / name)
            pdf = Path(folder) / "scan.pdf"
            pdf.write_bytes(scanned(stream.getvalue(), dpi, options.skew, options.noise))
            command = [str(Path(sys.executable).parent / "dutylist"), "import-source", str(pdf), "--edition", "2026-01",
                       "--write", "--repo", str(package)]
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True,  # a 300-dpi scan is larger than 8 MiB
                                  env={**os.environ, "DUTYLIST_MAX_FILE_BYTES": str(1 << 28)})
            seconds = time.perf_counter() - start
            kept = package / "sources" / "qitai-town-duty-list-2026-01.extracted.txt"
            summary = " / ".join(line for line in done.stdout.splitlines()[2:4]) or done.stderr.strip()
            print(f"{dpi} dpi ({pdf.stat().st_size // 1024} KiB): import-source exit {done.returncode} in {seconds:.0f} s: {summary}")
            if kept.exists():
                share, present, exact = accuracy(lists, kept.read_text(encoding="utf-8"))
                print(f"    characters right {share:.2%}, rows found {present}/{rows}, rows with every cell exact {exact}")


if __name__ == "__main__":
    main()
