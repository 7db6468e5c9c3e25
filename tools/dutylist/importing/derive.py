"""Derive the three lists from the extracted source: parse, apply the rules, then the corrections."""

from dataclasses import dataclass, field

from .anomalies import find_anomalies
from .corrections import apply_corrections
from ..core.package import ID_PREFIX, LIST_FIELDS, LISTS
from .parse import parse_source
from .rules import normalise_cells


@dataclass
class ImportResult:
    rows: dict = field(default_factory=dict)  # list name -> rows as the CSV stores them
    anomalies: list = field(default_factory=list)
    source_problems: list = field(default_factory=list)
    correction_problems: list = field(default_factory=list)


def mint_ids(raw_rows):
    """Identifiers of the 2025-07 edition: minted once, in document order.

    ``652325100-0001`` .. ``-0085`` went to the basic list, ``-0086`` .. ``-0153``
    to the coordinated list and ``-0154`` .. ``-0179`` to the reclaimed list as
    they stood in that edition. An id never changes afterwards, whatever list
    or 序号 its item later has, and a retired id is never given again.
    """
    return {(row.list, row.seq): f"{ID_PREFIX}{number:04d}" for number, row in enumerate(raw_rows, start=1)}


def import_source(text, corrections, known_categories=()):
    """Rows of the three lists derived from the extracted text and the correction records."""
    parsed = parse_source(text)
    result = ImportResult(source_problems=parsed.problems)
    ids = mint_ids(parsed.rows)
    items = {}
    for raw in parsed.rows:
        values = normalise_cells(raw.list, raw.cells)
        item_id = ids[(raw.list, raw.seq)]
        result.anomalies.extend(find_anomalies(raw, item_id, values, known_categories))
        items[item_id] = {"id": item_id, "seq": str(raw.seq), **values, "page": str(raw.page), "_list": raw.list}
    result.correction_problems = apply_corrections(items, corrections)
    for list_name in LISTS:
        result.rows[list_name] = [
            {name: item[name] for name in LIST_FIELDS[list_name]}
            for item in items.values()
            if item["_list"] == list_name
        ]
    return result
