"""The versions of the package in the history of a branch, read from git objects alone.

A version is the ``version`` that ``datapackage.json`` declares. Its content (``commit``) is the
commit that released it, and it never changes afterwards:

- a tag ``vX.Y.Z`` when present, if the tagged commit declares that version;
- otherwise the first commit (on the first-parent history) that declares the version together with
  its changelog entry ``changelog/X.Y.Z.md``, as ``dutylist release`` writes them;
- otherwise (a repository without a changelog) the first commit that declares it.

A change to the package committed later without a new version belongs to no version: ``dutylist
changelog --check`` reports it ("the package changed since version X; run `dutylist release`").
``released`` and ``date`` are the commit that first declared the version and its date. Tags are not
needed: a clone without them (CI often fetches none) finds the same commits, since ``dutylist release``
tags the commit that declares the version with its changelog entry. A tag that names a version but
points elsewhere is not followed; ``tag_warnings`` says so.

This is the one revision resolution every command shares (diff's sides, validate --against, editions, the
changelog, release, the site): ``open_repo`` finds the repository, ``list_versions`` the versions,
``version_commit`` and ``version_of_spec`` the commit a version names, ``version_reader`` reads it.
"""

from dataclasses import asdict, dataclass

from .edition import GitReader
from .names import is_version
from .package import DESCRIPTOR

CHANGELOG_FOLDER = "changelog"


@dataclass(frozen=True)
class Version:
    version: str
    edition: str  # the official edition (YYYY-MM) the version reflects, or "" if it declares none
    commit: str  # full hash of the commit holding this version's content: the release (see above)
    released: str  # full hash of the oldest commit declaring it
    date: str  # the oldest declaring commit's date, YYYY-MM-DD (committer date, UTC)
    created: str = ""  # the date part of the descriptor's `created` at `commit`, or "" if it has none
    tag: str = ""  # "vX.Y.Z" when `commit` was found through that tag, else ""

    def to_dict(self):
        return asdict(self)

    @property
    def release_date(self):
        """The date a changelog shows: the `created` that `dutylist release` set, else the commit date."""
        return self.created or self.date


def list_versions(repo, start="HEAD"):
    """Every version on the first-parent history of ``start``, newest first, as ``Version``s.

    ``repo`` is a ``git.Repo``. A version that comes back after another (1.0.0, 1.1.0, 1.0.0)
    is listed once per run of commits, each run its own entry, newest first.
    """
    import git  # imported here so that commands without git history start fast

    try:
        commits = list(repo.iter_commits(start, paths=DESCRIPTOR, first_parent=True))
    except (git.GitCommandError, ValueError):
        return []
    runs = []  # [version, [commits touching the descriptor, newest first]], newest run first
    for commit in commits:
        descriptor = _descriptor(commit)
        declared = descriptor.get("version") if descriptor else None
        if not isinstance(declared, str):
            continue
        if runs and runs[-1][0] == declared:
            runs[-1][1].append(commit)
        else:
            runs.append([declared, [commit]])
    head = repo.commit(start)
    versions = []
    seen = set()
    for index, (declared, touching) in enumerate(runs):
        oldest = touching[-1]
        # commits that do not touch the descriptor keep its version: the run ends at start itself
        # (newest run) or at the parent of the commit that moved the version on
        newest = head if index == 0 else runs[index - 1][1][-1].parents[0]
        tagged = _tagged(repo, declared, start) if declared not in seen else None
        content = tagged or _first_with_changelog(repo, declared, oldest, newest) or oldest
        seen.add(declared)
        descriptor = _descriptor(content) or {}
        edition, created = descriptor.get("edition"), descriptor.get("created")
        versions.append(Version(
            version=declared, edition=edition if isinstance(edition, str) else "",
            commit=content.hexsha, released=oldest.hexsha,
            date=oldest.committed_datetime.astimezone(_utc()).strftime("%Y-%m-%d"),
            created=created[:10] if isinstance(created, str) and len(created) >= 10 else "",
            tag=tag_name(declared) if tagged is not None else "",
        ))
    return versions


def version_commit(repo, version, start="HEAD"):
    """The commit (full hash) holding ``version``'s content, or None: the one answer to "which commit is version X"."""
    for entry in list_versions(repo, start):
        if entry.version == version:
            return entry.commit
    tagged = _tagged(repo, version, None)
    return tagged.hexsha if tagged is not None else None


def tag_name(version):
    """The tag of a release: ``vX.Y.Z`` (``dutylist release`` makes it; the history prefers it)."""
    return f"v{version}"


def existing_tag(repo, version):
    """The commit (full hash) the tag of ``version`` points to, or None when there is no such tag."""
    if not is_version(version):
        return None  # no ref name is built from a value that is not a version
    try:
        return repo.tags[tag_name(version)].commit.hexsha
    except (IndexError, ValueError, AttributeError, TypeError):
        return None


def tag_warnings(repo, versions):
    """One sentence per version of ``versions`` whose tag exists but was not followed: it points to a commit
    that does not declare that version, or to one outside the history read. Empty when all agree."""
    warnings, seen = [], set()
    for entry in versions:  # newest first: a tag names the newest run of commits declaring its version
        tagged = existing_tag(repo, entry.version) if not entry.tag and entry.version not in seen else None
        seen.add(entry.version)
        if tagged is None:
            continue
        declared = (_descriptor(repo.commit(tagged)) or {}).get("version")
        why = (f"which declares version {declared}" if isinstance(declared, str) else "which declares no version") \
            if declared != entry.version else "which is not in the history of this branch"
        warnings.append(f"tag {tag_name(entry.version)} points to commit {tagged[:12]}, {why}: version {entry.version} "
                        f"is read from commit {entry.commit[:12]} instead; if that is the release, move the tag "
                        f"(git tag -f -a {tag_name(entry.version)} {entry.commit[:12]})")
    return warnings


def clean_commit(folder):
    """HEAD's full hash when the package in folder (the descriptor and every file it names) holds exactly HEAD's
    bytes, else None: what an export of the working tree records as its revision (None: "(working tree)").

    Compared byte for byte through core/files.py and git objects (no ``git status``, which would run the
    repository's configured fsmonitor); files the package does not name (tools, docs) do not matter."""
    import json

    from .edition import FolderReader
    from .errors import DutylistError

    repo = open_repo(folder)
    try:
        head = GitReader(repo, "HEAD") if repo is not None else None
        tree = FolderReader(folder)
        descriptor = tree.read(DESCRIPTOR)
        if head is None or descriptor is None or descriptor != head.read(DESCRIPTOR):
            return None
        return head.revision if all(tree.read(path) == head.read(path) for path in named_files(json.loads(descriptor))) else None
    except (DutylistError, ValueError):  # no commit yet, a refused or unreadable file: not a clean tree
        return None


def named_files(descriptor):
    """The paths a descriptor names for its resources (data and schema files), safe ones only, in order."""
    from .names import resource_path_problem

    found = []
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    for resource in resources if isinstance(resources, list) else []:
        if not isinstance(resource, dict):
            continue
        for path in (resource.get("path"), resource.get("schema")):
            if isinstance(path, str) and not resource_path_problem(path) and path not in found:
                found.append(path)
    return found


def open_repo(folder, search_parents=False):
    """The ``git.Repo`` of folder (or of a folder above it with ``search_parents``), or None when there is none:
    each command says in its own words what to do then."""
    import git  # imported here so that commands without git history start fast

    try:
        return git.Repo(folder, search_parent_directories=search_parents)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def version_reader(repo, version):
    """The reader of the commit holding a ``Version``, labelled as reports show it: '1.0.0 (abc1234)'."""
    reader = GitReader(repo, version.commit)
    reader.label = f"{version.version} ({version.commit[:7]})"
    return reader


def version_of_spec(repo, spec):
    """The version a spec names: '1.0.0', or 'v1.0.0' when no tag or branch has that name; else None."""
    if is_version(spec):
        return spec
    if spec.startswith("v") and is_version(spec[1:]) and not _names_a_ref(repo, spec):
        return spec[1:]
    return None


def _names_a_ref(repo, spec):
    try:
        repo.commit(spec)
    except Exception:  # gitdb/git raise several kinds for an unknown name
        return False
    return True


def _tagged(repo, version, start):
    """The commit tagged vX.Y.Z if it declares that version (and is in start's history), else None."""
    if not is_version(version):
        return None  # no ref name is built from a value that is not a version
    try:
        commit = repo.tags[tag_name(version)].commit
    except (IndexError, ValueError, AttributeError, TypeError):
        return None
    descriptor = _descriptor(commit)
    if not descriptor or descriptor.get("version") != version:
        return None
    if start is not None and not repo.is_ancestor(commit, start):
        return None
    return commit


def _first_with_changelog(repo, version, oldest, newest):
    """The first commit from oldest to newest (first parents) holding changelog/<version>.md, or None."""
    if not is_version(version):
        return None  # no path is built from a value that is not a version
    path = f"{CHANGELOG_FOLDER}/{version}.md"
    chain = []
    commit = newest
    while True:
        chain.append(commit)
        if commit == oldest or not commit.parents:
            break
        commit = commit.parents[0]
    found = None
    for commit in chain:  # newest first: remember the oldest that has it
        if _has(commit, path):
            found = commit
        else:
            break
    return found


def _has(commit, path):
    try:
        commit.tree[path]
    except KeyError:
        return False
    return True


def _descriptor(commit):
    import json

    from .files import FileRefused, read_git_entry

    try:
        value = json.loads(read_git_entry(commit.tree, DESCRIPTOR) or b"")
    except (FileRefused, ValueError, RecursionError):  # a link, a huge or a too deeply nested file: no version
        return None
    return value if isinstance(value, dict) else None


def _utc():
    from datetime import timezone

    return timezone.utc
