"""Which editions ``dutylist diff [OLD [NEW]]`` compares: a git revision, a package version or a folder.

NEW defaults to the working tree, OLD to the previous version in history (the newest commit
whose datapackage.json declares another version than NEW), or to an empty edition when the
package has only ever had one version. Git objects are read directly: the working tree is
never touched.
"""

from pathlib import Path

from ..core.errors import DutylistError
from ..core.edition import EditionError, FolderReader, GitReader, load_edition, read_descriptor
from ..core.history import list_versions, open_repo, version_commit, version_of_spec, version_reader
from ..core.names import is_version
from ..core.package import DESCRIPTOR
from .compare import empty_edition

WORKING_TREE = "working tree"


class SideError(DutylistError):
    """A side cannot be resolved or read; the message says which side and what to do."""

    def __init__(self, message, file=None, code=None):
        super().__init__(message, code=code, file=file)


def editions(repo_folder, old_spec, new_spec):
    """Both editions, loaded whole (OLD is the empty edition when NEW has no previous version)."""
    old_reader, new_reader = readers(repo_folder, old_spec, new_spec)
    new = load(new_reader, "NEW")
    return (load(old_reader, "OLD") if old_reader else empty_edition()), new


def readers(repo_folder, old_spec, new_spec):
    """The readers of both sides; OLD's is None when NEW has no previous version (compare with the empty edition)."""
    repo_folder = package_folder(repo_folder)
    new_reader = reader_for(repo_folder, new_spec, "NEW")
    if old_spec is not None:
        return reader_for(repo_folder, old_spec, "OLD"), new_reader
    try:
        version = read_descriptor(new_reader).get("version")
    except EditionError as error:
        raise unreadable(new_reader, "NEW", error) from None
    return previous_version(repo_folder, new_reader, version), new_reader


def package_folder(folder):
    """The folder of the package for --repo: folder itself when it holds datapackage.json (or is that file),
    else the top of the git repository folder lies in, so that diff works from any subfolder."""
    folder = Path(folder)
    if folder.name == DESCRIPTOR and folder.is_file():
        return folder.parent
    if (folder / DESCRIPTOR).is_file():
        return folder
    try:
        import git

        top = Path(git.Repo(folder, search_parent_directories=True).working_tree_dir)
    except Exception:  # not in a repository (or no such folder): the caller's message says so
        return folder
    return top if (top / DESCRIPTOR).is_file() else folder


def reader_for(repo_folder, spec, role):
    if spec is None:
        reader = FolderReader(repo_folder)
        reader.label = WORKING_TREE
        return reader
    if Path(spec).name == DESCRIPTOR and Path(spec).is_file():
        return FolderReader(Path(spec).parent)
    if (Path(spec) / DESCRIPTOR).is_file():
        return FolderReader(spec)
    version = spec if is_version(spec) else None
    if version is None and spec.startswith("v") and is_version(spec[1:]):
        version = version_of_spec(repository(repo_folder, role), spec)  # v1.0.0, unless a tag or branch has that name
    if version:
        repo = repository(repo_folder, role)
        reader = GitReader(repo, commit_of_version(repo, version, role))
        reader.label = f"{version} ({reader.revision[:7]})"
        return reader
    if Path(spec).is_dir() and not is_revision(repo_folder, spec):
        raise SideError(f"{role} {spec}: this folder holds no {DESCRIPTOR}; give the folder of a package")
    repo = repository(repo_folder, role)
    try:
        return GitReader(repo, spec)
    except EditionError:
        raise SideError(f"{role} {spec!r} is not a revision of {repo_folder} (a commit, tag, branch or HEAD~N), "
                        f"a version like 1.0.0, or a folder holding a package") from None


def is_revision(repo_folder, spec):
    try:
        GitReader(repository(repo_folder, "?"), spec)
    except (SideError, EditionError):
        return False
    return True


def load(reader, role, lists=True):
    """The edition, read leniently; with ``lists=False`` without its lists and correction records (diff/stream.py)."""
    try:
        edition = load_edition(reader, lenient=True, lists=lists, corrections=lists)
    except EditionError as error:
        raise unreadable(reader, role, error) from None
    edition["revision"] = getattr(reader, "revision", None)
    return edition


def unreadable(reader, role, error):
    """The SideError for an EditionError met while reading one side."""
    where = f"revision {reader.label}" if isinstance(reader, GitReader) else reader.label
    return SideError(f"{role} ({where}) cannot be read: {error.location()}: {error.message}", file=error.file, code=error.code)


def repository(repo_folder, role):
    """The git repository at repo_folder; SideError when there is none."""
    repo = open_repo(repo_folder)
    if repo is None:
        raise SideError(f"{role}: {repo_folder} is not a git repository; give both sides as package folders, "
                        f"or --repo the repository's folder")
    return repo


def commit_of_version(repo, version, role):
    """The commit holding version; SideError when no commit declares it."""
    commit = version_commit(repo, version)
    if commit is None:
        raise SideError(f"{role}: no commit of this repository declares version {version} in {DESCRIPTOR}")
    return commit


def previous_version(repo_folder, new_reader, version):
    """The reader of the newest version in NEW's history (HEAD's for a folder) other than ``version``, the one
    NEW declares; None when there is none."""
    repo = repository(repo_folder, "OLD")
    start = getattr(new_reader, "revision", None) or "HEAD"
    previous = next((entry for entry in list_versions(repo, start) if entry.version != version), None)
    return version_reader(repo, previous) if previous is not None else None
