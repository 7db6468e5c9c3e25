"""``dutylist export``: the edition in the formats its users work in.

``document.py`` builds the plain-data document every format is written from; one module per
format writes it: ``json_document.py`` (JSON, described by schemas/export.json),
``xlsx_workbook.py`` (a workbook for officials, with the printed Chinese headings) and
``sqlite_database.py`` (tables with keys and a view joining the lists). Each returns bytes, the
same bytes for the same edition.
"""

from ..core.errors import DutylistError


class ExportError(DutylistError):
    """The edition cannot be exported as asked; the message names the item and field, and what to do."""
