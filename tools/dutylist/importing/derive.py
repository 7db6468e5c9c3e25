"""Derive the three lists from the extracted source: parse, apply the rules, link ids, then the corrections and
the amendments (core/amendments.py)."""

from collections import defaultdict
from dataclasses import dataclass, field

from .anomalies import find_anomalies
from ..core.amendments import apply_amendments, ordered_by_seq
from .corrections import apply_corrections, carry_over
from ..core.package import LIST_FIELDS, LISTS
from .link import Linking, link_rows
from .parse import parse_source
from .rules import normalise_cells


@dataclass
class ImportResult:
    rows: dict = field(default_factory=dict)  # list name -> rows as the CSV stores them
    anomalies: list = field(default_factory=list)
    source_problems: list = field(default_factory=list)
    correction_problems: list = field(default_factory=list)
    linking: Linking = None
    corrections_kept: list = field(default_factory=list)  # the records that apply (carry_over)
    amendment_problems: list = field(default_factory=list)  # the amendment records that do not apply
    replaced: dict = field(default_factory=dict)  # (id, field) -> the values a record replaced; (id, None): removed
    pages: int = 0


def import_source(text, corrections, known_categories=(), *, prefix, town=None, links=None,
                  previous=None, used_ids=(), new_edition=False, links_file="the links file", amendments=()):
    """Rows of the three lists derived from the extracted text, the links and the correction records.

    ``prefix`` is the package's id prefix (``core.package.id_prefix(descriptor)``); ``town`` its town's
    name, which every list title must contain.

    ``links`` ((list, seq) -> Link) are honoured as written; other rows are linked to the items of
    ``previous`` (id -> row with ``list``), or get new ids above every id of ``used_ids``. With
    no links and no previous edition, ids are minted in document order (the first edition).
    For a ``new_edition``, correction records that no longer apply are set aside
    (``correction_problems``) instead of being errors. ``amendments`` (rows of amendments.csv) apply last, in
    order; a new edition is given none (it supersedes them).
    """
    parsed = parse_source(text, town)
    result = ImportResult(source_problems=parsed.problems, pages=parsed.pages)
    normalised = [(raw, normalise_cells(raw.list, raw.cells)) for raw in parsed.rows]
    by_id = defaultdict(list)
    for record in corrections:
        by_id[record["item_id"]].append(record)
    rows = [{"list": raw.list, "seq": str(raw.seq), **values} for raw, values in normalised]
    result.linking = link_rows(rows, previous or {}, by_id, links or {}, used_ids, prefix, links_file)
    items = {}
    for (raw, values), link in zip(normalised, result.linking.links):
        result.anomalies.extend(find_anomalies(raw, link.id, values, known_categories))
        items[link.id] = {"id": link.id, "seq": str(raw.seq), **values, "page": str(raw.page), "_list": raw.list}
    if new_edition:
        result.corrections_kept, result.correction_problems = carry_over(items, corrections)
    else:
        result.correction_problems = apply_corrections(items, corrections, result.replaced)
        result.corrections_kept = list(corrections)
    result.amendment_problems, touched = apply_amendments(items, amendments, result.replaced)
    for list_name in LISTS:
        rows = [{name: item.get(name, "") for name in LIST_FIELDS[list_name]} for item in items.values() if item["_list"] == list_name]
        result.rows[list_name] = ordered_by_seq(rows) if list_name in touched else rows
    return result
