"""What ``validate`` keeps per item and per correction record, in arrays of machine words instead of Python objects.

A national collection has millions of items: a set of their ids as strings costs about 100 bytes an id, a
dict of per-record tuples several hundred bytes a record. Here:

- ``id_key(text)``: an id of the package's shape (nine digits, ``-``, four digits) as one whole number (its
  thirteen digits); ``IdKeys`` gives every other text a number of its own (below zero), so the key of an id
  is exact: two ids have one key only if they are the same text.
- ``Repeats``: 64-bit values (whole numbers, or the hashes of texts) in arrays, 8 bytes each, kept in
  buckets by their lowest bits so that each bucket is checked for a value added twice with a small set.
  The strict table pass uses it for ``unique`` fields; a repeated hash only makes the table suspect, and
  frictionless then says exactly what it finds, so a hash shared by two texts costs time, never a finding.
- ``CorrectionIndex``: per correction record its item's key, its field (a small number), its status and
  whether it has an extracted text, each in an array, and its corrected text in one string; looked up by
  item id through the records' order by key (a binary search), never a dict entry or tuple per record.
"""

import bisect
import re
from array import array
from itertools import accumulate, islice
from operator import le

BUCKET_BITS = 10
BUCKETS = 1 << BUCKET_BITS
BUCKET_MASK = BUCKETS - 1
UNRECOVERABLE, FLAGGING, EXTRACTED = 1, 2, 4  # a record's bits in CorrectionIndex.bits
CHUNK = 4096  # correction records whose corrected texts are joined in one string
COLUMN_OF_IDS = re.compile(r"[0-9]{9}-[0-9]{4}(?:\n[0-9]{9}-[0-9]{4})*")  # ids of the package's shape, one a line
NO_ITEM = -(1 << 62)  # the key of a record without an item id: no item has it


def id_key(text, _last=[None, None]):  # noqa: B006 (the last answer: each check asks about the same item in turn)
    """The id as a whole number when it has the package's shape (``652325100-0001`` -> 6523251000001), else None."""
    if text is _last[0]:
        return _last[1]
    key = None
    if len(text) == 14 and text[9] == "-" and text.isascii():
        digits = text[:9] + text[10:]
        if digits.isdigit():
            key = int(digits)
    _last[0], _last[1] = text, key
    return key


def id_text(key):
    """The id whose ``id_key`` is key (key >= 0)."""
    digits = f"{key:013d}"
    return f"{digits[:9]}-{digits[9:]}"


class IdKeys:
    """Exact keys for any text: ``id_key``'s number for an id of the package's shape, a negative number of its own
    for any other text (kept in a dict: a package of the usual shape has none)."""

    def __init__(self):
        self.others = {}

    def key(self, text):
        key = id_key(text)
        if key is None:
            key = self.others.setdefault(text, -1 - len(self.others))
        return key

    def known(self, text):
        """The key of text if ``key`` gave it one (ids of the package's shape always have one), else None."""
        key = id_key(text)
        return self.others.get(text) if key is None else key


class Repeats:
    """64-bit values in BUCKETS arrays; ``repeated()`` says whether one was added twice."""

    __slots__ = ("buckets",)

    def __init__(self):
        self.buckets = [array("q") for _ in range(BUCKETS)]

    def add_all(self, values):
        buckets = self.buckets
        for value in values:
            buckets[value & BUCKET_MASK].append(value)

    def repeated(self):
        return any(len(set(bucket)) != len(bucket) for bucket in self.buckets)


def hashes(values):
    """The hash of each value (a text, or a tuple of cells), as a 64-bit value for ``Repeats``."""
    return map(hash, values)


class CorrectionIndex:
    """The correction records as the checks need them: ``records(item_id)`` gives (number, field, corrected, bits)
    of the item's records in file order; ``unrecoverable(item_id, field)`` and ``flagging(item_id, field)`` answer
    what the step, empty-cell and text checks ask. About 30 bytes a record and its corrected text."""

    def __init__(self, batches):
        """batches: the records in file order (their number), CHUNK at a time (the last may hold fewer), each batch
        four columns: the item ids, the fields, the corrected texts and the bits (UNRECOVERABLE, FLAGGING:
        unrecoverable or kept as published, EXTRACTED: it has an extracted text, added). Each column is handled
        whole, by C loops where it can be: an id column of the package's shape becomes numbers at once."""
        self.ids, self.fields = IdKeys(), {}
        keys, fields, bits, ends = array("q"), array("l"), array("b"), array("l")
        self.chunks = []
        for item_ids, field_names, corrected, record_bits in batches:
            if len(keys) % CHUNK:
                raise ValueError(f"a batch of correction records after one of fewer than {CHUNK}")  # corrected() needs it
            keys.extend(self._keys(item_ids))
            for name in set(field_names):
                self.fields.setdefault(name, len(self.fields))
            fields.extend(map(self.fields.__getitem__, field_names))
            bits.extend(record_bits)
            ends.extend(accumulate(map(len, corrected)))  # where each text ends in its chunk
            self.chunks.append("".join(corrected))  # the texts of CHUNK records joined: one string, not an object a record
        self.field_names = list(self.fields)
        self.bits, self.ends, self.field_numbers, self.count = bits, ends, fields, len(keys)
        if all(map(le, keys, islice(keys, 1, None))):
            self.order, self.sorted_keys = None, keys
        else:
            order = sorted(range(len(keys)), key=keys.__getitem__)  # stable: a key's records stay in file order
            self.order = array("q", order)
            self.sorted_keys = array("q", (keys[at] for at in order))
        self._last_id, self._last = None, ()
        self.stamp = None  # the file's size and time of change when its reading began (checks._corrections_index)

    def _keys(self, item_ids):
        """The key of each item id of a batch: a column of ids of the package's shape at once (one pattern over the
        column joined, then the digits read), else one by one; a record without an item id matches no item."""
        if all(map(str.__instancecheck__, item_ids)):  # every id a text (isinstance, mapped)
            joined = "\n".join(item_ids)
            if COLUMN_OF_IDS.fullmatch(joined):
                digits = joined.replace("-", "").split("\n")
                if len(digits) == len(item_ids):  # (an id holding a line break is not of the package's shape)
                    return map(int, digits)
        return [self.ids.key(item_id) if isinstance(item_id, str) else NO_ITEM for item_id in item_ids]

    def corrected(self, number):
        start = self.ends[number - 1] if number % CHUNK else 0
        return self.chunks[number // CHUNK][start:self.ends[number]]

    def records(self, item_id):
        """(number, field, corrected, bits) of each record of the item, in file order; the last answer is kept,
        since every check asks about the same item in turn."""
        if item_id is self._last_id:
            return self._last
        key = self.ids.known(item_id)
        found = []
        if key is not None:
            keys, order = self.sorted_keys, self.order
            at = bisect.bisect_left(keys, key)
            while at < len(keys) and keys[at] == key:
                number = at if order is None else order[at]
                found.append((number, self.field_names[self.field_numbers[number]], self.corrected(number), self.bits[number]))
                at += 1
        self._last_id, self._last = item_id, found
        return found

    def unrecoverable(self, item_id, field):
        return any(bits & UNRECOVERABLE and name == field for _, name, _, bits in self.records(item_id))

    def flagging(self, item_id, field):
        """The corrected texts of the item's records of this field that flag it (unrecoverable, kept as published)."""
        return [corrected for _, name, corrected, bits in self.records(item_id) if bits & FLAGGING and name == field]
