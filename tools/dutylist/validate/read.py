"""Reading a package for ``validate``: the small parts whole, the tables as streams of records.

A collection of many towns' lists holds millions of rows, so ``open_package(root)`` reads the
descriptor, the schemas and the two registers whole (they are small), checks every CSV file once
in chunks (present, no BOM, not empty, UTF-8, CRLF or not) without holding it, and leaves the
lists and the correction records on disk: ``package.stream_items()`` and ``package.corrections()`` read
them as streams, one record at a time, and the strict table pass (``tables.TablePass``) checks each
table the first time it is read. What ``validate`` keeps is what its checks keep (validate/checks.py),
never the rows.

``load_package(root)`` reads the same package the same way and keeps every row and item in
memory (``package.rows``, ``package.items``): the tests edit such a package and run one check
on it (``run.run_checks``).

Row numbers count CSV records with the header as row 1, as frictionless does; a blank record is
skipped (and makes the table suspect, so that frictionless says what it makes of it).
"""

import codecs
import csv
import io
from itertools import islice
from dataclasses import dataclass, field
from pathlib import Path

from ..core import edition
from ..core.errors import DutylistError
from ..core.files import BOM, FileRefused, allow_long_cells, cell_too_long
from ..core.names import resource_path_problem
from ..core.package import DESCRIPTOR, INTEGER_FIELDS, LIST_OF_RESOURCE, row_of_cells
from .findings import MAX_PER_CODE_AND_FILE, finding
from .patterns import pattern_problem
from .tables import TablePass, _foreign_key_fields

REQUIRED_RESOURCES = (*LIST_OF_RESOURCE, "categories", "departments", "corrections")
REGISTERS = ("categories", "departments")
STREAMED = (*LIST_OF_RESOURCE, "corrections")  # read record by record, so with no size limit; every other table is held
CHUNK = 1 << 20
RECORDS_A_BATCH = 1024  # records read together: a list of them, given whole to the strict table pass


class PackageUnreadable(DutylistError):
    """The package cannot be read at all; the message names the file and says what to do."""

    def __init__(self, message, file=None, code=None):
        super().__init__(message, code=code, file=file)


class NotCheckedAsUtf8(DutylistError):
    """A streamed file opened without its UTF-8 check (``open_package(root, decode_streamed=False)``) is not UTF-8:
    the caller opens the package again with every check. Never reaches a user."""

    def __init__(self, file):
        super().__init__(f"{file}: not UTF-8", code="encoding-not-utf8", file=file)


@dataclass
class Package:
    """What a check sees: the descriptor, the registers, and the lists and correction records as streams."""

    root: Path
    descriptor: dict
    reader: object = None
    files: dict = field(default_factory=dict)  # resource name -> path of a readable CSV
    schemas: dict = field(default_factory=dict)  # resource name -> Table Schema dict
    rows: dict = field(default_factory=dict)  # resource name -> [(row number, row dict)]: the registers (every table when whole)
    items: list = None  # every item, when the package was loaded whole (load_package; the tests edit this list)
    load_findings: list = field(default_factory=list)
    table_passes: dict = field(default_factory=dict)  # resource name -> the TablePass of its first reading
    crlf: set = field(default_factory=set)  # resources whose file has CRLF line endings
    bom: set = field(default_factory=set)  # resources whose file starts with a byte-order mark (read without it)
    # what the checks derive once per run: the fields a foreign key needs, and the correction records' index
    # (checks._corrections_index; run.run_checks forgets it, so a run reads the records afresh)
    undecoded: set = field(default_factory=set)  # streamed resources not checked as UTF-8 before their reading
    decode_streamed: bool = True
    keyed_fields: dict = field(default=None, repr=False)
    corrections_index: dict = field(default=None, repr=False)
    finding_limit: int = MAX_PER_CODE_AND_FILE  # findings of a code, level and file the report keeps (run.run_checks sets it)

    def names(self, register):
        return {row.get("name") for _, row in self.rows.get(register, [])}

    def corrections(self):
        """(row number, record dict) of every correction record, in file order: held, or read again from the file."""
        if "corrections" in self.rows:
            return iter(self.rows["corrections"])
        return self._rows("corrections") if "corrections" in self.files else iter(())

    def correction_columns(self, columns, size):
        """The correction records ``size`` at a time: per batch (row numbers, columns), one column per (name,
        default) of columns holding what ``record.get(name, default)`` gives for it, record after record (the
        records turned on their side, with no dict a record when they are read from the file). A batch whose records
        all have the header's width is picked column by column (loops in C), any other record by record."""
        if "corrections" in self.rows or "corrections" not in self.files:  # held (the tests' packages), or none
            records = self.corrections()
            while batch := list(islice(records, size)):
                yield ([row for row, _ in batch],
                       [[record.get(name, default) for _, record in batch] for name, default in columns])
            return
        batches = self._record_batches("corrections", size)
        header = next(batches, None)
        if header is None:
            return
        width = len(header)
        where = {name: at for at, name in enumerate(header)}  # a name used twice: its last column, as in a dict
        picks = [(where.get(name, -1), default) for name, default in columns]
        for batch in _batches_of(batches, size):
            rows, cells = zip(*batch)
            if all(len(record) == width for record in cells):
                whole = list(zip(*cells))
                yield list(rows), [list(whole[at]) if at >= 0 else [default] * len(batch) for at, default in picks]
            else:
                values = [[default if at < 0 else record[at] if at < len(record) else None for at, default in picks]
                          for record in cells]
                yield list(rows), [list(column) for column in zip(*values)]

    def stamp(self, name):
        """The size and time of last change of a streamed resource's file, or None when it is held in memory: two
        equal stamps say it was not written in between."""
        if name in self.rows or name not in self.files:
            return None
        try:
            status = (self.root / self.files[name]).stat()
        except OSError:
            return None
        return status.st_size, status.st_mtime_ns, status.st_ino

    def amendments(self):
        """(row number, record dict) of every amendment record, in file order (none when the package has no such resource)."""
        if "amendments" in self.rows:
            return iter(self.rows["amendments"])
        return self._rows("amendments") if "amendments" in self.files else iter(())

    def stream_items(self, resources=None):
        """Every item of the three lists in list order (dicts of core.edition.item_from_row plus _file and _row); of
        the lists of ``resources`` only (list resource names), if given."""
        if self.items is not None:
            if resources is None:
                return iter(self.items)
            lists = {LIST_OF_RESOURCE[resource] for resource in resources}
            return (item for item in self.items if item["list"] in lists)
        return self._items(resources)

    def read_every_table(self):
        """Read the tables not read yet, so that every table's strict pass has run (the table check needs them all)."""
        for name in self.files:
            if name not in self.table_passes:
                for _ in self._rows(name):
                    pass

    def resources(self):
        """The descriptor's resource objects (whatever else the profile check reports)."""
        resources = self.descriptor.get("resources")
        return [r for r in resources if isinstance(r, dict)] if isinstance(resources, list) else []

    # --- reading ---------------------------------------------------------------------------------

    def _items(self, resources=None):
        for resource, list_name in LIST_OF_RESOURCE.items():
            path = self.files.get(resource)
            if path is None or (resources is not None and resource not in resources):
                continue
            batches = self._record_batches(resource, RECORDS_A_BATCH)
            header = next(batches, None)
            if header is None:
                continue
            build, width = edition.item_builder(header, list_name), len(header)
            for batch in batches:
                for row_number, cells in batch:
                    item = build(cells) if build is not None and len(cells) == width else None
                    if item is None:  # a row the quick builder does not take: read as load_edition reads it
                        item = self._slow_item(resource, list_name, path, header, row_number, cells)
                        if item is None:
                            continue  # a row that cannot become an item: the table check reports it
                    item["_file"], item["_row"] = path, row_number  # the item is new: no copy needed
                    yield item

    def _slow_item(self, resource, list_name, path, header, row_number, cells):
        """The item of a row as load_edition reads it (None if it cannot be one), a 序号 or page in other digits
        reported as it is read."""
        row = _ascii_integers(self, resource, path, row_number, row_of_cells(header, cells))
        try:
            return edition.item_from_row(row, list_name, path, row_number)
        except edition.EditionError:
            return None

    def _rows(self, name):
        """(row number, row dict) of each record of a resource's CSV, read as a stream. A row dict is what
        csv.DictReader gives (core.package.read_csv_text)."""
        records = self._records(name)
        header = next(records, None)
        if header is None:
            return
        for row_number, cells in records:
            yield row_number, row_of_cells(header, cells)

    def _records(self, name):
        """The header of a resource's CSV (None if it has no record), then (row number, cells) of each record
        after it, read as a stream; blank records are skipped. The strict table pass runs alongside the first time."""
        batches = self._record_batches(name, RECORDS_A_BATCH)
        yield next(batches, None)
        for batch in batches:
            yield from batch

    def _record_batches(self, name, size):
        """What ``_records`` gives, the records ``size`` at a time: the header (None if there is no record), then
        lists of (row number, cells). The strict table pass is given each batch whole."""
        path = self.files[name]
        table_pass = None
        if name not in self.table_passes:
            table_pass = self.table_passes[name] = TablePass(self.schemas.get(name), self._keyed().get(name, set()))
        try:
            with _text_stream(self.reader, path, name in self.crlf, name in STREAMED, name in self.bom) as lines:
                records = csv.reader(lines)
                header = next(records, None)
                yield header
                if header is None:
                    return
                if table_pass is not None:
                    if not header:
                        table_pass.blank()
                    table_pass.header(header)
                row_number = 1
                while batch := list(islice(records, size)):
                    if not all(batch):  # a blank record: skipped (and the table suspect, so that frictionless reads it)
                        if table_pass is not None:
                            table_pass.blank()
                        batch = [cells for cells in batch if cells]
                    if table_pass is not None:
                        table_pass.records(batch)
                    yield list(zip(range(row_number + 1, row_number + 1 + len(batch)), batch))
                    row_number += len(batch)
                if table_pass is not None:
                    table_pass.finish()
        except csv.Error as error:
            too_long = cell_too_long(path, error)
            if too_long is not None:
                raise _unreadable(self.root, too_long) from None
            raise PackageUnreadable(f"{self.root / path}: cannot be read as CSV ({error})", file=path) from None
        except UnicodeDecodeError:
            if name in self.undecoded:
                raise NotCheckedAsUtf8(path) from None
            raise PackageUnreadable(f"{self.root / path}: changed while it was read (it is no longer UTF-8); run validate again",
                                    file=path) from None
        except (FileRefused, edition.EditionError) as error:
            raise _unreadable(self.root, error) from None

    def _keyed(self):
        if self.keyed_fields is None:
            self.keyed_fields = _foreign_key_fields({name: self.schemas.get(name) for name in self.files})
        return self.keyed_fields


def _batches_of(batches, size):
    """The records of the batches in batches of ``size`` each, the last perhaps fewer (a batch that lost blank records
    is made up from the next)."""
    held = []
    for batch in batches:
        if not held and len(batch) == size:
            yield batch
            continue
        held.extend(batch)
        while len(held) >= size:
            yield held[:size]
            held = held[size:]
    if held:
        yield held


def package_root(path):
    """The folder of the package at path (a folder or its datapackage.json)."""
    path = Path(path)
    if path.is_file() and path.name == DESCRIPTOR:
        return path.parent
    if path.is_dir() and (path / DESCRIPTOR).is_file():
        return path
    if not path.exists():
        raise PackageUnreadable(f"{path}: no such file or folder; give a package folder or its {DESCRIPTOR}", file=str(path))
    raise PackageUnreadable(f"{path}: not a data package (no {DESCRIPTOR} there); give a package folder or its {DESCRIPTOR}",
                            file=str(path))


def open_package(root, decode_streamed=True):
    """The package at root with its small parts read and every CSV file checked; the lists and records stay on disk.

    ``decode_streamed=False`` leaves out the check that the lists and correction records are UTF-8 throughout (their
    reading decodes them anyway): the first bytes that are not UTF-8 then raise ``NotCheckedAsUtf8`` as they are read,
    and the caller opens the package again with every check (``validate_package`` does), so that what is reported
    is what the whole check reports."""
    reader = edition.FolderReader(root)
    try:
        descriptor = edition.read_descriptor(reader)
    except edition.EditionError as error:
        raise PackageUnreadable(f"{root / DESCRIPTOR}: {error.message}", file=error.file, code=error.code) from None
    package = Package(root=root, descriptor=descriptor, reader=reader, decode_streamed=decode_streamed)
    resources = package.resources()
    try:
        for index, resource in enumerate(descriptor["resources"] if resources else []):
            if isinstance(resource, dict):
                _open_resource(package, reader, index, resource)
    except (edition.EditionError, FileRefused) as error:  # a refused file: a link leading out, a device, a FIFO, too large
        raise _unreadable(root, error) from None
    for name in REQUIRED_RESOURCES:
        if not any(r.get("name") == name and isinstance(r.get("path"), str) for r in resources):
            package.load_findings.append(finding("resource-missing", file=DESCRIPTOR, field="resources", name=name))
    for name in REGISTERS:
        if name in package.files:
            package.rows[name] = list(package._rows(name))
    return package


def load_package(root):
    """The package at root read whole: every table's rows in ``rows`` and every item in ``items``."""
    package = open_package(root)
    for name in package.files:
        if name not in package.rows:
            package.rows[name] = list(package._rows(name))
    package.items = list(package.stream_items())
    return package


def _unreadable(root, error):
    return PackageUnreadable(f"{root / error.file}: {error.message}", file=error.file, code=error.code)


def _open_resource(package, reader, index, resource):
    name, path = resource.get("name"), resource.get("path")
    if not isinstance(path, str):
        return  # the profile check reports a resource without a path
    problem = resource_path_problem(path)
    if problem:
        package.load_findings.append(finding(
            "resource-path-unsafe", file=DESCRIPTOR, resource=name, field=f"resources[{index}].path", text=path,
            name=name, problem=problem,
        ))
        return
    schema = _schema(package, reader, index, resource)
    if not _scan_csv(package, reader, name, path):
        return
    package.files[name] = path
    package.rows.pop(name, None)  # a resource named twice: the last one is read, as before
    package.table_passes.pop(name, None)
    if schema is not None:
        package.schemas[name] = schema
    else:
        package.schemas.pop(name, None)


def _schema(package, reader, index, resource):
    name, schema = resource.get("name"), resource.get("schema")

    def missing(problem):
        package.load_findings.append(finding(
            "schema-file-missing", file=DESCRIPTOR, resource=name, field=f"resources[{index}].schema",
            text=schema if isinstance(schema, str) else None, name=name, problem=problem,
        ))

    if not isinstance(schema, str):
        return missing("the schema is not a path to a file in schemas/")
    if resource_path_problem(schema) or not schema.startswith("schemas/"):
        return missing(f"schema {schema!r} is not a file in schemas/")
    data = reader.read(schema)  # a refused file raises EditionError: the package cannot be read
    if data is None:
        return missing(f"schema file {schema} does not exist")
    try:
        return _safe_patterns(package, schema, edition.parse_schema(data.decode("utf-8"), schema))
    except UnicodeDecodeError as error:
        return missing(f"schema file {schema} is not UTF-8 JSON ({error})")
    except edition.EditionError as error:
        if error.code == "schema-malformed":  # read as a Table Schema it would break the checks: left out, said once
            package.load_findings.append(finding("schema-malformed", file=schema, resource=name, field=error.field,
                                                 problem=error.message))
            return None
        return missing(f"schema file {schema} {error.message}")


def _safe_patterns(package, schema_path, schema):
    """The schema with every pattern that could backtrack for long taken out (validate/patterns.py), each
    reported as schema-pattern-unsafe: neither the strict pass nor frictionless ever evaluates it."""
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list):
        return schema
    kept = []
    for field in fields:
        constraints = field.get("constraints") if isinstance(field, dict) else None
        if isinstance(constraints, dict) and "pattern" in constraints:
            problem = pattern_problem(constraints["pattern"])
            if problem:
                name = field.get("name")
                package.load_findings.append(finding(
                    "schema-pattern-unsafe", file=schema_path, field=name if isinstance(name, str) else None,
                    text=str(constraints["pattern"])[:200], problem=problem,
                ))
                field = {**field, "constraints": {key: value for key, value in constraints.items() if key != "pattern"}}
        kept.append(field)
    return {**schema, "fields": kept}


def _scan_csv(package, reader, name, path):
    """Whether the CSV can be read as text: present, not blank, UTF-8 throughout (each problem a finding).
    The file is read once in chunks of a megabyte and not kept; CRLF line endings and a byte-order mark are noted
    (and reported once each): the file is still read, without the mark, so that every other check still sees it."""
    stream = _binary(reader, path, streamed=name in STREAMED)
    if stream is None:
        package.load_findings.append(finding("file-missing", file=path, resource=name, name=name))
        return False
    decode = name not in STREAMED or package.decode_streamed
    if not decode:
        package.undecoded.add(name)
    decoder = codecs.getincrementaldecoder("utf-8")()
    fed, blank, crlf, last = 0, True, False, b""
    bad_byte = None
    with stream:
        while True:
            chunk = stream.read(CHUNK)
            if fed == 0 and chunk.startswith(BOM):
                package.load_findings.append(finding("encoding-bom", file=path, resource=name, row=1))
                package.bom.add(name)
            if blank and chunk.strip():
                blank = False
            # a lone b"\r" is found at memory speed; the pair b"\r\n" is searched only where one is (6 times slower)
            if not crlf and ((b"\r" in chunk and b"\r\n" in chunk) or (last == b"\r" and chunk[:1] == b"\n")):
                crlf = True
            last = chunk[-1:] if chunk else last
            if bad_byte is None and decode:
                base = fed - len(decoder.getstate()[0])  # where the bytes the decoder holds back start
                try:
                    decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as error:
                    bad_byte = base + error.start
            fed += len(chunk)
            if not chunk:
                break
    if blank:
        package.load_findings.append(finding("empty-file", file=path, resource=name, row=1))
        return False
    if crlf:
        package.crlf.add(name)
        package.load_findings.append(finding("line-endings-crlf", file=path, resource=name, row=1))
    if bad_byte is not None:
        with _binary(reader, path, streamed=name in STREAMED) as again:
            row = _record_number(again, bad_byte)
        package.load_findings.append(finding("encoding-not-utf8", file=path, resource=name, row=row, byte=bad_byte))
        return False
    return True


def _binary(reader, path, streamed=True):
    """The file as a binary stream (None if missing); ``streamed=False`` (a register, held whole) keeps the per-file limit."""
    opener = getattr(reader, "open_binary", None)
    if opener is not None:
        return opener(path, streamed=streamed)
    data = reader.read(path)
    return None if data is None else io.BytesIO(data)


class _text_stream:
    """The file's lines as text (UTF-8, line endings as written; CRLF read as LF, as read_csv_text reads it)."""

    def __init__(self, reader, path, crlf, streamed, bom=False):
        self.reader, self.path, self.crlf, self.streamed, self.bom = reader, path, crlf, streamed, bom

    def __enter__(self):
        allow_long_cells()
        binary = _binary(self.reader, self.path, self.streamed)
        if binary is None:
            raise edition.EditionError(self.path, "was removed while it was read; run validate again")
        self.text = io.TextIOWrapper(binary, encoding="utf-8-sig" if self.bom else "utf-8", newline="")
        return (line.replace("\r\n", "\n") for line in self.text) if self.crlf else self.text

    def __exit__(self, *exc):
        self.text.close()
        return False




def _record_number(binary, length):
    """The CSV record (header = 1) in which byte ``length`` of the file falls. The bytes before it (UTF-8) are read
    as a stream, a record at a time; a cell may be as long as they are, so the csv module's limit is raised to that
    for this count only (a cell over the usual limit is not what is being reported)."""
    text = io.TextIOWrapper(_Prefix(binary, length), encoding="utf-8", newline="")
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, length + 1))
    try:
        return sum(1 for _ in csv.reader(_with_x_at_the_end(text)))
    finally:
        csv.field_size_limit(limit)


def _with_x_at_the_end(lines):
    """The lines, the last with an ``x`` after it: a record that the next byte would continue is counted."""
    last = ""
    for line in lines:
        if last:
            yield last
        last = line
    if last.endswith(("\n", "\r")):
        yield last
        last = ""
    yield last + "x"


class _Prefix(io.RawIOBase):
    """The first ``length`` bytes of a binary stream, read as a stream."""

    def __init__(self, binary, length):
        self.binary, self.left = binary, length

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.binary.read(min(len(buffer), self.left))
        self.left -= len(data)
        buffer[:len(data)] = data
        return len(data)


def _ascii_integers(package, resource, path, row_number, row):
    """The row with integers such as '１２' (which frictionless, like Python's int(), accepts) read as numbers,
    each reported as integer-not-ascii; an item is only whole numbers in ASCII digits (core.edition)."""
    for name in INTEGER_FIELDS:
        value = row.get(name)
        if not value or value.isascii():
            continue  # ASCII (or empty): nothing to read differently
        value = value.strip()
        if value and len(value) <= edition.LONGEST_WHOLE_NUMBER and value.isdigit() and value.isdecimal():
            package.load_findings.append(finding("integer-not-ascii", file=path, resource=resource, row=row_number, field=name, text=value))
            row = {**row, name: str(int(value))}
    return row
