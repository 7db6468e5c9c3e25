"""The import-source job: run the importer on a repository's files, compare with data/, write on request."""

import json
from dataclasses import asdict
from pathlib import Path

from ..core.package import (
    CORRECTION_FIELDS, DESCRIPTOR, LIST_FIELDS, LIST_RESOURCES, LISTS, csv_text, data_path, read_csv_text, write_atomic,
)
from .derive import import_source


class ImportInputError(Exception):
    pass


def run_import(repo, source=None, write=False):
    repo = Path(repo)
    source = Path(source) if source else repo / _descriptor_source(repo)
    text = _read(source, "source")
    corrections = _read_csv(repo / data_path("corrections"), CORRECTION_FIELDS)
    categories = {row["name"] for row in _read_csv(repo / data_path("categories"), ("name",))}
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
    descriptor = json.loads(_read(repo / DESCRIPTOR, "descriptor"))
    try:
        return descriptor["sources"][0]["path"]
    except (KeyError, IndexError, TypeError):
        raise ImportInputError(f"{repo / DESCRIPTOR}: no sources[0].path; name the source with --source") from None


def _read(path, what):
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ImportInputError(f"{path}: no such file (the {what} to import)") from None
    except UnicodeDecodeError as error:
        raise ImportInputError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8") from None


def _read_csv(path, required_columns):
    rows = read_csv_text(_read(path, "curated data"))
    missing = [column for column in required_columns if rows and column not in rows[0]]
    if missing:
        raise ImportInputError(f"{path}: missing column(s) {', '.join(missing)}")
    return rows


def _differences(repo, rows_by_list):
    """Cells where data/ differs from what the importer derives."""
    differences = []
    for list_name, derived in rows_by_list.items():
        path = data_path(LIST_RESOURCES[list_name])
        try:
            current = read_csv_text((repo / path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            current = []
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
