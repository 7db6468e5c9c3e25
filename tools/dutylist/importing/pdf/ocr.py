"""Read the tables of a scanned PDF (no text layer): render each page, find the table grid, OCR each cell.

Tesseract with its simplified-Chinese model (Debian: ``tesseract-ocr tesseract-ocr-chi-sim``) reads the text; it
is run as a program (``tesseract``), never from the repository, with a time limit per call. Each page is rendered
with pypdfium2 (installed with pdfplumber) at ``DPI``, cleared of specks (a 3×3 median), straightened (the angle, within ±2°, whose rows of pixels
are the most uneven: ruled lines and text lines lie along them), and its ruling lines are found as runs of dark
pixels longer than any character (``RUN`` pixels). The lines are erased and each cell is read alone (``read_cell``):
its text lines are put side by side into one line image, smoothed (a 1-pixel Gaussian blur: the thin strokes of a
Song face), and read as one line, so that a mark or a character wrapped alone onto a line is read in the context of
the line it continues; each word goes back to the printed line it was drawn from. Where a digit is read straight
before a Chinese character, the line is read again stretched across, and a step number's point that reading sees is
kept; an opening bracket read as ``〈`` or ``《`` and closed by ``)`` is ``(`` (brackets pair). Nothing is corrected
from what the page should say: no word list, no text of the package. (benchmarks/pdf_ocr.py: 99.2% of the characters
right at 300 dpi on the whole rendering, against 98.3% when each column was read as one block.) Each 序号 cell is
read again alone, and whether it holds ink (grey too: a faint print) is noted; ``layout`` numbers the rows by the
grid and the count (OCR reads a lone digit of this font unreliably, a 3 as 9, while the grid shows each row for
sure): every band below a page's first is a new row, the first continues the row before unless the page's readings
say it is new, and a reading the count disagrees with is a warning. A table whose cells are merged across rows or
columns is not supported: its rows come out wrong and ``parse`` or ``layout`` refuses them. What Tesseract misreads
arrives as anomalies of the import, for correction records, as the 2025-07 damage did.
"""

import difflib
import io
import os
import re
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
LINE_GAP = 12  # pixels: rows of a text line closer than this are one line (printed lines are 25 apart at 300 dpi)
MIN_LINE = 4  # pixels: a shorter run of inked rows is a speck, not a text line
PAD = 8  # white pixels kept above and below each line put side by side
GAP = 0.3  # of the line's height: the space between the lines put side by side
BLUR = 1  # pixels: the radius of the Gaussian blur that smooths each line
STRETCH = 1.3  # across: a step number's point, merged into its digit, comes apart
DIGIT_BEFORE_CJK = re.compile(r"[0-9](?=[^\x00-\x7f])")
MISREAD_OPENING = re.compile(r"[〈《]([^()（）〈〉《》]*[)）])")


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
    top = rows[0]
    above = ocr_lines(file, clean.crop((0, 0, clean.width, max(top - 4, 1))), number) if top > 8 else []
    table = [[[] for _ in range(len(columns) - 1)] for _ in range(len(rows) - 1)]
    for index, (upper, lower) in enumerate(zip(rows, rows[1:])):
        for column, (left, right) in enumerate(zip(columns, columns[1:])):
            if column or not index:  # 序号 cells below the heading are read alone, below
                table[index][column] = read_cell(file, clean.crop((left + 6, upper + 6, right - 6, lower - 6)), number)
    left, right = columns[0] + 4, columns[1] - 4
    inked = [False] * len(table)
    for index, row in enumerate(table):
        if index == 0 and any("序" in line or "号" in line for line in row[0]):  # the heading row keeps its 序号
            continue
        cell = clean.crop((left, rows[index] + 4, right, min(rows[index + 1] - 4, rows[index] + dpi * 2 // 5)))
        row[0], inked[index] = _seq(file, cell, number)
    return PageTables(number, lines_above=above, tables=[table], counted=True, inked=inked)


def read_cell(file, cell, page):
    """The printed lines of one table cell (the ruled lines erased), as Tesseract reads them.

    The cell's text lines are put side by side into one line image (``side_by_side``) and read as one line: a line
    that holds a mark or a character or two (a ``；`` or ``。`` wrapped alone onto the last line, the ``设`` of
    ``党的建设`` in a narrow column) is read after the line it continues, with its context, where read alone it was
    dropped or misread. The image is smoothed (a Gaussian blur of 1 pixel: the thin strokes of a Song face read
    better). Where a digit is read straight before a Chinese character (a step number's ``2.`` whose point Tesseract
    merges into the digit), the line is read again stretched by ``STRETCH`` across, and a point that reading finds
    after that digit is kept (``_points_after_digits``). Each word goes back to the printed line it was drawn from."""
    from PIL import Image, ImageFilter

    line, starts = side_by_side(cell)
    if line is None:
        return []
    line = line.filter(ImageFilter.GaussianBlur(BLUR))
    words = _words_of_line(file, line, page)
    lines = _by_segment(words, starts)
    if any(DIGIT_BEFORE_CJK.search(text) for text in lines):
        stretched = line.resize((round(line.width * STRETCH), line.height), Image.LANCZOS)
        again = "".join(text for _, text in sorted(_words_of_line(file, stretched, page)))
        lines = _points_after_digits(lines, again)
    return [text for text in _paired_brackets("\n".join(lines)).split("\n") if text]


def _words_of_line(file, image, page):
    """(left, text) of each word Tesseract reads in a one-line image."""
    found = []
    for word in _tesseract(file, image, page, psm=7):
        text = (word.get("text") or "").strip()
        if text and word.get("conf") != "-1":
            found.append((int(word["left"]) - BORDER, text))
    return found


def _by_segment(words, starts):
    """The words of a line image made by ``side_by_side`` back into the printed lines it was made of (by where each
    word starts, give or take 4 pixels), each joined as printed."""
    segments = [[] for _ in starts]
    for left, text in words:
        segment = max((index for index, start in enumerate(starts) if start <= left + 4), default=0)
        segments[segment].append((left, text))
    return [_join_words(sorted(words)) for words in segments]


def _points_after_digits(lines, again):
    """``lines`` with a point put after each digit that is followed by a non-ASCII character where the reading
    ``again`` (of the same lines side by side, stretched) has that point. A typography-free repair: the point is one
    Tesseract saw, in the stretched image."""
    text = "\n".join(lines)
    places = set()
    matcher = difflib.SequenceMatcher(None, text, again, autojunk=False)
    for tag, start, _, first, last in matcher.get_opcodes():
        if (tag == "insert" and again[first:last] == "." and 0 < start < len(text) and text[start - 1].isdigit()
                and not text[start].isascii()):
            places.add(start)
    if not places:
        return lines
    return "".join(("." if index in places else "") + char for index, char in enumerate(text)).split("\n")


def _paired_brackets(text):
    """An opening bracket Tesseract reads as ``〈`` or ``《`` where the bracket that closes it is ``)`` or ``）``:
    brackets pair, so it opens with ``(`` (a typography rule: nothing of what the cell says is assumed)."""
    return MISREAD_OPENING.sub(r"(\1", text)


def side_by_side(cell):
    """The text lines of a cell image side by side in one line image, their bottoms aligned (Chinese characters
    stand on the line's foot), with a gap of ``GAP`` of the line's height between them; (image, the x at which each
    printed line starts), or (None, []) if the cell holds no text line."""
    from PIL import Image

    lines = ink_lines(cell)
    if not lines:
        return None, []
    height = max(bottom - top for top, bottom in lines) + 2 * PAD
    pieces = []
    for top, bottom in lines:
        strip = cell.crop((0, max(0, bottom + PAD - height), cell.width, min(cell.height, bottom + PAD)))
        span = _ink_span(strip)
        if span:
            pieces.append(strip.crop((span[0], 0, span[1], strip.height)))
    gap = round(height * GAP)
    image = Image.new("L", (sum(piece.width for piece in pieces) + gap * (len(pieces) - 1), height), 255)
    starts, x = [], 0
    for piece in pieces:
        image.paste(piece, (x, height - piece.height))
        starts.append(x)
        x += piece.width + gap
    return image, starts


def ink_lines(cell):
    """(top, bottom) of each text line of a cell image: the rows that hold ink, grouped across gaps of up to
    ``LINE_GAP`` pixels; groups that together are no taller than the tallest (the point and the comma of a ``；``
    alone on a line) are one line, and a group shorter than ``MIN_LINE`` pixels (a speck) is none."""
    from PIL import Image

    profile = cell.point(lambda value: 255 if value < DARK else 0).resize((1, cell.height), Image.BOX).tobytes()
    groups = []
    for y, value in enumerate(profile):
        if not value:
            continue
        if groups and y - groups[-1][1] <= LINE_GAP:
            groups[-1][1] = y
        else:
            groups.append([y, y])
    groups = [group for group in groups if group[1] - group[0] + 1 >= MIN_LINE]
    if not groups:
        return []
    tallest = max(bottom - top + 1 for top, bottom in groups)
    merged = []
    for top, bottom in groups:
        if merged and bottom - merged[-1][0] + 1 <= tallest * 1.05:
            merged[-1][1] = bottom
        else:
            merged.append([top, bottom])
    return [(top, bottom + 1) for top, bottom in merged]


def _ink_span(image):
    """(left, right) of the ink of an image, or None."""
    from PIL import Image

    profile = image.point(lambda value: 255 if value < DARK else 0).resize((image.width, 1), Image.BOX).tobytes()
    inked = [x for x, value in enumerate(profile) if value]
    return (inked[0], inked[-1] + 1) if inked else None


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

