"""The import-source job: run the importer on a repository's files, compare with data/, write on request.

Two cases. **Re-import** (no PATH, or the package's own edition): the source, the rules, the
links file and the corrections must give exactly data/; differences are reported, and ``--write``
rewrites the three lists (and the links file, if a row had to be linked). **A new edition**
(``--edition`` later than the package's): every row is linked to an id (links file, exact, likely,
new), the corrections that still apply carry over, and the report says what would be written;
``--write`` writes data/, the links file, the corrections left, the source (byte for byte) and
datapackage.json (``edition`` and ``sources``; never ``version``).
"""

import hashlib
import json
import re
from dataclasses import asdict
from pathlib import Path

from ..core.package import (
    CORRECTION_FIELDS, DESCRIPTOR, LIST_FIELDS, LIST_RESOURCES, LISTS, csv_text, data_path, id_prefix, read_csv_text,
    write_atomic,
)
from ..core.edition import unsafe_path_problem
from .derive import import_source
from .links import LinksError, links_path, links_text, read_links
from .parse import SourceRefused
from .render import render_text  # noqa: F401  (the CLI prints job.render_text(report))
from .used_ids import ids_ever_used

EDITION = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
PACKAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")  # a Data Package name: safe inside a file name


class ImportInputError(Exception):
    pass


def run_import(repo, source=None, write=False, edition=None):
    repo = Path(repo)
    descriptor = _descriptor(repo)
    package_edition = descriptor.get("edition") if isinstance(descriptor.get("edition"), str) else None
    edition = edition or package_edition
    if not edition or not EDITION.match(edition):
        raise ImportInputError(f"edition {edition!r}: give the edition as --edition YYYY-MM (the month it was published)")
    new_edition = edition != package_edition
    if new_edition and package_edition and edition < package_edition:
        raise ImportInputError(f"edition {edition} is older than the package's edition {package_edition}; "
                               "an import brings in a later edition")
    if source is None:
        if new_edition:
            raise ImportInputError(f"give the extracted text of edition {edition} as PATH")
        source = repo / _descriptor_source(descriptor, edition)
    source = Path(source)
    try:
        prefix = id_prefix(descriptor)
    except ValueError as error:
        raise ImportInputError(f"{repo / DESCRIPTOR}: {error}") from None
    town = (descriptor.get("town") or {}).get("name") if isinstance(descriptor.get("town"), dict) else None
    text = _read(source, "source")
    corrections = _read_csv(repo / data_path("corrections"), CORRECTION_FIELDS)
    categories = {row["name"] for row in _read_csv(repo / data_path("categories"), ("name",))}
    links_file = links_path(edition)
    links = _read_links(repo, links_file, prefix)
    # a new edition is linked to data/; a re-import follows its links file, and links a row the file
    # does not cover to data/ as it stands (so that a lost links file does not re-mint every id)
    previous = _current_items(repo, strict=new_edition)
    try:
        result = import_source(
            text, corrections, categories, town=town, prefix=prefix, links=links, previous=previous,
            used_ids=lambda: ids_ever_used(repo, prefix), new_edition=new_edition, links_file=links_file,
        )
    except SourceRefused as error:
        raise ImportInputError(f"{source}:{error.line}  {error.code}  {error.message}; nothing was written") from None
    except LinksError as error:
        raise ImportInputError(f"{error}; nothing was written") from None
    report = _report(source, edition, package_edition, descriptor, new_edition, links_file, links, previous, result)
    if new_edition:
        report["new_anomalies"] = _new_anomalies(repo, descriptor, package_edition, prefix, town, categories, result.anomalies)
    else:
        report["differences"] = [] if write else _differences(repo, result.rows)
    blocked = bool(result.source_problems or (result.correction_problems and not new_edition))
    files = _files_to_write(repo, source, edition, descriptor, new_edition, links_file, result, report)
    report["would_write"] = [path for path, _ in files]
    if write and not blocked:
        for path, content in files:
            write_atomic(repo / path, content)
        report["written"] = report["would_write"]
    report["ok"] = not blocked and not report["differences"]
    return report


def _report(source, edition, package_edition, descriptor, new_edition, links_file, links, previous, result):
    linking = result.linking
    items = {row["id"]: {**row, "list": list_name} for list_name, rows in result.rows.items() for row in rows}
    counts = {how: sum(1 for link in linking.links if link.how == how) for how in ("exact", "likely", "new", "manual")}
    counts["retired"] = len(linking.retired)

    def named(link):
        return {"id": link.id, "list": link.list, "seq": link.seq, "name": items[link.id]["name"]}

    return {
        "source": str(source),
        "edition": edition,
        "package_edition": package_edition,
        "version": descriptor.get("version"),
        "new_edition": new_edition,
        "pages": result.pages,
        "rows": {list_name: len(rows) for list_name, rows in result.rows.items()},
        "links": {
            "file": links_file,
            "recorded": len(links),
            "counts": counts,
            "likely": [{**named(link), "score": link.score, "previous_list": link.previous_list or None,
                        "previous_seq": link.previous_seq, "previous_name": previous.get(link.id, {}).get("name") if new_edition else None}
                       for link in linking.links if link.how == "likely"],
            # on a re-import, only the ids minted by this run (a row the links file does not cover, or a forced 'new')
            "new": [named(link) for link in linking.links
                    if link.how == "new" and (new_edition or not getattr(links.get((link.list, link.seq)), "id", ""))],
            "retired": [{"id": item_id, "list": previous[item_id]["list"], "seq": int(previous[item_id]["seq"]),
                         "name": previous[item_id]["name"]} for item_id in linking.retired],
        },
        "corrections": {"kept": len(result.corrections_kept),
                        "dropped": [asdict(problem) for problem in result.correction_problems] if new_edition else []},
        "anomalies": [anomaly.to_dict() for anomaly in result.anomalies],
        "new_anomalies": [],
        "source_problems": [asdict(problem) for problem in result.source_problems],
        "correction_problems": [] if new_edition else [asdict(problem) for problem in result.correction_problems],
        "differences": [],
        "would_write": [],
        "written": [],
        "ok": False,
    }


def _files_to_write(repo, source, edition, descriptor, new_edition, links_file, result, report):
    """(path, content) of every file the import writes, in the order it writes them (the descriptor last)."""
    files = []
    links = links_text(result.linking.links)
    if new_edition:
        data = Path(source).read_bytes()
        # the text decoded as it is (no newline translation): UTF-8 written back gives these very bytes
        text = data.decode("utf-8")
        name = descriptor.get("name")
        name = name if isinstance(name, str) and PACKAGE_NAME.match(name) else "duty-list"
        kept_source = f"sources/{name}-{edition}.extracted.txt"
        if (repo / kept_source).exists() and (repo / kept_source).read_bytes() != data:
            raise ImportInputError(f"{repo / kept_source} already holds another text; move it away or import that one")
        files.append((kept_source, text))
    if new_edition or _current_text(repo / links_file) != links:
        files.append((links_file, links))
    if new_edition and report["corrections"]["dropped"]:
        files.append((data_path("corrections"), csv_text(CORRECTION_FIELDS, result.corrections_kept)))
    for list_name in LISTS:
        path = data_path(LIST_RESOURCES[list_name])
        text = csv_text(LIST_FIELDS[list_name], result.rows[list_name])
        if new_edition or _current_text(repo / path) != text:
            files.append((path, text))
    if new_edition:
        updated = _descriptor_for(descriptor, edition, kept_source, data, result.pages)
        files.append((DESCRIPTOR, json.dumps(updated, ensure_ascii=False, indent=2) + "\n"))
    return files


def _descriptor_for(descriptor, edition, kept_source, data, pages):
    sources = [entry for entry in descriptor.get("sources") or [] if not (isinstance(entry, dict) and entry.get("path") == kept_source)]
    earlier = next((entry for entry in sources if isinstance(entry, dict)), {})
    town = descriptor.get("town") or {}
    entry = {
        "title": f"{town.get('county', '')}{town.get('name', '')}履职事项清单 ({edition}), text extracted from the published PDF ({pages} pages)",
        "path": kept_source,
        "publisher": earlier.get("publisher", town.get("name", "")),
        "date": edition,
        "edition": edition,
        "sha256": hashlib.sha256(data).hexdigest(),
        "note": "Byte-identical copy of the text extracted from the published PDF, kept verbatim; data/ is derived from it by `dutylist import-source`.",
    }
    return {**descriptor, "edition": edition, "sources": [entry, *sources]}


def _current_text(path):
    try:
        return Path(path).read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return None


def _read_links(repo, links_file, prefix):
    if not (repo / links_file).is_file():
        return {}
    try:
        return read_links(_read(repo / links_file, "links file"), links_file, prefix)
    except LinksError as error:
        raise ImportInputError(f"{error}; nothing was written") from None


def _current_items(repo, strict=True):
    """The items of the package as data/ holds them: the edition a new one is linked to.

    Not ``strict`` (a re-import, which may be repairing data/), a list that cannot be read is skipped.
    """
    items = {}
    for list_name in LISTS:
        path = repo / data_path(LIST_RESOURCES[list_name])
        try:
            rows = _read_csv(path, LIST_FIELDS[list_name])
        except ImportInputError:
            if strict:
                raise
            continue
        for row_number, row in enumerate(rows, start=2):
            problem = _item_problem(row, items)
            if problem and strict:
                raise ImportInputError(f"{repo / data_path(LIST_RESOURCES[list_name])}:{row_number}  {problem}; "
                                       "a new edition is linked to these items: run dutylist validate and fix data/ first")
            if not problem:
                items[row["id"]] = {**row, "list": list_name}
    return items


def _item_problem(row, items):
    if not row.get("id"):
        return "a row without an id"
    if not (row.get("seq") or "").isdigit():
        return f"seq {(row.get('seq') or '')[:20]!r} is not a whole number"
    if row["id"] in items:
        return f"id {row['id']} is already the id of {items[row['id']]['list']} {items[row['id']]['seq']}"
    return None


def _new_anomalies(repo, descriptor, package_edition, prefix, town, categories, anomalies):
    """The anomalies of a new edition that the package's own edition does not show (same item, field, code and text)."""
    try:
        source = repo / _descriptor_source(descriptor, package_edition)
        current = import_source(
            _read(source, "source"), _read_csv(repo / data_path("corrections"), CORRECTION_FIELDS), categories, town=town,
            prefix=prefix, links=_read_links(repo, links_path(package_edition), prefix), used_ids=lambda: ids_ever_used(repo, prefix),
        )
        known = {(a.item_id, a.field, a.code, a.text) for a in current.anomalies}
    except (ImportInputError, SourceRefused, LinksError):
        known = set()
    return [anomaly.to_dict() for anomaly in anomalies if (anomaly.item_id, anomaly.field, anomaly.code, anomaly.text) not in known]


def _descriptor(repo):
    try:
        descriptor = json.loads(_read(repo / DESCRIPTOR, "descriptor"))
    except json.JSONDecodeError as error:
        raise ImportInputError(f"{repo / DESCRIPTOR}: not valid JSON ({error.msg} at line {error.lineno})") from None
    if not isinstance(descriptor, dict):
        raise ImportInputError(f"{repo / DESCRIPTOR}: must hold a JSON object")
    return descriptor


def _descriptor_source(descriptor, edition):
    """The path of the source of ``edition``: the entry of ``sources`` whose edition (or date) it is, else the first."""
    entries = [entry for entry in descriptor.get("sources") or [] if isinstance(entry, dict) and isinstance(entry.get("path"), str)]
    chosen = next((entry for entry in entries if edition and edition in (entry.get("edition"), entry.get("date"))),
                  entries[0] if entries else None)
    if chosen is None:
        raise ImportInputError(f"{DESCRIPTOR}: no sources[].path for edition {edition}; give the source as PATH")
    problem = unsafe_path_problem(chosen["path"])
    if problem:
        raise ImportInputError(f"{DESCRIPTOR}: the source path {chosen['path']!r} {problem}")
    return chosen["path"]


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
