"""The import-source job: run the importer on a repository's files, compare with data/, write on request."""

import csv
import json
from dataclasses import asdict
from pathlib import Path

from ..core.edition import unsafe_path_problem
from ..core.files import FileRefused, json_depth_problem, read_package_file
from ..core.package import (
    CORRECTION_FIELDS, DESCRIPTOR, LIST_FIELDS, LIST_RESOURCES, LISTS, WriteError, csv_text, data_path, read_csv_text,
    write_atomic,
)
from .derive import import_source

__all__ = ["ImportInputError", "WriteError", "run_import", "render_text"]


class ImportInputError(Exception):
    def __init__(self, message, file=None, code=None):
        super().__init__(message)
        self.file, self.code = file, code


def run_import(repo, source=None, write=False):
    """Files are read as validate reads them (core/files.py): regular files inside their folder, size-limited."""
    repo = Path(repo)
    if source:
        source = Path(source)
        text = _read(source.parent, source.name, "source", shown=source)
    else:
        relative = _descriptor_source(repo)
        source = repo / relative
        text = _read(repo, relative, "source", shown=source)
    text = text.replace("\r\n", "\n")
    corrections = _read_csv(repo, data_path("corrections"), CORRECTION_FIELDS)
    categories = {row["name"] for row in _read_csv(repo, data_path("categories"), ("name",))}
    result = import_source(text, corrections, categories)
    differences = [] if write else _differences(repo, result.rows)
    blocked = bool(result.source_problems or result.correction_problems)
    written = []
    if write and not blocked:
        for list_name in LISTS:
            path = data_path(LIST_RESOURCES[list_name])
            write_atomic(repo / path, csv_text(LIST_FIELDS[list_name], result.rows[list_name]))
            written.append(path)
    return {
        "source": str(source),
        "rows": {list_name: len(rows) for list_name, rows in result.rows.items()},
        "anomalies": [anomaly.to_dict() for anomaly in result.anomalies],
        "source_problems": [asdict(problem) for problem in result.source_problems],
        "correction_problems": [asdict(problem) for problem in result.correction_problems],
        "differences": differences,
        "written": written,
        "ok": not blocked and not differences,
    }


def _descriptor_source(repo):
    shown = repo / DESCRIPTOR
    try:
        descriptor = json.loads(_read(repo, DESCRIPTOR, "descriptor"))
    except (ValueError, RecursionError):
        raise ImportInputError(f"{shown}: not valid JSON; run dutylist validate", file=shown) from None
    problem = json_depth_problem(descriptor)
    if problem:
        raise ImportInputError(f"{shown}: {problem}", file=shown)
    try:
        path = descriptor["sources"][0]["path"]
    except (KeyError, IndexError, TypeError):
        raise ImportInputError(f"{shown}: no sources[0].path; name the source with --source", file=shown) from None
    problem = unsafe_path_problem(path) if isinstance(path, str) else "is not a path"
    if problem:
        raise ImportInputError(f"{shown}: sources[0].path {path!r} {problem}", file=shown)
    return path


def _read(folder, relative, what, shown=None, missing_ok=False):
    shown = shown or Path(folder) / relative
    try:
        data = read_package_file(folder, relative)
    except FileRefused as refused:
        raise ImportInputError(f"{shown}: {refused.message}", file=shown, code="file-refused") from None
    if data is None:
        if missing_ok:
            return None
        raise ImportInputError(f"{shown}: no such file (the {what} to import)", file=shown)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ImportInputError(f"{shown}: not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8", file=shown) from None


def _parse_csv(text, shown):
    try:
        return read_csv_text(text)
    except csv.Error as error:
        raise ImportInputError(f"{shown}: cannot be read as CSV ({error})", file=shown) from None


def _read_csv(repo, relative, required_columns):
    shown = Path(repo) / relative
    rows = _parse_csv(_read(repo, relative, "curated data"), shown)
    missing = [column for column in required_columns if rows and column not in rows[0]]
    if missing:
        raise ImportInputError(f"{shown}: missing column(s) {', '.join(missing)}", file=shown)
    return rows


def _differences(repo, rows_by_list):
    """Cells where data/ differs from what the importer derives."""
    differences = []
    for list_name, derived in rows_by_list.items():
        path = data_path(LIST_RESOURCES[list_name])
        text = _read(repo, path, "data", missing_ok=True)
        current = [] if text is None else _parse_csv(text, repo / path)
        current_by_id = {row.get("id"): row for row in current}
        for row_number, row in enumerate(derived, start=2):
            held = current_by_id.get(row["id"])
            if held is None:
                differences.append({"file": path, "row": row_number, "id": row["id"], "field": None, "derived": None, "held": None})
                continue
            for field, value in row.items():
                if held.get(field) != value:
                    differences.append(
                        {"file": path, "row": row_number, "id": row["id"], "field": field, "derived": value, "held": held.get(field)}
                    )
        if len(current) != len(derived):
            differences.append({"file": path, "row": None, "id": None, "field": None, "derived": len(derived), "held": len(current)})
    return differences


def render_text(report):
    lines = [f"source: {report['source']}"]
    lines.append("rows: " + ", ".join(f"{name} {count}" for name, count in report["rows"].items()))
    for problem in report["source_problems"]:
        lines.append(f"{report['source']}:{problem['line']}  {problem['code']}  {problem['message']}")
    for problem in report["correction_problems"]:
        lines.append(
            f"data/corrections.csv:{problem['row']}:{problem['field']}  {problem['code']}  {problem['item_id']}: {problem['message']}"
        )
    if report["anomalies"]:
        lines.append(f"anomalies in the extracted text ({len(report['anomalies'])}), a work list:")
        for anomaly in report["anomalies"]:
            lines.append(
                f"  {report['source']}:{anomaly['line']}  page {anomaly['page']}  {anomaly['list']} {anomaly['seq']} "
                f"({anomaly['item_id']}) {anomaly['field']}  {anomaly['code']}  {anomaly['message']}"
            )
    for difference in report["differences"]:
        lines.append(
            f"{difference['file']}:{difference['row']}:{difference['field']}  differs-from-source  "
            f"{difference['id']}: data/ holds {difference['held']!r}, the source gives {difference['derived']!r}"
        )
    if report["written"]:
        lines.append("wrote " + ", ".join(report["written"]))
    elif report["differences"]:
        lines.append(f"data/ differs from the source in {len(report['differences'])} place(s): "
                     "record a correction, or run with --write to rewrite the three lists")
    elif report["ok"]:
        lines.append("data/ is exactly the source with the rules and corrections applied")
    return "\n".join(lines)
