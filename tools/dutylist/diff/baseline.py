"""What bare ``dutylist diff`` compares the working tree with, and why: the report's ``baseline``.

- The working tree differs from the **last released version** (the newest version in the history of
  HEAD, read at the commit that released it): OLD is that version, so the report shows what changed
  since, whether the tree declares it still or a next version already.
- The working tree holds the last released version unchanged: OLD is the **version before** it, so
  the report shows what that release changed (and the package's first version is compared with an
  empty edition).
- ``--since-release``: OLD is the last released version whatever the tree holds.

"Differs" is what the report says: the comparison with the last release is made first, and only a
report of no differences sends the diff to the version before. The choice and its reason are the
report's ``baseline`` (``{"choice", "version", "revision", "reason"}``), shown in its first lines.
Explicit sides (``dutylist diff OLD [NEW]``) are compared as given, with no ``baseline``.
"""

from ..core.history import list_versions, version_reader
from .sides import package_folder, reader_for, readers, repository
from . import stream  # stream.compare_readers is looked up at each call (a test may stand in for it)

LAST_RELEASE = "last-release"
VERSION_BEFORE = "version-before"
NO_RELEASE = "no-release"


def compare_sides(repo_folder, old_spec=None, new_spec=None, since_release=False):
    """The report ``dutylist diff`` prints: of the sides given, else of the working tree and its baseline."""
    if old_spec is not None or new_spec is not None:
        return stream.compare_readers(*readers(repo_folder, old_spec, new_spec))
    folder = package_folder(repo_folder)
    repo = repository(folder, "OLD")
    versions = list_versions(repo, "HEAD")
    if not versions:
        report = stream.compare_readers(None, _working_tree(folder))
        return _with(report, NO_RELEASE, None, "no commit of this repository declares a version yet, so the working "
                                                 "tree is compared with an empty edition")
    last = versions[0]
    report = stream.compare_readers(version_reader(repo, last), _working_tree(folder))
    if since_release:
        return _with(report, LAST_RELEASE, last, f"{last.version} is the last released version (--since-release)")
    if not report["summary"]["identical"]:
        before = next((entry.version for entry in versions if entry.version != last.version), None)
        also = f"; `dutylist diff {before} {last.version}` shows what {last.version} itself changed" if before else ""
        return _with(report, LAST_RELEASE, last, f"the working tree differs from {last.version}, the last released "
                                                 f"version, so this is what changed since{also}")
    before = next((entry for entry in versions if entry.version != last.version), None)
    report = stream.compare_readers(version_reader(repo, before) if before else None, _working_tree(folder))
    if before is None:
        return _with(report, VERSION_BEFORE, None, f"the working tree holds {last.version}, the last released version, "
                                                   f"unchanged, and no version came before it: compared with an empty edition")
    return _with(report, VERSION_BEFORE, before, f"the working tree holds {last.version}, the last released version, "
                                                 f"unchanged, so this is what {last.version} changed: compared with the "
                                                 f"version before, {before.version}")


def _working_tree(folder):
    """A fresh reader of the working tree (each comparison reads its files anew)."""
    return reader_for(folder, None, "NEW")


def _with(report, choice, version, reason):
    """The report with its ``baseline``: which OLD was chosen (``choice``, the version and its commit) and why."""
    report["baseline"] = {"choice": choice, "version": version.version if version else None,
                          "revision": version.commit if version else None, "reason": reason}
    return report
