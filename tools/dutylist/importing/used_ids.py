"""Every id the package has ever used, so that a new item never gets a retired id.

An id counts as used if it appears in any CSV of the package (the lists, the corrections, the
links files under sources/) in the working tree or in any version of such a file anywhere in the
git history (every branch and tag). Outside a git repository only the working tree is searched.

The work is bounded: the working-tree files are read through core/files.py (regular files inside the
package, each within the size limit); git lists each object once (``rev-list --objects``), so each blob
is read once, in chunks, whatever the number of commits and paths that share it. The bytes read in all
(working tree and history) may not pass ``max_history_bytes()`` (1 GiB, ``DUTYLIST_MAX_HISTORY_BYTES``
overrides it): past it the search stops with ``HistoryTooLarge``, since an id missed there could be
given twice; nothing is guessed.
"""

import re
from pathlib import Path

from ..core.files import FileRefused, limit_from_environment, open_package_file

SEARCHED = (("data", "*.csv"), ("sources", "*.links.csv"))
MAX_HISTORY_BYTES = 1 << 30
MAX_HISTORY_BYTES_VARIABLE = "DUTYLIST_MAX_HISTORY_BYTES"
CHUNK = 1 << 20


class HistoryTooLarge(FileRefused):
    """The search for used ids would read more than the limit: the message says how to raise it."""


def max_history_bytes():
    """The limit on the bytes the search reads, from DUTYLIST_MAX_HISTORY_BYTES or the default."""
    return limit_from_environment(MAX_HISTORY_BYTES_VARIABLE, MAX_HISTORY_BYTES, "bytes", FileRefused)


def ids_ever_used(repo, prefix):
    """Every id (``prefix`` and four digits) in the package's CSVs, now and in git history. FileRefused when
    a working-tree file may not be read; HistoryTooLarge past the limit of bytes read."""
    scan = _Scan(prefix, max_history_bytes())
    repo = Path(repo)
    for folder, glob in SEARCHED:
        for path in sorted((repo / folder).glob(glob)):
            if path.is_file() and not path.is_symlink():
                stream = open_package_file(repo, path.relative_to(repo).as_posix())
                if stream is not None:
                    with stream:
                        scan.read(stream, path.relative_to(repo).as_posix())
    _scan_history(repo, scan)
    return scan.found


class _Scan:
    """The ids found in the streams read so far, and the bytes read (never more than the limit)."""

    def __init__(self, prefix, limit):
        self.pattern = re.compile(re.escape(prefix.encode("utf-8")) + rb"[0-9]{4}")
        self.overlap = len(prefix.encode("utf-8")) + 3  # an id cut by a chunk's end is whole in the next read
        self.limit, self.done, self.found = limit, 0, set()

    def reserve(self, size, what):
        """Count ``size`` bytes about to be read; HistoryTooLarge if they pass the limit."""
        if self.done + size > self.limit:
            raise HistoryTooLarge(what, f"would take the search for used ids past {self.limit} bytes read (the working "
                                        f"tree and every version of its CSVs in git history); raise the limit with "
                                        f"{MAX_HISTORY_BYTES_VARIABLE}=<bytes> if the history is really that large",
                                  code="history-too-large")
        self.done += size

    def read(self, stream, what):
        """Scan a binary stream in chunks; bytes beyond the limit are never read."""
        tail = b""
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                return
            self.reserve(len(chunk), what)
            text = tail + chunk
            self.found.update(match.decode("utf-8") for match in self.pattern.findall(text))
            tail = text[-self.overlap:]


def _scan_history(folder, scan):
    import git  # imported here so that commands without git history start fast

    try:
        repo = git.Repo(folder, search_parent_directories=True)
        root = Path(repo.working_tree_dir).resolve()
        inside = folder.resolve().relative_to(root).as_posix()
        listing = repo.git.rev_list("--all", "--objects", as_process=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, git.GitCommandError, ValueError, TypeError):
        return
    prefix = "" if inside == "." else inside + "/"
    seen = set()
    try:
        for line in listing.stdout:  # one object a line, each object once: streamed, never held whole
            sha, _, path = line.decode("utf-8", "replace").rstrip("\n").partition(" ")
            if not path.startswith(prefix) or not path.endswith(".csv") or sha in seen:
                continue
            seen.add(sha)
            binary = bytes.fromhex(sha)
            kind, size = _type_and_size(repo, binary)
            if kind != b"blob":
                continue
            if scan.done + size > scan.limit:
                scan.reserve(size, f"{path} (blob {sha[:12]})")
            scan.read(repo.odb.stream(binary), f"{path} (blob {sha[:12]})")
    except BaseException:
        listing.proc.kill()  # stopped early: git need not list the rest
        raise
    finally:
        listing.stdout.close()
    try:
        listing.wait()
    except git.GitCommandError:
        pass  # a history git cannot list whole: what it listed was searched, as before


def _type_and_size(repo, binary):
    info = repo.odb.info(binary)
    return info.type, info.size
