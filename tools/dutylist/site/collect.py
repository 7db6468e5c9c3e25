"""The versions of the package, each with its edition and its change report against the version before.

Versions come from ``core.history.list_versions`` (newest first); the working tree is added on
top when it differs from the newest version (or when there is no history). The oldest version is
compared with an empty edition, as ``dutylist diff`` does for a package's first version.
"""

from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import DutylistError
from ..core.edition import EditionError, FolderReader, load_edition
from ..core.history import list_versions, open_repo, version_reader
from ..diff.compare import compare, empty_edition
from .slugs import unique_version_slugs

WORKING_TREE = "working-tree"


class SiteInputError(DutylistError):
    """A version or the working tree cannot be read: the message names which and where."""


@dataclass
class Entry:
    """One version of the site: newest first in ``History.entries``."""

    slug: str
    version: str  # as declared in datapackage.json ("" if none)
    edition_name: str  # the official edition, YYYY-MM
    commit: str  # full hash of the content, "" for the working tree
    date: str  # release date YYYY-MM-DD, "" for the working tree
    edition: dict = field(repr=False)
    report: dict = field(default=None, repr=False)  # compare(the version before, this one)
    changes: dict = field(default=None, repr=False)  # the report's item changes by id

    @property
    def is_working_tree(self):
        return not self.commit

    @property
    def title(self):
        name = self.version or "—"
        return f"{name} (工作区 working tree)" if self.is_working_tree else name


@dataclass
class History:
    entries: list  # newest first; entries[0] is the current edition
    in_git: bool

    @property
    def current(self):
        return self.entries[0]


def collect(repo_folder):
    repo_folder = Path(repo_folder)
    repo = open_repo(repo_folder)
    found = []
    if repo is not None:
        for version in list_versions(repo):
            edition = _load(version_reader(repo, version), f"version {version.version} (commit {version.commit[:12]})")
            edition["revision"] = version.commit
            found.append(Entry("", version.version, version.edition, version.commit, version.date, edition))
    reader = FolderReader(repo_folder)
    reader.label = "working tree"
    tree = _load(reader, f"the working tree {repo_folder}")
    tree["revision"] = None
    if not found or not compare(found[0].edition, tree)["summary"]["identical"]:
        descriptor = tree["descriptor"]
        version, edition_name = descriptor.get("version"), descriptor.get("edition")
        found.insert(0, Entry(WORKING_TREE, version if isinstance(version, str) else "",
                              edition_name if isinstance(edition_name, str) else "", "", "", tree))
    for entry, slug in zip(found, unique_version_slugs([(entry.slug, entry.version, entry.commit) for entry in found])):
        entry.slug = slug
    for index, entry in enumerate(found):
        older = found[index + 1].edition if index + 1 < len(found) else empty_edition()
        entry.report = compare(older, entry.edition)
        entry.changes = {change["id"]: change for change in entry.report["items"]}
    return History(found, repo is not None)


def _load(reader, what):
    try:
        return load_edition(reader)
    except EditionError as error:
        raise SiteInputError(f"{what} cannot be read: {error.location()}: {error.message}") from None
