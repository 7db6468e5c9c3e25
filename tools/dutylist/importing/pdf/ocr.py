"""Read the tables of a scanned PDF (no text layer): render each page, find the table grid, OCR each column.

Tesseract with its simplified-Chinese model (Debian: ``tesseract-ocr tesseract-ocr-chi-sim``) reads the text; it
is run as a program (``tesseract``), never from the repository, with a time limit per call. Each page is rendered
with pypdfium2 (installed with pdfplumber) at ``DPI``, cleared of specks (a 3×3 median), straightened (the angle, within ±2°, whose rows of pixels
are the most uneven: ruled lines and text lines lie along them), and its ruling lines are found as runs of dark
pixels longer than any character (``RUN`` pixels). The lines are erased, each column of the table is read by
Tesseract as one block, and each word goes to the cell whose row band holds its middle. Each 序号 cell is read
again alone, and whether it holds ink (grey too: a faint print) is noted; ``layout`` numbers the rows by the grid and
the count (OCR reads a lone digit of this font unreliably, a 3 as 9, while the grid shows each row for sure): every
band below a page's first is a new row, the first continues the row before unless the page's readings say it is new,
and a reading the count disagrees with is a warning. A table whose cells are
merged across rows or columns is not supported: its rows come out wrong and ``parse`` or ``layout`` refuses them.
What Tesseract misreads arrives as anomalies of the import, for correction records, as the 2025-07 damage did.
"""

import io
import os
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

from ...core.files import limit_from_environment
from .layout import PageTables, PdfRefused

DPI = 300
MAX_OCR_PAGES = 100
MAX_OCR_PAGES_VARIABLE = "DUTYLIST_MAX_OCR_PAGES"
RUN = 60  # pixels at 300 dpi (5 mm): longer than a character, shorter than any ruled line
DARK = 128
FAINT = 208  # a grey pixel of a faint print still counts as ink in a 序号 cell
LANGUAGE = "chi_sim"
TIMEOUT = 120  # seconds per Tesseract call
BORDER = 20  # white pixels around each image given to Tesseract
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-chi-sim"


def available():
    """Whether Tesseract and its simplified-Chinese model are installed (a reason why not, or None)."""
    if not shutil.which("tesseract"):
        return f"tesseract is not installed ({INSTALL})"
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    if LANGUAGE not in listed.stdout.split():
        return f"tesseract has no {LANGUAGE} model ({INSTALL})"
    return None


def read_pages(data, file, limits, dpi=DPI):
    """One ``PageTables`` per page of the scanned PDF ``data``; ``limits`` checks the page count first. Pages are
    rendered one at a time by each of two workers, so memory holds two page images, not the document's."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        count = len(document)
        limits(count)
        ocr_limit = max_ocr_pages(file)
        if count > ocr_limit:
            raise PdfRefused(file, f"{count} pages without a text layer, more than the {ocr_limit} that OCR reads (about "
                             f"15 s a page; the published edition has 42); if it really is the edition, raise the limit "
                             f"with {MAX_OCR_PAGES_VARIABLE}=<pages>", code="pdf-too-many-pages")
        missing = available()
        if missing:
            raise PdfRefused(file, f"a scanned PDF (no text layer) needs OCR, and {missing}", code="pdf-needs-ocr")
        lock = threading.Lock()  # pdfium is not thread-safe: one page is rendered at a time

        def read(number):
            with lock:
                image = document[number - 1].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            return _page(file, number, image, dpi)

        pool = ThreadPoolExecutor(max_workers=2)
        try:
            return list(pool.map(read, range(1, count + 1)))
        finally:  # a refusal, Ctrl-C or SIGTERM stops the pages not yet begun
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        document.close()


def max_ocr_pages(file):
    """The OCR page limit, from DUTYLIST_MAX_OCR_PAGES or the default."""
    return limit_from_environment(MAX_OCR_PAGES_VARIABLE, MAX_OCR_PAGES, "pages", PdfRefused)


def _page(file, number, image, dpi):
    """The table of one page image (its rows, each cell a list of lines) and the lines above it."""
    from PIL import ImageFilter

    image = straighten(image.filter(ImageFilter.MedianFilter(3)))  # specks of a scan removed, strokes kept
    run = max(8, RUN * dpi // 300)
    rows, columns = ruling_lines(image, run)
    if len(rows) < 2 or len(columns) < 2:
        return PageTables(number, text_lines=ocr_lines(file, image, number, psm=3))
    clean = erase_lines(image, rows, columns)
    top, bottom = rows[0], rows[-1]
    above = ocr_lines(file, clean.crop((0, 0, clean.width, max(top - 4, 1))), number) if top > 8 else []
    table = [[[] for _ in range(len(columns) - 1)] for _ in range(len(rows) - 1)]
    for column, (left, right) in enumerate(zip(columns, columns[1:])):
        strip = clean.crop((left + 4, top, right - 4, bottom))
        _into_rows(ocr_words(file, strip, number), rows, [row[column] for row in table])
    left, right = columns[0] + 4, columns[1] - 4
    inked = [False] * len(table)
    for index, row in enumerate(table):
        if index == 0 and any("序" in line or "号" in line for line in row[0]):  # the heading row keeps its 序号
            continue
        if any(row):  # a 序号, or a speck the column's reading took for text, or a continued row: the cell read alone
            cell = clean.crop((left, rows[index] + 4, right, min(rows[index + 1] - 4, rows[index] + dpi * 2 // 5)))
            row[0], inked[index] = _seq(file, cell, number)
    return PageTables(number, lines_above=above, tables=[table], counted=True, inked=inked)


def _seq(file, cell, page):
    """The 序号 in a cell and whether the cell holds ink (grey as well as black: a faint 序号 is ink): the first
    reading that is a whole number, as one line (digits only, then the Chinese model), as a block of digits, as one
    character; else nothing. ``layout`` decides from the ink, the readings and the count whether a row is new."""
    histogram = cell.histogram()
    area = cell.width * cell.height
    inked = sum(histogram[:FAINT]) >= area // 200
    if sum(histogram[:DARK]) < area // 200 and not inked:  # no ink: Tesseract would read a speck
        return [], False
    for psm, digits in ((7, True), (7, False), (6, True), (10, False)):
        text = "".join(ocr_lines(file, cell, page, psm=psm, digits=digits)).replace(" ", "")
        if text.isdigit():
            return [text], inked
    return [], inked


def _into_rows(lines, rows, cells):
    """Each (top, bottom, text) of a column strip into the cell of the row band that holds its middle."""
    for line_top, line_bottom, text in lines:
        middle = rows[0] + (line_top + line_bottom) / 2
        row = next((index for index, (upper, lower) in enumerate(zip(rows, rows[1:])) if upper <= middle < lower), None)
        if row is not None:
            cells[row].append(text)


def straighten(image):
    """The page rotated by the angle (within ±2°, to 0.05°) that makes its rows of pixels the most uneven."""
    from PIL import Image

    small = image.resize((image.width // 4, image.height // 4), Image.BOX)

    def unevenness(angle):
        rotated = small.rotate(angle, resample=Image.BILINEAR, fillcolor=255)
        profile = rotated.resize((1, rotated.height), Image.BOX).tobytes()
        return sum((255 - value) ** 2 for value in profile)

    best = max((step / 4 for step in range(-8, 9)), key=unevenness)
    best = max((best + step / 20 for step in range(-5, 6)), key=unevenness)
    if abs(best) < 0.01:
        return image
    return image.rotate(best, resample=Image.BICUBIC, fillcolor=255)


def ruling_lines(image, run):
    """The y of each horizontal ruled line (a run of dark pixels at least ``run`` long over at least a quarter of the
    page's width) and the x of each vertical one (dark over nine tenths of the height between the first and the last
    horizontal line: a character repeated at the same place in every row is not a line)."""
    from PIL import Image

    width, height = image.size
    across = image.resize((max(1, width // run), height), Image.BOX)  # one pixel per run of `run` pixels in a row
    rows = _centres([index for index in range(height)
                     if _dark_count(across, index, horizontal=True) >= across.width // 4])
    if len(rows) < 2:
        return rows, []
    span = image.crop((0, rows[0], width, rows[-1]))
    down = span.resize((width, max(1, span.height // run)), Image.BOX)
    columns = _centres([index for index in range(width)
                        if _dark_count(down, index, horizontal=False) >= max(1, down.height * 9 // 10)])
    return rows, columns


def _dark_count(image, index, horizontal):
    if horizontal:
        values = image.crop((0, index, image.width, index + 1)).tobytes()
    else:
        values = image.crop((index, 0, index + 1, image.height)).tobytes()
    return sum(1 for value in values if value < DARK)


def _centres(indexes):
    """The middle of each run of consecutive indexes (a ruled line is a few pixels thick)."""
    groups = []
    for index in indexes:
        if groups and index - groups[-1][-1] <= 3:
            groups[-1].append(index)
        else:
            groups.append([index])
    return [(group[0] + group[-1]) // 2 for group in groups]


def erase_lines(image, rows, columns):
    """A copy of the page with its ruled lines painted white."""
    from PIL import ImageDraw

    clean = image.copy()
    draw = ImageDraw.Draw(clean)
    for y in rows:
        draw.rectangle((0, y - 5, clean.width, y + 5), fill=255)
    for x in columns:
        draw.rectangle((x - 5, rows[0] - 5, x + 5, rows[-1] + 5), fill=255)
    return clean


def _tesseract(file, image, page, psm, digits=False):
    """Tesseract's TSV for ``image`` (rows of dicts); ``digits``: read digits only."""
    from PIL import ImageOps

    stream = io.BytesIO()
    ImageOps.expand(image, border=BORDER, fill=255).save(stream, format="PNG")  # Tesseract reads better with a margin
    try:
        model = ["-l", "eng", "-c", "tessedit_char_whitelist=0123456789"] if digits else ["-l", LANGUAGE]
        done = subprocess.run(["tesseract", "stdin", "stdout", *model, "--psm", str(psm), "tsv"],
                              input=stream.getvalue(), capture_output=True, timeout=TIMEOUT,
                              env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    except subprocess.TimeoutExpired:
        raise PdfRefused(file, f"OCR took more than {TIMEOUT} s", code="pdf-ocr-timeout", page=page) from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise PdfRefused(file, f"tesseract failed ({reason[0][:120]})", code="pdf-ocr-failed", page=page)
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    header = lines[0].split("\t") if lines else []
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


def ocr_words(file, image, page, psm=6, digits=False):
    """(top, bottom, text) of each line Tesseract reads in ``image``, top to bottom; ``digits``: digits only."""
    lines = {}
    for word in _tesseract(file, image, page, psm, digits):
        text = (word.get("text") or "").strip()
        if not text or word.get("conf") == "-1":
            continue
        key = (word["block_num"], word["par_num"], word["line_num"])
        top, left = int(word["top"]) - BORDER, int(word["left"])
        bottom = top + int(word["height"])
        entry = lines.setdefault(key, [top, bottom, []])
        entry[0], entry[1] = min(entry[0], top), max(entry[1], bottom)
        entry[2].append((left, text))
    found = [(top, bottom, _join_words(sorted(words))) for top, bottom, words in lines.values()]
    return sorted(found)


def ocr_lines(file, image, page, psm=6, digits=False):
    """The text lines Tesseract reads in ``image``."""
    return [text for _, _, text in ocr_words(file, image, page, psm, digits)]


def _join_words(words):
    """Tesseract's words of one line as printed: a space only between two ASCII words."""
    text = ""
    for _, word in words:
        if text and text[-1].isascii() and text[-1].isalnum() and word[0].isascii() and word[0].isalnum():
            text += " "
        text += word
    return text

