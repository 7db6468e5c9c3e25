"""Link each row of an edition's source to an item id.

In this order, each id going to one row at most:

1. **as recorded**: a row of the edition's links file keeps the id written there (a maintainer's
   override, or the links of an earlier run); a recorded ``new`` row without an id gets a new id;
2. **exact**: the same name as an item of the previous edition, in any list, once that item's
   correction records that apply are applied to the row (an item without a name: the same
   list and the same other text);
3. **likely**: a similar name (character-level similarity, as ``dutylist diff`` finds likely
   renames, at least ``RENAME_SIMILARITY``) and the same category or a department in common:
   the old id, marked for review with its score;
4. **new**: the next unused number; an id that ever appeared (``used_ids``) is never given again.

Items of the previous edition that no row links to are retired.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..core.package import LIST_DELIMITER, LIST_VALUE_FIELDS, STEP_FIELDS
from ..core.similarity import CANDIDATES_PER_ITEM, COMMON_BIGRAM, RENAME_SIMILARITY, bigrams, similarity
from .corrections import apply_corrections
from .links import Link, LinksError

CONTENT_FIELDS = (*LIST_VALUE_FIELDS, *STEP_FIELDS)
MAX_NUMBER = 9999  # ids have four digits


@dataclass
class Linking:
    links: list = field(default_factory=list)  # one Link per row, in the rows' order
    retired: list = field(default_factory=list)  # ids of the previous edition no row links to


def link_rows(rows, previous, corrections_by_id, recorded, used_ids, prefix, links_file="the links file"):
    """``rows``: the source's items (dicts with list, seq and the fields after the rules), in document order.

    ``previous``: id -> item of the previous edition (its rows in data/, with ``list``); ``recorded``:
    (list, seq) -> Link from the links file. Returns a ``Linking``.
    """
    keys = [(row["list"], int(row["seq"])) for row in rows]
    key_set = set(keys)
    unknown = [key for key in recorded if key not in key_set]
    if unknown:
        list_name, seq = sorted(unknown)[0]
        raise LinksError(f"{links_file}: links {list_name} {seq}, which is not a row of the source "
                         f"({len(unknown)} such link(s)); delete the row or correct its list and seq")
    chosen = {}  # row index -> Link
    taken = set()
    for index, key in enumerate(keys):
        link = recorded.get(key)
        if link and link.id:
            chosen[index] = Link(**vars(link))  # kept as recorded, previous place included
            taken.add(link.id)
    forced_new = {index for index, key in enumerate(keys) if key in recorded and not recorded[key].id}
    open_rows = [index for index in range(len(rows)) if index not in chosen and index not in forced_new]
    _link_exact(rows, open_rows, previous, corrections_by_id, taken, chosen)
    open_rows = [index for index in open_rows if index not in chosen]
    _link_likely(rows, open_rows, previous, taken, chosen)
    if any(index not in chosen for index in range(len(rows))) and callable(used_ids):
        used_ids = used_ids()  # searched only when an id must be minted: it reads the git history
    numbers = [_number(item_id, prefix) for item_id in {*(() if callable(used_ids) else used_ids), *taken, *previous}]
    next_number = max([number for number in numbers if number is not None], default=0) + 1
    for index in range(len(rows)):
        if index in chosen:
            continue
        if next_number > MAX_NUMBER:
            raise LinksError(f"no unused id left under {prefix} (ids have four digits)")
        chosen[index] = Link(rows[index]["list"], keys[index][1], f"{prefix}{next_number:04d}", "new")
        next_number += 1
    linked = {link.id for link in chosen.values()}
    return Linking(
        links=[chosen[index] for index in range(len(rows))],
        retired=[item_id for item_id in previous if item_id not in linked],
    )


def identity(item):
    """What an exact link compares: the name, or for an item without one its list and other text."""
    if item.get("name"):
        return ("name", item["name"])
    content = tuple(item.get(name, "") for name in CONTENT_FIELDS)
    return ("content", item["list"], content) if any(content) else None


def _with_previous(link, previous):
    old = previous.get(link.id)
    if old is not None:
        link.previous_list, link.previous_seq = old["list"], int(old["seq"])
    return link


def _link_exact(rows, open_rows, previous, corrections_by_id, taken, chosen):
    by_identity = defaultdict(list)
    irreversible = []  # items whose records cannot be undone: tried against every row
    for item_id, item in previous.items():
        keys = {identity(item)}
        if corrections_by_id.get(item_id):
            undone = _as_extracted(item, corrections_by_id[item_id])
            if undone is None:
                irreversible.append(item_id)
            keys.add(identity(undone) if undone else None)
        for key in keys - {None}:
            by_identity[key].append(item_id)
    for index in open_rows:
        row = rows[index]
        found = set(by_identity.get(identity(row), ())) if identity(row) is not None else set()
        candidates = {item_id for item_id in found | set(irreversible) if _same_item(row, item_id, previous, corrections_by_id)}
        candidates -= taken
        if candidates:
            best = min(candidates, key=lambda item_id: (previous[item_id]["list"] != row["list"],
                                                        abs(int(previous[item_id]["seq"]) - int(row["seq"])), item_id))
            taken.add(best)
            chosen[index] = _with_previous(Link(row["list"], int(row["seq"]), best, "exact"), previous)


def _same_item(row, item_id, previous, corrections_by_id):
    """The row is this item: the same identity as it stands, or once the item's records that apply are applied."""
    if identity(row) is not None and identity(row) == identity(previous[item_id]):
        return True
    records = corrections_by_id.get(item_id)
    corrected = _corrected(row, item_id, records) if records else None
    return corrected is not None and identity(corrected) is not None and identity(corrected) == identity(previous[item_id])


def _as_extracted(item, records):
    """The item's name and other text as extracted: its correction records undone, last first.

    None when a record cannot be undone for certain (its corrected text is not once in the field).
    """
    values = {"list": item["list"], **{name: item[name] for name in ("name", *CONTENT_FIELDS) if name in item}}
    for record in reversed(records):
        field, extracted, corrected = record["field"], record["extracted"], record["corrected"]
        if field not in values or field == "list":
            continue
        if not extracted:  # the cell was empty; the record filled or flagged it
            if values[field] != corrected:
                return None
            values[field] = ""
        elif corrected and values[field].count(corrected) == 1:
            values[field] = values[field].replace(corrected, extracted, 1)
        else:
            return None
    return values


def _corrected(row, item_id, records):
    """The row with the item's correction records that apply to it applied, or None if none applies."""
    copy = {**row, "id": item_id}
    problems = apply_corrections({item_id: copy}, records)
    return copy if len(problems) < len(records) else None


def _text(item):
    if item.get("name"):
        return "name", item["name"]
    return "content", "\n".join(item.get(name, "") for name in CONTENT_FIELDS)


def _related(row, item):
    if row.get("category") and row.get("category") == item.get("category"):
        return True
    mine = set(filter(None, row.get("departments", "").split(LIST_DELIMITER)))
    return bool(mine & set(filter(None, item.get("departments", "").split(LIST_DELIMITER))))


def _link_likely(rows, open_rows, previous, taken, chosen):
    remaining = {item_id: _text(item) for item_id, item in previous.items() if item_id not in taken and _text(item)[1]}
    index_of = defaultdict(list)
    for item_id, (kind, text) in remaining.items():
        for bigram in bigrams(text):
            index_of[(kind, bigram)].append(item_id)
    scored = []
    for index in open_rows:
        kind, text = _text(rows[index])
        if not text:
            continue
        postings = (index_of.get((kind, bigram), ()) for bigram in bigrams(text))
        # as diff's likely renames: a bigram shared by very many names says nothing, and would make this quadratic
        shared = Counter(item_id for posting in postings if len(posting) <= COMMON_BIGRAM for item_id in posting)
        for item_id, _ in sorted(shared.items(), key=lambda entry: (-entry[1], entry[0]))[:CANDIDATES_PER_ITEM]:
            score = similarity(text, remaining[item_id][1])
            if score >= RENAME_SIMILARITY and _related(rows[index], previous[item_id]):
                scored.append((-score, index, item_id))
    for negative_score, index, item_id in sorted(scored):
        if index in chosen or item_id in taken:
            continue
        taken.add(item_id)
        row = rows[index]
        chosen[index] = _with_previous(Link(row["list"], int(row["seq"]), item_id, "likely", round(-negative_score, 3)), previous)


def _number(item_id, prefix):
    if item_id.startswith(prefix) and item_id[len(prefix):].isdigit():
        return int(item_id[len(prefix):])
    return None
