"""``dutylist release``: make the next version of the package, commit it and tag it ``vX.Y.Z``.

``plan_release(folder, bump, today)`` decides everything and returns plain data (the JSON output),
writing nothing; ``apply(plan)`` writes its files as one atomic set. The steps:

1. the previous version is the newest in the history of HEAD, read at the commit that released it;
2. the working tree is compared with it: ``compare()``'s ``summary.bump`` is the bump the changes
   call for, ``bump_reasons`` why. Nothing changed (bump ``none``) is refused;
3. ``auto`` takes that bump; an explicit bump smaller than it is refused with the reasons;
4. ``version`` and ``created`` (``today``, midnight UTC) are set in ``datapackage.json``;
5. the edition, with that descriptor, is validated, against the previous version too (ids never
   reused, version grew); an invalid edition is refused;
6. changelog/ is regenerated with the new version;
7. unless ``commit=False`` (``--no-commit``): the package's paths (``RELEASED_PATHS``) are committed as
   "Release X.Y.Z" and that commit gets the annotated tag ``vX.Y.Z``.

Refused before anything is written: a tag ``vX.Y.Z`` that already exists (with or without a commit:
that version was released before), and, when committing, tracked files outside the package's paths
that differ from HEAD (they would be left out of the release commit or slip into it; commit or stash
them first, or release with ``--no-commit``), or no git identity to commit with. Untracked files
outside the package's paths are left alone. The git hooks of the clone run as for any ``git commit``.
"""

import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from ..core.edition import EditionError, FolderReader, read_descriptor
from ..core.history import CHANGELOG_FOLDER, existing_tag, tag_name
from ..core.kinds import bump_rank
from ..core.names import NameRefused, version_key
from ..core.package import DESCRIPTOR, write_files_atomic
from . import changelog
from .editions import ReleaseError, export, load_version, repository

SHOWN_ERRORS = 10
RELEASED_PATHS = (DESCRIPTOR, "data", "schemas", "sources", CHANGELOG_FOLDER)  # what a release commit holds


def today():
    """Today's date (UTC), or the date of SOURCE_DATE_EPOCH when set (reproducible builds, tests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch and epoch.isdigit() else datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%d")


def next_version(version, bump):
    try:
        major, minor, patch = version_key(version)
    except NameRefused as error:
        raise ReleaseError(f"the previous version: {error}; fix it by hand", code="version-refused", file=DESCRIPTOR) from None
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def plan_release(folder, bump="auto", date=None, commit=True):
    from ..diff.compare import compare

    folder = Path(folder)
    repo = repository(folder)
    versions = changelog.checked_versions(repo)
    if not versions:
        raise ReleaseError(f"no earlier version in the history of HEAD: declare the first version in {DESCRIPTOR}, "
                           f"run `dutylist changelog`, and commit both")
    if commit:
        refuse_unrelated_changes(repo)
    previous = versions[0]
    previous_edition = load_version(repo, previous)
    working = changelog.working_tree(folder)
    report = compare(previous_edition, working)
    required = report["summary"]["bump"]
    if required == "none":
        raise ReleaseError(f"nothing changed since version {previous.version}: the package is the one it released "
                           f"(`dutylist diff {previous.version}` shows no change); there is nothing to release")
    chosen = required if bump == "auto" else bump
    if bump_rank(chosen) < bump_rank(required):
        reasons = [reason for reason in report["summary"]["bump_reasons"] if bump_rank(reason["bump"]) > bump_rank(chosen)]
        raise ReleaseError(f"a {chosen} release is too small: the changes since version {previous.version} call for "
                           f"{required}, because:\n" + "\n".join(f"  - {reason['bump']}: {reason['reason']}" for reason in reasons)
                           + f"\nrun `dutylist release {required}` (or `auto`)")
    version = next_version(previous.version, chosen)
    refuse_existing_tag(repo, version)
    if commit:
        refuse_without_identity(repo)
    created = f"{date or today()}T00:00:00Z"
    descriptor_path = folder / DESCRIPTOR
    try:
        descriptor = read_descriptor(FolderReader(folder))  # through core/files.py, never a link out or into .git
    except EditionError as error:
        raise ReleaseError(f"the package in {folder} cannot be read: {error.location()}: {error.message}") from None
    descriptor.update(version=version, created=created)
    descriptor_text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    validation = validate_with(folder, descriptor_text, previous_edition)
    if not validation["valid"]:
        errors = validation["errors"]
        shown = "\n".join(f"  {_where(error)}  {error['code']}: {error['message']}" for error in errors[:SHOWN_ERRORS])
        more = f"\n  and {len(errors) - SHOWN_ERRORS} more" if len(errors) > SHOWN_ERRORS else ""
        raise ReleaseError(f"version {version} would not be valid ({len(errors)} error(s)); fix them, then release:\n{shown}{more}\n"
                           f"(`dutylist validate --against {previous.commit[:12]}` lists them all)")
    working["descriptor"] = descriptor
    entries = [entry for entry in changelog.history(repo) if entry.version != version] + [changelog.entry_of(working)]
    files = changelog.generate(entries, changelog.existing_notes(changelog.read(folder, changelog.INDEX)))
    # the descriptor last: it makes the release official, so a process killed between two renames leaves
    # the package at the old version (changelog --check then names the changelog files written ahead of it)
    writes = {**changelog.changed_files(folder, files), descriptor_path: descriptor_text}
    return {
        "from": previous.version,
        "version": version,
        "bump": chosen,
        "required": required,
        "reasons": report["summary"]["bump_reasons"],
        "created": created,
        "warnings": len(validation["warnings"]),
        "files": [str(path.relative_to(folder)) for path in sorted(writes, key=lambda path: path != descriptor_path)],  # as shown
        "tag": tag_name(version),
        "commit": f"git add {' '.join(_present(repo))} && git commit -m \"Release {version}\" "
                  f"&& git tag -a {tag_name(version)} -m \"Release {version}\"",
        "committed": None,  # the release commit's full hash once made
        "_writes": writes,
        "_repo": repo if commit else None,
    }


def refuse_existing_tag(repo, version):
    """ReleaseError when the tag of ``version`` exists already: a version is released once."""
    tagged = existing_tag(repo, version)
    if tagged is not None:
        raise ReleaseError(f"tag {tag_name(version)} already exists (commit {tagged[:12]}): version {version} was released "
                           f"before. If that tag is a mistake, delete it (git tag -d {tag_name(version)}) and release again",
                           code="tag-exists")


def unrelated_changes(repo):
    """Tracked files outside ``RELEASED_PATHS`` that differ from HEAD (staged or not), as git names them."""
    changed = repo.git.diff("HEAD", "--name-only", "--no-renames", "-z").split("\0")
    return [path for path in changed if path and not any(path == top or path.startswith(top + "/") for top in RELEASED_PATHS)]


def refuse_unrelated_changes(repo):
    """ReleaseError naming the files that would not belong in the release commit."""
    unrelated = unrelated_changes(repo)
    if unrelated:
        shown = ", ".join(unrelated[:SHOWN_ERRORS]) + (f" and {len(unrelated) - SHOWN_ERRORS} more" if len(unrelated) > SHOWN_ERRORS else "")
        raise ReleaseError(f"the working tree has changes outside the package ({shown}): the release commit holds only "
                           f"{', '.join(RELEASED_PATHS)}; commit or stash them first, or release with --no-commit and "
                           f"commit yourself", code="tree-not-clean", file=unrelated[0])


def refuse_without_identity(repo):
    """ReleaseError when git has no name and e-mail to commit with (checked before anything is written)."""
    import git

    try:
        repo.git.var("GIT_COMMITTER_IDENT")
    except git.GitCommandError:
        raise ReleaseError("git has no identity to commit the release with: set it (git config user.name \"…\"; "
                           "git config user.email …), or release with --no-commit", code="no-git-identity") from None


def _present(repo):
    """The paths of RELEASED_PATHS that exist in the working tree or in HEAD (git add refuses a missing one)."""
    root = Path(repo.working_tree_dir)
    head = repo.head.commit.tree
    return [path for path in RELEASED_PATHS if (root / path).exists() or _in_tree(head, path)]


def _in_tree(tree, path):
    try:
        tree[path]
    except KeyError:
        return False
    return True


def validate_with(folder, descriptor_text, previous_edition):
    """Validate the working tree's package with the new descriptor, against the previous version, in a temporary copy."""
    from ..diff.compare import compare
    from ..validate import run

    class Reader(FolderReader):
        def read(self, path):
            return descriptor_text.encode("utf-8") if path == DESCRIPTOR else super().read(path)

    with tempfile.TemporaryDirectory(prefix="dutylist-release-") as copy:
        export(Reader(folder), Path(copy))
        against = f"version {previous_edition['descriptor'].get('version')}"
        return run.validate_package(copy, against, earlier=previous_edition, compare=compare)


def apply(plan):
    """Write the release's files; then, unless --no-commit, commit them and tag the commit."""
    write_files_atomic(plan["_writes"])
    if plan["_repo"] is not None:
        plan["committed"] = commit_and_tag(plan["_repo"], plan)


def commit_and_tag(repo, plan):
    """Commit RELEASED_PATHS as "Release X.Y.Z" and tag that commit vX.Y.Z (annotated); the commit's hash.

    The files are written already: a failing ``git commit`` (a hook that refuses, say) is reported with
    the command to finish by hand, and leaves them for the maintainer to commit."""
    import git

    version, tag = plan["version"], plan["tag"]
    reasons = "".join(f"\n- {reason['bump']}: {reason['reason']}" for reason in plan["reasons"])
    message = f"Release {version}\n\nA {plan['bump']} release after {plan['from']}, because:{reasons}\n"
    try:
        repo.git.add("-A", "--", *_present(repo))
        repo.git.commit("-q", "-m", message)
    except git.GitCommandError as error:
        raise ReleaseError(f"wrote the release files, but git could not commit them ({_last_line(error)}); "
                           f"commit and tag them yourself: {plan['commit']}", code="cannot-commit") from None
    committed = repo.head.commit.hexsha
    try:
        repo.git.tag("-a", tag, "-m", f"Release {version}", committed)
    except git.GitCommandError as error:
        raise ReleaseError(f"committed the release as {committed[:12]}, but git could not tag it ({_last_line(error)}); "
                           f"tag it yourself: git tag -a {tag} -m \"Release {version}\" {committed[:12]}",
                           code="cannot-tag") from None
    return committed


def _last_line(error):
    text = (error.stderr or "").strip() or str(error)
    return text.splitlines()[-1].strip().removeprefix("stderr: ").strip("'")


def public(plan):
    return {key: value for key, value in plan.items() if not key.startswith("_")}


def render_text(plan, dry_run, committing=True):
    lines = [f"release {plan['version']}: a {plan['bump']} release after {plan['from']}"
             + (f" (the changes call for {plan['required']})" if plan["bump"] != plan["required"] else "") + ", because:"]
    lines += [f"  - {reason['bump']}: {reason['reason']}" for reason in plan["reasons"]]
    lines.append(f"valid against version {plan['from']} (0 errors, {plan['warnings']} warnings)")
    lines.append("would write:" if dry_run else "wrote:")
    lines += [f"  {name}" + (f" (version {plan['version']}, created {plan['created']})" if name == DESCRIPTOR else "")
              for name in plan["files"]]
    if dry_run:
        lines.append("dry run: nothing written" + (f"; would commit it and tag it {plan['tag']}" if committing else ""))
    elif plan["committed"]:
        lines.append(f"committed {plan['committed'][:12]} \"Release {plan['version']}\" and tagged it {plan['tag']}; "
                     f"publish both: git push origin HEAD {plan['tag']}")
    else:
        lines.append(f"now review and commit it: {plan['commit']}")
    return "\n".join(lines)


def _where(error):
    return ":".join(str(part) for part in (error["file"], error["row"], error["field"]) if part is not None)

