"""The layout of the data package: which resource holds what, and how its CSVs are read and written."""

import csv
import errno
import io
import os
import shutil
import stat
import tempfile
from pathlib import Path

from .errors import DutylistError
from .files import kind_of_file  # the words for a kind of file, said once (core/files.py)
from .files import allow_long_cells
from .lock import note_writing

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
ITEM_FIELDS = ("id", "seq", "category", "name", "departments", "county_duties", "town_duties", "handling", "page")
LIST_VALUE_FIELDS = ("departments",)  # a list of names, split at LIST_DELIMITER
STEP_FIELDS = ("county_duties", "town_duties", "handling")  # numbered steps, one a line (STEP_DELIMITER)
INTEGER_FIELDS = ("seq", "page")
LIST_SHORT_LABELS = {"basic": "基本", "coordinated": "配合", "reclaimed": "收回"}  # a list named in a few characters
LIST_FIELDS = {  # each list's columns, in ITEM_FIELDS order
    "basic": ("id", "seq", "category", "name", "page"),
    "coordinated": ("id", "seq", "category", "name", "departments", "county_duties", "town_duties", "page"),
    "reclaimed": ("id", "seq", "category", "name", "departments", "handling", "page"),
}
# the Chinese title of each field, as schemas/<list>-duties.json give it (tests/test_one_definition.py checks them)
FIELD_TITLES = {
    "id": "事项标识", "seq": "序号", "category": "事项类别", "name": "事项名称", "departments": "对应上级部门",
    "county_duties": "上级部门职责", "town_duties": "乡镇配合职责", "handling": "工作方式", "page": "页码",
}
RECLAIMED_DEPARTMENTS = "承接部门"  # the reclaimed list's departments: the bodies that took the duty over
RETURNED_BY = "原承接部门"  # a returned item's departments: the former 承接部门, which hand the duty back to the town
CORRECTION_FIELDS = ("item_id", "field", "extracted", "corrected", "kind", "status", "evidence")
# a correction record's status, in the order reports list them (schemas/corrections.json enumerates the same), and the
# statuses that flag a value as it stands (unrecoverable, or an oddity of the official text kept as published)
CORRECTION_STATUSES = ("corrected", "inferred", "unrecoverable", "kept-as-published")
FLAGGING_STATUSES = ("unrecoverable", "kept-as-published")
ID_PREFIX = "652325100-"  # this package's prefix, for code written for it alone; the importer uses id_prefix(descriptor)
LIST_DELIMITER = "、"  # between the entries of a list field (departments, short_names)
STEP_DELIMITER = "\n"  # between the numbered steps of a step field


def field_title(field, list_name=None):
    """The Chinese title of an item field (in the reclaimed list, departments are 承接部门); field itself if it has none."""
    if field == "departments" and list_name == "reclaimed":
        return RECLAIMED_DEPARTMENTS
    return FIELD_TITLES.get(field, field)


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


class WriteError(DutylistError):
    """A file cannot be written; the message names it and says why (``file``, when given, is the path)."""

    code = "cannot-write"

    def __init__(self, message, file=None):
        super().__init__(message, file=file)


def write_atomic(path, text):
    """Write text (UTF-8) to path so that a reader sees the old file or the new one, never half of one (see write_bytes_atomic)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path, data, mode=None):
    """Write bytes to path so that a reader sees the old file or the new one, never half of one (write_pieces_atomic)."""
    write_pieces_atomic(path, (data,), mode)


def write_pieces_atomic(path, pieces, mode=None):
    """Write the bytes of pieces (an iterable of bytes, written one by one: a large report is never held whole) to
    path so that a reader sees the old file or the new one, never half of one.

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
            raise WriteError(f"{path}: cannot write: {path.parent} is a file, not a folder", file=path)
        raise WriteError(f"{path}: cannot write: the folder {path.parent} does not exist (create it first)", file=path)
    try:
        if mode is None:
            mode = stat.S_IMODE(path.stat().st_mode) if path.is_file() else _new_file_mode()
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise WriteError(f"{path}: cannot write in {path.parent} ({error.strerror})", file=path) from None
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as stream:
            for piece in pieces:
                stream.write(piece)
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise WriteError(f"{path}: cannot write ({error.strerror or error})", file=path) from None
        raise


def refuse_unless_regular(path):
    """WriteError unless path is missing or a regular file: a write never replaces (or writes through) a symbolic
    link, a FIFO, a device, a socket or a folder."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return  # a new file (the writer checks its folder)
    except OSError as error:
        raise WriteError(f"{path}: cannot write ({error.strerror or error})", file=path) from None
    if stat.S_ISLNK(mode):
        raise WriteError(f"{path}: is a symbolic link; it is not replaced or written through (give the path of the file itself)", file=path)
    if not stat.S_ISREG(mode):
        raise WriteError(f"{path}: is {kind_of_file(mode)}, not a regular file; only a regular file (or a new one) is "
                         f"written: give the name of a file", file=path)


def write_files_atomic(files):
    """Write {path: text or bytes} as one change: every file is first written to a temporary sibling, then all are
    renamed into place, in the order given (put the file that makes the change official last: a process
    killed between two renames leaves that file old); if anything fails, the files already replaced get their
    old content back (or are removed if they are new), the temporary files are removed, and the error is
    raised. A target that is not a regular file (a link, a FIFO, ...) is refused before anything is written."""
    files = {Path(path): text for path, text in files.items()}
    for path in files:
        refuse_unless_regular(path)
    temporaries, backups, replaced = {}, {}, []
    path = None
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            temporaries[path] = temporary
            with os.fdopen(handle, "wb") as stream:  # a text as UTF-8, bytes as they are (the edition's PDF)
                stream.write(text if isinstance(text, bytes) else text.encode("utf-8"))
            backups[path] = path.read_bytes() if path.is_file() else None
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode) if path.is_file() else _new_file_mode())
        note_writing(list(temporaries))  # the package's lock file now names them (core/lock.py): a kill from here is seen
        for path, temporary in temporaries.items():
            os.replace(temporary, path)
            replaced.append(path)
    except BaseException as error:
        for done in reversed(replaced):
            _restore(done, backups[done])
        for temporary in temporaries.values():
            Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise WriteError(f"{path}: cannot write ({error.strerror or error})", file=path) from None
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
    return 0o666 & ~_umask()


RENAME_EXCHANGE = 2  # renameat2(2) flag: swap two paths in one step (Linux 3.15+, most local file systems)


def write_folder_atomic(folder, files, remove=()):
    """Write {relative path: text} into folder as one change: a reader (or a kill) sees the old folder or the new one.

    The new folder is built beside the old one (a hidden sibling ``.<name>.dutylist-*``): the old folder's
    other files are carried over (hard links, or copies) but those named in ``remove`` (relative paths, checked
    as ``files``' are: what the caller wrote there before and writes no more), then the files are written, then the two folders
    are swapped in one step (``renameat2`` with RENAME_EXCHANGE; where the system lacks it, two renames, with a
    moment in which the folder is missing) and the old one is deleted. Nothing is ever written through a
    symbolic link: the folder itself, or a link where a file or one of its folders goes, is refused (WriteError,
    naming it) before anything is written, and each relative path must be a plain relative path (core/names.py).
    """
    from .names import NameRefused, contained

    folder = Path(folder)
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise WriteError(f"{folder}: is {'a symbolic link' if folder.is_symlink() else 'not a folder'}; "
                         f"give the path of a folder (or a new one) to write into", file=folder)
    for relative in files:
        try:
            refuse_unless_regular(contained(folder, relative))
        except NameRefused as error:
            raise WriteError(str(error)) from None
    left_out = set()
    for relative in remove:
        try:
            left_out.add(contained(folder, relative).relative_to(folder))
        except NameRefused as error:
            raise WriteError(str(error)) from None
    folder.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.dutylist-"))
    try:
        os.chmod(building, stat.S_IMODE(folder.stat().st_mode) if folder.exists() else 0o777 & ~_umask())
        if folder.exists():
            _carry_over(folder, building, left_out)
        for relative, text in files.items():
            target = building / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            mode = stat.S_IMODE(target.lstat().st_mode) if target.exists() else _new_file_mode()
            target.unlink(missing_ok=True)  # a carried-over hard link is replaced, never written into
            with open(target, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
            os.chmod(target, mode)  # a replaced file keeps its mode
        _swap_in(building, folder)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    shutil.rmtree(building, ignore_errors=True)  # the old folder, now under the temporary name


def _carry_over(old, new, left_out=frozenset()):
    """Recreate old's tree in new: folders, hard links to its regular files (copies across devices), links as links;
    a regular file whose path (relative to old) is in ``left_out`` is not carried over."""
    for root, folders, names in os.walk(old):
        here = new / Path(root).relative_to(old)
        for name in folders + names:
            source, target = Path(root) / name, here / name
            mode = source.lstat().st_mode
            if stat.S_ISREG(mode) and source.relative_to(old) in left_out:
                continue
            if stat.S_ISLNK(mode):
                target.symlink_to(os.readlink(source))
            elif stat.S_ISDIR(mode):
                target.mkdir()
                os.chmod(target, stat.S_IMODE(mode))
            elif stat.S_ISREG(mode):
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copy2(source, target)
            else:
                raise WriteError(f"{source}: is {kind_of_file(mode)}; the folder {old} may hold only files, folders and links", file=source)
        folders[:] = [name for name in folders if not (Path(root) / name).is_symlink()]


def _swap_in(new, folder):
    """Put new in folder's place in one step where the system can; the old folder ends up at new's path."""
    if not folder.exists():
        os.rename(new, folder)
        new.mkdir()  # an empty folder for the caller to delete, as after a swap
        return
    if _rename_exchange(new, folder):
        return
    aside = new.with_name(new.name + "-old")
    os.rename(folder, aside)
    os.rename(new, folder)
    os.rename(aside, new)


def _rename_exchange(first, second):
    """Swap two paths atomically with renameat2(RENAME_EXCHANGE); False where the system cannot."""
    import ctypes

    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_current_folder = -100
    if function(at_current_folder, os.fsencode(first), at_current_folder, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(error, os.strerror(error), str(second))


def _umask():
    umask = os.umask(0o022)
    os.umask(umask)
    return umask
