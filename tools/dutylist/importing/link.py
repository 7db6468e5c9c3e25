"""Link each row of an edition's source to an item id.

In this order, each id going to one row at most:

1. **as recorded**: a row of the edition's links file keeps the id written there (a maintainer's
   override, or the links of an earlier run); a recorded ``new`` row without an id gets a new id; a
   recorded ``review`` row stays to be answered, its proposed ids held for it;
2. **exact**: the same name as an item of the previous edition, in any list, once that item's
   correction records that apply are applied to the row (an item without a name: the same
   list and the same other text); a row that several items read as goes to the one whose
   neighbours are linked to the row's neighbours, or, when they do not tell, to review;
3. **likely** or **review**: the rows left are scored against the items left from the whole row
   (``resemble.py``: name, rare shared terms, containment, duties and handling, departments after
   the renames the edition shows, neighbours; category and list only add). A link is decided
   (``likely``) only when its confidence is at least ``DECIDED``, no other item or row comes within
   ``MARGIN`` of it, the name does not change what the duty is about and does not resemble only as a
   part of the other; otherwise a row that
   resembles an item (confidence at least ``RESEMBLES``) is put to **review**: the links file gets
   the row with ``how`` = ``review`` and the proposed id(s), and nothing is written to data/ until
   the maintainer answers it (``manual`` with an id, or ``new``);
4. **new**: the next unused number; an id that ever appeared (``used_ids``) is never given again.

Items of the previous edition that no row links to are retired.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..core.package import LIST_VALUE_FIELDS, STEP_FIELDS
from ..core.similarity import CANDIDATES_PER_ITEM, COMMON_BIGRAM
from .corrections import apply_corrections
from .links import Link, LinksError
from .resemble import Neighbourhood, Resembler, content_text, department_renames, terms

CONTENT_FIELDS = (*LIST_VALUE_FIELDS, *STEP_FIELDS)
MAX_NUMBER = 9999  # ids have four digits
DECIDED = 0.8  # the confidence from which a link is decided without asking (benchmarks/hard_edition.py)
MARGIN = 0.1  # a rival item (or row) within this of the best makes a link doubtful
RESEMBLES = 0.5  # from this confidence a row resembles an item: never a silent new id, never a silent link


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
        if link and (link.id or link.how == "review"):
            chosen[index] = Link(**vars(link))  # kept as recorded, previous place included
            taken.update([link.id] if link.id else link.proposed)
    forced_new = {index for index, key in enumerate(keys) if key in recorded and not recorded[key].id and recorded[key].how != "review"}
    open_rows = [index for index in range(len(rows)) if index not in chosen and index not in forced_new]
    _link_exact(rows, open_rows, previous, corrections_by_id, taken, chosen)
    open_rows = [index for index in open_rows if index not in chosen]
    _link_scored(rows, open_rows, previous, taken, chosen)
    if any(index not in chosen or not chosen[index].id for index in range(len(rows))) and callable(used_ids):
        used_ids = used_ids()  # searched only when an id must be minted: it reads the git history
    numbers = [_number(item_id, prefix) for item_id in {*(() if callable(used_ids) else used_ids), *taken, *previous}]
    next_number = max([number for number in numbers if number is not None], default=0) + 1
    for index in range(len(rows)):
        if index in chosen and chosen[index].id:
            continue
        if next_number > MAX_NUMBER:
            raise LinksError(f"no unused id left under {prefix} (ids have four digits)")
        minted = f"{prefix}{next_number:04d}"
        if index in chosen:  # a row to review: an id of its own for the report, never written while it is asked
            chosen[index].id = minted
        else:
            chosen[index] = Link(rows[index]["list"], keys[index][1], minted, "new")
        next_number += 1
    linked = {link.id for link in chosen.values()} | {item_id for link in chosen.values() if link.how == "review" for item_id in link.proposed}
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


def _with_previous(link, previous, item_id=None):
    old = previous.get(item_id or link.id)
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
    found = {}
    for index in open_rows:
        row = rows[index]
        matching = set(by_identity.get(identity(row), ())) if identity(row) is not None else set()
        candidates = {item_id for item_id in matching | set(irreversible) if _same_item(row, item_id, previous, corrections_by_id)}
        if candidates:
            found[index] = candidates
    # a row only one item reads as first; then rows several items read as (the same name, or the same
    # content without one), told apart by their neighbours, or else put to review
    near = None
    for index in sorted(found, key=lambda index: len(found[index]) > 1):
        candidates = found[index] - taken
        if len(candidates) > 1:
            near = near or Neighbourhood(rows, previous, {other: link.id for other, link in chosen.items() if link.how == "exact"})
            _link_one_of(rows, index, candidates, previous, chosen, taken, near)
        elif candidates:
            taken.update(candidates)
            chosen[index] = _with_previous(Link(rows[index]["list"], int(rows[index]["seq"]), candidates.pop(), "exact"), previous)
    taken.update(item_id for link in chosen.values() if link.how == "review" for item_id in link.proposed)


def _link_one_of(rows, index, candidates, previous, chosen, taken, near):
    """A row that several items read as: the item whose neighbours (``near``) are linked to the row's, else a review."""
    row = rows[index]
    agreement = {item_id: len(near.around_row(index) & near.around_item(item_id)) for item_id in candidates}
    ranked = sorted(candidates, key=lambda item_id: (-agreement[item_id], previous[item_id]["list"] != row["list"],
                                                      abs(int(previous[item_id]["seq"]) - int(row["seq"])), item_id))
    if agreement[ranked[0]] > agreement[ranked[1]] or _same_text(previous[ranked[0]], previous[ranked[1]]):
        # the neighbours tell; or the items read alike in every cell, and keep their order (nothing would tell them apart)
        taken.add(ranked[0])
        chosen[index] = _with_previous(Link(row["list"], int(row["seq"]), ranked[0], "exact"), previous)
    else:
        chosen[index] = _with_previous(Link(row["list"], int(row["seq"]), "", "review", proposed=tuple(ranked[:3]),
                                            reason="same"), previous, ranked[0])


def _same_text(first, second):
    """Two items (or rows) that read alike in every cell but their place: no evidence can tell them apart."""
    return all((first.get(name) or "") == (second.get(name) or "") for name in ("name", "departments", *STEP_FIELDS))


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


def _link_scored(rows, open_rows, previous, taken, chosen):
    """Decide (``likely``) or put to ``review`` each open row that resembles an item left, best confidence first."""
    remaining = {item_id for item_id in previous if item_id not in taken}
    if not open_rows or not remaining:
        return
    certain = [(previous[link.id], rows[index]) for index, link in chosen.items() if link.how == "exact" and link.id in previous]
    resembler = Resembler(rows, previous, department_renames(certain),
                          {index: link.id for index, link in chosen.items() if link.how == "exact"}, open_rows, remaining)
    scored = {}
    for index, item_ids in _candidates(rows, open_rows, previous, remaining, resembler).items():
        for item_id in item_ids:
            resemblance = resembler.resemble(index, item_id)
            if resemblance.confidence >= RESEMBLES - MARGIN:
                scored[(index, item_id)] = resemblance
    by_row, by_item = defaultdict(dict), defaultdict(dict)
    for (index, item_id), resemblance in scored.items():
        by_row[index][item_id] = by_item[item_id][index] = resemblance.confidence
    asked = set()  # items proposed to a row put to review: not decided, so a row that resembles one is asked too
    for (index, item_id), resemblance in sorted(scored.items(), key=lambda entry: (-entry[1].confidence, entry[0])):
        confidence = resemblance.confidence
        if confidence < RESEMBLES:
            break
        if index in chosen or (item_id in taken and item_id not in asked):
            continue
        if item_id in asked:
            row = rows[index]
            chosen[index] = _with_previous(Link(row["list"], int(row["seq"]), "", "review", confidence,
                                                proposed=(item_id,), reason="rival"), previous, item_id)
            continue
        taken.add(item_id)
        # a rival is another item (or row) that could be meant, not one that reads alike in every cell (its order decides)
        rival = max([score for other, score in by_row[index].items()
                     if other != item_id and not _same_text(previous[other], previous[item_id])]
                    + [score for other, score in by_item[item_id].items()
                       if other != index and other not in chosen and not _same_text(rows[other], rows[index])], default=0.0)
        row = rows[index]
        if confidence >= DECIDED and confidence - rival >= MARGIN and not resemblance.object_changed and not resemblance.contained_only:
            chosen[index] = _with_previous(Link(row["list"], int(row["seq"]), item_id, "likely", confidence), previous)
            continue
        others = [other for other, score in sorted(by_row[index].items(), key=lambda entry: -entry[1])
                  if other != item_id and other not in taken and score >= confidence - 2 * MARGIN][:2]
        asked.add(item_id)
        reason = ("object" if resemblance.object_changed else "contained" if resemblance.contained_only
                  else "low" if confidence < DECIDED else "rival")
        chosen[index] = _with_previous(Link(row["list"], int(row["seq"]), "", "review", confidence,
                                            proposed=(item_id, *others), reason=reason), previous, item_id)


def _candidates(rows, open_rows, previous, remaining, resembler):
    """Row index -> the items left sharing the most (rare-weighted) terms with its name, and with its content."""
    found = {}
    for text_of, weights in ((lambda item: item.get("name") or "", resembler.names), (content_text, resembler.contents)):
        index_of = defaultdict(list)
        for item_id in sorted(remaining):
            for gram in terms(text_of(previous[item_id])):
                index_of[gram].append(item_id)
        for index in open_rows:
            shared = Counter()
            for gram in terms(text_of(rows[index])):
                posting = index_of.get(gram, ())
                if len(posting) <= COMMON_BIGRAM:  # a term shared by very many items says nothing, and would make this quadratic
                    for item_id in posting:
                        shared[item_id] += weights.weight(gram)
            best = sorted(shared.items(), key=lambda entry: (-entry[1], entry[0]))[:CANDIDATES_PER_ITEM]
            found.setdefault(index, set()).update(item_id for item_id, _ in best)
    return found


def _number(item_id, prefix):
    if item_id.startswith(prefix) and item_id[len(prefix):].isdigit():
        return int(item_id[len(prefix):])
    return None
