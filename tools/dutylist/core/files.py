"""Reading the files of a package safely: only regular files inside the package, never more than a size limit.

A package may come from a stranger (a pull request run in CI), so a file is read only if
it is a regular file whose resolved path lies inside the package folder. A symbolic link
that stays inside the package is followed (a maintainer may share one schema between two
resources that way); one that leads out, or into ``.git`` (a CI checkout keeps its token in
``.git/config``) or any other hidden file or folder (``.env``, ``.venv``), a device, a FIFO,
a socket or a folder is refused before a byte of it is read, with a message that names the
path and never its content. A path with a ``.git`` component (in any case) is refused even
without a link. In a git revision a symbolic link (mode 120000) or a submodule entry is
refused, not followed, and so is a path through ``.git``.

A file read whole (the descriptor, a schema, a register, a changelog file; a list wherever an
edition is loaded whole) is read only up to ``max_file_bytes()`` (default 8 MiB, over 100 times
the largest such file of the package; ``dutylist --max-file-bytes N`` or the environment variable
``DUTYLIST_MAX_FILE_BYTES`` changes it); at most limit + 1 bytes are ever read. A file read as a
stream (``open_package_file(..., streamed=True)``: the lists and correction records that ``validate``
and ``diff`` read record by record) has no size limit: its work and memory grow with its bytes, a
record at a time, and the same bound is the CSV field size limit, so no one cell (what a stream
holds whole) is longer than the limit.
"""

import csv
import io
import os
import stat
from pathlib import Path

from .errors import DutylistError

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_FILE_BYTES_VARIABLE = "DUTYLIST_MAX_FILE_BYTES"
MAX_JSON_DEPTH = 64  # a descriptor or Table Schema needs a handful of levels
BOM = b"\xef\xbb\xbf"  # the UTF-8 byte-order mark a spreadsheet puts at the start of a file
SYMLINK_MODE = 0o120000
SUBMODULE_MODE = 0o160000


class FileRefused(DutylistError):
    """A file of the package that is not read: the message names it and says why, never what it holds.

    ``message`` is the reason alone; ``str(error)`` is "file: reason"."""

    code = "file-refused"

    def __init__(self, file, message, code="file-refused"):
        super().__init__(f"{file}: {message}", code=code, file=file)
        self.message = message


_chosen_limit = None  # set by `dutylist --max-file-bytes N` (set_max_file_bytes); wins over the environment


def set_max_file_bytes(limit):
    """Use limit (bytes) as the per-file limit of this process, or, with None, DUTYLIST_MAX_FILE_BYTES or the default."""
    global _chosen_limit
    if limit is not None and limit < 1:
        raise FileRefused("--max-file-bytes", f"{limit} is not a positive whole number of bytes; give, say, {MAX_FILE_BYTES}",
                          code="bad-limit")
    _chosen_limit = limit


def max_file_bytes():
    """The limit on a file read whole and on one CSV cell: from --max-file-bytes, DUTYLIST_MAX_FILE_BYTES or the default."""
    if _chosen_limit is not None:
        return _chosen_limit
    return limit_from_environment(MAX_FILE_BYTES_VARIABLE, MAX_FILE_BYTES, "bytes", FileRefused)


def limit_from_environment(variable, default, unit, refused):
    """A limit from the environment variable (a positive whole number of ``unit``), else the default; any other
    value is refused with ``refused(variable, message, code="bad-limit")``, saying what to give."""
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise refused(variable, f"{value!r} is not a positive whole number of {unit}; unset it or give, say, {default}",
                      code="bad-limit")
    return int(value)


def allow_long_cells():
    """Raise the csv module's field size limit (131,072 characters) to the file size limit: a cell longer than it
    is a csv.Error (``cell_too_long`` says it), so a stream never holds more than the limit in one cell."""
    csv.field_size_limit(max(max_file_bytes(), 131072))


def _too_large(file, limit):
    return FileRefused(file, f"is larger than the limit of {limit} bytes per file read whole; if the file is really meant "
                             f"to be that large, raise the limit with `dutylist --max-file-bytes <bytes>` (or "
                             f"{MAX_FILE_BYTES_VARIABLE}=<bytes>)", code="file-too-large")


def cell_too_long(file, error):
    """The FileRefused for a csv.Error that is the field size limit (allow_long_cells), else None."""
    if "field larger than field limit" not in str(error):
        return None
    limit = csv.field_size_limit()  # allow_long_cells: the per-file limit, or the csv module's 131,072 if larger
    return FileRefused(file, f"holds a cell longer than the limit of {limit} characters (a cell is read whole); if it is really "
                             f"meant to be that long, raise the limit with `dutylist --max-file-bytes <bytes>` (or "
                             f"{MAX_FILE_BYTES_VARIABLE}=<bytes>)", code="file-too-large")


def kind_of_file(mode):
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_package_file(root, relative, limit=None):
    """The bytes of the file at root/relative, or None if there is none; FileRefused if it may not be read."""
    stream = open_package_file(root, relative, limit)
    if stream is None:
        return None
    with stream:
        return stream.read()


def open_package_file(root, relative, limit=None, streamed=False):
    """A buffered binary stream of the file at root/relative, or None if there is none; FileRefused if it may
    not be read. Only a regular file whose real path is inside root is opened (never followed out, never a
    device, FIFO or socket), and reading past ``limit`` bytes raises FileRefused: a file that grows while it
    is read is stopped too. ``streamed``: the caller reads it record by record and holds none of it whole,
    so it has no size limit."""
    limit = None if streamed else max_file_bytes() if limit is None else limit
    root = Path(root)
    target = root / relative
    shown = str(relative)
    if _git_component(Path(relative).parts):
        raise FileRefused(shown, "lies in a .git folder, which is not part of the package; it is not read")
    try:
        info = os.lstat(target)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except ValueError:  # a NUL character in the name
        raise FileRefused(shown.replace("\0", "⟨U+0000⟩"), "is not a possible file name (it holds a NUL character)") from None
    except OSError as error:  # a name too long, a loop of links, a folder that may not be entered
        raise FileRefused(shown, f"cannot be read ({error.strerror})") from None
    real_root = os.path.realpath(root)
    real = os.path.realpath(target)
    how = "is a symbolic link" if stat.S_ISLNK(info.st_mode) else "goes through a symbolic link"
    if os.path.commonpath([real_root, real]) != real_root:
        raise FileRefused(shown, f"{how} that leads outside the package folder; it is not read (replace it with the file itself)")
    if real != os.path.normpath(os.path.join(real_root, relative)) and _hidden_component(Path(os.path.relpath(real, real_root)).parts):
        raise FileRefused(shown, f"{how} that leads into .git or another hidden file or folder; it is not read "
                                 "(replace it with the file itself)")
    try:
        info = os.stat(real)
    except (FileNotFoundError, NotADirectoryError):
        return None  # a dangling link inside the package: as good as missing
    except OSError as error:
        raise FileRefused(shown, f"cannot be read ({error.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused(shown, f"is {kind_of_file(info.st_mode)}, not a regular file; it is not read")
    try:
        handle = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    except OSError as error:
        raise FileRefused(shown, f"cannot be opened safely ({error.strerror}); it is not read") from None
    try:
        opened = os.fstat(handle)
        if not stat.S_ISREG(opened.st_mode):  # replaced between the check and the open
            raise FileRefused(shown, f"is {kind_of_file(opened.st_mode)}, not a regular file; it is not read")
        if limit is not None and opened.st_size > limit:
            raise _too_large(shown, limit)
    except BaseException:
        os.close(handle)
        raise
    if limit is None:
        return io.BufferedReader(io.FileIO(handle, "rb"), buffer_size=1 << 20)
    return io.BufferedReader(_Limited(handle, limit, shown), buffer_size=1 << 20)


def _git_component(parts):
    """Whether a path component is git's own folder (``.git``, in any case: some file systems ignore case)."""
    return any(part.lower() == ".git" for part in parts)


def _hidden_component(parts):
    """Whether a path component is hidden (``.git``, ``.env``, ``.venv``): where a link may never lead."""
    return any(part.startswith(".") and part not in (".", "..") for part in parts)


class _Limited(io.RawIOBase):
    """A file descriptor read as a raw stream that refuses to go past limit bytes."""

    def __init__(self, handle, limit, shown):
        self.handle, self.limit, self.shown, self.done = handle, limit, shown, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = os.read(self.handle, min(len(buffer), self.limit + 1 - self.done))
        self.done += len(data)
        if self.done > self.limit:
            raise _too_large(self.shown, self.limit)
        buffer[:len(data)] = data
        return len(data)

    def close(self):
        if not self.closed:
            os.close(self.handle)
        super().close()


def read_git_entry(tree, path, limit=None):
    """The bytes of the blob at path in a git tree, or None if there is none; FileRefused if it may not be read."""
    limit = max_file_bytes() if limit is None else limit
    if _git_component(path.split("/")):
        raise FileRefused(path, "lies in a .git folder, which is not part of the package; it is not read")
    try:
        entry = tree[path]
    except KeyError:
        return None
    if entry.mode == SYMLINK_MODE:
        raise FileRefused(path, "is a symbolic link in this revision; links are not followed (commit the file itself)")
    if entry.mode == SUBMODULE_MODE or entry.type == "commit":
        raise FileRefused(path, "is a submodule in this revision, not a file; it is not read")
    if entry.type != "blob":
        raise FileRefused(path, "is a folder in this revision, not a file")
    if entry.size > limit:
        raise _too_large(path, limit)
    data = entry.data_stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(path, limit)
    return data


def _lone_surrogate(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def json_depth_problem(value, limit=MAX_JSON_DEPTH):
    """A sentence if value (parsed JSON) nests deeper than limit or holds a string no UTF-8 output can hold (a lone
    surrogate, which json.loads takes from an escape), else None; iterative, so any depth is safe."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return f"nests more than {limit} levels deep; a descriptor or schema needs only a few"
        if isinstance(node, str) and _lone_surrogate(node):
            return (f"holds a lone surrogate (an escape such as \\udc80 that is half of a character) in {node[:40]!r}; "
                    "no UTF-8 output can hold it: write the character itself")
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
            stack.extend((key, depth + 1) for key in node)
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return None
