"""``compare_readers(old, new)``: the report of ``compare``, holding in memory only what changed.

A national collection of duty lists (some 6 million items) does not fit in memory as item dicts, and
most of its items do not change between two editions. So each list is read from both editions side
by side, row by row (a lockstep merge), and only what differs is kept:

1. **Rows in step.** When OLD's and NEW's current rows have the same id, their cells are compared
   as read, 序号 aside, under the same columns: equal rows are the same item (a renumbering if only
   序号 differs, gathered into runs of consecutive 序号 as ``compare`` sums them up); different rows
   are built into items at once (``core.edition.item_from_row``) and left to ``compare``, which
   decides whether they differ as items (spaces at the ends of a cell are no change).
2. **Rows out of step.** Otherwise each row waits in its side's *pending* map (id -> list, 序号,
   cells, row number) until the other side's row of that id comes, and is then paired as above.
   When a row is paired with a pending row, the distance between the two tells how many rows its
   side is behind (after an insertion into NEW, or a removal from OLD), and that side is read alone
   for that many rows, so that the sides are soon in step again: an insertion at the top of a list
   puts five rows through the pending maps, not every row after it. An item moved to another list
   waits until that list is read. What is still pending after the three lists was removed
   (OLD) or added (NEW), and is built then.
3. **Correction records**, likewise: records with the same cells at the same place (under the same
   header) are no change; the others wait in multisets keyed by their cells until the other side
   holds the same record; what is left is compared by ``compare``, in file order.

``compare`` then runs on the items and records built, told which items were only renumbered (as
runs) and how many items each list holds. Memory therefore grows with what changed, not with the
size of the editions: the changed items and records, the runs of renumberings, the rows out of step
(a few at a time for insertions and removals; an item added or removed until the end, an item
moved between lists until the later list is read), and 8 bytes an item and side for the check
below. The worst case is a list whose rows are all reordered: its rows wait in the pending maps,
cells and all, until their partners come (half of a reversed list at once: about what reading that
list whole costs); likewise for correction records all reordered.

**An id used twice** (which the whole-edition path reports as a warning) cannot be seen from the
pending maps alone when both copies are in step. So every id's 64-bit hash (Python's ``hash``,
salted per process) is kept, 8 bytes an item and side, and the hashes are checked for repeats at
the end: a repeated id always repeats its hash, so it is always found; two different ids that share
a hash (a chance of n²/2⁶⁵ for n ids: about one in 40 million at a million items a side) only send
the diff down the exact whole-edition path, which gives the same report, more slowly. A hash is never
taken as proof that two ids are equal.

This fast path is taken for well-formed lists only. A list that ``load_edition(lenient=True)`` would
read with a warning (a repeated column name, a ragged row, a row without an id, an id used twice, a
序号 or page that is not a whole number, no ``id`` or ``seq`` column) sends both sides through the
whole-edition path, so that every warning and structure change is reported exactly as before. The
registers, schemas and descriptor are small and are read whole, as ``load_edition`` reads them.
The tests check that both paths give the same report.
"""

import csv
import io
from array import array
from contextlib import ExitStack, closing, contextmanager
from itertools import zip_longest
from operator import itemgetter
from typing import NamedTuple

from ..core.edition import (
    INTEGER_FIELDS, EditionError, whole_number_match, _required_path, item_from_row, read_text, resource_paths,
)
from ..core.files import BOM, allow_long_cells, cell_too_long
from ..core.package import LIST_OF_RESOURCE, LISTS
from .compare import compare, empty_edition
from .sides import load, unreadable

LIST_NUMBER = {list_name: number for number, list_name in enumerate(LISTS)}
HASH_BUCKETS = 1024  # the ids' hashes are kept in this many arrays, so that each is checked for repeats with a small set
HASH_MASK = HASH_BUCKETS - 1  # a hash's bucket: its lowest bits


class NotWellFormed(Exception):
    """A list the fast path does not read: the whole-edition path reads it, with its warnings."""


def compare_readers(old_reader, new_reader):
    """What changed between the editions the two readers hold (an old reader of None is the empty edition).

    Raises ``sides.SideError`` naming the side, as ``sides.load`` does, when an edition cannot be read.
    """
    try:
        return _streamed(old_reader, new_reader)
    except NotWellFormed:
        new = load(new_reader, "NEW")
        old = load(old_reader, "OLD") if old_reader is not None else empty_edition()
        return compare(old, new)


def _streamed(old_reader, new_reader):
    new_side = Side(new_reader, "NEW")  # NEW first: its errors come first, as with sides.editions
    old_side = Side(old_reader, "OLD")
    records = RecordMerge(old_side.corrections_table(), new_side.corrections_table())
    old_side.base["corrections"], new_side.base["corrections"] = records.rows
    lists = ListMerge(old_side, new_side)
    counts = {list_name: {"before": lists.counts[0][list_name], "after": lists.counts[1][list_name]} for list_name in LISTS}
    old, new = old_side.edition(lists.items[0]), new_side.edition(lists.items[1])
    return compare(old, new, unchanged={"renumbered": lists.renumbered, "lists": counts})


class Row:
    """A row of a list, as ``Table.keyed_records`` reads it.

    Each table has one Row, which every read overwrites (a new object per row, a NamedTuple, made the merge about
    5 % slower at 100,000 items): use its fields at once, and copy what is kept (``Pending.of`` does)."""

    __slots__ = ("number", "cells", "id", "seq")

    def __init__(self):
        self.number = 0  # its row number in the file (the header is row 1)
        self.cells = None  # its cells, as read
        self.id = None  # its id, without spaces at its ends
        self.seq = None  # its 序号


class Record:
    """A correction record, as ``Table.records`` reads it: one per table, overwritten by every read, like ``Row``."""

    __slots__ = ("number", "cells")

    def __init__(self):
        self.number = 0  # its place among the file's records, from 1
        self.cells = None


class Pending(NamedTuple):
    """A row that was not read in step with its partner: it waits in its side's pending map (keyed by its id) until
    the other side's row of that id comes, or is built into an item (changed, added or removed)."""
    list_number: int  # the place of its list in LISTS
    seq: int
    cells: list
    number: int  # its row number in its file
    table: "Table"

    @classmethod
    def of(cls, list_number, row, table):
        return cls(list_number, row.seq, row.cells, row.number, table)


class Lockstep:
    """Two streams of rows (OLD's and NEW's) read side by side: the lockstep of both merges (see the module's docstring).

    Iterating gives (old, new): the next row of each side, or None for a side that was not read this time (it is
    ahead of the other, or has no row left). Rows have a ``number``: their place in their file. When the pair is not
    in step, the merge places both rows and then tells ``partners_at`` where each found its partner (the partner's
    ``number``, or 0 if none was found in this file): from that, the side that is behind reads alone until the
    sides are in step again. Only the cost depends on this: whatever is read when, each row meets its partner in a
    pending map. ``old_read``, ``new_read``: how many rows each side has read; ``old_done``, ``new_done``: a side has no row left."""

    __slots__ = ("streams", "ahead", "old_at", "new_at", "old_read", "new_read", "old_done", "new_done")

    def __init__(self, old_rows, new_rows):
        self.streams = old_rows, new_rows
        self.ahead = 0  # > 0: OLD reads that many rows alone next; < 0: NEW does
        self.old_at = self.new_at = 0  # the number of the last row read on each side
        self.old_read = self.new_read = 0  # how many rows each side has read
        self.old_done = self.new_done = False

    def __iter__(self):
        old_rows, new_rows = self.streams
        old_done = new_done = False  # kept in locals, and in attributes for the merge: this loop runs for every row
        old_read = new_read = 0
        while not (old_done and new_done):
            ahead = self.ahead
            if (old_done and ahead > 0) or (new_done and ahead < 0):
                ahead = self.ahead = 0  # a side that has no row left cannot catch up: the other reads on
            old = next(old_rows, None) if ahead >= 0 and not old_done else None  # OLD first: its errors come first
            new = next(new_rows, None) if ahead <= 0 and not new_done else None
            if old is not None:
                old_read += 1
                self.old_at = old.number
            elif ahead >= 0:
                old_done = self.old_done = True
            if new is not None:
                new_read += 1
                self.new_at = new.number
            elif ahead <= 0:
                new_done = self.new_done = True
            yield old, new
        self.old_read, self.new_read = old_read, new_read

    def partners_at(self, old_partner, new_partner):
        """Where the rows of a pair not in step found their partner (0: not in this file), and so which side reads
        alone next, for how many rows. OLD's row paired with NEW's row ``old_partner`` while NEW has read past it
        means that OLD is that many rows behind (an insertion into NEW, a removal from OLD); likewise for NEW.
        Without such news, one row read alone is one row caught up."""
        old_behind = self.new_at - old_partner if old_partner else 0
        new_behind = self.old_at - new_partner if new_partner else 0
        if old_behind or new_behind:
            self.ahead = old_behind - new_behind
        elif self.ahead:
            self.ahead += -1 if self.ahead > 0 else 1


def _lockstep(stack, old_rows, new_rows):
    """A Lockstep over two streams of rows (None: a side without that table), each closed when ``stack`` closes."""
    return Lockstep(*(stack.enter_context(closing(rows)) if rows is not None else iter(()) for rows in (old_rows, new_rows)))


class Renumberings:
    """The items equal but for their 序号, gathered into runs of consecutive 序号 on both sides, as ``compare`` takes
    them: ``runs()`` gives (list, first old 序号, first new 序号, count) of each run."""

    __slots__ = ("_runs",)

    def __init__(self):
        self._runs = []  # per run: [list name, first old 序号, first new 序号, count]

    def add(self, list_name, old_seq, new_seq):
        """One item renumbered: the last run goes on if the item follows it on both sides, else a run begins."""
        if self._runs:
            last = self._runs[-1]
            list_of_last, old_first, new_first, count = last
            if list_name == list_of_last and old_seq == old_first + count and new_seq == new_first + count:
                last[3] = count + 1
                return
        self._runs.append([list_name, old_seq, new_seq, 1])

    def runs(self):
        return [tuple(run) for run in self._runs]


class IdHashes:
    """The 64-bit hash of every id one side has read (8 bytes each, in arrays), to find an id used twice at the end.
    ``Table.keyed_records`` adds each id's hash as it reads the row (``key = hash(id)`` into ``buckets[key & HASH_MASK]``)."""

    __slots__ = ("buckets",)

    def __init__(self):
        self.buckets = [array("q") for _ in range(HASH_BUCKETS)]  # each checked for repeats with a small set

    def repeated(self):
        """Whether a hash was added twice: an id used twice (or, rarely, two ids of one hash)."""
        return any(len(set(bucket)) != len(bucket) for bucket in self.buckets)


class ListMerge:
    """The lockstep merge of the three lists of both sides (see the module's docstring).

    ``items``: (OLD's, NEW's) items built, by id in file order; ``renumbered``: (list, old 序号, new 序号, count)
    of the items equal but for their 序号, in runs of consecutive 序号 on both sides (as ``compare`` takes them);
    ``counts``: items per list of each side; ``peak``: the most rows that were pending at once (both sides
    together); ``out_of_step``: how many rows were not paired in step."""

    def __init__(self, old_side, new_side):
        self.pending = ({}, {})  # per side: id -> Pending
        self.equal = {}  # list number -> whether OLD's and NEW's cells are the same row but for 序号 (see _row_equality)
        self.built = ([], [])  # per side: (list number, row number, id, item)
        self.renumberings = Renumberings()
        self.peak = self.out_of_step = 0
        self.counts = tuple({list_name: 0 for list_name in LISTS} for _ in range(2))
        self.absent = (old_side.reader is None, new_side.reader is None)  # a side that has no lists at all
        for old, new in zip_longest(old_side.tables(), new_side.tables()):
            list_name = (old or new)[0]
            self.merge(list_name, old and old[1], new and new[1])
        if old_side.ids.repeated() or new_side.ids.repeated():
            raise NotWellFormed()  # an id used twice (or, rarely, two ids of one hash): the whole path decides
        for side in (0, 1):
            for item_id, entry in self.pending[side].items():
                self.build(side, item_id, entry)  # removed (OLD) or added (NEW)
        self.items = tuple({item_id: item for _, _, item_id, item in sorted(built, key=itemgetter(0, 1))}
                           for built in self.built)
        self.pending = ({}, {})
        self.renumbered = self.renumberings.runs()

    def merge(self, list_name, old_table, new_table):
        """One list of both sides, row by row: a pair of rows of one id is compared at once (in step); otherwise each
        row is placed (``place``: paired with its partner, or left pending), and the side behind reads alone."""
        number = LIST_NUMBER[list_name]
        last = number == len(LISTS) - 1  # after this list, a row cannot be paired any more
        renumbered = self.renumberings.add
        equal = None
        with ExitStack() as stack:
            steps = _lockstep(stack, *(table and table.keyed_records() for table in (old_table, new_table)))
            for old, new in steps:
                if old is not None and new is not None and old.id == new.id:  # in step
                    if equal is None:
                        equal = self.equality(number, old_table, new_table)
                    if not equal(old.cells, new.cells):
                        self.build(0, old.id, Pending.of(number, old, old_table))
                        self.build(1, new.id, Pending.of(number, new, new_table))
                    elif old.seq != new.seq:
                        renumbered(list_name, old.seq, new.seq)
                    continue
                old_partner = self.place(0, old, number, old_table, self.absent[1] or (last and steps.new_done))
                new_partner = self.place(1, new, number, new_table, self.absent[0] or (last and steps.old_done))
                steps.partners_at(old_partner, new_partner)
        self.counts[0][list_name], self.counts[1][list_name] = steps.old_read, steps.new_read

    def place(self, side, row, number, table, final):
        """A row out of step (None: no row): paired with the other side's pending row of its id, or left pending
        itself (built at once when ``final``: the other side has no row left to pair it with). Returns the row
        number of the partner if it was in the same list, else 0."""
        if row is None:
            return 0
        entry = Pending.of(number, row, table)
        self.out_of_step += 1
        partner = self.pending[1 - side].pop(row.id, None)
        if partner is not None:
            self.pair(row.id, *((entry, partner) if side == 0 else (partner, entry)))
            return partner.number if partner.list_number == number else 0
        if final:
            self.build(side, row.id, entry)
            return 0
        mine = self.pending[side]
        if row.id in mine:
            raise NotWellFormed()  # an id used twice
        mine[row.id] = entry
        self.peak = max(self.peak, len(mine) + len(self.pending[1 - side]))
        return 0

    def equality(self, number, old_table, new_table):
        """The row equality of one list (both tables have read their headers once a row of each was read)."""
        if number not in self.equal:
            self.equal[number] = _row_equality(old_table, new_table)
        return self.equal[number]

    def pair(self, item_id, old, new):
        """The two rows of one id (Pending): the same item (perhaps renumbered), or two items built for compare."""
        if old.list_number == new.list_number and self.equality(old.list_number, old.table, new.table)(old.cells, new.cells):
            if old.seq != new.seq:
                self.renumberings.add(LISTS[old.list_number], old.seq, new.seq)
            return
        self.build(0, item_id, old)
        self.build(1, item_id, new)

    def build(self, side, item_id, entry):
        item = entry.table.item(entry.cells, LISTS[entry.list_number], entry.number)
        self.built[side].append((entry.list_number, entry.number, item_id, item))


def _row_equality(old_table, new_table):
    """A function of (OLD's cells, NEW's cells) of one list: whether they are the same row but for 序号, that is
    the same cells under the same columns. Rows that are not are built into items and compared by ``compare``
    (cells that differ only in spaces at their ends are then no change; a column added, removed or renamed
    makes every row differ here, and ``compare`` reports it once as a structure change)."""
    if old_table.shape != new_table.shape:
        return lambda old, new: False
    old_at, new_at = old_table.seq_at, new_table.seq_at
    if old_at != new_at:  # the same columns, 序号 elsewhere
        return lambda old, new: old[:old_at] + old[old_at + 1:] == new[:new_at] + new[new_at + 1:]

    def equal(old, new):
        if old == new:
            return True
        seq = new[new_at]
        new[new_at] = old[old_at]
        same = old == new
        new[new_at] = seq
        return same
    return equal


class RecordMerge:
    """The lockstep merge of both sides' correction records: ``rows`` (OLD's, NEW's) records that the other side
    does not hold with the same cells (as many times as they are not matched), as row dicts in file order; ``peak``: the
    most records that were pending at once (both sides together); ``out_of_step``: how many records were not
    matched at the same place. Read in the same ``Lockstep`` as a list. Records are the same when their files
    have the same header and the records the same cells."""

    def __init__(self, old_table, new_table):
        self.pending = ({}, {})  # per side: the cells as a tuple -> [the numbers of the records that have them]
        self.peak = self.waiting = self.out_of_step = 0
        tables = old_table, new_table
        with ExitStack() as stack:
            self.merge(_lockstep(stack, *(table and table.records() for table in tables)), tables)
        self.rows = tuple(_records_left(table, left) for table, left in zip(tables, self.pending))
        self.pending = ({}, {})

    def merge(self, steps, tables):
        same_header = None
        for old, new in steps:
            if same_header is None:  # both files have been opened: their headers are read
                same_header = None not in tables and tables[0].header == tables[1].header
            if old is not None and new is not None and same_header and old.cells == new.cells:
                continue  # the same record at the same place
            steps.partners_at(self.place(0, old, same_header), self.place(1, new, same_header))

    def place(self, side, record, matching):
        """A record out of step (None: no record): matched with a pending record of the same cells on the other side
        (then the partner's number is returned), or left pending (then 0). Without ``matching`` (the two files
        have different headers) no record matches."""
        if record is None:
            return 0
        self.out_of_step += 1
        key = tuple(record.cells)
        others = self.pending[1 - side]
        partners = others.get(key) if matching else None
        if partners:
            partner_number = partners.pop()
            if not partners:
                del others[key]
            self.waiting -= 1
            return partner_number
        self.pending[side].setdefault(key, []).append(record.number)
        self.waiting += 1
        self.peak = max(self.peak, self.waiting)
        return 0


def _records_left(table, left):
    """The records of one side left unmatched (cells -> their numbers), as row dicts in file order."""
    if table is None:
        return []
    return [dict(zip(table.header, cells)) for _, cells in sorted((number, cells) for cells, numbers in left.items() for number in numbers)]


class Side:
    """One edition: its small parts loaded whole, its lists read as streams."""

    def __init__(self, reader, role):
        self.reader, self.role = reader, role
        self.ids = IdHashes()  # the hash of every id of its lists, as they are read
        if reader is None:
            self.base, self.paths = empty_edition(), {}
            return
        self.base = load(reader, role, lists=False)
        if self.base.get("warnings"):
            raise NotWellFormed()  # a register or the corrections read with a warning: keep every report exact
        self.paths = resource_paths(self.base["descriptor"])

    def edition(self, items):
        return dict(self.base, items=items)

    def tables(self):
        """(list name, Table) of the three lists, in the order load_edition reads them."""
        if self.reader is None:
            return
        for resource, list_name in LIST_OF_RESOURCE.items():
            try:
                path = _required_path(self.paths, resource)
            except EditionError as error:
                raise unreadable(self.reader, self.role, error) from None
            yield list_name, Table(path, resource, self.reader, self)

    def corrections_table(self):
        if self.reader is None or "corrections" not in self.paths:
            return None
        return Table(self.paths["corrections"], "corrections", self.reader, self, keyed=False)


class Table:
    """One CSV (a list, or the correction records), read as a stream: its header, then its records as lists of cells."""

    def __init__(self, path, resource, reader, side, keyed=True):
        self.path, self.resource, self.reader, self.side = path, resource, reader, side
        self.keyed = keyed  # a list: every row has an id and a 序号
        self.header = None

    @contextmanager
    def _reading(self):
        """The csv reader of the file, past its header; errors name the side, as load_edition's do."""
        try:
            stream = _open(self.reader, self.path)
        except EditionError as error:
            raise unreadable(self.reader, self.side.role, error) from None
        with stream:
            try:
                yield self._past_header(stream)
            except UnicodeDecodeError:
                try:
                    read_text(self.reader, self.path)  # raises the error load_edition gives, with its line
                except EditionError as error:
                    raise unreadable(self.reader, self.side.role, error) from None
                raise
            except EditionError as error:
                raise unreadable(self.reader, self.side.role, error) from None
            except csv.Error as error:  # a cell past the limit (a stream holds a cell whole); else the whole path says it
                too_long = cell_too_long(self.path, error)
                if too_long is None:
                    raise NotWellFormed() from None
                raise unreadable(self.reader, self.side.role, EditionError(self.path, too_long.message, code=too_long.code)) from None

    def _past_header(self, stream):
        allow_long_cells()
        records = csv.reader(stream)
        header = next(records, None)
        if header is None or not "".join(header).strip():
            if header is None or not any("".join(cells).strip() for cells in records):
                raise EditionError(self.path, "is empty; a resource needs at least its header row", row=1)
            raise NotWellFormed()  # text after a blank first line: the whole path says what it makes of it
        self._read_header(header)
        return records

    def _read_header(self, header):
        if len(set(header)) != len(header) or (self.keyed and ("id" not in header or "seq" not in header)):
            raise NotWellFormed()
        self.header = header
        self.side.base.setdefault("columns", {})[self.resource] = header  # as load_edition(lenient=True) records it
        where = {name: at for at, name in enumerate(header)}
        self.id_at, self.seq_at = where.get("id"), where.get("seq") if self.keyed else None
        self.integers = [where[field] for field in INTEGER_FIELDS if field in where]
        self.shape = [name for at, name in enumerate(header) if at != self.seq_at]  # the columns a row is compared under

    def keyed_records(self):
        """Each row as a ``Row``: the loop a national collection spends its time in, so the
        checks that send a list to the whole path are written out here, without a call per row."""
        with self._reading() as records:
            width, integers, id_at, seq_at = len(self.header), self.integers, self.id_at, self.seq_at
            id_hashes, row = self.side.ids.buckets, Row()
            for row_number, cells in enumerate(records, start=2):
                if not cells:
                    continue
                if len(cells) != width:
                    raise NotWellFormed()  # a ragged row
                for at in integers:
                    if whole_number_match(cells[at].strip()) is None:
                        raise NotWellFormed()  # the whole path reads it as text, with a warning
                item_id = cells[id_at].strip()
                if not item_id:
                    raise NotWellFormed()
                key = hash(item_id)  # IdHashes.add
                id_hashes[key & HASH_MASK].append(key)
                row.number, row.cells, row.id, row.seq = row_number, cells, item_id, int(cells[seq_at])
                yield row

    def records(self):
        """Each record of an unkeyed table (the correction records) as a ``Record``."""
        with self._reading() as records:
            width, record = len(self.header), Record()
            for cells in records:
                if not cells:
                    continue
                if len(cells) != width:
                    raise NotWellFormed()  # a ragged row
                record.number += 1
                record.cells = cells
                yield record

    def item(self, cells, list_name, row_number):
        warnings = []
        item = item_from_row(dict(zip(self.header, cells)), list_name, self.path, row_number, warnings)
        if warnings:
            raise NotWellFormed()
        return item


def _open(reader, path):
    """A text stream of the file, decoded as it is read: from a folder the file itself; from git the blob's bytes
    (a blob is one object), so that both sides' texts of a list are never held whole at once. A file that
    starts with a byte-order mark is left to the whole path (NotWellFormed), which reads it without the mark and
    warns; a missing one is read by ``read_text``, which raises load_edition's error."""
    opener = getattr(reader, "open_binary", None)
    if opener is not None:
        binary = opener(path)
        if binary is not None and binary.peek(3)[:3] != BOM:
            return io.TextIOWrapper(binary, encoding="utf-8", newline="")
        if binary is not None:
            binary.close()
            raise NotWellFormed()  # a byte-order mark: the whole path reads the file without it, with a warning
    else:
        data = reader.read(path)
        if data is not None and not data.startswith(BOM):
            return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")  # BytesIO shares the bytes
        if data is not None:
            raise NotWellFormed()
    return io.StringIO(read_text(reader, path), newline="")  # none: raises load_edition's error
