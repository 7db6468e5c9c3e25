"""The layout of the data package: which resource holds what, and how its CSVs are read and written."""

import csv
import io
import os
import stat
import tempfile
from pathlib import Path

from .files import _kind as file_kind  # the words for a kind of file, said once (core/files.py)
from .files import allow_long_cells

DESCRIPTOR = "datapackage.json"

LISTS = ("basic", "coordinated", "reclaimed")
LIST_RESOURCES = {
    "basic": "basic-duties",
    "coordinated": "coordinated-duties",
    "reclaimed": "reclaimed-duties",
}
LIST_OF_RESOURCE = {resource: list_name for list_name, resource in LIST_RESOURCES.items()}
LIST_LABELS = {
    "basic": "基本履职事项清单",
    "coordinated": "配合履职事项清单",
    "reclaimed": "上级部门收回事项清单",
}
LIST_FIELDS = {
    "basic": ("id", "seq", "category", "name", "page"),
    "coordinated": (
        "id", "seq", "category", "name", "departments", "county_duties", "town_duties", "page",
    ),
    "reclaimed": ("id", "seq", "category", "name", "departments", "handling", "page"),
}
CORRECTION_FIELDS = ("item_id", "field", "extracted", "corrected", "kind", "status", "evidence")
ID_PREFIX = "652325100-"  # this package's prefix, for code written for it alone; the importer uses id_prefix(descriptor)
LIST_DELIMITER = "、"  # between the entries of a list field (departments, short_names)
STEP_DELIMITER = "\n"  # between the numbered steps of a step field


def id_prefix(descriptor):
    """The prefix of every id of a package: its town's division code and a hyphen (``652325100-``)."""
    town = descriptor.get("town") if isinstance(descriptor, dict) else None
    code = town.get("division_code") if isinstance(town, dict) else None
    if not isinstance(code, str) or not code.isdigit():
        raise ValueError("datapackage.json has no town.division_code (the town's division code, digits only)")
    return f"{code}-"


def data_path(resource):
    return f"data/{resource}.csv"


def read_csv_text(text):
    """Rows of a CSV as dicts of strings, in file order: exactly what csv.DictReader gives, a little faster.

    The first record names the columns; blank records are skipped; a short row's missing cells are None;
    a long row's extra cells are a list under the key None. CRLF line endings (a Windows checkout) read
    as the same data as LF, inside quoted cells too. Cells may be as long as the file size limit
    (core/files.py). A CSV the csv module cannot parse raises csv.Error.
    """
    allow_long_cells()
    records = csv.reader(io.StringIO(text.replace("\r\n", "\n"), newline=""))
    header = next(records, None)
    if header is None:
        return []
    return [row_of_cells(header, cells) for cells in records if cells]


def row_of_cells(header, cells):
    """One record as csv.DictReader gives it: a short row's missing cells are None, a long row's extra cells
    are a list under the key None."""
    if len(cells) == len(header):
        return dict(zip(header, cells))
    row = dict(zip(header, cells))
    if len(cells) > len(header):
        row[None] = cells[len(header):]
    else:
        for key in header[len(cells):]:
            row[key] = None
    return row


def csv_text(fieldnames, rows):
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


class WriteError(Exception):
    """A file cannot be written; the message names it and says why."""


def write_atomic(path, text):
    """Write text (UTF-8) to path so that a reader sees the old file or the new one, never half of one (see write_bytes_atomic)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path, data, mode=None):
    """Write bytes to path so that a reader sees the old file or the new one, never half of one.

    The parent folder must exist (it is never created silently). A new file gets the usual
    permissions (0666 minus the umask), an existing file keeps its mode (``mode`` sets them
    instead), and a symbolic link at path is refused rather than replaced. The temporary file is
    removed on any failure, Ctrl-C and SIGTERM included (the CLI turns SIGTERM into an exception).
    Raises WriteError, with a message naming the path, when the file cannot be written.
    """
    path = Path(path)
    refuse_unless_regular(path)
    if not path.parent.is_dir():
        if path.parent.exists():
            raise WriteError(f"{path}: cannot write: {path.parent} is a file, not a folder")
        raise WriteError(f"{path}: cannot write: the folder {path.parent} does not exist (create it first)")
    try:
        if mode is None:
            mode = stat.S_IMODE(path.stat().st_mode) if path.is_file() else _new_file_mode()
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise WriteError(f"{path}: cannot write in {path.parent} ({error.strerror})") from None
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise WriteError(f"{path}: cannot write ({error.strerror or error})") from None
        raise


def refuse_unless_regular(path):
    """WriteError unless path is missing or a regular file: a write never replaces (or writes through) a symbolic
    link, a FIFO, a device, a socket or a folder."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise WriteError(f"{path}: cannot write ({error.strerror or error})") from None
    if stat.S_ISLNK(mode):
        raise WriteError(f"{path}: is a symbolic link; it is not replaced or written through (give the path of the file itself)")
    if not stat.S_ISREG(mode):
        raise WriteError(f"{path}: is {file_kind(mode)}, not a regular file; only a regular file (or a new one) is "
                         f"written: give the name of a file")


def write_files_atomic(files):
    """Write {path: text} as one change: every file is first written to a temporary sibling, then all are
    renamed into place, in the order given (put the file that makes the change official last: a process
    killed between two renames leaves that file old); if anything fails, the files already replaced get their
    old content back (or are removed if they are new), the temporary files are removed, and the error is
    raised. A target that is not a regular file (a link, a FIFO, ...) is refused before anything is written."""
    files = {Path(path): text for path, text in files.items()}
    for path in files:
        refuse_unless_regular(path)
    temporaries, backups, replaced = {}, {}, []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            temporaries[path] = temporary
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
            backups[path] = path.read_bytes() if path.is_file() else None
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode) if path.is_file() else _new_file_mode())
        for path, temporary in temporaries.items():
            os.replace(temporary, path)
            replaced.append(path)
    except BaseException:
        for path in reversed(replaced):
            _restore(path, backups[path])
        for temporary in temporaries.values():
            Path(temporary).unlink(missing_ok=True)
        raise


def _restore(path, content):
    try:
        if content is None:
            path.unlink(missing_ok=True)
        else:
            with open(path, "wb") as stream:
                stream.write(content)
    except OSError:
        pass  # the original error is the one to report


def _new_file_mode():
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask
