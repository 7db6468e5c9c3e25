"""Which editions ``dutylist diff [OLD [NEW]]`` compares: a git revision, a package version or a folder.

NEW defaults to the working tree, OLD to the previous version in history (the newest commit
whose datapackage.json declares another version than NEW), or to an empty edition when the
package has only ever had one version. Git objects are read directly: the working tree is
never touched.
"""

import re
from pathlib import Path

from ..core.edition import EditionError, FolderReader, GitReader, load_edition
from ..core.package import DESCRIPTOR
from .compare import empty_edition

VERSION = re.compile(r"^\d+\.\d+\.\d+$")
WORKING_TREE = "working tree"


class SideError(Exception):
    """A side cannot be resolved or read; the message says which side and what to do."""


def editions(repo_folder, old_spec, new_spec):
    repo_folder = Path(repo_folder)
    new_reader = reader_for(repo_folder, new_spec, "NEW")
    new = load(new_reader, "NEW")
    if old_spec is None:
        old = previous_version(repo_folder, new_reader, new)
    else:
        old = load(reader_for(repo_folder, old_spec, "OLD"), "OLD")
    return old, new


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


def load(reader, role):
    try:
        edition = load_edition(reader)
    except EditionError as error:
        where = f"revision {reader.label}" if isinstance(reader, GitReader) else reader.label
        raise SideError(f"{role} ({where}) cannot be read: {error.location()}: {error.message}") from None
    edition["revision"] = getattr(reader, "revision", None)
    return edition


def open_repo(repo_folder, role):
    import git  # imported here so that commands without git history start fast

    try:
        return git.Repo(repo_folder, search_parent_directories=False)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise SideError(f"{role}: {repo_folder} is not a git repository; give both sides as package folders, "
                        f"or --repo the repository's folder") from None


def version_commit(repo, version, role):
    from ..release.history import version_commit as commit_of_version

    commit = commit_of_version(repo, version)
    if commit is None:
        raise SideError(f"{role}: no commit of this repository declares version {version} in {DESCRIPTOR}")
    return commit


def previous_version(repo_folder, new_reader, new):
    """The newest version in NEW's history (HEAD's for a folder) other than the one NEW declares."""
    from ..release.history import list_versions

    repo = open_repo(repo_folder, "OLD")
    start = getattr(new_reader, "revision", None) or "HEAD"
    version = new["descriptor"].get("version")
    previous = next((entry for entry in list_versions(repo, start) if entry.version != version), None)
    if previous is None:
        return empty_edition()
    reader = GitReader(repo, previous.commit)
    reader.label = f"{previous.version} ({previous.commit[:7]})"
    return load(reader, "OLD")
