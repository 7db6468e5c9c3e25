"""What the maintainer needs to answer the rows put to review, and to check the new ids (the import report's part).

For each review row: the row as the new edition gives it, every cell; each proposed item as the
previous edition held it, every cell, with the inline differences of each cell that differs and what
else changed (list, category, departments). For each new id: the retired items it most resembles,
so that a missed link is seen, not searched for.
"""

import difflib

from ..core.package import ITEM_FIELDS
from .resemble import Resembler

SHOWN_FIELDS = tuple(name for name in ITEM_FIELDS if name not in ("id", "seq", "page"))
RESEMBLING = 0.3  # a retired item is shown beside a new id from this confidence
WHY = {
    "low": "the confidence is below the one from which a link is decided",
    "rival": "another item (or row) is nearly as close",
    "object": "the name changes what the duty is about",
    "contained": "one name resembles the other only as a part of it",
    "recorded": "recorded for review in the links file, not answered yet",
    "same": "several items of the previous edition read as this row, and its neighbours do not tell which",
}


def inline(old, new):
    """The differences of two texts inline: [-removed-]{+added+}, the rest as it stands."""
    parts = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, start, end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            parts.append(old[start:end])
            continue
        if end > start:
            parts.append(f"[-{old[start:end]}-]")
        if new_end > new_start:
            parts.append(f"{{+{new[new_start:new_end]}+}}")
    return "".join(parts)


def cells(item):
    return {name: item.get(name) or "" for name in SHOWN_FIELDS}


def candidate(row, item_id, item, resembler, index):
    """One proposed item beside the row: its cells, the differences, what else changed."""
    resemblance = resembler.resemble(index, item_id)
    differences = {name: inline(item.get(name) or "", row.get(name) or "") for name in SHOWN_FIELDS
                   if (item.get(name) or "") != (row.get(name) or "")}
    changed = {name: {"old": item.get(name) or "", "new": row.get(name) or ""}
               for name in ("list", "category", "departments") if (item.get(name) or "") != (row.get(name) or "")}
    return {"id": item_id, "list": item["list"], "seq": int(item["seq"]), "confidence": resemblance.confidence,
            "evidence": {"name": round(resemblance.name, 3), "content": _rounded(resemblance.content),
                         "departments": _rounded(resemblance.departments), "neighbours": resemblance.neighbours,
                         "object_changed": resemblance.object_changed},
            "cells": cells(item), "differences": differences, "changed": changed}


def review_report(links, items, previous, retired):
    """(review entries, resemblances of the new ids): ``links`` the edition's, ``items`` id -> derived row with list,
    ``previous`` id -> item of the previous edition, ``retired`` the ids no row links to."""
    links = [link for link in links if link.id in items]  # an item an amendment removed is not in the edition's rows
    rows = [items[link.id] for link in links]
    if not any(link.how == "review" for link in links) and not (retired and any(link.how == "new" for link in links)):
        return [], {}
    resembler = Resembler(rows, previous, {}, {})
    review = []
    for index, link in enumerate(links):
        if link.how != "review":
            continue
        row = rows[index]
        review.append({"list": link.list, "seq": link.seq, "page": int(row.get("page") or 0), "score": link.score,
                       "why": WHY.get(link.reason or "recorded"), "cells": cells(row),
                       "candidates": [candidate(row, item_id, previous[item_id], resembler, index)
                                      for item_id in link.proposed if item_id in previous]})
    resembles = {}
    retired_ids = set(retired)
    for index, link in enumerate(links):
        if link.how != "new" or not retired_ids:
            continue
        scored = sorted(((resembler.resemble(index, item_id).confidence, item_id) for item_id in retired_ids), reverse=True)
        resembles[link.id] = [{"id": item_id, "list": previous[item_id]["list"], "seq": int(previous[item_id]["seq"]),
                               "name": previous[item_id].get("name") or "", "confidence": score}
                              for score, item_id in scored[:2] if score >= RESEMBLING]
    return review, resembles


def _rounded(value):
    return None if value is None else round(value, 3)
