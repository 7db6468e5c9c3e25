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

from ..core.edition import (
    INTEGER_FIELDS, EditionError, is_whole_number, _required_path, item_from_row, read_text, resource_paths,
)
from ..core.files import BOM, allow_long_cells
from ..core.package import LIST_OF_RESOURCE, LISTS
from .compare import compare, empty_edition
from .sides import load, unreadable

LIST_NUMBER = {list_name: number for number, list_name in enumerate(LISTS)}
HASH_BUCKETS = 1024  # the ids' hashes are kept in this many arrays, so that each is checked for repeats with a small set


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


class ListMerge:
    """The lockstep merge of the three lists of both sides (see the module's docstring).

    ``items``: (OLD's, NEW's) items built, by id in file order; ``renumbered``: (list, old 序号, new 序号, count)
    of the items equal but for their 序号, in runs of consecutive 序号 on both sides (as ``compare`` takes them);
    ``counts``: items per list of each side; ``peak``: the most rows that were pending at once (both sides
    together); ``out_of_step``: how many rows were not paired in step."""

    def __init__(self, old_side, new_side):
        self.pending = ({}, {})  # per side: id -> (list number, 序号, cells, row number, Table)
        self.equal = {}  # list number -> whether OLD's and NEW's cells are the same row but for 序号 (see _row_equality)
        self.built = ([], [])  # per side: (list number, row number, id, item)
        self.runs, self.peak, self.out_of_step = [[None, 0, 0, 0]], 0, 0  # runs of renumberings: [list, old 序号, new 序号, count]
        self.counts = tuple({list_name: 0 for list_name in LISTS} for _ in range(2))
        self.hashes = tuple([array("q") for _ in range(HASH_BUCKETS)] for _ in range(2))
        self.absent = (old_side.reader is None, new_side.reader is None)  # a side that has no lists at all
        for old, new in zip_longest(old_side.tables(), new_side.tables()):
            list_name = (old or new)[0]
            self.merge(list_name, old and old[1], new and new[1])
        for side in (0, 1):
            if any(len(set(bucket)) != len(bucket) for bucket in self.hashes[side]):
                raise NotWellFormed()  # an id used twice (or, rarely, two ids of one hash): the whole path decides
        for side in (0, 1):
            for item_id, entry in self.pending[side].items():
                self.build(side, item_id, entry)  # removed (OLD) or added (NEW)
        self.items = tuple({item_id: item for _, _, item_id, item in sorted(built, key=itemgetter(0, 1))}
                           for built in self.built)
        self.pending = ({}, {})
        self.renumbered = [tuple(run) for run in self.runs[1:]]

    def merge(self, list_name, old_table, new_table):
        """One list of both sides, row by row (see ``_step``: how the two sides are brought back in step)."""
        number, last = LIST_NUMBER[list_name], LIST_NUMBER[list_name] == len(LISTS) - 1
        old_hashes, new_hashes = self.hashes
        runs, place, pair = self.runs, self.place, self.pair
        equal = None
        mask = HASH_BUCKETS - 1
        old_count = new_count = old_at = new_at = ahead = 0
        old_done, new_done = old_table is None, new_table is None
        with ExitStack() as stack:
            old_stream, new_stream = (stack.enter_context(closing(table.keyed_records())) if table is not None else iter(())
                                      for table in (old_table, new_table))
            while not (old_done and new_done):
                if (old_done and ahead > 0) or (new_done and ahead < 0):
                    ahead = 0
                old = next(old_stream, None) if ahead >= 0 and not old_done else None  # OLD first: its errors come first
                new = next(new_stream, None) if ahead <= 0 and not new_done else None
                if old is not None:
                    old_count += 1
                    old_at = old[0]
                    key = hash(old[2])
                    old_hashes[key & mask].append(key)
                elif ahead >= 0:
                    old_done = True
                if new is not None:
                    new_count += 1
                    new_at = new[0]
                    key = hash(new[2])
                    new_hashes[key & mask].append(key)
                    if old is not None and old[2] == new[2]:  # in step
                        if equal is None:
                            equal = self.equality(number, old_table, new_table)
                        if not equal(old[1], new[1]):
                            pair(old[2], _entry(number, old, old_table), _entry(number, new, new_table))
                        elif old[3] != new[3]:  # renumbered: the run of the last renumbering goes on, or a run begins
                            run = runs[-1]
                            if old[3] == run[1] + run[3] and new[3] == run[2] + run[3] and run[0] == list_name:
                                run[3] += 1
                            else:
                                runs.append([list_name, old[3], new[3], 1])
                        continue
                elif ahead <= 0:
                    new_done = True
                old_partner = place(0, old, number, old_table, self.absent[1] or (last and new_done)) if old is not None else 0
                new_partner = place(1, new, number, new_table, self.absent[0] or (last and old_done)) if new is not None else 0
                ahead = _step(ahead, old_partner and new_at - old_partner, new_partner and old_at - new_partner)
        self.counts[0][list_name], self.counts[1][list_name] = old_count, new_count

    def place(self, side, row, number, table, final):
        """A row out of step: paired with the other side's pending row of its id, or left pending itself (built at
        once when ``final``: the other side has no row left to pair it with). Returns the row number of the
        partner if it was in the same list, else 0."""
        item_id = row[2]
        entry = _entry(number, row, table)
        self.out_of_step += 1
        partner = self.pending[1 - side].pop(item_id, None)
        if partner is not None:
            self.pair(item_id, *((entry, partner) if side == 0 else (partner, entry)))
            return partner[3] if partner[0] == number else 0
        if final:
            self.build(side, item_id, entry)
            return 0
        mine = self.pending[side]
        if item_id in mine:
            raise NotWellFormed()  # an id used twice
        mine[item_id] = entry
        size = len(mine) + len(self.pending[1 - side])
        if size > self.peak:
            self.peak = size
        return 0

    def equality(self, number, old_table, new_table):
        """The row equality of one list (both tables have read their headers once a row of each was read)."""
        if number not in self.equal:
            self.equal[number] = _row_equality(old_table, new_table)
        return self.equal[number]

    def pair(self, item_id, old, new):
        """The two rows of one id: the same item (perhaps renumbered), or two items built for compare."""
        if old[0] == new[0] and self.equality(old[0], old[4], new[4])(old[2], new[2]):
            if old[1] != new[1]:
                run = self.runs[-1]
                if old[1] == run[1] + run[3] and new[1] == run[2] + run[3] and run[0] == LISTS[old[0]]:
                    run[3] += 1
                else:
                    self.runs.append([LISTS[old[0]], old[1], new[1], 1])
            return
        self.build(0, item_id, old)
        self.build(1, item_id, new)

    def build(self, side, item_id, entry):
        number, _, cells, row_number, table = entry
        self.built[side].append((number, row_number, item_id, table.item(cells, LISTS[number], row_number)))


def _step(ahead, old_behind, new_behind):
    """How many rows OLD (if positive) or NEW (if negative) reads alone next, so that the sides come back in step.

    A row paired with a pending row of the other side says where the sides stand: OLD's row paired with NEW's row
    ``n`` while NEW has read ``old_behind`` rows past it means that OLD is that many rows behind (an insertion into
    NEW, a removal from OLD); likewise ``new_behind``. Without such news, one row read alone is one row caught up.
    Only the cost depends on this: whatever is read when, each row meets its partner in a pending map."""
    if old_behind or new_behind:
        return old_behind - new_behind
    return ahead - 1 if ahead > 0 else ahead + 1 if ahead < 0 else 0


def _entry(number, row, table):
    row_number, cells, _, seq = row
    return number, seq, cells, row_number, table


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
    matched at the same place. Read as ``ListMerge.merge`` reads a list. Records are the same when their files
    have the same header and the records the same cells."""

    def __init__(self, old_table, new_table):
        self.pending = ({}, {})  # per side: the cells as a tuple -> [its places in the file]
        self.peak = self.waiting = self.out_of_step = 0
        with ExitStack() as stack:
            streams = [stack.enter_context(closing(table.records())) if table is not None else iter(())
                       for table in (old_table, new_table)]
            self.merge(*streams, tables=(old_table, new_table))
        self.rows = tuple(
            [dict(zip(table.header, cells)) for _, cells in sorted((index, cells) for cells, places in left.items() for index in places)]
            if table is not None else []
            for table, left in zip((old_table, new_table), self.pending))
        self.pending = ({}, {})

    def merge(self, old_stream, new_stream, tables):
        place = self.place
        old_index = new_index = ahead = 0
        old_done = new_done = False
        same_header = None
        while not (old_done and new_done):
            if (old_done and ahead > 0) or (new_done and ahead < 0):
                ahead = 0
            old = next(old_stream, None) if ahead >= 0 and not old_done else None
            new = next(new_stream, None) if ahead <= 0 and not new_done else None
            if same_header is None:  # both files have been opened: their headers are read
                same_header = None not in tables and tables[0].header == tables[1].header
            if old is not None:
                old_index += 1
                if old == new and same_header:
                    new_index += 1
                    continue  # the same record at the same place
            elif ahead >= 0:
                old_done = True
            if new is not None:
                new_index += 1
            elif ahead <= 0:
                new_done = True
            old_partner = place(0, old_index, old, same_header) if old is not None else 0
            new_partner = place(1, new_index, new, same_header) if new is not None else 0
            ahead = _step(ahead, old_partner and new_index - old_partner, new_partner and old_index - new_partner)

    def place(self, side, index, cells, matching):
        """A record out of step: matched with a pending record of the same cells on the other side (then the
        partner's place in its file, counted from 1, is returned), or left pending (then 0). Without
        ``matching`` (the two files have different headers) no record matches."""
        self.out_of_step += 1
        key = tuple(cells)
        others = self.pending[1 - side]
        partners = others.get(key) if matching else None
        if partners:
            partner_index = partners.pop()
            if not partners:
                del others[key]
            self.waiting -= 1
            return partner_index
        self.pending[side].setdefault(key, []).append(index)
        self.waiting += 1
        if self.waiting > self.peak:
            self.peak = self.waiting
        return 0


class Side:
    """One edition: its small parts loaded whole, its lists read as streams."""

    def __init__(self, reader, role):
        self.reader, self.role = reader, role
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
        """(row number, cells, id, 序号) of each row: the loop a national collection spends its time in, so the
        checks that send a list to the whole path are written out here, without a call per row."""
        with self._reading() as records:
            width, integers, id_at, seq_at = len(self.header), self.integers, self.id_at, self.seq_at
            for row_number, cells in enumerate(records, start=2):
                if not cells:
                    continue
                if len(cells) != width:
                    raise NotWellFormed()  # a ragged row
                for at in integers:
                    value = cells[at].strip()
                    if not is_whole_number(value):
                        raise NotWellFormed()  # the whole path reads it as text, with a warning
                item_id = cells[id_at].strip()
                if not item_id:
                    raise NotWellFormed()
                yield row_number, cells, item_id, int(cells[seq_at])

    def records(self):
        """The cells of each record of an unkeyed table (the correction records)."""
        with self._reading() as records:
            width = len(self.header)
            for cells in records:
                if not cells:
                    continue
                if len(cells) != width:
                    raise NotWellFormed()  # a ragged row
                yield cells

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
