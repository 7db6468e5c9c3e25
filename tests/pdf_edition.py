"""Render a package's three lists as a PDF in the published layout, for the round trip of the PDF importer.

The layout is the county's: a cover, a contents page, then the three tables (基本履职事项清单, 配合履职事项清单,
上级部门收回事项清单), each starting on a new page under its title, with the heading row repeated on every
page, long cells wrapped inside their column, a row that does not fit continued on the next page (its 序号 cell
left empty there), ruled cell borders and a page number under each table page ("第 N 页，共 M 页", the table
pages numbered from 1). The text is drawn with reportlab's built-in CID font STSong-Light, so no font file is
needed. Used by tests/test_pdf_*.py and benchmarks/pdf_import.py.

    python tests/pdf_edition.py [REPO] OUT.pdf    # render REPO's data/ (default: this repository)
"""

import csv
import io
import random
import re
import shutil
import sys
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
SIZE, LEADING, PAD = 10.5, 15, 4
FAINT_GREY = 0.72  # a faint 序号: no pixel of it is darker than the middle grey
PAGE = A4
MARGIN = 36
TOP = PAGE[1] - MARGIN - 24  # below the title line
BOTTOM = MARGIN + 20  # above the page number

LABELS = {"basic": "基本履职事项清单", "coordinated": "配合履职事项清单", "reclaimed": "上级部门收回事项清单"}
FILES = {"basic": "basic-duties.csv", "coordinated": "coordinated-duties.csv", "reclaimed": "reclaimed-duties.csv"}
HEADINGS = {
    "basic": ("序号", "事项类别", "事项名称"),
    "coordinated": ("序号", "事项类别", "事项名称", "对应上级部门", "上级部门职责", "乡镇配合职责"),
    "reclaimed": ("序号", "事项类别", "事项名称", "承接部门及工作方式"),
}
WIDTHS = {"basic": (36, 70, 417), "coordinated": (28, 48, 80, 70, 148, 149), "reclaimed": (30, 56, 160, 277)}
TOKEN = re.compile(r"[\x21-\x7e]+|\s+|.", re.S)  # an ASCII word is never broken; any other character may be

pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def cells_of(list_name, row):
    """The printed cells of one data row: the reclaimed list prints departments and handling in one cell."""
    if list_name == "basic":
        return [row["seq"], row["category"], row["name"]]
    if list_name == "coordinated":
        return [row["seq"], row["category"], row["name"], row["departments"], row["county_duties"], row["town_duties"]]
    handover = f"{row['departments']}：{row['handling']}" if row["departments"] else row["handling"]
    return [row["seq"], row["category"], row["name"], handover]


def read_lists(repo):
    """{list name: [cells of each row]} from the data/ of ``repo``."""
    lists = {}
    for list_name, file in FILES.items():
        with open(Path(repo) / "data" / file, encoding="utf-8", newline="") as stream:
            lists[list_name] = [cells_of(list_name, row) for row in csv.DictReader(stream)]
    return lists


def wrap(text, width):
    """The lines of ``text`` inside ``width`` points: its own line breaks kept, long lines broken between characters
    (never inside an ASCII word), the spaces at a break dropped."""
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for token in TOKEN.findall(paragraph):
            if line and pdfmetrics.stringWidth(line + token, FONT, SIZE) > width - 2 * PAD:
                lines.append(line.rstrip())
                line = "" if token.isspace() else token
            else:
                line += token
        lines.append(line.rstrip())
    return lines


class Renderer:
    """Draws the pages; ``title`` and ``town`` name the document."""

    def __init__(self, stream, title, edition_label, encrypt=None, columns=None, faint=()):
        self.headings, self.widths = dict(HEADINGS), dict(WIDTHS)
        self.faint = set(faint)  # the 序号 printed in light grey (a faint print)
        for list_name, (headings, widths) in (columns or {}).items():
            self.headings[list_name], self.widths[list_name] = headings, widths
        stream = str(stream) if isinstance(stream, Path) else stream
        self.canvas = canvas.Canvas(stream, pagesize=PAGE, pageCompression=1, encrypt=encrypt, invariant=1)
        self.canvas.setTitle(title)
        self.title, self.edition_label = title, edition_label
        self.table_pages = 0
        self.y = TOP

    def text(self, x, y, string, size=SIZE):
        self.canvas.setFont(FONT, size)
        self.canvas.drawString(x, y, string)

    def cover(self, contents):
        self.text(MARGIN + 60, PAGE[1] / 2 + 40, self.title, 22)
        self.text(PAGE[0] / 2 - 40, PAGE[1] / 2 - 20, self.edition_label, 16)
        self.canvas.showPage()
        self.text(PAGE[0] / 2 - 20, PAGE[1] - 80, "目  录", 16)
        for number, (label, page) in enumerate(contents, start=1):
            self.text(MARGIN + 40, PAGE[1] - 120 - 24 * number, f"{number}. {label}", 12)
            self.text(PAGE[0] - MARGIN - 60, PAGE[1] - 120 - 24 * number, str(page), 12)
        self.canvas.showPage()

    def new_page(self, list_name, title=None):
        if self.table_pages:
            self.canvas.showPage()
        self.table_pages += 1
        if title:
            self.text(MARGIN, PAGE[1] - MARGIN - 10, title, 13)
        self.y = TOP
        self.row(list_name, [wrap(heading, width) for heading, width in zip(self.headings[list_name], self.widths[list_name])])

    def row(self, list_name, lines):
        """Draw one row (each cell's lines) at self.y, ruled."""
        height = max(len(cell) for cell in lines) * LEADING + 2 * PAD
        x = MARGIN
        for cell, width in zip(lines, self.widths[list_name]):
            self.canvas.rect(x, self.y - height, width, height)
            for number, line in enumerate(cell):
                self.canvas.setFillGray(FAINT_GREY if x == MARGIN and line in self.faint else 0)
                self.text(x + PAD, self.y - PAD - SIZE - number * LEADING, line)
            self.canvas.setFillGray(0)
            x += width
        self.y -= height

    def table(self, list_name, title, rows, first_page_number):
        self.new_page(list_name, title)
        for cells in rows:
            lines = [wrap(cell, width) for cell, width in zip(cells, self.widths[list_name])]
            while lines:
                room = int((self.y - BOTTOM - 2 * PAD) // LEADING)
                needed = max(len(cell) for cell in lines)
                if room <= 0 or (room < needed and room < 2):
                    self.new_page(list_name)
                    continue
                self.row(list_name, [cell[:room] for cell in lines])
                rest = [cell[room:] for cell in lines]
                lines = rest if any(rest) else None
                if lines:
                    lines[0] = []  # the 序号 is printed once, on the row's first page
                    self.new_page(list_name)


def render(lists, out, town="奇台县奇台镇", edition_label="2026年1月", prefix="昌吉州", encrypt=None,
           columns=None, faint=()):
    """Write the PDF of ``lists`` ({list name: [cells]}) to ``out`` (a path or a binary stream); the number of
    table pages. ``encrypt``: a user password; ``columns``: {list name: (headings, widths)} to print a list with
    other columns than the published ones; ``faint``: the 序号 (strings) printed in light grey."""
    title = f"{town}履职事项清单"
    # the contents need each list's first page: lay the tables out once without drawing, then for real
    probe = Renderer(io.BytesIO(), title, edition_label, columns=columns)
    starts = []
    for list_name, rows in lists.items():
        starts.append((LABELS[list_name], probe.table_pages + 1))
        probe.table(list_name, prefix + town + LABELS[list_name], rows, probe.table_pages + 1)
    total = probe.table_pages
    renderer = Renderer(out, title, edition_label, encrypt, columns, faint)
    renderer.cover(starts)
    canvas_show = renderer.canvas.showPage

    def numbered_show():
        renderer.text(PAGE[0] / 2 - 40, MARGIN, f"第 {renderer.table_pages} 页，共 {total} 页")
        canvas_show()

    renderer.canvas.showPage = numbered_show
    for list_name, rows in lists.items():
        renderer.table(list_name, prefix + town + LABELS[list_name], rows, None)
    renderer.canvas.showPage()
    renderer.canvas.save()
    return total


def lists_of_text(text):
    """{list name: [cells of each row]} of a source text in the extracted layout, its cells as extracted."""
    from dutylist.importing.parse import parse_source

    lists = {list_name: [] for list_name in LABELS}
    for row in parse_source(text).rows:
        lists[row.list].append([str(row.seq), *row.cells.values()])
    return lists


def render_repo(repo, out, **options):
    """Render the data/ of ``repo`` to ``out``; the number of table pages."""
    return render(read_lists(repo), out, **options)



def scanned(data, dpi, skew, noise, seed=1):
    """The PDF ``data`` as an image-only PDF, as a scanner makes one: each page rasterised at ``dpi``, turned by
    ``skew`` degrees, ``noise`` of its pixels set black or white at random (seeded); for benchmarks/pdf_ocr.py and
    the OCR tests."""
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



def package_copy(root, folder):
    """A copy of the package at root (its descriptor, data, schemas and sources) in folder/package: the PDF
    benchmarks import into it."""
    package = Path(folder) / "package"
    package.mkdir()
    for name in ("datapackage.json", "data", "schemas", "sources"):
        (shutil.copytree if (Path(root) / name).is_dir() else shutil.copy2)(Path(root) / name, package / name)
    return package

if __name__ == "__main__":
    arguments = sys.argv[1:]
    repository = arguments[0] if len(arguments) > 1 else Path(__file__).resolve().parent.parent
    print(render_repo(repository, arguments[-1]), "table pages")

