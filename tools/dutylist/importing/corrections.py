"""Apply the correction records of ``data/corrections.csv`` to normalised field values.

A record names an item and a field, the text as extracted (after the rules)
and the corrected text. ``extracted`` must occur exactly once in the field's
current value, or, when empty, the field must be empty. A record whose
corrected text equals the extracted text changes nothing: it flags a value
(unrecoverable, or an oddity of the official text kept as published).
"""

from dataclasses import dataclass

KINDS = (
    "wrong-character",
    "line-wrap-space",
    "truncated",
    "garbled",
    "missing",
    "official-oddity",
)


@dataclass
class CorrectionProblem:
    row: int
    item_id: str
    field: str
    code: str
    message: str


def apply_corrections(items, records, history=None):
    """Apply records (rows of corrections.csv, in order) to items keyed by id, in place.

    Returns the list of records that could not be applied; each is a problem, never
    a silent skip. ``history`` (a dict), when given, collects each value a record replaced,
    under (item id, field): a value the records explain on the way to data/.
    """
    problems = []
    for row, record in enumerate(records, start=2):
        if history is not None and isinstance(items.get(record["item_id"]), dict):
            history.setdefault((record["item_id"], record["field"]), set()).add(items[record["item_id"]].get(record["field"]))
        problem = _apply_one(items, record, row)
        if problem:
            problems.append(problem)
    return problems


def _apply_one(items, record, row):
    item_id, field = record["item_id"], record["field"]
    extracted, corrected = record["extracted"], record["corrected"]

    def problem(code, message):
        return CorrectionProblem(row, item_id, field, code, message)

    item = items.get(item_id)
    if item is None:
        return problem("correction-unknown-item", f"no item has id {item_id!r}")
    if field not in item or field in ("id", "seq", "page"):
        return problem("correction-unknown-field", f"item {item_id} has no correctable field {field!r}")
    value = item[field]
    if not extracted:
        if value:
            return problem(
                "correction-not-empty",
                f"record fills an empty cell, but the field holds {value!r}",
            )
        item[field] = corrected
        return None
    found = value.count(extracted)
    if found != 1:
        return problem(
            "correction-text-not-found" if not found else "correction-text-ambiguous",
            f"{extracted!r} occurs {found} times in the field; it must occur exactly once "
            "(quote more of the surrounding text)",
        )
    item[field] = value.replace(extracted, corrected, 1)
    return None


def carry_over(items, records):
    """Apply the records that still apply to a new edition's items (keyed by id), in place.

    A record carries over when its item is still in the edition and its extracted text still
    occurs (once) in the item's field, other than inside the corrected text (a new edition that prints the
    corrected text, as a clean PDF does, is not corrected twice: '责本镇' → '负责本镇'). Returns the records kept, in order, and a problem for
    each record that no longer applies (its item retired, or its text gone).
    """
    kept, dropped = [], []
    for row, record in enumerate(records, start=2):
        if record["item_id"] not in items:
            dropped.append(CorrectionProblem(row, record["item_id"], record["field"], "correction-item-retired",
                                             f"no row of the new edition links to {record['item_id']}"))
            continue
        problem = _already_right(items[record["item_id"]], record, row) or _apply_one(items, record, row)
        if problem and problem.code == "correction-text-not-found":
            problem.message = f"{record['extracted']!r} is no longer in the field: the new text differs there"
        if problem:
            dropped.append(problem)
        else:
            kept.append(record)
    return kept, dropped


def _already_right(item, record, row):
    """A problem when the field already reads the corrected text and the extracted text occurs only inside it
    (the record would add its text a second time); None otherwise."""
    extracted, corrected, value = record["extracted"], record["corrected"], item.get(record["field"])
    if not extracted or extracted == corrected or extracted not in corrected or not isinstance(value, str):
        return None
    if corrected in value and extracted not in value.replace(corrected, ""):
        return CorrectionProblem(row, record["item_id"], record["field"], "correction-already-right",
                                 f"the field already reads {corrected!r}: the new text needs no correction there")
    return None
