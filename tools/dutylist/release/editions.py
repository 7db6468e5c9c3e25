"""``dutylist editions``: every version in the history of the current branch, with its counts and its validation.

``list_editions(folder)`` returns plain data (the JSON output itself)::

    {"versions": [{"version", "edition", "date", "commit", "released", "tag", "counts": {list: n},
                   "valid", "errors", "warnings", "first_error"}, ...],   # newest first
     "tag_warnings": ["tag v1.1.0 points to commit …, which declares version 1.0.0: …", ...]}

``commit`` is the tag's commit when the tag ``vX.Y.Z`` exists and that commit declares the version
(``tag`` is then its name, else null), else the commit found from the history alone (core/history.py).

Each version is validated as ``dutylist validate --against <previous version>`` would: its files are
read from git objects into a temporary folder (only the files its descriptor names), so the working
tree is never touched. The cost is one validation per version (about 0.2 s each on the real package).
"""

import tempfile
from pathlib import Path

from ..core.errors import DutylistError
from ..core.edition import EditionError, GitReader, load_edition
from ..core.history import list_versions, named_files, open_repo, tag_warnings
from ..core.package import DESCRIPTOR, LISTS


class ReleaseError(DutylistError):
    """The job cannot be done (no git repository, unreadable edition, refused release): exit code 2.

    ``code`` and ``file`` (when known) go into the JSON error object of ``--format json``.
    """

    def __init__(self, message, code=None, file=None):
        super().__init__(message, code=code, file=file)


def repository(folder):
    """The git repository at folder; ReleaseError when there is none."""
    repo = open_repo(folder)
    if repo is None:
        raise ReleaseError(f"{folder}: not a git repository; versions are read from git history "
                           f"(give the repository's folder with --repo)")
    return repo


def load_version(repo, version):
    """The edition at the commit holding ``version`` (a ``history.Version``), labelled by its version alone."""
    try:
        edition = load_edition(GitReader(repo, version.commit))
    except EditionError as error:
        raise ReleaseError(f"version {version.version} (commit {version.commit[:12]}) cannot be read: "
                           f"{error.location()}: {error.message}") from None
    return labelled(edition, f"version {version.version}")


def labelled(edition, label):
    """The edition with a label and no revision, so that reports do not change with unrelated commits."""
    edition["label"] = label
    edition["revision"] = None
    return edition


def counts(edition):
    found = {name: 0 for name in LISTS}
    for item in edition["items"].values():
        found[item["list"]] = found.get(item["list"], 0) + 1
    return found


def list_editions(folder):
    repo = repository(folder)
    entries = []
    earlier = None
    versions = list_versions(repo)
    for version in reversed(versions):
        entry = {"version": version.version, "edition": version.edition, "date": version.release_date,
                 "commit": version.commit, "released": version.released, "tag": version.tag or None, "counts": None,
                 "valid": False, "errors": 0, "warnings": 0, "first_error": None}
        try:
            edition = load_version(repo, version)
        except ReleaseError as error:
            entry.update(errors=1, first_error=str(error))
            entries.append(entry)
            continue
        entry["counts"] = counts(edition)
        report = validate_commit(repo, version.commit, earlier)
        entry.update(valid=report["valid"], errors=len(report["errors"]), warnings=len(report["warnings"]),
                     first_error=_first_error(report))
        entries.append(entry)
        earlier = edition
    return {"versions": entries[::-1], "tag_warnings": tag_warnings(repo, versions)}


def validate_commit(repo, commit, earlier=None):
    """``validate_package`` on the package at ``commit`` (against ``earlier``, a loaded edition, when given)."""
    from ..diff.compare import compare
    from ..validate import run

    with tempfile.TemporaryDirectory(prefix="dutylist-edition-") as folder:
        export(GitReader(repo, commit), Path(folder))
        against = f"version {earlier['descriptor'].get('version')}" if earlier is not None else None
        return run.validate_package(folder, against, earlier=earlier, compare=compare)


def export(reader, folder):
    """Write the descriptor and the files it names (resources and schemas inside the package) into folder."""
    import json

    data = reader.read(DESCRIPTOR)
    if data is None:
        return
    (folder / DESCRIPTOR).write_bytes(data)
    try:
        descriptor = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return
    for path in named_files(descriptor):  # validate reports an unsafe path from the descriptor itself
        content = reader.read(path)
        if isinstance(content, bytes):
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)


def _first_error(report):
    if not report["errors"]:
        return None
    error = report["errors"][0]
    where = ":".join(str(part) for part in (error["file"], error["row"], error["field"]) if part is not None)
    return f"{where}  {error['code']}: {error['message']}"


def render_text(report):
    """One line per version, newest first, then one line that says whether all is well."""
    lines = [f"{'version':<9} {'edition':<8} {'date':<10} {'commit':<12} {'basic':>5} {'coord.':>6} {'recl.':>5}  validates"]
    for entry in report["versions"]:
        count = entry["counts"] or {}
        verdict = "yes" if entry["valid"] else f"NO ({entry['errors']} errors: {entry['first_error']})"
        if entry["valid"] and entry["warnings"]:
            verdict += f" ({entry['warnings']} warnings)"
        lines.append(f"{entry['version']:<9} {entry['edition'] or '-':<8} {entry['date']:<10} {entry['commit'][:12]:<12} "
                     f"{count.get('basic', '-'):>5} {count.get('coordinated', '-'):>6} {count.get('reclaimed', '-'):>5}  {verdict}")
    invalid = [entry["version"] for entry in report["versions"] if not entry["valid"]]
    if not report["versions"]:
        lines.append(f"no version: no commit of this branch declares a version in {DESCRIPTOR}")
    elif invalid:
        lines.append(f"{len(report['versions'])} version(s); not valid under this version of dutylist's checks: {', '.join(invalid)} "
                     f"(an older version may predate a check, e.g. half-width-punctuation came with 1.1.0)")
    else:
        lines.append(f"{len(report['versions'])} version(s), all valid")
    lines += [f"warning: {warning}" for warning in report.get("tag_warnings", [])]
    return "\n".join(lines)
