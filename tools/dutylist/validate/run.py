"""Validate an edition end to end: ``validate_package(path)`` returns ``{"valid", "errors", "warnings"}``.

Every check runs; nothing stops at the first problem. Findings are capped at
``MAX_PER_CODE_AND_FILE`` per code, level and file (the report's ``omitted`` counts the
rest), so that one typo cannot flood the output. Only input that cannot be read at all
(no package at PATH, a descriptor that is not JSON or nests too deeply, an unknown
revision, a file that is refused: a symbolic link leading out of the package, a device,
a FIFO, a file over the size limit; see core/files.py) raises ``PackageUnreadable``.

Row numbers count CSV records with the header as row 1, as frictionless does
(a cell holding line breaks makes a record longer than one line).

A national collection is read on two cores when it can be (``lists_apart``): the largest list here, the others
in a second process; each per-item check hands over what it kept (``checks.keeps``), so the report is
byte for byte what one process gives (tests/test_validate_apart.py).
"""

import json

from ..core import edition
from ..core.fork import FAILED, Forked, spare_core
from ..core.history import open_repo, version_commit, version_of_spec
from ..core.package import DESCRIPTOR, LIST_OF_RESOURCE
from . import checks
from .findings import ERROR, MAX_PER_CODE_AND_FILE, WARNING, Omitted
from ..core.lock import LOCK_FILE, interrupted
from .read import NotCheckedAsUtf8, PackageUnreadable, open_package, package_root


def validate_package(path, against=None, earlier=None, compare=None):
    """``earlier``: the edition named ``against``, when the caller has already loaded it (from a version in history).
    ``compare``: with ``against``, the function that compares two editions (``diff.compare.compare``), passed in by
    the layer above: validate stands below diff and does not import it."""
    root = package_root(path)
    half_written = interrupted(root)  # a writer runs, or was killed half-way: its files may be half old, half new
    if half_written:
        raise PackageUnreadable(half_written, file=LOCK_FILE, code="package-locked")
    package = open_package(root, decode_streamed=False)  # the lists and records are decoded as they are read, not before too
    extra = []
    if against:
        earlier = earlier if earlier is not None else load_earlier_edition(package.root, against)
        extra = [(checks.check_against, (earlier, against, content_change(package.root, earlier, compare)))]
    try:
        found, omitted = run_checks(package, extra=extra)
    except (NotCheckedAsUtf8, PackageUnreadable):  # a file not UTF-8, or unreadable: report what the whole check reports
        if not package.undecoded:
            raise  # every file was checked whole already: this is the whole check's answer
        found, omitted = run_checks(open_package(root), extra=extra)
    errors = [f.to_dict() for f in found if f.level == ERROR]
    return {
        "valid": not errors,
        "errors": errors,
        "warnings": [f.to_dict() for f in found if f.level == WARNING],
        "omitted": omitted,
    }


def run_checks(package, selected=None, extra=(), limit=MAX_PER_CODE_AND_FILE, apart=None):
    """(findings, omitted) of the checks on the package: every check of ``checks.CHECKS`` (or the ``selected``
    ones), then each (check, arguments) of ``extra``, over one reading of the lists. The findings come sorted by
    file, row and check, at most ``limit`` of each code, level and file; ``omitted`` counts the rest.

    Large lists are read in a second process while this one reads the largest (``lists_apart``; ``apart``, for
    the tests: the list resources to read there, whatever their size), when every per-item check can hand over
    what it keeps (``checks.keeps``) and a second core is free: the same findings, in about half the time."""
    collector = Collector(package, limit)
    package.corrections_index = None  # read the records afresh (a test edits them between runs)
    package.finding_limit = limit  # a check that makes many findings of one code makes only those kept, and counts the rest
    selected = checks.CHECKS if selected is None else selected
    per_item, at_end = [], []
    for check, arguments in [(check, ()) for check in selected] + list(extra):
        rank = checks.CHECKS.index(check) if check in checks.CHECKS else len(checks.CHECKS)
        if getattr(check, "each_item", False):
            each, end = check(package, *arguments)
            per_item.append((rank, each))
            if end is not None:
                at_end.append((rank, end))
        else:
            at_end.append((rank, lambda check=check, arguments=arguments: check(package, *arguments)))
    apart = lists_apart(package) if apart is None else apart
    if apart and package.items is None and all(hasattr(each, "kept") for _, each in per_item):
        _check_items_apart(package, per_item, collector, apart)
    else:
        _check_items(package.stream_items(), per_item, collector.add)
    for found in package.load_findings:  # the reading's own findings (some are made as the lists are read)
        collector.add(-1, found)
    for rank, end in at_end:
        for found in end():
            collector.add(rank, found)
    return collector.result()


def _check_items(items, per_item, add):
    """Every per-item check on each item, its findings given to ``add``."""
    item_text = checks.item_text
    for item in items:
        text = item_text(item)
        for rank, each in per_item:
            found = each(item, text)
            if found:  # most items: nothing (an empty tuple or list)
                for one in found:
                    add(rank, one)


APART_BYTES = 4 << 20  # lists this large are worth a second process (about 15,000 items of the town's layout)


def lists_apart(package):
    """The list resources worth reading in a second process: every list but the largest, when they hold at least
    APART_BYTES together and a second core is free; else none. The largest list is read here meanwhile (in a
    collection of towns the coordinated list: half the bytes, a little more than half the work of the lists),
    after the correction records have been read, and this process then takes in what the other found."""
    if package.items is not None or not spare_core():
        return ()
    sizes = {}
    for resource in LIST_OF_RESOURCE:
        if resource in package.files:
            try:
                sizes[resource] = (package.root / package.files[resource]).stat().st_size
            except OSError:
                pass
    largest = max(sizes, key=sizes.get, default=None)
    others = tuple(resource for resource in sizes if resource != largest)
    return others if sum(sizes[resource] for resource in others) >= APART_BYTES else ()


def _check_items_apart(package, per_item, collector, apart):
    """The per-item checks over the lists of ``apart`` in a second process (core/fork.py) and over the others here;
    then what each check kept there, the reading's findings and table passes, and the findings are taken in here.
    If the second process fails, its lists are read here: what is reported is what one process reports."""
    here = [resource for resource in LIST_OF_RESOURCE if resource not in apart]

    def there():
        kept = Collector(package, collector.limit)
        before = len(package.load_findings)
        _check_items(package.stream_items(apart), per_item, kept.add)
        return {
            "kept": [each.kept() if each.kept else None for _, each in per_item],
            "found": (kept.kept, kept.counts),
            "load_findings": package.load_findings[before:],
            "table_passes": {name: package.table_passes[name] for name in apart if name in package.table_passes},
        }

    worker = Forked(there)
    try:
        _check_items(package.stream_items(here), per_item, collector.add)
        result = worker.result()
    finally:
        worker.close()
    if result is FAILED:
        _check_items(package.stream_items(apart), per_item, collector.add)
        return
    for (_, each), state in zip(per_item, result["kept"]):
        if each.kept:
            each.absorb(state)
    collector.absorb(*result["found"])
    package.load_findings.extend(result["load_findings"])
    package.table_passes.update(result["table_passes"])


class Collector:
    """Findings as they come, kept at most ``limit`` per (code, level, file): the first ones in report order
    (file in the descriptor's order, row, check, then the order found). Memory is bounded by the number of
    codes and files, not by the number of findings."""

    def __init__(self, package, limit):
        self.limit = limit
        self.order = {DESCRIPTOR: 0}
        for index, resource in enumerate(package.resources(), start=1):
            if isinstance(resource.get("path"), str):
                self.order.setdefault(resource["path"], index)
        self.kept, self.counts, self.made = {}, {}, 0

    def add(self, rank, found):
        if isinstance(found, Omitted):
            key = (found.code, found.level, found.file)
            self.counts[key] = self.counts.get(key, 0) + found.count
            return
        key = (found.code, found.level, found.file)
        self.counts[key] = self.counts.get(key, 0) + 1
        self.made += 1
        order = self.order
        kept = self.kept.setdefault(key, [])
        kept.append(((order.get(found.file, len(order)), found.file or "", found.row or 0, rank, self.made), found))
        if len(kept) >= 4 * self.limit:
            kept.sort(key=_sort_key)
            del kept[self.limit:]

    def absorb(self, kept, counts):
        """Take in what another Collector (of the same limit) kept, over other files' findings."""
        for key, entries in kept.items():
            self.kept.setdefault(key, []).extend(entries)
        for key, count in counts.items():
            self.counts[key] = self.counts.get(key, 0) + count

    def result(self):
        found, omitted = [], []
        for key, kept in self.kept.items():
            kept.sort(key=_sort_key)
            del kept[self.limit:]
            found.extend(kept)
        for key, count in self.counts.items():
            if count > self.limit:
                first = self.kept[key][0][0] if self.kept.get(key) else (len(self.order), "", 0, 0, 0)
                omitted.append((first, {"code": key[0], "level": key[1], "file": key[2], "count": count - self.limit}))
        found.sort(key=_sort_key)
        omitted.sort(key=_sort_key)
        return [f for _, f in found], [o for _, o in omitted]


def _sort_key(entry):
    return entry[0]


def load_earlier_edition(root, revision):
    """The edition at a git revision or at a version (resolved as ``dutylist diff`` resolves it: core/history.py)."""
    repo = open_repo(root, search_parents=True)
    if repo is None:
        raise PackageUnreadable(f"{root}: not in a git repository, so --against {revision} cannot be read")
    commit = revision
    version = version_of_spec(repo, revision)
    if version is not None:
        commit = version_commit(repo, version)
        if commit is None:
            raise PackageUnreadable(f"--against: no commit of this repository declares version {version} in {DESCRIPTOR}")
    try:
        return edition.load_edition(edition.GitReader(repo, commit), lenient=True)
    except edition.EditionError as error:
        raise PackageUnreadable(f"--against {revision}: {error}", file=error.file, code=error.code) from None


def content_change(root, earlier, compare):
    """Why the package differs from the earlier edition in content (the version policy's reasons, version and
    created aside), or None when only the version number could differ. Unreadable content counts as changed.
    ``compare``: ``diff.compare.compare``, given by the caller."""
    try:
        current = edition.load_edition(edition.FolderReader(root), lenient=True)
    except edition.EditionError as error:
        return f"the package cannot be compared: {error}"
    summary = compare(earlier, current)["summary"]
    if summary["bump"] == "none":
        return None
    reasons = summary["bump_reasons"]
    return "; ".join(reason["reason"] for reason in reasons[:3]) + (f"; and {len(reasons) - 3} more" if len(reasons) > 3 else "")


def render_text(report, details=True):
    """Findings grouped by file, each as 'file:row:field  code  level: message', then a one-line summary.
    Without ``details`` warnings are counted per code (one line each); errors are always listed.
    Past the first findings of a code in a file, '… and N more' says how many were left out."""
    lines = []
    findings = report["errors"] + report["warnings"]
    omitted = report.get("omitted", [])
    files = list(dict.fromkeys([f["file"] for f in findings] + [o["file"] for o in omitted]))
    listed = findings if details else report["errors"]
    listed_omitted = omitted if details else [o for o in omitted if o["level"] == ERROR]
    for file in dict.fromkeys([f["file"] for f in listed] + [o["file"] for o in listed_omitted]):
        in_file = [f for f in listed if f["file"] == file]
        left_out = [o for o in listed_omitted if o["file"] == file]
        lines.append(f"{file or '(package)'}  ({_count(in_file, ERROR, left_out)}, {_count(in_file, WARNING, left_out)})")
        for f in sorted(in_file, key=lambda f: (f["level"] != ERROR, f["row"] or 0)):
            location = ":".join(str(part) for part in (f["file"], f["row"], f["field"]) if part is not None)
            lines.append(f"  {location}  {f['code']}  {f['level']}: {f['message']}")
            if f["text"]:
                lines.append(f"      text: {_quote(f['text'])}")
            if f["fix"]:
                lines.append(f"      fix: {f['fix']}")
        for o in left_out:
            lines.append(f"  … and {o['count']} more {o['code']} {o['level']}{'' if o['count'] == 1 else 's'} in this file "
                         f"(only the first {MAX_PER_CODE_AND_FILE} of a code are shown)")
    if report["warnings"] and not details:
        lines += _warning_summary(report["warnings"], [o for o in omitted if o["level"] == WARNING])
    verdict = "valid" if report["valid"] else "invalid"
    lines.append(f"{verdict}: {_count(report['errors'], ERROR, omitted)}, {_count(report['warnings'], WARNING, omitted)} "
                 f"in {len(files)} file(s)")
    return "\n".join(lines)


def _warning_summary(warnings, omitted=()):
    """One line per warning code: how many (those left out included), and in which files."""
    codes = {}
    for warning in warnings:
        codes.setdefault(warning["code"], {"count": 0, "files": []})
        codes[warning["code"]]["count"] += 1
        codes[warning["code"]]["files"].append(warning["file"])
    for o in omitted:
        codes.setdefault(o["code"], {"count": 0, "files": []})
        codes[o["code"]]["count"] += o["count"]
        codes[o["code"]]["files"].append(o["file"])
    lines = ["warnings, counted per code (list each one with --details):"]
    width = len(str(max(entry["count"] for entry in codes.values())))
    for code, entry in sorted(codes.items(), key=lambda item: (-item[1]["count"], item[0])):
        where = ", ".join(str(file or "(package)") for file in dict.fromkeys(entry["files"]))
        lines.append(f"  {entry['count']:>{width}}  {code}  in {where}")
    return lines


def _count(findings, level, omitted=()):
    number = sum(1 for f in findings if f["level"] == level) + sum(o["count"] for o in omitted if o["level"] == level)
    return f"{number} {level}{'' if number == 1 else 's'}"


def _quote(text, limit=80):
    text = text.replace("\n", "⏎")
    return json.dumps(text if len(text) <= limit else text[: limit - 1] + "…", ensure_ascii=False)
