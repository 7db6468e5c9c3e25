"""Read the tables of a PDF that has a text layer, with pdfplumber.

pdfplumber (on pdfminer.six, both pure Python and maintained) gives each page's characters with their positions and
its ruling lines, and finds the tables by those lines: each cell comes back with its printed lines. It was chosen
over pypdfium2 by measuring on the round-trip PDF (benchmarks/pdf_import.py, figures in docs/import.md):
pypdfium2 reads the text several times faster but finds no tables, so the cells would have to be rebuilt from
character boxes and path objects here.
"""

import io

from .layout import PageTables

TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def read_pages(data, file, limits):
    """One ``PageTables`` per page of the PDF ``data`` (bytes); ``limits`` is the caller's check run on the page
    count before any page is read (it raises to refuse)."""
    import pdfplumber  # imported here: only a PDF needs it, and it takes a while to load

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        limits(len(pdf.pages))
        return [_page(number, page) for number, page in enumerate(pdf.pages, start=1)]


def _page(number, page):
    """The tables of one page, top to bottom, and the lines of text above the first."""
    tables = sorted(page.find_tables(TABLE_SETTINGS), key=lambda table: table.bbox[1])
    if not tables:
        text = page.extract_text() or ""
        return PageTables(number, text_lines=text.splitlines())
    top = tables[0].bbox[1]
    above = (page.crop((0, 0, page.width, top), strict=False).extract_text() or "") if top > 1 else ""
    found = [[[[] if cell is None else cell.split("\n") for cell in row] for row in table.extract()] for table in tables]
    return PageTables(number, lines_above=above.splitlines(), tables=found)
