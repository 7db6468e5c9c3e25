"""The edition's published PDF to the source text the importer reads (``dutylist extract``, ``import-source X.pdf``).

``text_layer`` reads a PDF with a text layer (pdfplumber), ``ocr`` a scanned one (Tesseract); ``layout`` turns the tables it finds into the package's
extracted layout. A PDF is refused (``PdfRefused``, exit 2) when it is not a PDF, is encrypted or broken, has more
pages than the limit (``DUTYLIST_MAX_PDF_PAGES``, default 300: the published edition has 42), is scanned where
Tesseract is missing or has more pages than OCR reads (``DUTYLIST_MAX_OCR_PAGES``, default 100), or is not a duty
list; the message names the page where there is one.
"""

from ...core.files import limit_from_environment
from .layout import PdfRefused, source_text

__all__ = ["PdfRefused", "extract_text", "is_pdf"]

MAX_PAGES = 300
MAX_PAGES_VARIABLE = "DUTYLIST_MAX_PDF_PAGES"


def is_pdf(data):
    """Whether ``data`` (bytes) starts as a PDF does (``%PDF-`` within its first 1,024 bytes)."""
    return b"%PDF-" in data[:1024]


def max_pages(file):
    """The page limit, from DUTYLIST_MAX_PDF_PAGES or the default."""
    return limit_from_environment(MAX_PAGES_VARIABLE, MAX_PAGES, "pages", PdfRefused)


def extract_text(data, file, ocr=True, warnings=None):
    """The source text of the PDF ``data`` (bytes); ``file`` names it in messages. A PDF without a text layer is
    read by OCR (``ocr``), unless ``ocr`` is false; what OCR read against the count of rows goes to ``warnings`` (a
    list). Raises ``PdfRefused``."""
    if not is_pdf(data):
        raise PdfRefused(file, "not a PDF (no %PDF- header); give the edition's PDF or its extracted text",
                         code="pdf-not-a-pdf")
    limit = max_pages(file)

    def check_pages(count):
        if count > limit:
            raise PdfRefused(file, f"{count} pages, more than the limit of {limit} (the published edition has 42); "
                             f"if it really is the edition, raise the limit with {MAX_PAGES_VARIABLE}=<pages>",
                             code="pdf-too-many-pages")

    from . import text_layer

    try:
        pages = text_layer.read_pages(data, file, check_pages)
    except PdfRefused:
        raise
    except Exception as error:  # noqa: BLE001  a parser of untrusted input: whatever it raises is a refusal
        reason = _reason(error)
        if "password" in reason.lower() or "encrypt" in reason.lower():
            raise PdfRefused(file, f"is encrypted ({reason}); save it without its password first",
                             code="pdf-encrypted") from None
        raise PdfRefused(file, f"cannot be read as a PDF ({reason}); it is broken: download it again",
                         code="pdf-unreadable") from None
    if not any(page.tables or any(line.strip() for line in page.text_lines) for page in pages):
        if not ocr:
            raise PdfRefused(file, f"none of its {len(pages)} pages has a text layer: a scanned PDF",
                             code="pdf-no-text-layer")
        from . import ocr as scanned

        pages = scanned.read_pages(data, file, check_pages)
    return source_text(file, pages, warnings)


def _reason(error):
    """A short reason from the PDF library's exception (its class, and its message if it has one)."""
    cause = error
    while getattr(cause, "__cause__", None) is not None or getattr(cause, "__context__", None) is not None:
        cause = cause.__cause__ or cause.__context__
    text = str(cause).strip().replace("\n", " ")[:120]
    return f"{type(cause).__name__}: {text}" if text else type(cause).__name__
