"""Removed and added items that are probably the same duty under a new id: renames, splits and merges.

Candidates are found through shared character pairs (bigrams) of the names, within the same
id prefix (the town's division code), so that the work stays linear in the number of items.
Every score is symmetric, so swapping the sides swaps renames and turns splits into merges.
"""

from collections import Counter, defaultdict

from ..core.similarity import CANDIDATES_PER_ITEM, COMMON_BIGRAM, RENAME_SIMILARITY, bigrams, matched_characters

PART_CONTAINMENT = 0.8
MIN_PART_LENGTH = 4


def resemblances(removed, added):
    """``removed`` and ``added`` map id → name. Returns renames, splits and merges."""
    scores = {}
    for prefix, (removed_names, added_names) in _blocks(removed, added).items():
        for pair in _candidates(removed_names, added_names):
            scores[pair] = _score(removed[pair[0]], added[pair[1]])
    splits = _groups(scores, side=0, partner=1, key="removed", parts="added")
    merges = _groups(scores, side=1, partner=0, key="added", parts="removed")
    grouped = {item for group in splits for item in [group["removed"], *group["added"]]}
    grouped |= {item for group in merges for item in [group["added"], *group["removed"]]}
    return {"renames": _renames(scores, grouped), "splits": splits, "merges": merges}


def _prefix(item_id):
    return item_id.rpartition("-")[0]


def _blocks(removed, added):
    blocks = defaultdict(lambda: ({}, {}))
    for item_id, name in removed.items():
        if name:
            blocks[_prefix(item_id)][0][item_id] = name
    for item_id, name in added.items():
        if name:
            blocks[_prefix(item_id)][1][item_id] = name
    return {prefix: sides for prefix, sides in blocks.items() if sides[0] and sides[1]}


def _index(names):
    index = defaultdict(list)
    for item_id, name in names.items():
        for bigram in bigrams(name):
            index[bigram].append(item_id)
    return index


def _candidates(removed_names, added_names):
    removed_index, added_index = _index(removed_names), _index(added_names)
    common = {bigram for bigram in removed_index.keys() & added_index.keys()
              if len(removed_index[bigram]) <= COMMON_BIGRAM and len(added_index[bigram]) <= COMMON_BIGRAM}
    pairs = set()
    for names, other_index, flip in ((removed_names, added_index, False), (added_names, removed_index, True)):
        for item_id, name in names.items():
            shared = Counter(other for bigram in bigrams(name) & common for other in other_index[bigram])
            best = sorted(shared.items(), key=lambda entry: (-entry[1], entry[0]))[:CANDIDATES_PER_ITEM]
            pairs.update((other, item_id) if flip else (item_id, other) for other, _ in best)
    return pairs


def _score(removed_name, added_name):
    matched = matched_characters(removed_name, added_name)
    return {
        "similarity": 2 * matched / (len(removed_name) + len(added_name)),
        "containment": (matched / len(removed_name), matched / len(added_name)),
        "lengths": (len(removed_name), len(added_name)),
    }


def _groups(scores, side, partner, key, parts):
    """Items on one side whose text holds two or more items of the other side (a split or a merge)."""
    contained = defaultdict(list)
    for pair, score in scores.items():
        if score["lengths"][partner] >= MIN_PART_LENGTH and score["containment"][partner] >= PART_CONTAINMENT:
            contained[pair[side]].append((pair[partner], score["containment"][partner]))
    return [
        {key: item_id, parts: [other for other, _ in sorted(found)], "containment": [round(value, 3) for _, value in sorted(found)]}
        for item_id, found in sorted(contained.items())
        if len(found) >= 2
    ]


def _renames(scores, grouped):
    ranked = sorted(
        (pair for pair, score in scores.items() if score["similarity"] >= RENAME_SIMILARITY),
        key=lambda pair: (-scores[pair]["similarity"], sorted(pair)),
    )
    used, renames = set(grouped), []
    for removed_id, added_id in ranked:
        if removed_id in used or added_id in used:
            continue
        used.update((removed_id, added_id))
        renames.append({"removed": removed_id, "added": added_id, "similarity": round(scores[(removed_id, added_id)]["similarity"], 3)})
    return sorted(renames, key=lambda rename: rename["removed"])
