"""How much a row of a new edition looks like an item of the previous one, from the whole row.

The evidence, each from 0 to 1, and the confidence made of it (``Resemblance``):

- **name**: the best of the character-level similarity (``core/similarity.py``, as ``dutylist diff``
  finds likely renames), the rare terms the two names share (character pairs weighted by their
  rarity in both editions, so that 工作, 负责 and 管理 weigh little and 自建房 much), and the part
  of the shorter name found in the longer (a name cut to part of itself when moved);
- **content**: the duties and handling (county_duties, town_duties, handling), by rare terms;
- **departments**: the departments in common, once the register renames an edition shows are
  applied (``department_renames``);
- **neighbours**: the rows around it in the new edition linked to the items around it in the old;
- the same category and the same list add a little; a different category or list takes nothing
  away (a category change alone never vetoes a link).

An item without a name is compared by its content alone. ``object_changed`` says a name changed
what the duty is about (a rare run of characters replaced by another, 自建房 → 燃气使用): no
other cell can tell whether it is the same duty: such a link is asked, never decided.
"""

import difflib
import math
import re
from collections import Counter, defaultdict
from itertools import chain, islice
from dataclasses import dataclass, field

from ..core.package import LIST_DELIMITER, STEP_FIELDS
from ..core.similarity import similarity

CLAUSE = re.compile(r"[,，;；。]")  # what separates the clauses of a name
CLAUSE_LENGTH = 6  # a clause this long can carry a duty's subject
TERM = re.compile(r"[^\u3400-\u9fff0-9A-Za-z]+")  # what separates terms: punctuation, spaces, quotes
RARE = 0.55  # a character pair is rare when its weight (idf over log(N)) is at least this
NEIGHBOURHOOD = 2  # rows on each side whose links are compared
SAMPLE = 2000  # rarity is counted over every open row and item and at most this many others of each edition


def terms(text):
    """The character pairs of a text, punctuation and spaces left out."""
    pieces = [piece for piece in TERM.split(text or "") if piece]
    grams = set()
    for piece in pieces:
        grams.update(piece[index:index + 2] for index in range(max(len(piece) - 1, 1)))
    return grams


def content_text(item):
    return "\n".join(item.get(name) or "" for name in STEP_FIELDS)


@dataclass
class Weights:
    """Each character pair's weight: log(N / documents holding it), over the names or contents of both editions."""
    documents: int = 1
    frequency: Counter = field(default_factory=Counter)

    @classmethod
    def of(cls, texts):
        weights = cls(documents=max(len(texts), 2))
        weights.frequency.update(chain.from_iterable(map(terms, texts)))
        return weights

    def weight(self, gram):
        return math.log((self.documents + 1) / (self.frequency.get(gram, 0) + 1)) / math.log(self.documents + 1)


def shared_rare(a, b, weights):
    """Weighted Dice of the two texts' character pairs: 1.0 for the same terms, rare terms counting most."""
    first, second = terms(a), terms(b)
    total = sum(weights.weight(g) for g in first) + sum(weights.weight(g) for g in second)
    return 2 * sum(weights.weight(g) for g in first & second) / total if total else 0.0


def covered(a, b, weights):
    """How much of the shorter text's rare terms the longer holds (a name cut to part of itself: near 1), or of a
    clause of either name (its subject kept, the rest rewritten), whichever is more."""
    first, second = terms(a), terms(b)
    short, long = sorted((first, second), key=len)
    parts = [(short, long)] + [(terms(clause), second) for clause in CLAUSE.split(a) if len(clause) >= CLAUSE_LENGTH] \
        + [(terms(clause), first) for clause in CLAUSE.split(b) if len(clause) >= CLAUSE_LENGTH]
    best = 0.0
    for part, other in parts:
        total = sum(weights.weight(g) for g in part)
        if total:
            best = max(best, sum(weights.weight(g) for g in part & other) / total)
    return best


def department_renames(pairs):
    """Old department -> new, from items linked for certain: a department that no new row names any more,
    standing where one that no old row named now stands (a bureau merged or renamed)."""
    old_names, new_names, standing = set(), set(), set()
    together = Counter()
    for old, new in pairs:
        if (old.get("departments") or "") == (new.get("departments") or ""):
            standing.add(old.get("departments") or "")  # nothing renamed here; its names stand in both editions
            continue
        before, after = _departments(old), _departments(new)
        old_names |= before
        new_names |= after
        for gone in before - after:
            for came in after - before:
                together[(gone, came)] += 1
    for text in standing:
        names = _departments({"departments": text})
        old_names |= names
        new_names |= names
    renames = {}
    for (gone, came), count in together.most_common():
        if gone not in new_names and came not in old_names and gone not in renames:
            renames[gone] = came
    return renames


def _departments(item, renames=None):
    names = set(filter(None, (item.get("departments") or "").split(LIST_DELIMITER)))
    return {(renames or {}).get(name, name) for name in names}


@dataclass
class Resemblance:
    confidence: float
    name: float = 0.0
    content: float = None  # None: one side has no content
    departments: float = None
    neighbours: float = 0.0
    object_changed: bool = False
    contained_only: bool = False  # the name resembles only as part of the other: never decided on that alone


def _sample(entries, size):
    """At most ``size`` entries, evenly spaced."""
    step = max(len(entries) // size, 1)
    return list(islice(entries, 0, None, step))[:size]


class Resembler:
    """Scores rows of the new edition against items of the previous one (``resemble``)."""

    def __init__(self, rows, previous, renames, linked, open_rows=None, remaining=None):
        """``linked``: row index -> old id of the rows already linked for certain (their neighbours count);
        ``open_rows`` and ``remaining`` (default: all): the rows and items that will be compared."""
        self.rows, self.previous, self.renames, self.linked = rows, previous, renames, linked
        mine = [rows[index] for index in (range(len(rows)) if open_rows is None else open_rows)]
        theirs = [previous[item_id] for item_id in (previous if remaining is None else remaining)]
        texts = [*rows, *previous.values()]
        if len(texts) > 2 * SAMPLE:  # a large edition: the rows and items compared, and a sample of the others
            texts = [*mine, *theirs, *_sample(rows, SAMPLE), *_sample(list(previous.values()), SAMPLE)]
        self.names = Weights.of([text.get("name") or "" for text in texts])
        self.contents = Weights.of([content_text(text) for text in texts])
        self.near = Neighbourhood(rows, previous, linked)

    def resemble(self, index, item_id):
        row, item = self.rows[index], self.previous[item_id]
        result = Resemblance(0.0)
        mine, theirs = content_text(row), content_text(item)
        if mine.strip() and theirs.strip():
            result.content = max(shared_rare(mine, theirs, self.contents), similarity(mine, theirs))
        before, after = _departments(item, self.renames), _departments(row)
        if before and after:
            result.departments = len(before & after) / len(before | after)
        result.neighbours = len(self.near.around_row(index) & self.near.around_item(item_id)) / (2 * NEIGHBOURHOOD)
        name, old_name = row.get("name") or "", item.get("name") or ""
        if name and old_name:
            alike = max(similarity(name, old_name), shared_rare(name, old_name, self.names))
            contained = 0.92 * covered(name, old_name, self.names) if min(len(name), len(old_name)) >= 4 else 0.0
            result.name = max(alike, contained)
            result.contained_only = contained > alike and alike < 0.6 and not (result.content or 0) >= 0.8
            result.object_changed = self._object_changed(old_name, name)
            evidence = result.name if result.content is None else 0.55 * result.name + 0.45 * result.content
        elif result.content is not None:  # a name lost or absent: the content alone
            evidence = 0.9 * result.content
        else:
            return result
        if result.departments is not None:
            evidence += 0.06 * (result.departments - 0.5)
        evidence += 0.2 * result.neighbours
        evidence += 0.03 * (bool(row.get("category")) and row.get("category") == item.get("category"))
        evidence += 0.02 * (row["list"] == item["list"])
        result.confidence = round(max(0.0, min(evidence, 0.99)), 3)  # only an exact link is certain
        return result

    def _object_changed(self, old, new):
        """A rare run of the old name replaced by a rare run of another text (what the duty is about changed).

        The runs are the edits between them, a single character left in place inside a replacement
        counted as replaced (电动自行车安全 → 电动自行共享单车全: 车安 → 共享单车); a run of one character is
        judged with the characters beside it (本镇网络 → 本地下管网络: 镇 with 镇网)."""
        for (start, end), (new_start, new_end) in _replacements(old, new):
            if end - start and new_end - new_start and max(end - start, new_end - new_start) >= 2 \
                    and self._rare(_run(old, start, end)) and self._rare(_run(new, new_start, new_end)):
                return True
        return False

    def _rare(self, text):
        return any(self.names.weight(gram) >= RARE for gram in terms(text))


def _replacements(old, new):
    """((start, end) in old, (start, end) in new) of each run of edits, equal runs of one character inside it absorbed."""
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    runs, current = [], None
    for position, (tag, start, end, new_start, new_end) in enumerate(opcodes):
        inner = 0 < position < len(opcodes) - 1
        if tag != "equal" or (inner and end - start == 1 and current is not None):
            if current is None:
                current = [start, end, new_start, new_end]
            current[1], current[3] = end, new_end
        elif current is not None:
            runs.append(current)
            current = None
    if current is not None:
        runs.append(current)
    return [((start, end), (new_start, new_end)) for start, end, new_start, new_end in runs]


def _run(text, start, end):
    """A run of edits as judged: itself, or a single character with the characters beside it."""
    return text[start:end] if end - start > 1 else text[max(start - 1, 0):end + 1]


class Neighbourhood:
    """The rows around a row of the new edition, and the items around an item of the previous one."""

    def __init__(self, rows, previous, linked):
        """``linked``: row index -> old id of the rows already linked for certain."""
        self.rows, self.previous, self.linked = rows, previous, linked
        self.row_order = defaultdict(list)  # list -> row indexes in document order
        for index, row in enumerate(rows):
            self.row_order[row["list"]].append(index)
        self.row_position = {index: position for indexes in self.row_order.values() for position, index in enumerate(indexes)}
        self.item_order = None  # list -> old ids in 序号 order, built when first needed

    def around_row(self, index):
        """The old ids linked for certain to the rows near this one in its list."""
        indexes, position = self.row_order[self.rows[index]["list"]], self.row_position[index]
        near = indexes[max(position - NEIGHBOURHOOD, 0):position] + indexes[position + 1:position + 1 + NEIGHBOURHOOD]
        return {self.linked[other] for other in near if other in self.linked}

    def around_item(self, item_id):
        """The old ids near this item in its list of the previous edition."""
        if self.item_order is None:
            by_list = defaultdict(list)
            for other, item in self.previous.items():
                by_list[item["list"]].append((int(item["seq"]), other))
            self.item_order = {name: [other for _, other in sorted(entries)] for name, entries in by_list.items()}
            self.item_position = {other: position for ids in self.item_order.values() for position, other in enumerate(ids)}
        ids, position = self.item_order[self.previous[item_id]["list"]], self.item_position[item_id]
        return set(ids[max(position - NEIGHBOURHOOD, 0):position] + ids[position + 1:position + 1 + NEIGHBOURHOOD])
