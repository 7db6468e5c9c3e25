"""Which editions ``dutylist diff [OLD [NEW]]`` compares: a git revision, a package version or a folder.

NEW defaults to the working tree, OLD to the previous version in history (the newest commit
whose datapackage.json declares another version than NEW), or to an empty edition when the
package has only ever had one version. Git objects are read directly: the working tree is
never touched.
"""

import json
import re
from pathlib import Path

from ..core.edition import EditionError, FolderReader, GitReader, load_edition, read_descriptor
from ..core.package import DESCRIPTOR
from .compare import empty_edition

VERSION = re.compile(r"^\d+\.\d+\.\d+$")
WORKING_TREE = "working tree"


class SideError(Exception):
    """A side cannot be resolved or read; the message says which side and what to do."""


def editions(repo_folder, old_spec, new_spec):
    """Both editions, loaded whole (the old one is the empty edition when there is no previous version)."""
    old_reader, new_reader = readers(repo_folder, old_spec, new_spec)
    new = load(new_reader, "NEW")
    return (load(old_reader, "OLD") if old_reader else empty_edition()), new


def readers(repo_folder, old_spec, new_spec):
    """The readers of both sides; the old one is None when NEW has no previous version."""
    repo_folder = Path(repo_folder)
    new_reader = reader_for(repo_folder, new_spec, "NEW")
    if old_spec is not None:
        return reader_for(repo_folder, old_spec, "OLD"), new_reader
    try:
        version = read_descriptor(new_reader).get("version")
    except EditionError as error:
        raise unreadable(new_reader, "NEW", error) from None
    return previous_version(repo_folder, new_reader, version), new_reader


def reader_for(repo_folder, spec, role):
    if spec is None:
        reader = FolderReader(repo_folder)
        reader.label = WORKING_TREE
        return reader
    if VERSION.match(spec):
        repo = open_repo(repo_folder, role)
        reader = GitReader(repo, version_commit(repo, spec, role))
        reader.label = f"{spec} ({reader.revision[:7]})"
        return reader
    if (Path(spec) / DESCRIPTOR).is_file():
        return FolderReader(spec)
    if Path(spec).is_dir() and not is_revision(repo_folder, spec):
        raise SideError(f"{role} {spec}: this folder holds no {DESCRIPTOR}; give the folder of a package")
    repo = open_repo(repo_folder, role)
    try:
        return GitReader(repo, spec)
    except EditionError:
        raise SideError(f"{role} {spec!r} is not a revision of {repo_folder} (a commit, tag, branch or HEAD~N), "
                        f"a version like 1.0.0, or a folder holding a package") from None


def is_revision(repo_folder, spec):
    try:
        GitReader(open_repo(repo_folder, "?"), spec)
    except (SideError, EditionError):
        return False
    return True


def load(reader, role, lists=True):
    try:
        edition = load_edition(reader, lists=lists)
    except EditionError as error:
        raise unreadable(reader, role, error) from None
    edition["revision"] = getattr(reader, "revision", None)
    return edition


def unreadable(reader, role, error):
    where = f"revision {reader.label}" if isinstance(reader, GitReader) else reader.label
    return SideError(f"{role} ({where}) cannot be read: {error.location()}: {error.message}")


def open_repo(repo_folder, role):
    import git  # imported here so that commands without git history start fast

    try:
        return git.Repo(repo_folder, search_parent_directories=False)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise SideError(f"{role}: {repo_folder} is not a git repository; give both sides as package folders, "
                        f"or --repo the repository's folder") from None


def versions(repo, start="HEAD"):
    """(commit, version) for every commit that touches datapackage.json, newest first."""
    import git

    try:
        commits = list(repo.iter_commits(start, paths=DESCRIPTOR))
    except (git.GitCommandError, ValueError):
        return
    for commit in commits:
        yield commit, declared_version(commit)


def declared_version(commit):
    try:
        return json.loads(commit.tree[DESCRIPTOR].data_stream.read()).get("version")
    except (KeyError, ValueError, AttributeError):
        return None


def newest_commit(repo, start, wanted):
    """The newest commit at or before start whose declared version satisfies wanted, or None.

    Only commits touching datapackage.json change the version, so the answer is start itself or the
    parent of the commit that moved the version away from a wanted one.
    """
    newer = None
    for commit, declared in versions(repo, start):
        if declared is not None and wanted(declared):
            return repo.commit(start) if newer is None else newer.parents[0]
        newer = commit
    return None


def version_commit(repo, version, role):
    commit = newest_commit(repo, "HEAD", lambda declared: declared == version)
    if commit is None:
        raise SideError(f"{role}: no commit of this repository declares version {version} in {DESCRIPTOR}")
    return commit.hexsha


def previous_version(repo_folder, new_reader, version):
    """The reader of the newest commit before NEW that declares another version, or None."""
    repo = open_repo(repo_folder, "OLD")
    start = getattr(new_reader, "revision", None) or "HEAD"
    commit = newest_commit(repo, start, lambda declared: declared != version)
    if commit is None:
        return None
    reader = GitReader(repo, commit.hexsha)
    reader.label = f"{declared_version(commit)} ({commit.hexsha[:7]})"
    return reader
