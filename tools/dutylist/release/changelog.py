"""``dutylist changelog``: changelog/ generated from the versions in git history, and checked against it.

For every version (oldest first, each compared with the one before):

- ``changelog/<version>.md``: the change report a reviewer reads, in the order they check: the
  summary, then each section folded in ``<details>`` as in a pull-request comment (the item changes
  unfolded): the changes by kind (reclaimed, returned, added, removed, moved, changed) and the rest of
  ``dutylist diff``'s Markdown report, then a second view by county department. The first version
  is described as a whole instead (counts per list and per category, registers, correction records
  by status), not item by item;
- ``changelog/<version>.json``: the same change set as data, exactly ``compare()``'s return value
  (for the first version: against an empty edition, so every item with its full record);
- a section of ``changelog/CHANGELOG.md``, newest first, with the summary, the bump and its reasons,
  and where the details are. Release notes written by hand between a section's markers are kept.

Output depends on the versions' content only: no commit hash (the editions are labelled by their
version) and no clock (the date is the ``created`` that ``dutylist release`` sets, else the release
commit's date), so regenerating an unchanged history changes no byte.
"""

import re
from dataclasses import asdict, dataclass

from ..core import markdown
from ..core.edition import EditionError, FolderReader, load_edition
from ..core.files import FileRefused, read_package_file
from ..core.history import CHANGELOG_FOLDER, list_versions
from ..core.kinds import KIND_NAMES, KINDS, bump_rank
from ..core.names import NameRefused, contained, is_version, version_key, version_problem
from ..core.shown import quoted
from ..core.package import CORRECTION_STATUSES, DESCRIPTOR, LIST_LABELS, LISTS
from ..core.shown import json_text
from .editions import ReleaseError, counts, labelled, load_version, repository

INDEX = "CHANGELOG.md"
VERSION_FILE = re.compile(r"^(\d+\.\d+\.\d+)\.(md|json)$")
SECTION_START = re.compile(r"^## (\S+) · ", re.MULTILINE)
NOTES = re.compile(r"<!-- release notes (\S+) \(by hand[^\n]*-->\n(.*?)<!-- end of release notes \1 -->", re.DOTALL)
INTRO = """# Changes

One section per version of the data package, newest first, generated from the git history by
`dutylist changelog`. Do not edit this folder by hand, except between the release-notes markers of a
section: what is written there is kept when the file is regenerated. Each version's full report is
beside this file: `<version>.md` (the changes by kind, then by county department) and
`<version>.json` (the same change set as data: the output of `dutylist diff OLD NEW --format json`,
with each side named by its version instead of a commit). `dutylist changelog --check`, run by CI,
fails when this folder does not match the history.
"""


@dataclass(frozen=True)
class Entry:
    """One version as the changelog shows it: its number, official edition, date and loaded content."""

    version: str
    edition_name: str
    date: str
    edition: dict


@dataclass(frozen=True)
class Problem:
    """One way in which changelog/ does not match the history."""

    code: str  # missing, unreadable, stale, not-a-version, section-missing, section-stale, section-not-a-version, unreleased-change
    file: str
    message: str

    def to_dict(self):
        return asdict(self)


# --- the history ------------------------------------------------------------------------------------

def checked_versions(repo):
    """``list_versions(repo)`` (newest first), once every version is checked to be MAJOR.MINOR.PATCH: a version
    names files of changelog/, so a value such as ``../../x/pwned`` or ``1.2`` is refused before any path is built."""
    versions = list_versions(repo)
    for version in versions:
        refuse_bad_version(version.version, f"commit {version.released[:12]}",
                           "make that commit declare a proper version (on your branch: amend or rebase it), then run the command again")
    return versions


def refuse_bad_version(value, where, what_to_do):
    """ReleaseError (code version-refused) when value is not a version MAJOR.MINOR.PATCH."""
    problem = version_problem(value)
    if problem:
        raise ReleaseError(f"{where} declares version {quoted(value)} in {DESCRIPTOR}, which {problem}; "
                           f"a version names files of {CHANGELOG_FOLDER}/, so nothing was written: {what_to_do}",
                           code="version-refused", file=DESCRIPTOR)


def history(repo):
    """Every version of HEAD's first-parent history as an ``Entry``, oldest first (a version listed twice: its newest run)."""
    entries = {}
    for version in reversed(checked_versions(repo)):
        entries.pop(version.version, None)
        entries[version.version] = Entry(version.version, version.edition, version.release_date, load_version(repo, version))
    return list(entries.values())


def working_tree(folder):
    try:
        edition = load_edition(FolderReader(folder))
    except EditionError as error:
        raise ReleaseError(f"the package in {folder} cannot be read: {error.location()}: {error.message}") from None
    return edition


def entry_of(edition):
    """The working tree (or a release being made) as an entry of its own."""
    descriptor = edition["descriptor"]
    created = descriptor.get("created")
    edition_name = descriptor.get("edition")
    return Entry(descriptor.get("version"), edition_name if isinstance(edition_name, str) else "",
                 created[:10] if isinstance(created, str) else "", labelled(edition, f"version {descriptor.get('version')}"))


def versions_with_working_tree(repo, folder):
    """The history, plus the working tree when it declares a version the history does not have yet."""
    entries = history(repo)
    working = working_tree(folder)
    declared = working["descriptor"].get("version")
    if isinstance(declared, str) and declared not in {entry.version for entry in entries}:
        refuse_bad_version(declared, "the working tree",
                           f"fix `version` in {folder / DESCRIPTOR}, then run the command again")
        entries.append(entry_of(working))
        working = None
    return entries, working


# --- generating -------------------------------------------------------------------------------------

def generate(entries, notes=None):
    """{file name in changelog/: text} for the entries (oldest first); ``notes``: {version: release notes}."""
    from ..diff.compare import compare, empty_edition

    notes = notes or {}
    files, sections = {}, []
    previous = None
    for entry in entries:
        report = compare(previous.edition if previous else empty_edition(), entry.edition)
        files[f"{entry.version}.json"] = json_text(report, indent=2) + "\n"
        files[f"{entry.version}.md"] = version_report(entry, previous, report)
        sections.append(section(entry, previous, report, notes.get(entry.version, "")))
        previous = entry
    files[INDEX] = INTRO + "".join("\n" + text for text in reversed(sections))
    return files


def heading(entry):
    """The version's heading text, each part escaped (an edition name or a date comes from the descriptor)."""
    parts = [escape(entry.version)]
    if entry.edition_name:
        parts.append(f"edition {escape(entry.edition_name)}")
    parts.append(escape(entry.date) if entry.date else "not committed yet")
    return " · ".join(parts)


def version_report(entry, previous, report):
    if previous is None:
        return initial_edition(entry)
    from ..diff import render_markdown

    return render_markdown.render_collapsible(report) + by_department(report)


def by_department(report):
    """The second view, folded: each county department with the changed items it concerns, from either side."""
    from ..diff import render_markdown

    if report["summary"]["identical"]:
        return ""
    items = {item["id"]: item for item in report["items"]}
    lines = ["The changed items that concern each county department (配合 coordinated with it, 收回 taken over by it, "
             "before or after the change); the details are above. Items without a department (the basic list) come last.", ""]
    for group in report["by_department"]:
        lines += [f"### {escape(group['department'] or '无对应部门 No department')} ({len(group['ids'])})", ""]
        for item_id in group["ids"]:
            item = items[item_id]
            lines.append(f"- {KIND_NAMES[item['change']]}: {markdown.code(item_id)} {escape(item['name'] or '(无名称 no name)')}")
        lines.append("")
    return "\n" + render_markdown.collapsible("按部门 By department", "\n".join(lines).rstrip("\n")) + "\n"


def initial_edition(entry):
    """The first version described as a whole: counts per list and category, registers, correction records."""
    edition = entry.edition
    per_list = counts(edition)
    lines = [f"# {heading(entry)} · 初始版本 Initial edition", "",
             f"The first version of the package, described as a whole rather than item by item. Every item, "
             f"with its full record, is in `data/` at this version and in [`{entry.version}.json`]({entry.version}.json) "
             f"(the change set against an empty edition, so every item is listed as added).", "",
             "## 清单 Lists", "", "| 清单 List | 事项 Items |", "|---|---:|"]
    lines += [f"| {LIST_LABELS[name]} ({name}) | {per_list[name]} |" for name in LISTS]
    lines += [f"| 合计 Total | {sum(per_list.values())} |", ""]
    lines += categories_table(edition)
    lines += registers_summary(edition)
    lines += corrections_summary(edition)
    lines += schemas_summary(edition)
    return "\n".join(lines)


def categories_table(edition):
    register = edition["registers"].get("categories", {})
    table = {}
    for item in edition["items"].values():
        row = table.setdefault(item.get("category", ""), {name: 0 for name in LISTS})
        row[item["list"]] += 1
    order = [name for name in register if name in table] + sorted(name for name in table if name not in register)
    lines = ["## 事项类别 Items per category", "",
             "| 事项类别 Category | English | " + " | ".join(LISTS) + " | total |",
             "|---|---|" + "---:|" * (len(LISTS) + 1)]
    for name in order:
        english = register.get(name, {}).get("name_en", "") if name in register else ""
        label = escape(name) if name else "(空 empty: flagged unrecoverable)"
        row = table[name]
        lines.append(f"| {label} | {escape(english)} | " + " | ".join(str(row[list_name]) for list_name in LISTS)
                     + f" | {sum(row.values())} |")
    unused = [name for name in register if name not in table]
    if unused:
        lines += ["", "Categories in the register that no item uses: " + "、".join(escape(name) for name in unused) + "."]
    return lines + [""]


def registers_summary(edition):
    departments = edition["registers"].get("departments", {})
    levels = {}
    for row in departments.values():
        levels[row.get("level", "")] = levels.get(row.get("level", ""), 0) + 1
    by_level = ", ".join(f"{level or '(no level)'} {number}" for level, number in sorted(levels.items(), key=lambda pair: (-pair[1], pair[0])))
    return ["## 登记表 Registers", "",
            f"- 事项类别 Categories: {len(edition['registers'].get('categories', {}))}",
            f"- 部门 Departments: {len(departments)}" + (f" ({by_level})" if by_level else ""), ""]


def corrections_summary(edition):
    records = edition.get("corrections", [])
    statuses, kinds = {}, {}
    for row in records:
        statuses[row.get("status", "")] = statuses.get(row.get("status", ""), 0) + 1
        kinds[row.get("kind", "")] = kinds.get(row.get("kind", ""), 0) + 1
    lines = [f"## 更正记录 Correction records ({len(records)})", "", "| 处理 Status | 数量 Records |", "|---|---:|"]
    order = [status for status in CORRECTION_STATUSES if status in statuses] + sorted(status for status in statuses if status not in CORRECTION_STATUSES)
    lines += [f"| {escape(status or '(empty)')} | {statuses[status]} |" for status in order]
    lines += ["", "| 损坏类型 Kind | 数量 Records |", "|---|---:|"]
    lines += [f"| {escape(kind or '(empty)')} | {number} |" for kind, number in sorted(kinds.items(), key=lambda pair: (-pair[1], pair[0]))]
    return lines + [""]


def schemas_summary(edition):
    lines = ["## 表结构 Schema", "", "| 资源 Resource | 字段 Fields |", "|---|---|"]
    for name in sorted(edition.get("schemas", {})):
        schema = edition["schemas"][name]
        fields = schema.get("fields") if isinstance(schema, dict) else None
        names = [field.get("name", "") for field in fields if isinstance(field, dict)] if isinstance(fields, list) else []
        lines.append(f"| {markdown.code(name, in_table=True)} | " + ", ".join(markdown.code(field, in_table=True) for field in names) + " |")
    return lines + [""]


def section(entry, previous, report, notes):
    lines = [f"## {heading(entry)}", "",
             f"<!-- release notes {entry.version} (by hand: write them below; `dutylist changelog` keeps them) -->",
             f"{notes}<!-- end of release notes {entry.version} -->", ""]
    summary = report["summary"]
    if previous is None:
        per_list = counts(entry.edition)
        statuses = {}
        for row in entry.edition.get("corrections", []):
            statuses[row.get("status", "")] = statuses.get(row.get("status", ""), 0) + 1
        lines.append(
            "**摘要 Summary:** the first version: "
            + ", ".join(f"{per_list[name]} {name}" for name in LISTS) + " items; "
            + f"{len(entry.edition['registers'].get('categories', {}))} categories, "
            + f"{len(entry.edition['registers'].get('departments', {}))} departments; "
            + f"{len(entry.edition.get('corrections', []))} correction records"
            + (" (" + ", ".join(f"{statuses[status]} {status}" for status in CORRECTION_STATUSES if status in statuses) + ")" if statuses else "")
            + ".")
        lines += ["", f"Details: [`{entry.version}.md`]({entry.version}.md) (the edition described as a whole) · "
                      f"[`{entry.version}.json`]({entry.version}.json) (every item, as added to an empty edition)", ""]
        return "\n".join(lines)
    lines.append("**摘要 Summary:** " + summary_sentence(summary) + ".")
    declared = summary["declared_bump"]
    verdict = ""
    if declared is not None:
        verdict = f"; declared {declared}" + (" ✓" if bump_rank(declared) >= bump_rank(summary["bump"]) else " ⚠ lower than the changes call for")
    lines += ["", f"**版本 Bump: {summary['bump']}** (from {previous.version}{verdict})" + (", because:" if summary["bump_reasons"] else ""), ""]
    lines += [f"- {reason['bump']}: {escape(reason['reason'])}" for reason in summary["bump_reasons"]]
    if summary["bump_reasons"]:
        lines.append("")
    lines += [f"Details: [`{entry.version}.md`]({entry.version}.md) (by kind, then by county department) · "
              f"[`{entry.version}.json`]({entry.version}.json) (for programs) · "
              f"`dutylist diff {previous.version} {entry.version}` (any format, e.g. `--format html -o report.html`)", ""]
    return "\n".join(lines)


def summary_sentence(summary):
    parts = [f"{kind} {summary[kind]}" for kind in KINDS if summary[kind]]
    for key, label in (("renumbered", "renumbered"), ("registers", "register rows changed"),
                       ("corrections", "correction records changed"), ("schema", "schema changes")):
        if summary[key]:
            parts.append(f"{label} {summary[key]}")
    if not parts:
        parts.append("no change to the lists, registers, corrections or schemas" if not summary["identical"] else "no change")
    lists = ", ".join(f"{name} {summary['lists'][name]['before']} → {summary['lists'][name]['after']}" for name in LISTS)
    return ", ".join(parts) + f"; items per list: {lists}"


def escape(value):
    """value as Markdown text on one line (core/markdown.py)."""
    return markdown.text(value, line_break=" ")


# --- what is on disk --------------------------------------------------------------------------------

def existing_notes(text):
    """{version: the text between its release-notes markers}; an editor's CRLF line endings become LF."""
    text = (text or "").replace("\r\n", "\n")
    return {match.group(1): match.group(2) for match in NOTES.finditer(text)}


def sections(text):
    """(introduction, {version: section text}) of a CHANGELOG.md."""
    starts = [match.start() for match in SECTION_START.finditer(text)]
    found = {}
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        found.setdefault(SECTION_START.match(text, start).group(1), text[start:end])
    return text[: starts[0]] if starts else text, found


def read(folder, name):
    """The text of changelog/<name> (CRLF read as LF, as git's autocrlf may write it), None when there is no
    such file; ReleaseError when it cannot be read."""
    try:
        data = read_package_file(folder, f"{CHANGELOG_FOLDER}/{name}")  # core/files.py: never a link out or into .git
        return None if data is None else data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except FileRefused as refused:
        raise ReleaseError(f"{CHANGELOG_FOLDER}/{name} cannot be read: it {refused.message}") from None
    except UnicodeDecodeError as error:
        raise ReleaseError(f"{CHANGELOG_FOLDER}/{name} cannot be read ({error}); it must be UTF-8 text. "
                           f"Save your release notes elsewhere, delete it and run `dutylist changelog`") from None


def expected_files(folder, lenient=False):
    """What changelog/ should hold for the history of the repository at folder, with the release notes it has.

    Raises ReleaseError when CHANGELOG.md exists but cannot be read (its release notes would be lost),
    unless ``lenient`` (for --check, which reports it).
    """
    repo = repository(folder)
    entries, working = versions_with_working_tree(repo, folder)
    try:
        notes = existing_notes(read(folder, INDEX))
    except ReleaseError:
        if not lenient:
            raise
        notes = {}
    return generate(entries, notes), entries, working


def unreleased_change(entries, working):
    """A Problem when the working tree's package differs from the newest version's content, else None."""
    from ..diff.compare import compare

    if working is None or not entries:
        return None
    newest = entries[-1]
    if working["descriptor"].get("version") != newest.version:
        return None
    if compare(newest.edition, working)["summary"]["identical"]:
        return None
    return Problem("unreleased-change", "datapackage.json",
                   f"the package changed since version {newest.version}; run `dutylist release` "
                   f"(main is always a released version; `dutylist diff {newest.version}` shows the change)")


def check(folder):
    """Every Problem of changelog/ against the history (the JSON output of ``dutylist changelog --check``)."""
    files, entries, working = expected_files(folder, lenient=True)
    problems = []
    for name, text in sorted(files.items(), key=lambda pair: (pair[0] == INDEX, _version_key(pair[0]))):
        where = f"{CHANGELOG_FOLDER}/{name}"
        try:
            actual = read(folder, name)
        except ReleaseError as error:
            problems.append(Problem("unreadable", where, str(error)))
            continue
        if actual is None:
            problems.append(Problem("missing", where, f"{where} is missing; run `dutylist changelog`"))
        elif name == INDEX:
            problems += index_problems(where, text, actual)
        elif actual != text:
            problems.append(Problem("stale", where, f"{where} does not match the history (edited by hand, written by another "
                                                     f"version of dutylist, or the history rewritten); run `dutylist changelog`"))
    versions = {entry.version for entry in entries}
    for path in sorted((folder / CHANGELOG_FOLDER).glob("*")) if (folder / CHANGELOG_FOLDER).is_dir() else []:
        match = VERSION_FILE.match(path.name)
        if match and match.group(1) not in versions:
            problems.append(Problem("not-a-version", f"{CHANGELOG_FOLDER}/{path.name}",
                                    f"{CHANGELOG_FOLDER}/{path.name}: no version {match.group(1)} in the history of this branch; remove it"))
    unreleased = unreleased_change(entries, working)
    if unreleased:
        problems.append(unreleased)
    return {"ok": not problems, "versions": [entry.version for entry in reversed(entries)], "problems": [p.to_dict() for p in problems]}


def index_problems(where, expected, actual):
    problems = []
    expected_intro, expected_sections = sections(expected)
    actual_intro, actual_sections = sections(actual)
    if expected_intro != actual_intro:
        problems.append(Problem("stale", where, f"{where}: the introduction was edited; run `dutylist changelog`"))
    for version, text in expected_sections.items():
        if version not in actual_sections:
            problems.append(Problem("section-missing", where, f"{where}: no section for version {version}; run `dutylist changelog`"))
        elif actual_sections[version] != text:
            problems.append(Problem("section-stale", where, f"{where}: the section of version {version} does not match the "
                                                            f"history (edit only between its release-notes markers); run `dutylist changelog`"))
    for version in actual_sections:
        if version not in expected_sections:
            problems.append(Problem("section-not-a-version", where, f"{where}: a section for {version}, which is no version "
                                                                    f"in the history of this branch; run `dutylist changelog`"))
    if not problems and expected != actual:
        problems.append(Problem("stale", where, f"{where}: the sections are not in order; run `dutylist changelog`"))
    return problems


def _version_key(name):
    """Files of changelog/ in version order (core/names.py's version_key), CHANGELOG.md and other names after."""
    version = name.rpartition(".")[0]
    return (0, *version_key(version), name) if is_version(version) else (1, name)


def changed_files(folder, files):
    """{path: text} of the files in changelog/ whose text differs from files' (a file that cannot be read is rewritten).

    Each target is checked to stay inside changelog/ (no link on the way, no name leading out), whatever
    the name: a write outside the folder is impossible even if a name slipped past the version grammar.
    """
    changed = {}
    for name, text in files.items():
        try:
            target = contained(folder, f"{CHANGELOG_FOLDER}/{name}")
        except NameRefused as error:
            raise ReleaseError(f"{error}; nothing was written", code="cannot-write", file=f"{CHANGELOG_FOLDER}/{name}") from None
        try:
            same = read(folder, name) == text
        except ReleaseError:
            same = False
        if not same:
            changed[target] = text
    return changed


def render_check(report):
    lines = [problem["message"] for problem in report["problems"]]
    versions = ", ".join(report["versions"]) or "none"
    lines.append(f"changelog/ matches the history (versions {versions})" if report["ok"]
                 else f"changelog/ does not match the history: {len(report['problems'])} problem(s)")
    return "\n".join(lines)


def update(folder):
    """Write the files of changelog/ that differ from the history, as one atomic set; returns what was done."""
    from ..core.package import write_files_atomic

    files, entries, working = expected_files(folder)
    writes = changed_files(folder, files)
    write_files_atomic(writes)
    unreleased = unreleased_change(entries, working)
    return {"written": sorted(path.relative_to(folder).as_posix() for path in writes),
            "versions": [entry.version for entry in reversed(entries)],
            "unreleased_change": unreleased.message if unreleased else None}


def render_update(report):
    versions = ", ".join(report["versions"]) or "none"
    lines = [f"wrote {name}" for name in report["written"]]
    lines.append(f"changelog/ now matches the history (versions {versions})" if report["written"]
                 else f"changelog/ is up to date (versions {versions})")
    if report["unreleased_change"]:
        lines.append(f"note: {report['unreleased_change']}")
    return "\n".join(lines)
