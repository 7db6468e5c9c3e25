"""``compare_readers(old, new)``: the same report as ``compare``, without holding either edition's lists in memory.

A national collection of duty lists (some 6 million items) does not fit in memory as item dicts, and
most of its items do not change between two editions. So each list is read twice, as a stream:

1. **Index.** Every row becomes ``id -> (list, 序号, digest)``, where the digest is a 128-bit BLAKE2b
   of the row's header and cells other than 序号. Equal digests mean equal rows, so equal items.
2. **Build.** Only the rows whose id is on one side only, or whose list or digest differs, are read
   again and built into items (``core.edition.item_from_row``, as ``load_edition`` does).

``compare`` then runs on those items alone, told which unchanged items were only renumbered and how
many items each list holds. Memory grows with the number of items (the index: a few dozen bytes an
item) plus the changed items, never with the size of their text. The registers, correction records,
schemas and descriptor are small and are read whole, as ``load_edition`` reads them.

The report is the one ``compare(load_edition(old), load_edition(new))`` gives: the tests check it.
"""

import csv
from hashlib import blake2b
import io

from ..core.edition import INTEGER_FIELDS, EditionError, _integer, _required_path, item_from_row, resource_paths
from ..core.package import LIST_OF_RESOURCE, LISTS
from .compare import compare, empty_edition
from .sides import load, unreadable

UNIT = "\x1f"  # the unit separator, between the cells of a row in its digest
LIST_NUMBER = {list_name: number for number, list_name in enumerate(LISTS)}


def compare_readers(old_reader, new_reader):
    """What changed between the editions the two readers hold (an old reader of None is the empty edition).

    Raises ``sides.SideError`` naming the side, as ``sides.load`` does, when an edition cannot be read.
    """
    new_side = Side(new_reader, "NEW")  # NEW first: its errors come first, as with sides.editions
    old_side = Side(old_reader, "OLD")
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
        self.paths = resource_paths(self.base["descriptor"])

    def edition(self, items):
        return dict(self.base, items=items)

    def rows(self):
        """(list number, path, row number, header, cells, id, seq, digest) of every row of the three lists.

        One tight loop per list: this is where a national collection spends its time.
        """
        if self.reader is None:
            return
        try:
            for resource, list_name in LIST_OF_RESOURCE.items():
                path = _required_path(self.paths, resource)
                number = LIST_NUMBER[list_name]
                table = Table(path, self.reader)
                key, digest, header = table.key, table.digest, None
                for row_number, cells in table.records():
                    if header is None:
                        key, digest, header = table.key, table.digest, table.header
                    item_id, seq = key(cells, row_number)
                    yield number, path, row_number, header, cells, item_id, seq, digest(cells)
        except EditionError as error:
            raise unreadable(self.reader, self.role, error) from None

    def index_lists(self):
        """id -> (list number, 序号, digest of the row but its 序号) for every row."""
        index = {}
        for number, path, row_number, _, _, item_id, seq, digest in self.rows():
            if item_id in index:
                self._duplicate(path, row_number, item_id, LISTS[index[item_id][0]], index[item_id][1])
            index[item_id] = (number, seq, digest)
        return index

    def stream_against(self, old_index):
        """Read this (new) side once, building only the items that differ from the old index.

        Returns (items built, count per list, renumbered (list, old seq, new seq), ids of old items unchanged).
        """
        items, seen, renumbered, unchanged = {}, {}, [], set()
        counts = {list_name: 0 for list_name in LISTS}
        for number, path, row_number, header, cells, item_id, seq, digest in self.rows():
            if item_id in seen:
                self._duplicate(path, row_number, item_id, *seen[item_id])
            seen[item_id] = (LISTS[number], seq)
            counts[LISTS[number]] += 1
            old = old_index.get(item_id)
            if old is not None and old[0] == number and old[2] == digest:
                unchanged.add(item_id)
                if old[1] != seq:
                    renumbered.append((LISTS[number], old[1], seq))
                continue
            items[item_id] = self._item(header, cells, LISTS[number], path, row_number)
        return items, counts, renumbered, unchanged

    def build(self, wanted):
        """The items of the wanted ids, read again from the lists, in file order (every row was checked already)."""
        items = {}
        try:
            for resource, list_name in LIST_OF_RESOURCE.items():
                path = _required_path(self.paths, resource)
                table = Table(path, self.reader)
                for row_number, cells in table.records():
                    item_id = cells[table.id_at].strip()
                    if item_id in wanted:
                        items[item_id] = self._item(table.header, cells, list_name, path, row_number)
        except EditionError as error:
            raise unreadable(self.reader, self.role, error) from None
        return items

    def _item(self, header, cells, list_name, path, row_number):
        try:
            return item_from_row(dict(zip(header, cells)), list_name, path, row_number)
        except EditionError as error:
            raise unreadable(self.reader, self.role, error) from None

    def _duplicate(self, path, row_number, item_id, other_list, other_seq):
        error = EditionError(
            path, f"id {item_id} is already used by {other_list} item {other_seq}; ids are unique across the three lists",
            row=row_number, field="id",
        )
        raise unreadable(self.reader, self.role, error)


class Table:
    """One list's CSV, read as a stream: its header, then its records as lists of cells."""

    def __init__(self, path, reader):
        self.path, self.reader = path, reader
        self.header = None

    def records(self):
        """(row number, cells) of each record, header = row 1, numbered as csv.DictReader does (blank lines skipped)."""
        stream = _open(self.reader, self.path)
        with stream:
            try:
                yield from self._records_of(stream)
            except UnicodeDecodeError:
                _whole_text(self.reader, self.path)  # raises the error load_edition gives, with its line
                raise

    def _records_of(self, stream):
        records = csv.reader(stream)
        header = next(records, None)
        if header is None or not "".join(header).strip():
            if header is None or not any("".join(cells).strip() for cells in records):
                raise EditionError(self.path, "is empty; a resource needs at least its header row", row=1)
        self._read_header(header)
        width = len(header)
        row_number = 1
        for cells in records:
            if not cells:
                continue
            row_number += 1
            if len(cells) > width:
                raise EditionError(self.path, "has more cells than the header has columns (a ragged row)", row=row_number)
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            yield row_number, cells

    def _read_header(self, header):
        self.header = header
        # as csv.DictReader, a name given twice is the later column
        where = {name: at for at, name in enumerate(header)}
        self.id_at = where.get("id")
        self.seq_at = where.get("seq")
        self.integers = [(where[field], field) for field in INTEGER_FIELDS if field in where]
        self.prefix = repr([name for at, name in enumerate(header) if at != self.seq_at]).encode()

    def key(self, cells, row_number):
        """The row's id and 序号, with the errors load_edition gives for a row that cannot become an item."""
        for at, field in self.integers:
            try:
                int(cells[at].strip())
            except ValueError:
                _integer(cells[at].strip(), self.path, row_number, field)  # raises load_edition's error
        item_id = cells[self.id_at].strip() if self.id_at is not None else ""
        if not item_id:
            raise EditionError(self.path, "has no id; every item needs one", row=row_number, field="id")
        return item_id, int(cells[self.seq_at].strip()) if self.seq_at is not None else None

    def digest(self, cells):
        """128-bit BLAKE2b of the header and the cells, 序号 left out: equal digests, equal rows.

        The cells are joined with U+001F; a row where a cell holds U+001F itself is hashed as the repr of
        its list instead, which quotes each cell, so that no content can make two different rows alike.
        """
        kept = cells[:self.seq_at] + cells[self.seq_at + 1:] if self.seq_at is not None else cells
        joined = UNIT.join(kept)
        if joined.count(UNIT) == len(kept) - 1:
            data = b"j" + self.prefix + joined.encode()
        else:
            data = b"r" + self.prefix + repr(kept).encode()
        return blake2b(data, digest_size=16).digest()


def _open(reader, path):
    """A text stream of the file: streamed from a folder, read whole from git (a blob is one object)."""
    opener = getattr(reader, "open_binary", None)
    if opener is None:
        return io.StringIO(_whole_text(reader, path), newline="")
    binary = opener(path)
    if binary is None or binary.peek(3)[:3] == b"\xef\xbb\xbf":
        if binary is not None:
            binary.close()
        return io.StringIO(_whole_text(reader, path), newline="")  # raises load_edition's error
    return io.TextIOWrapper(binary, encoding="utf-8", newline="")


def _whole_text(reader, path):
    from ..core.edition import read_text

    return read_text(reader, path)
