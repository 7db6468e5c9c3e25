"""The workbook for officials: one sheet per list with the headings as printed, the registers, and an about sheet.

Written with openpyxl. Steps are line breaks inside a cell; text that a spreadsheet would run as
a formula (starting with = + - @, tab or CR) is stored as text with Excel's quote prefix, so it
shows and reads back exactly as written but is never evaluated. The bytes depend on the edition
only: the document properties carry fixed dates and the zip entries a fixed time.
"""

import datetime
import io
import zipfile

from ..core.punctuation import joined
from ..core.package import LIST_DELIMITER, STEP_DELIMITER, STEP_FIELDS, field_title
from . import ExportError
from .document import build_document

# the reclaimed list prints its departments and handling in one column: 承接部门及工作方式
HANDOVER_TITLE = f"{field_title('departments', 'reclaimed')}及{field_title('handling')}"


def _columns(list_name, widths):
    """(heading, field, width) of each column: the heading is the field's title (core/package.py)."""
    return [(HANDOVER_TITLE if field == "handover" else field_title(field, list_name), field, width) for field, width in widths]


# the headings of the published list, in its column order; 事项标识 and 页码 follow as extra columns
SHEETS = {
    "basic": _columns("basic", [("seq", 6), ("category", 14), ("name", 48)]),
    "coordinated": _columns("coordinated", [("seq", 6), ("category", 14), ("name", 36), ("departments", 22),
                                            ("county_duties", 60), ("town_duties", 60)]),
    "reclaimed": _columns("reclaimed", [("seq", 6), ("category", 14), ("name", 36), ("handover", 70)]),
}
EXTRA_COLUMNS = _columns(None, [("id", 17), ("page", 6)])
CATEGORY_COLUMNS = [("事项类别", "name", 20), ("英文名称(非官方)", "name_en", 40)]
DEPARTMENT_COLUMNS = [("部门名称", "name", 34), ("简称", "short_names", 24), ("层级", "level", 12),
                      ("英文名称(非官方)", "name_en", 60), ("说明", "note", 50)]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CELL_LIMIT = 32767  # characters (UTF-16 code units) a workbook cell holds; openpyxl would cut the rest silently
FIXED_TIME = datetime.datetime(2000, 1, 1)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def cell_text(item, field):
    """The text of one cell of a list sheet, from an item of the export document."""
    if field == "category":
        return item["category"]["name"] if item["category"] else ""
    if field == "departments":
        return LIST_DELIMITER.join(department["name"] for department in item["departments"])
    if field in STEP_FIELDS:
        return STEP_DELIMITER.join(item[field])
    if field == "handover":
        # as printed: the receiving bodies, a colon (full-width in Chinese text, as in the data), then how they handle it
        departments, handling = cell_text(item, "departments"), cell_text(item, "handling")
        return joined(departments, ":", handling) if departments else handling
    return item[field]


def utf16_length(value):
    """The length of value as a workbook counts it: a character outside the BMP takes two."""
    return len(value.encode("utf-16-le", "surrogatepass")) // 2


def export_xlsx(edition, progress=None):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils.exceptions import IllegalCharacterError

    document = build_document(edition)
    workbook = Workbook()
    workbook.remove(workbook.active)
    header_font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def sheet(title, columns, rows, where, counted=False):
        worksheet = workbook.create_sheet(title)
        worksheet.append([heading for heading, _, _ in columns])
        for cell in worksheet[1]:
            cell.font = header_font
            cell.alignment = wrap
        for row_number, (label, values) in enumerate(rows, start=2):
            for column, value in enumerate(values, start=1):
                original = value
                if isinstance(value, str):
                    value = value.replace("\r\n", "\n").replace("\r", "\n")  # XML reads a bare CR as LF anyway
                heading, field, _ = columns[column - 1]
                if isinstance(value, str) and utf16_length(value) > CELL_LIMIT:
                    raise ExportError(f"{where} {label}: {heading} ({field}) has {utf16_length(value):,} characters, more than "
                                      f"the {CELL_LIMIT:,} a workbook cell holds; nothing was written rather than a cut "
                                      f"cell: export it with --format json or --format sqlite, or shorten the cell") from None
                try:
                    cell = worksheet.cell(row=row_number, column=column, value=value)
                except IllegalCharacterError:
                    raise ExportError(f"{where} {label}: {heading} ({field}) holds a control character a workbook "
                                      f"cannot hold; remove it from the CSV (dutylist validate shows the cell)") from None
                cell.alignment = wrap
                if isinstance(original, str) and original.startswith(FORMULA_STARTS):
                    cell.data_type = "s"  # openpyxl reads a leading = as a formula: keep it text
                    cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
            if progress and counted:
                progress.advance(1)
        for index, (_, _, width) in enumerate(columns, start=1):
            worksheet.column_dimensions[worksheet.cell(row=1, column=index).column_letter].width = width
        worksheet.freeze_panes = "A2"
        if rows:
            worksheet.auto_filter.ref = worksheet.dimensions
        return worksheet

    for list_name, columns in SHEETS.items():
        block = document["lists"][list_name]
        columns = columns + EXTRA_COLUMNS
        rows = [(item["id"], [cell_text(item, field) for _, field, _ in columns]) for item in block["items"]]
        sheet(block["title"], columns, rows, block["title"], counted=True)
    registers = document["registers"]
    sheet("事项类别", CATEGORY_COLUMNS,
          [(row.get("name"), [row.get(field) or "" for _, field, _ in CATEGORY_COLUMNS]) for row in registers["categories"]],
          "事项类别")
    sheet("部门", DEPARTMENT_COLUMNS,
          [(row.get("name"), [LIST_DELIMITER.join(row[field]) if field == "short_names" else row.get(field) or ""
                              for _, field, _ in DEPARTMENT_COLUMNS]) for row in registers["departments"]],
          "部门")
    about = sheet("说明", [("项目", "key", 16), ("内容", "value", 90)], [(key, [key, value]) for key, value in about_rows(document)], "说明")
    about.freeze_panes = None

    workbook.properties.creator = "dutylist export"
    workbook.properties.title = document.get("title") or ""
    workbook.properties.created = FIXED_TIME
    return _save(workbook)


def about_rows(document):
    town = document.get("town") or {}
    licences = ", ".join(licence.get("name", "") for licence in document.get("licenses") or [] if isinstance(licence, dict))
    counts = "; ".join(f"{block['title']} {block['count']} 项" for block in document["lists"].values())
    return [
        ("清单", document.get("title") or ""),
        ("版次 edition", document.get("edition") or ""),
        ("版本 version", document.get("version") or ""),
        ("提交 revision", document.get("revision") or "(working tree)"),  # the commit whenever the package files are its
        ("乡镇", f"{town.get('name', '')} ({town.get('division_code', '')})" if town else ""),
        ("事项数", counts),
        ("许可 licence", licences),
        ("数据包 package", document.get("name") or ""),
        ("说明 note", "Generated by `dutylist export --format xlsx` from the data package; the CSV files in data/ are the reference. "
                      "事项标识 is the item's stable id; 序号 can change when a list is renumbered."),
    ]


def _save(workbook):
    from openpyxl.writer.excel import ExcelWriter

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        workbook.properties.modified = FIXED_TIME  # save_workbook() would stamp the clock here
        ExcelWriter(workbook, archive).save()
    # rewrite the archive with a fixed time on every entry: same edition, same bytes
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return fixed.getvalue()
