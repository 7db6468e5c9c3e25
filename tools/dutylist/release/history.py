"""The versions of the package in the history of a branch, read from git objects alone.

A version is the ``version`` that ``datapackage.json`` declares. Its content is the edition at the
newest commit that still declares it (the same commit ``dutylist diff 1.0.0`` reads); its date is
the date of the commit that first declared it (the release). Tags are not needed: a fresh clone of
main is enough.
"""

from dataclasses import asdict, dataclass

from ..core.package import DESCRIPTOR


@dataclass(frozen=True)
class Version:
    version: str
    edition: str  # the official edition (YYYY-MM) the version reflects, or "" if it declares none
    commit: str  # full hash of the newest commit declaring this version: its content
    released: str  # full hash of the oldest commit declaring it: the release
    date: str  # the release commit's date, YYYY-MM-DD (committer date, UTC)

    def to_dict(self):
        return asdict(self)


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
    runs = []  # [version, descriptor, newest commit, oldest commit], newest run first
    for commit in commits:
        descriptor = _descriptor(commit)
        declared = descriptor.get("version") if descriptor else None
        if not isinstance(declared, str):
            continue
        if runs and runs[-1][0] == declared:
            runs[-1][3] = commit
        else:
            runs.append([declared, descriptor, commit, commit])
    head = repo.commit(start)
    versions = []
    for index, (declared, descriptor, newest, oldest) in enumerate(runs):
        # commits that do not touch the descriptor keep its version: the content of the newest run
        # is start itself, and of an older run the parent of the commit that moved the version on
        content = head if index == 0 else runs[index - 1][3].parents[0]
        edition = descriptor.get("edition")
        versions.append(Version(
            version=declared, edition=edition if isinstance(edition, str) else "",
            commit=content.hexsha, released=oldest.hexsha,
            date=oldest.committed_datetime.astimezone(_utc()).strftime("%Y-%m-%d"),
        ))
    return versions


def _descriptor(commit):
    import json

    from ..core.files import FileRefused, read_git_entry

    try:
        value = json.loads(read_git_entry(commit.tree, DESCRIPTOR) or b"")
    except (FileRefused, ValueError, RecursionError):  # a link, a huge or a too deeply nested file: no version
        return None
    return value if isinstance(value, dict) else None


def _utc():
    from datetime import timezone

    return timezone.utc
