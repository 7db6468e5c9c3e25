"""The import-source job: run the importer on a repository's files, compare with data/, write on request.

Two cases. **Re-import** (no PATH, or the package's own edition): the source, the rules, the
links file and the corrections must give exactly data/; differences are reported, and ``--write``
rewrites the three lists (and the links file, if a row had to be linked). **A new edition**
(``--edition`` later than the package's): every row is linked to an id (links file, exact, likely,
new), the corrections that still apply carry over, and the report says what would be written;
``--write`` writes data/, the links file, the corrections left, the source (byte for byte) and
datapackage.json (``edition`` and ``sources``; never ``version``).
"""

import csv
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..core.descriptions import refreshed
from ..core.edition import EditionError, resource_paths
from ..core.errors import DutylistError
from ..core.names import is_edition, resource_path_problem
from ..core.files import FileRefused, json_depth_problem, open_package_file, read_package_file
from ..core.amendments import AMENDMENT_FIELDS
from ..core.package import (
    CORRECTION_FIELDS, DESCRIPTOR, LIST_FIELDS, LIST_RESOURCES, LISTS, WriteError, csv_text, data_path, id_prefix,
    read_csv_text, write_files_atomic,
)
from .derive import import_source
from .links import LinksError, links_path, links_text, read_links
from .parse import SourceRefused
from .pdf import PdfRefused, extract_text
from .render import render_text  # noqa: F401  (the CLI prints job.render_text(report))
from .review import review_report
from .used_ids import ids_ever_used

PACKAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")  # a Data Package name: safe inside a file name


__all__ = ["ImportInputError", "WriteError", "run_import", "render_text"]


class ImportInputError(DutylistError):
    def __init__(self, message, file=None, code=None):
        super().__init__(message, code=code, file=file)


@dataclass(slots=True)
class _Job:
    """What both jobs read before deriving anything: the package, the edition to import and its source."""
    repo: Path
    descriptor: dict
    package_edition: str | None  # the edition data/ holds
    edition: str  # the edition imported
    source: Path
    source_bytes: bytes  # the source as read (a new edition keeps these very bytes)
    text: str  # the source decoded, with \n line ends
    prefix: str  # the ids' division code
    town: str | None
    corrections: list
    amendments: list  # the amendment records (none in a package made before amendments)
    categories: set
    links_file: str
    links: dict  # the links file of the edition, as read
    paths: dict  # resource name -> its file, as the descriptor names it
    pdf: bytes | None = None  # the edition's PDF, when PATH is one (source_bytes is then the text extracted from it)
    pdf_warnings: list = field(default_factory=list)  # where OCR read a 序号 the count of rows does not agree with

    def path(self, resource):
        return _file_of(self.paths, resource)


def _file_of(paths, resource):
    """The file of a resource: the descriptor's path, or data/<resource>.csv where it names none."""
    return paths.get(resource) or data_path(resource)


def run_import(repo, source=None, write=False, edition=None):
    """The report of importing ``edition`` (default: the package's own) from ``source`` (default: the descriptor's
    source of that edition); with ``write``, the files are written too unless something blocks them."""
    job = _open(Path(repo), source, edition)
    if job.edition == job.package_edition:
        return _reimport(job, write)
    return _import_new_edition(job, write)


def _reimport(job, write):
    """The package's own edition again: the source, rules, links file and corrections must give exactly data/;
    ``write`` rewrites the lists (and the links file, if a row had to be linked)."""
    # a re-import follows its links file, and links a row the file does not cover to data/ as it stands
    # (so that a lost links file does not re-mint every id); a list it cannot read is skipped (it may be repairing data/)
    previous = _current_items(job, strict=False)
    result = _derive(job, previous, new_edition=False)
    minted = [link for link in result.linking.links  # only the ids minted by this run (a row the links file does not cover, or a forced 'new')
              if link.how == "new" and not getattr(job.links.get((link.list, link.seq)), "id", "")]
    report = _report(job, result, previous, minted, previous_names={})
    report["correction_problems"] = [asdict(problem) for problem in result.correction_problems]
    report["amendment_problems"] = [asdict(problem) for problem in result.amendment_problems]
    differences, report["unrecorded"] = _differences(job, result.rows, result.replaced)
    # a value of data/ that no record gives is never overwritten: --write refuses, naming each (docs/import.md)
    report["differences"] = [] if write else differences
    extra = {difference["id"] for difference in differences if difference["kind"] == "extra"}
    links = report["links"]  # an item only data/ holds is an edit to record, not an id retired by the source
    links["retired"] = [item for item in links["retired"] if item["id"] not in extra]
    links["counts"]["retired"] = len(links["retired"])
    files = [(job.links_file, links_text(result.linking.links)), *_list_files(job, result)]
    files = [(path, text) for path, text in files if current_text(job.repo, path) != text]
    files, held = _held_for_review(job, result, files)
    blocked = bool(result.source_problems or result.correction_problems or result.amendment_problems or report["unrecorded"])
    return _finish(job, report, files, write, blocked=blocked, held=held)


def _import_new_edition(job, write):
    """A later edition: every row is linked to an id of data/ (links file, exact, likely, new), the corrections that
    still apply carry over; ``write`` writes data/, the links file, the corrections left, the source (byte for byte)
    and datapackage.json (``edition`` and ``sources``; never ``version``)."""
    previous = _current_items(job, strict=True)  # the edition a new one is linked to
    result = _derive(job, previous, new_edition=True)
    report = _report(job, result, previous, [link for link in result.linking.links if link.how == "new"], previous_names=previous)
    report["new_edition"] = True
    dropped = report["corrections"]["dropped"] = [asdict(problem) for problem in result.correction_problems]
    report["new_anomalies"], current = _new_anomalies(job, result.anomalies)
    if current is not None:  # an edit of data/ not recorded yet would be thrown away by the new edition: refused
        report["unrecorded"] = _differences(job, current.rows, current.replaced)[1]
    report["amendments_dropped"] = len(job.amendments)  # a new edition supersedes the amendments of the last
    kept_source = _kept_source(job)
    files = [(kept_source, job.source_bytes.decode("utf-8")), (job.links_file, links_text(result.linking.links))]
    kept_pdf = _kept_pdf(job, kept_source)
    if kept_pdf:
        files.insert(0, (kept_pdf, job.pdf))
    if dropped:
        files.append((job.path("corrections"), csv_text(CORRECTION_FIELDS, result.corrections_kept)))
    if job.amendments:
        files.append((job.path("amendments"), csv_text(AMENDMENT_FIELDS, [])))
    files += _list_files(job, result)
    updated = _descriptor_for(job.descriptor, job.edition, kept_source, job.source_bytes, result.pages)
    if kept_pdf:
        updated = _with_pdf_source(updated, job.edition, kept_pdf, job.pdf, result.pages)
    updated = refreshed(updated, {LIST_RESOURCES[list_name]: len(rows) for list_name, rows in result.rows.items()})  # "the 85 duties", "edition of July 2025"
    files.append((DESCRIPTOR, json.dumps(updated, ensure_ascii=False, indent=2) + "\n"))
    files, held = _held_for_review(job, result, files)
    return _finish(job, report, files, write, blocked=bool(result.source_problems or report["unrecorded"]), held=held)


def records_and_data(repo):
    """(what the records give, what data/ holds): each id -> item with ``_list``, the package's own edition, for
    ``dutylist record`` and the commands that record their own amendments. Also the job and the importer's result
    (its anomalies say where the extracted text is damaged). Records that do not apply are an input error."""
    job = _open(Path(repo), None, None)
    held = _current_items(job, strict=True, context="an edit is recorded against these items")
    result = _derive(job, held, new_edition=False)
    problems = [*(f"{job.source}:{p.line}  {p.code}  {p.message}" for p in result.source_problems),
                *(f"data/corrections.csv:{p.row}  {p.code}  {p.message}" for p in result.correction_problems),
                *(f"data/amendments.csv:{p.row}  {p.code}  {p.message}" for p in result.amendment_problems)]
    if problems:
        raise ImportInputError(f"{problems[0]}; the records must apply before an edit is recorded: run dutylist import-source"
                               + (f" ({len(problems)} problems)" if len(problems) > 1 else ""), code="records-do-not-apply")
    given = {row["id"]: {**row, "_list": list_name} for list_name, rows in result.rows.items() for row in rows}
    held = {item_id: {**{key: value for key, value in item.items() if key != "list"}, "_list": item["list"]}
            for item_id, item in held.items()}
    return given, held, job, result


def _open(repo, source, edition):
    """Read what both jobs need, in this order (the first problem is the one reported)."""
    descriptor = _descriptor(repo)
    package_edition = descriptor.get("edition") if isinstance(descriptor.get("edition"), str) else None
    edition = edition or package_edition
    if not is_edition(edition):
        raise ImportInputError(f"edition {edition!r}: give the edition as --edition YYYY-MM (the month it was published)")
    if edition != package_edition and package_edition and edition < package_edition:
        raise ImportInputError(f"edition {edition} is older than the package's edition {package_edition}; "
                               "an import brings in a later edition")
    if source is None:
        if edition != package_edition:
            raise ImportInputError(f"give the extracted text of edition {edition} as PATH")
        source = repo / _descriptor_source(descriptor, edition)
    source = Path(source)
    # files are read as validate reads them (core/files.py): regular files inside their folder, size-limited
    source_bytes = _read_bytes(source.parent, source.name, "source", shown=source)
    try:
        prefix = id_prefix(descriptor)
    except ValueError as error:
        raise ImportInputError(f"{repo / DESCRIPTOR}: {error}") from None
    town = (descriptor.get("town") or {}).get("name") if isinstance(descriptor.get("town"), dict) else None
    pdf, pdf_warnings = None, []
    if source.suffix.lower() == ".pdf":  # the published PDF: its text is extracted first
        pdf, source_bytes = source_bytes, _extract_pdf(source_bytes, source, pdf_warnings).encode("utf-8")
    text = _decode(source_bytes, source).replace("\r\n", "\n")
    try:
        paths = resource_paths(descriptor, file=repo / DESCRIPTOR)
    except EditionError as error:
        raise ImportInputError(str(error), file=repo / DESCRIPTOR) from None
    corrections = _read_csv(repo, _file_of(paths, "corrections"), CORRECTION_FIELDS)
    amendments = _read_csv(repo, _file_of(paths, "amendments"), AMENDMENT_FIELDS, missing_ok="amendments" not in paths)
    categories = {row["name"] for row in _read_csv(repo, _file_of(paths, "categories"), ("name",))}
    links_file = links_path(edition)
    links = _read_links(repo, links_file, prefix)
    return _Job(repo, descriptor, package_edition, edition, source, source_bytes, text, prefix, town, corrections,
                amendments, categories, links_file, links, paths, pdf, pdf_warnings)


def _extract_pdf(data, source, warnings):
    """The source text of the edition's PDF (importing/pdf), its OCR warnings into ``warnings``; a PDF it refuses is
    an input error."""
    try:
        return extract_text(data, source, warnings=warnings)
    except PdfRefused as error:
        raise ImportInputError(f"{error}; nothing was written", file=source, code=error.code) from None


def _derive(job, previous, new_edition):
    """import_source's result for the job; a source or links file it refuses is an input error."""
    try:
        return import_source(
            job.text, job.corrections, job.categories, town=job.town, prefix=job.prefix, links=job.links, previous=previous,
            used_ids=lambda: _ids_ever_used(job.repo, job.prefix), new_edition=new_edition, links_file=job.links_file,
            amendments=() if new_edition else job.amendments,
        )
    except SourceRefused as error:
        raise ImportInputError(f"{job.source}:{error.line}  {error.code}  {error.message}; nothing was written") from None
    except LinksError as error:
        raise ImportInputError(f"{error}; nothing was written") from None


def _held_for_review(job, result, files):
    """While a row of the links file is put to review, only the links file is written (it is answered there)."""
    if not any(link.how == "review" for link in result.linking.links):
        return files, False
    return [(path, text) for path, text in files if path == job.links_file], True


def _finish(job, report, files, write, blocked, held=False):
    """The files the job would write into the report, and written when asked and nothing blocks them;
    ``held``: rows wait for review (the links file alone is written, and the job is not done)."""
    report["would_write"] = [path for path, _ in files]
    if write and not blocked:
        # one change: every file to a temporary sibling, then renamed in order, the descriptor last (core/package.py)
        write_files_atomic({job.repo / path: content for path, content in files})
        report["written"] = report["would_write"]
    report["refused"] = bool(write and report["unrecorded"])
    report["ok"] = not blocked and not held and not report["differences"]
    return report


def _ids_ever_used(repo, prefix):
    """importing/used_ids.py's answer; a file it may not read, or a history past its limit, is an input error."""
    try:
        return ids_ever_used(repo, prefix)
    except FileRefused as refused:
        raise ImportInputError(f"{refused.file}: {refused.message}", file=refused.file, code=refused.code) from None


def _report(job, result, previous, new_links, previous_names):
    """The report both jobs give, with what only one of them fills left empty (``new_edition``, the corrections
    dropped, the correction problems, the new anomalies, the differences). ``previous``: data/'s items;
    ``new_links``: the links listed as new; ``previous_names``: the items whose name a likely link shows as its
    previous name (none on a re-import)."""
    linking = result.linking
    items = {row["id"]: {**row, "list": list_name} for list_name, rows in result.rows.items() for row in rows}
    with_bom = _files_with_bom(job)
    counts = {how: sum(1 for link in linking.links if link.how == how) for how in ("exact", "likely", "review", "new", "manual")}
    retired = [item_id for item_id in linking.retired if item_id not in items]  # an id an amendment adds is not retired
    counts["retired"] = len(retired)

    def named(link):
        return {"id": link.id, "list": link.list, "seq": link.seq, "name": items[link.id]["name"]}

    review, resembles = review_report(linking.links, items, previous, linking.retired)

    return {
        "source": str(job.source),
        "edition": job.edition,
        "package_edition": job.package_edition,
        "version": job.descriptor.get("version"),
        "new_edition": False,
        "pages": result.pages,
        "rows": {list_name: len(rows) for list_name, rows in result.rows.items()},
        "links": {
            "file": job.links_file,
            "recorded": len(job.links),
            "counts": counts,
            "likely": [{**named(link), "score": link.score, "previous_list": link.previous_list or None,
                        "previous_seq": link.previous_seq, "previous_name": previous_names.get(link.id, {}).get("name")}
                       for link in linking.links if link.how == "likely"],
            "review": review,
            "new": [{**named(link), "resembles": resembles.get(link.id, [])} for link in new_links],
            "retired": [{"id": item_id, "list": previous[item_id]["list"], "seq": int(previous[item_id]["seq"]),
                         "name": previous[item_id]["name"]} for item_id in retired],
        },
        "corrections": {"kept": len(result.corrections_kept), "dropped": []},
        "anomalies": [anomaly.to_dict() for anomaly in result.anomalies],
        "new_anomalies": [],
        "source_problems": [asdict(problem) for problem in result.source_problems],
        "pdf_warnings": list(job.pdf_warnings),
        "correction_problems": [],
        "amendment_problems": [],
        "amendments_dropped": 0,
        "differences": [],
        "unrecorded": [],
        "would_write": [],
        "written": [],
        "refused": False,
        "ok": False,
        **({"encoding_bom": with_bom} if with_bom else {}),  # read without the mark; `dutylist fmt` removes it
    }


def _list_files(job, result):
    """(path, content) of the three lists as derived."""
    return [(job.path(LIST_RESOURCES[list_name]), csv_text(LIST_FIELDS[list_name], result.rows[list_name])) for list_name in LISTS]


def _kept_source(job):
    """Where a new edition's source is kept (sources/NAME-EDITION.extracted.txt); a different text already there is refused."""
    name = job.descriptor.get("name")
    name = name if isinstance(name, str) and PACKAGE_NAME.match(name) else "duty-list"
    kept_source = f"sources/{name}-{job.edition}.extracted.txt"
    held = _read_bytes(job.repo, kept_source, "kept source", missing_ok=True)
    if held is not None and held != job.source_bytes:
        raise ImportInputError(f"{job.repo / kept_source} already holds another text; move it away or import that one")
    return kept_source


def _kept_pdf(job, kept_source):
    """Where a new edition's PDF is kept, beside its text (sources/NAME-EDITION.pdf); None without a PDF; another
    PDF already there is refused."""
    if job.pdf is None:
        return None
    kept_pdf = kept_source.removesuffix(".extracted.txt") + ".pdf"
    held = _read_bytes(job.repo, kept_pdf, "kept PDF", missing_ok=True)
    if held is not None and held != job.pdf:
        raise ImportInputError(f"{job.repo / kept_pdf} already holds another PDF; move it away or import that one")
    return kept_pdf


def _with_pdf_source(descriptor, edition, kept_pdf, data, pages):
    """The descriptor with the PDF's own entry in ``sources``, after its text's (which stays the edition's source)."""
    sources = [entry for entry in descriptor["sources"] if not (isinstance(entry, dict) and entry.get("path") == kept_pdf)]
    text_entry = sources[0]
    entry = {
        "title": text_entry["title"].partition(", text extracted")[0] + f", the published PDF ({pages} table pages)",
        "path": kept_pdf,
        "publisher": text_entry["publisher"],
        "date": edition,
        "edition": edition,
        "sha256": hashlib.sha256(data).hexdigest(),
        "note": f"The published PDF as imported; {text_entry['path']} is the text `dutylist extract` read from it.",
    }
    return {**descriptor, "sources": [text_entry, entry, *sources[1:]]}


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


def current_text(repo, relative):
    """The text of a file of the package as it stands, or None when it is missing or may not be read."""
    try:
        return _read(repo, relative, "data", missing_ok=True)
    except ImportInputError:
        return None


def _read_links(repo, links_file, prefix):
    if not (repo / links_file).is_file():
        return {}
    try:
        return read_links(_read(repo, links_file, "links file"), links_file, prefix)
    except LinksError as error:
        raise ImportInputError(f"{error}; nothing was written") from None


def _current_items(job, strict=True, context="a new edition is linked to these items"):
    """The items of the package as data/ holds them: the edition a new one is linked to.

    Not ``strict`` (a re-import, which may be repairing data/), a list that cannot be read is skipped.
    """
    items = {}
    for list_name in LISTS:
        try:
            rows = _read_csv(job.repo, job.path(LIST_RESOURCES[list_name]), LIST_FIELDS[list_name])
        except ImportInputError:
            if strict:
                raise
            continue
        for row_number, row in enumerate(rows, start=2):
            problem = _item_problem(row, items)
            if problem and strict:
                raise ImportInputError(f"{job.repo / job.path(LIST_RESOURCES[list_name])}:{row_number}  {problem}; "
                                       f"{context}: run dutylist validate and fix data/ first")
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


def _new_anomalies(job, anomalies):
    """The anomalies of a new edition that the package's own edition does not show (same item, field, code and text),
    and the import of the package's own edition (None when it cannot be made)."""
    repo, package_edition = job.repo, job.package_edition
    try:
        current = import_source(
            _read(repo, _descriptor_source(job.descriptor, package_edition), "source").replace("\r\n", "\n"),
            job.corrections, job.categories, town=job.town,
            prefix=job.prefix, links=_read_links(repo, links_path(package_edition), job.prefix),
            used_ids=lambda: _ids_ever_used(repo, job.prefix), amendments=job.amendments,
        )
        known = {(a.item_id, a.field, a.code, a.text) for a in current.anomalies}
    except (ImportInputError, SourceRefused, LinksError):
        known, current = set(), None
    return [anomaly.to_dict() for anomaly in anomalies if (anomaly.item_id, anomaly.field, anomaly.code, anomaly.text) not in known], current


def _descriptor(repo):
    shown = repo / DESCRIPTOR
    try:
        descriptor = json.loads(_read(repo, DESCRIPTOR, "descriptor"))
    except (ValueError, RecursionError):
        raise ImportInputError(f"{shown}: not valid JSON; run dutylist validate", file=shown) from None
    problem = json_depth_problem(descriptor)
    if problem:
        raise ImportInputError(f"{shown}: {problem}", file=shown)
    if not isinstance(descriptor, dict):
        raise ImportInputError(f"{shown}: must hold a JSON object", file=shown)
    return descriptor


def _descriptor_source(descriptor, edition):
    """The path of the source of ``edition``: the entry of ``sources`` whose edition (or date) it is, else the first."""
    entries = [entry for entry in descriptor.get("sources") or [] if isinstance(entry, dict) and isinstance(entry.get("path"), str)]
    chosen = next((entry for entry in entries if edition and edition in (entry.get("edition"), entry.get("date"))),
                  entries[0] if entries else None)
    if chosen is None:
        raise ImportInputError(f"{DESCRIPTOR}: no sources[].path for edition {edition}; give the source as PATH")
    problem = resource_path_problem(chosen["path"])
    if problem:
        raise ImportInputError(f"{DESCRIPTOR}: the source path {chosen['path']!r} {problem}")
    return chosen["path"]


def _read(folder, relative, what, shown=None, missing_ok=False):
    shown = shown or Path(folder) / relative
    data = _read_bytes(folder, relative, what, shown, missing_ok)
    return None if data is None else _decode(data, shown)


def _read_bytes(folder, relative, what, shown=None, missing_ok=False):
    shown = shown or Path(folder) / relative
    try:
        data = read_package_file(folder, relative)
    except FileRefused as refused:
        raise ImportInputError(f"{shown}: {refused.message}", file=shown, code="file-refused") from None
    if data is None and not missing_ok:
        raise ImportInputError(f"{shown}: no such file (the {what} to import)", file=shown)
    return data


def _decode(data, shown):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ImportInputError(f"{shown}: not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8", file=shown) from None


def _parse_csv(text, shown):
    try:
        return read_csv_text(text)
    except csv.Error as error:
        raise ImportInputError(f"{shown}: cannot be read as CSV ({error})", file=shown) from None


def _data_text(repo, relative, what, missing_ok=False):
    """A CSV of data/ as text, read without the byte-order mark a spreadsheet may have saved (the report names
    the file and the fix, `dutylist fmt`: see ``_files_with_bom``), so that its values are compared as they are."""
    text = _read(repo, relative, what, missing_ok=missing_ok)
    return text[1:] if text and text.startswith("\ufeff") else text


def _files_with_bom(job):
    """The CSVs of data/ the job reads that start with a byte-order mark."""
    paths = [job.path(name) for name in ("corrections", "amendments", "categories", *(LIST_RESOURCES[list_name] for list_name in LISTS))]
    found = []
    for path in paths:
        try:
            stream = open_package_file(job.repo, path, streamed=True)  # its first three bytes, not the whole file again
        except FileRefused:
            continue  # reported where the file is read
        if stream is not None:
            with stream:
                if stream.read(3) == b"\xef\xbb\xbf":
                    found.append(path)
    return found


def _read_csv(repo, relative, required_columns, missing_ok=False):
    shown = Path(repo) / relative
    text = _data_text(repo, relative, "curated data", missing_ok=missing_ok)
    if text is None:
        return []
    rows = _parse_csv(text, shown)
    missing = [column for column in required_columns if rows and column not in rows[0]]
    if missing:
        raise ImportInputError(f"{shown}: missing column(s) {', '.join(missing)}", file=shown)
    return rows


def _differences(job, rows_by_list, replaced):
    """(differences, unrecorded): where data/ differs from what the records give, and what of it a write would lose.

    A difference is a cell (``kind`` "cell"), an item data/ lacks ("missing") or an item only data/ holds ("extra",
    with its row in data/). A write loses a value data/ holds
    where the records give another, unless a record replaced that very value on the way (``replaced``: a correction
    or amendment added since data/ was written), and an item only data/ holds, unless a record removes it or the
    records give the very same row under another id (a links file that relinks it)."""
    differences, lost = [], []
    derived_rows = {_without_id(row) for rows in rows_by_list.values() for row in rows}
    for list_name, derived in rows_by_list.items():
        path, repo = job.path(LIST_RESOURCES[list_name]), job.repo
        text = _read(repo, path, "data", missing_ok=True)  # a file refused (a link, a FIFO, too large) stops the job
        current = [] if text is None else _parse_csv(text.removeprefix("\ufeff"), repo / path)
        held_by_id = {row.get("id"): (row_number, row) for row_number, row in enumerate(current, start=2)}
        derived_ids = {row["id"] for row in derived}
        for row in derived:
            place = held_by_id.get(row["id"])
            if place is None:
                differences.append(_difference("missing", path, None, row["id"], None, None, None))
                continue
            for field, value in row.items():
                if place[1].get(field) != value:
                    differences.append(_difference("cell", path, place[0], row["id"], field, value, place[1].get(field)))
                    if place[1].get(field) and place[1].get(field) not in replaced.get((row["id"], field), ()):
                        lost.append(differences[-1])
        for row_number, row in enumerate(current, start=2):
            if row.get("id") not in derived_ids:
                differences.append(_difference("extra", path, row_number, row.get("id"), None, None, None))
                if _without_id(row) not in derived_rows and (row.get("id"), None) not in replaced:
                    lost.append(differences[-1])
    return differences, lost


def _difference(kind, path, row, item_id, field, derived, held):
    return {"kind": kind, "file": path, "row": row, "id": item_id, "field": field, "derived": derived, "held": held}


def _without_id(row):
    return tuple(sorted((key, value) for key, value in row.items() if key != "id" and isinstance(key, str)))
