"""One writer at a time per package: the lock file ``.dutylist.lock`` in the package folder.

A command that writes the package (``release``, ``changelog``, ``import-source --write``, ``fmt``,
``new-item``) creates the file with O_CREAT|O_EXCL before it reads what it will change, and deletes it
when it ends, whether it succeeded, failed, was interrupted (Ctrl-C) or terminated (SIGTERM). The file
says who holds it (JSON: command, pid, host, start) and, from the moment the first file is renamed into
place until the command ends, which files it is writing (``writing``). So:

- a second writer finds the file and is refused (``Locked``, exit 2), with what to do;
- a writer killed with ``kill -9`` (or a power cut) leaves the file behind: every later writer, and
  ``validate``, refuse the package until a person has looked at the files it lists (``interrupted``);
- the file is never committed (``.gitignore``).
"""

import json
import os
import time
from contextlib import contextmanager
from pathlib import Path

from .errors import DutylistError

LOCK_FILE = ".dutylist.lock"
_held = {}  # folder (resolved) -> lock path, for the locks this process holds


class Locked(DutylistError):
    """The package is locked by another writer, or by one that stopped half-way: the message says what to do."""

    code = "package-locked"

    def __init__(self, message, file):
        super().__init__(message, file=file)
        self.message = message


@contextmanager
def package_lock(folder, command):
    """Hold the package's lock while the block runs; Locked if another writer holds it (or left it behind)."""
    path = Path(folder) / LOCK_FILE
    record = {"command": f"dutylist {command}", "pid": os.getpid(), "host": _host(),
              "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "writing": []}
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise Locked(holder_problem(path), path) from None
    except FileNotFoundError:
        yield  # no such folder: the command itself says so
        return
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(json.dumps(record) + "\n")
    key = Path(folder).resolve()
    _held[key] = (path, record)
    try:
        yield
    finally:
        _held.pop(key, None)
        path.unlink(missing_ok=True)


def note_writing(paths):
    """Record in each lock held by this process the files about to be renamed into its folder (before the first rename)."""
    for key, (path, record) in _held.items():
        inside = [str(Path(target).resolve().relative_to(key)) for target in paths if Path(target).resolve().is_relative_to(key)]
        if inside:
            record["writing"] = sorted(set(record["writing"]) | set(inside))
            with open(path, "w", encoding="utf-8") as stream:  # in place: the lock file stays where it is
                stream.write(json.dumps(record) + "\n")


def interrupted(folder):
    """None when the package folder holds no lock file, else the message of ``holder_problem``."""
    path = Path(folder) / LOCK_FILE
    return holder_problem(path) if os.path.lexists(path) else None


def holder_problem(path):
    """What the lock file at path says: who holds it, whether it still runs, what it was writing, and what to do."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(record, dict):
            raise ValueError
    except (OSError, ValueError, UnicodeDecodeError):
        return (f"{path}: a dutylist command holds this package's lock (the file cannot be read); if no dutylist "
                f"is running here, check the package with `git status`, then delete {path} and run the command again")
    who = f"{record.get('command', 'dutylist')} (pid {record.get('pid')}, started {record.get('started')})"
    writing = record.get("writing") if isinstance(record.get("writing"), list) else []
    if _running(record):
        return f"{path}: {who} is writing this package; wait until it ends, then run the command again"
    if writing:
        return (f"{path}: {who} stopped while renaming its files into place ({', '.join(map(str, writing))}): some may be "
                f"new and some old. Check them with `git status` and `git diff`, restore them (`git checkout -- FILE`) or "
                f"keep them, then delete {path} and run the command again")
    return (f"{path}: {who} stopped before writing anything (the package is as it was); delete {path} and run the "
            f"command again")


def _running(record):
    """True unless the holder is known to be gone: same host and no process of that pid (another host: assume running)."""
    if record.get("host") != _host():
        return True
    pid = record.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _host():
    """This machine's name, for a lock another machine may find (socket is imported here: only writers need it)."""
    import socket

    return socket.gethostname()
