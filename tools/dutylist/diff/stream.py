"""``compare_readers(old, new)``: the report of ``compare``, without holding either edition's lists in memory.

A national collection of duty lists (some 6 million items) does not fit in memory as item dicts, and
most of its items do not change between two editions. So the three lists are read as streams:

1. **Index OLD.** Every row becomes ``id -> (list, 序号, digest)``, where the digest is a 128-bit
   BLAKE2b of the row's header and cells other than 序号. Equal digests mean equal rows, so equal items.
2. **Stream NEW.** Each row is looked up in the index: a row equal but for its 序号 is at most a
   renumbering; any other row is built into an item at once (``core.edition.item_from_row``).
3. **Build OLD's changed rows.** OLD is read once more, building only the rows whose id NEW did not
   hold unchanged.

The correction records are streamed the same way: a multiset of row digests per side, and only the
records that the other side does not hold to the byte are built.

``compare`` then runs on those items alone, told which unchanged items were only renumbered and how
many items each list holds. Memory grows with the number of items and records (the indexes: about a
hundred bytes each) plus the changed ones, never with the length of their text. The registers,
schemas and descriptor are small and are read whole, as ``load_edition`` reads them.

This fast path is taken for well-formed lists only. A list that ``load_edition(lenient=True)`` would
read with a warning (a repeated column name, a ragged row, a row without an id, an id used twice, a
序号 or page that is not a whole number, no ``id`` or ``seq`` column) sends both sides through the
whole-edition path, so that every warning and structure change is reported exactly as before.
The tests check that both paths give the same report.
"""

import csv
import io
from contextlib import contextmanager
from collections import Counter
from hashlib import blake2b

from ..core.edition import (
    INTEGER_FIELDS, EditionError, _required_path, item_from_row, read_text, resource_paths,
)
from ..core.files import allow_long_cells
from ..core.package import LIST_OF_RESOURCE, LISTS
from .compare import compare, empty_edition
from .sides import load, unreadable

UNIT = "\x1f"  # the unit separator, between the cells of a row in its digest
LIST_NUMBER = {list_name: number for number, list_name in enumerate(LISTS)}


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
    # records equal to the byte on both sides are no change and are never built: OLD's digests, then NEW read once
    # against them, then OLD's records that NEW did not match read again
    new_side.base["corrections"], unmatched_old = new_side.corrections_against(old_side.correction_digests())
    old_side.base["corrections"] = old_side.correction_rows(unmatched_old)
    old_index = old_side.index_lists()
    new_items, new_counts, renumbered, unchanged_old = new_side.stream_against(old_index)
    wanted_old = old_index.keys() - unchanged_old
    old = old_side.edition(old_side.build(wanted_old) if wanted_old else {})
    new = new_side.edition(new_items)
    old_counts = {list_name: 0 for list_name in LISTS}
    for list_number, _, _ in old_index.values():
        old_counts[LISTS[list_number]] += 1
    lists = {list_name: {"before": old_counts[list_name], "after": new_counts[list_name]} for list_name in LISTS}
    return compare(old, new, unchanged={"renumbered": renumbered, "lists": lists})


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

    def index_lists(self):
        """id -> (list number, 序号, digest of the row but its 序号) for every row."""
        index = {}
        for list_name, table in self.tables():
            number = LIST_NUMBER[list_name]
            for _, _, item_id, seq, digest in table.keyed_records():
                if item_id in index:
                    raise NotWellFormed()  # an id used twice: the whole path reports it as a warning
                index[item_id] = (number, seq, digest)
        return index

    def stream_against(self, old_index):
        """Read this (new) side once, building only the items that differ from the old index.

        Returns (items built, count per list, renumbered (list, old seq, new seq), ids of old items unchanged).
        """
        items, seen, renumbered, unchanged = {}, set(), [], set()
        counts = {list_name: 0 for list_name in LISTS}
        for list_name, table in self.tables():
            number = LIST_NUMBER[list_name]
            for row_number, cells, item_id, seq, digest in table.keyed_records():
                if item_id in seen:
                    raise NotWellFormed()
                seen.add(item_id)
                counts[list_name] += 1
                old = old_index.get(item_id)
                if old is not None and old[0] == number and old[2] == digest:
                    unchanged.add(item_id)
                    if old[1] != seq:
                        renumbered.append((list_name, old[1], seq))
                    continue
                items[item_id] = table.item(cells, list_name, row_number)
        return items, counts, renumbered, unchanged

    def build(self, wanted):
        """The items of the wanted ids, read again from the lists, in file order (every row was checked already)."""
        items = {}
        for list_name, table in self.tables():
            with table._reading() as records:
                id_at = table.id_at
                for row_number, cells in enumerate(records, start=2):
                    if cells and cells[id_at].strip() in wanted:
                        items[cells[id_at].strip()] = table.item(cells, list_name, row_number)
        return items

    def correction_digests(self):
        """A multiset (Counter) of the digests of the correction records' rows (kept in file order for the second pass)."""
        table = self.corrections_table()
        self.record_digests = [digest for _, digest in table.digested_records()] if table else []
        return Counter(self.record_digests)

    def corrections_against(self, old_digests):
        """(this side's records that the multiset of OLD's digests does not match, as row dicts; OLD's digests left unmatched)."""
        table = self.corrections_table()
        remaining, rows = Counter(old_digests), []
        for cells, digest in table.digested_records() if table else ():
            if remaining[digest] > 0:
                remaining[digest] -= 1
            else:
                rows.append(dict(zip(table.header, cells)))
        return rows, +remaining

    def correction_rows(self, wanted):
        """The correction records whose digests the multiset ``wanted`` holds, as row dicts (as many of each as it counts)."""
        table = self.corrections_table()
        if table is None or not wanted:
            return []
        wanted, rows = Counter(wanted), []
        digests = iter(self.record_digests)
        with table._reading() as records:
            for cells in records:
                if not cells:
                    continue
                digest = next(digests)
                if wanted[digest] > 0:
                    wanted[digest] -= 1
                    rows.append(dict(zip(table.header, cells)))
        return rows

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
        self.prefix = repr([name for at, name in enumerate(header) if at != self.seq_at]).encode()  # a record: every cell

    def keyed_records(self):
        """(row number, cells, id, 序号, digest) of each row: the loop a national collection spends its time in,
        so the checks of ``key`` and ``digest`` are written out here once more, without a call per row."""
        unit = UNIT
        with self._reading() as records:
            width, integers, id_at, seq_at = len(self.header), self.integers, self.id_at, self.seq_at
            prefix_j, prefix_r = blake2b(b"j" + self.prefix, digest_size=16), blake2b(b"r" + self.prefix, digest_size=16)
            for row_number, cells in enumerate(records, start=2):
                if not cells:
                    continue
                if len(cells) != width:
                    raise NotWellFormed()  # a ragged row
                for at in integers:
                    value = cells[at].strip()
                    if not (value and value.isascii() and value.isdigit()):
                        raise NotWellFormed()  # the whole path reads it as text, with a warning
                item_id = cells[id_at].strip()
                if not item_id:
                    raise NotWellFormed()
                seq = cells[seq_at]
                cells[seq_at] = ""  # left out of the digest (a renumbering is not a change of the row)
                joined = unit.join(cells)
                cells[seq_at] = seq
                if joined.count(unit) == len(cells) - 1:
                    digest = prefix_j.copy()
                    digest.update(joined.encode())
                else:
                    digest = prefix_r.copy()
                    digest.update(repr(cells[:seq_at] + cells[seq_at + 1:]).encode())
                yield row_number, cells, item_id, int(seq.strip()), digest.digest()

    def digested_records(self):
        """(cells, digest) of each record of an unkeyed table (the correction records): a 128-bit BLAKE2b of the
        header and every cell, joined with U+001F (or, where a cell holds U+001F, of the repr of the cells)."""
        unit = UNIT
        with self._reading() as records:
            width = len(self.header)
            prefix_j, prefix_r = blake2b(b"j" + self.prefix, digest_size=16), blake2b(b"r" + self.prefix, digest_size=16)
            for cells in records:
                if not cells:
                    continue
                if len(cells) != width:
                    raise NotWellFormed()  # a ragged row
                joined = unit.join(cells)
                if joined.count(unit) == width - 1:
                    digest = prefix_j.copy()
                    digest.update(joined.encode())
                else:
                    digest = prefix_r.copy()
                    digest.update(repr(cells).encode())
                yield cells, digest.digest()

    def item(self, cells, list_name, row_number):
        warnings = []
        item = item_from_row(dict(zip(self.header, cells)), list_name, self.path, row_number, warnings)
        if warnings:
            raise NotWellFormed()
        return item


def _open(reader, path):
    """A text stream of the file: streamed from a folder, read whole from git (a blob is one object)."""
    opener = getattr(reader, "open_binary", None)
    binary = opener(path) if opener is not None else None
    if binary is None or binary.peek(3)[:3] == b"\xef\xbb\xbf":
        if binary is not None:
            binary.close()
        return io.StringIO(read_text(reader, path), newline="")  # whole; raises load_edition's errors
    return io.TextIOWrapper(binary, encoding="utf-8", newline="")
