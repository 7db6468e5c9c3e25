"""Validate an edition end to end: ``validate_package(path)`` returns ``{"valid", "errors", "warnings"}``.

Every check runs; nothing stops at the first problem. Findings are capped at
``MAX_PER_CODE_AND_FILE`` per code, level and file (the report's ``omitted`` counts the
rest), so that one typo cannot flood the output. Only input that cannot be read at all
(no package at PATH, a descriptor that is not JSON or nests too deeply, an unknown
revision, a file that is refused: a symbolic link leading out of the package, a device,
a FIFO, a file over the size limit; see core/files.py) raises ``PackageUnreadable``.

Row numbers count CSV records with the header as row 1, as frictionless does
(a cell holding line breaks makes a record longer than one line).
"""

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..core import edition
from ..core.files import allow_long_cells
from ..core.package import DESCRIPTOR, LIST_OF_RESOURCE, read_csv_text
from . import checks
from .findings import ERROR, WARNING, finding

REQUIRED_RESOURCES = (*LIST_OF_RESOURCE, "categories", "departments", "corrections")
MAX_PER_CODE_AND_FILE = 50  # more than any code has in the real package (43), few enough to read


class PackageUnreadable(Exception):
    """The package cannot be read at all; the message names the file and says what to do."""

    def __init__(self, message, file=None, code=None):
        super().__init__(message)
        self.file, self.code = file, code


@dataclass
class Package:
    """What a check sees: the descriptor and every readable table, as plain data."""

    root: Path
    descriptor: dict
    files: dict = field(default_factory=dict)  # resource name -> path of a readable CSV
    schemas: dict = field(default_factory=dict)  # resource name -> Table Schema dict
    rows: dict = field(default_factory=dict)  # resource name -> [(row number, row dict)]
    items: list = field(default_factory=list)  # item dicts (edition.item_from_row) plus _file and _row
    load_findings: list = field(default_factory=list)
    blank_lines: dict = field(default_factory=dict)  # resource name -> whether its text may hold a blank line

    def names(self, register):
        return {row.get("name") for _, row in self.rows.get(register, [])}

    def corrections(self):
        return self.rows.get("corrections", [])

    def resources(self):
        """The descriptor's resource objects (whatever else the profile check reports)."""
        resources = self.descriptor.get("resources")
        return [r for r in resources if isinstance(r, dict)] if isinstance(resources, list) else []


def package_root(path):
    """The folder of the package at path (a folder or its datapackage.json)."""
    path = Path(path)
    if path.is_file() and path.name == DESCRIPTOR:
        return path.parent
    if path.is_dir() and (path / DESCRIPTOR).is_file():
        return path
    if not path.exists():
        raise PackageUnreadable(f"{path}: no such file or folder; give a package folder or its {DESCRIPTOR}", file=str(path))
    raise PackageUnreadable(f"{path}: not a data package (no {DESCRIPTOR} there); give a package folder or its {DESCRIPTOR}",
                            file=str(path))


def validate_package(path, against=None, earlier=None):
    """``earlier``: the edition named ``against``, when the caller has already loaded it (from a version in history)."""
    package = load_package(package_root(path))
    found = list(package.load_findings)
    for check in checks.CHECKS:
        found.extend(check(package))
    if against:
        earlier = earlier if earlier is not None else load_earlier_edition(package.root, against)
        found.extend(checks.check_against(package, earlier, against, content_change(package.root, earlier)))
    found, omitted = cap_findings(sort_findings(found, package))
    errors = [f.to_dict() for f in found if f.level == ERROR]
    return {
        "valid": not errors,
        "errors": errors,
        "warnings": [f.to_dict() for f in found if f.level == WARNING],
        "omitted": omitted,
    }


def cap_findings(found, limit=MAX_PER_CODE_AND_FILE):
    """The first limit findings of each (code, level, file), and {code, level, file, count} for the rest."""
    kept, counts = [], {}
    for f in found:
        key = (f.code, f.level, f.file)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] <= limit:
            kept.append(f)
    omitted = [{"code": code, "level": level, "file": file, "count": count - limit}
               for (code, level, file), count in counts.items() if count > limit]
    return kept, omitted


def load_package(root):
    reader = edition.FolderReader(root)
    try:
        descriptor = edition.read_descriptor(reader)
    except edition.EditionError as error:
        raise PackageUnreadable(f"{root / DESCRIPTOR}: {error.message}", file=error.file, code=error.code) from None
    package = Package(root=root, descriptor=descriptor)
    resources = package.resources()
    try:
        for index, resource in enumerate(descriptor["resources"] if resources else []):
            if isinstance(resource, dict):
                _load_resource(package, reader, index, resource)
    except edition.EditionError as error:  # a refused file: a link leading out, a device, a FIFO, too large
        raise PackageUnreadable(f"{root / error.file}: {error.message}", file=error.file, code=error.code) from None
    for name in REQUIRED_RESOURCES:
        if not any(r.get("name") == name and isinstance(r.get("path"), str) for r in resources):
            package.load_findings.append(finding("resource-missing", file=DESCRIPTOR, field="resources", name=name))
    for resource, list_name in LIST_OF_RESOURCE.items():
        package.items.extend(_items(package, resource, list_name))
    return package


def _load_resource(package, reader, index, resource):
    name, path = resource.get("name"), resource.get("path")
    if not isinstance(path, str):
        return  # the profile check reports a resource without a path
    problem = edition.unsafe_path_problem(path)
    if problem:
        package.load_findings.append(finding(
            "resource-path-unsafe", file=DESCRIPTOR, resource=name, field=f"resources[{index}].path", text=path,
            name=name, problem=problem,
        ))
        return
    schema = _schema(package, reader, index, resource)
    text = _csv_text(package, reader, name, path)
    if text is None:
        return
    try:
        rows = read_csv_text(text)
    except csv.Error as error:
        raise edition.EditionError(path, f"cannot be read as CSV ({error})") from None
    package.files[name] = path
    package.blank_lines[name] = text.startswith(("\n", "\r")) or "\n\n" in text or "\n\r\n" in text or "\r\r" in text
    package.rows[name] = list(enumerate(rows, start=2))
    if schema is not None:
        package.schemas[name] = schema


def _schema(package, reader, index, resource):
    name, schema = resource.get("name"), resource.get("schema")

    def missing(problem):
        package.load_findings.append(finding(
            "schema-file-missing", file=DESCRIPTOR, resource=name, field=f"resources[{index}].schema",
            text=schema if isinstance(schema, str) else None, name=name, problem=problem,
        ))

    if not isinstance(schema, str):
        return missing("the schema is not a path to a file in schemas/")
    if edition.unsafe_path_problem(schema) or not schema.startswith("schemas/"):
        return missing(f"schema {schema!r} is not a file in schemas/")
    data = reader.read(schema)  # a refused file raises EditionError: the package cannot be read
    if data is None:
        return missing(f"schema file {schema} does not exist")
    try:
        return edition.parse_json(data.decode("utf-8"), schema)
    except UnicodeDecodeError as error:
        return missing(f"schema file {schema} is not UTF-8 JSON ({error})")
    except edition.EditionError as error:
        return missing(f"schema file {schema} {error.message}")


def _csv_text(package, reader, name, path):
    data = reader.read(path)
    problem = None
    if data is None:
        problem = finding("file-missing", file=path, resource=name, name=name)
    elif data.startswith(b"\xef\xbb\xbf"):
        problem = finding("encoding-bom", file=path, resource=name, row=1)
    elif not data.strip():
        problem = finding("empty-file", file=path, resource=name, row=1)
    else:
        if b"\r\n" in data:
            package.load_findings.append(finding("line-endings-crlf", file=path, resource=name, row=1))
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            row = _record_number(data[: error.start].decode("utf-8"))
            problem = finding("encoding-not-utf8", file=path, resource=name, row=row, byte=error.start)
    package.load_findings.append(problem)
    return None


def _record_number(text_before):
    """The CSV record (header = 1) in which the text that follows text_before starts."""
    allow_long_cells()
    return len(list(csv.reader(io.StringIO(text_before + "x", newline=""))))


def _items(package, resource, list_name):
    """The list's rows as items; a row that cannot become one is skipped here and reported by the table check."""
    path = package.files.get(resource)
    for row_number, row in package.rows.get(resource, []):
        row = _ascii_integers(package, resource, path, row_number, row)
        try:
            item = edition.item_from_row(row, list_name, path, row_number)
        except edition.EditionError:
            continue
        item["_file"], item["_row"] = path, row_number  # the item is new: no copy needed
        yield item


def _ascii_integers(package, resource, path, row_number, row):
    """The row with integers such as '１２' (which frictionless, like Python's int(), accepts) read as numbers,
    each reported as integer-not-ascii; an item is only whole numbers in ASCII digits (core.edition)."""
    for name in edition.INTEGER_FIELDS:
        value = row.get(name)
        if not value or value.isascii():
            continue  # ASCII (or empty): nothing to read differently
        value = value.strip()
        if value and not edition.is_whole_number(value) and value.isdigit() and value.isdecimal():
            package.load_findings.append(finding("integer-not-ascii", file=path, resource=resource, row=row_number, field=name, text=value))
            row = {**row, name: str(int(value))}
    return row


def load_earlier_edition(root, revision):
    """The edition at a git revision or at a version (resolved as ``dutylist diff`` resolves it)."""
    import git

    from ..diff.sides import SideError, version_of_spec, version_commit

    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise PackageUnreadable(f"{root}: not in a git repository, so --against {revision} cannot be read") from None
    commit = revision
    version = version_of_spec(repo, revision)
    if version is not None:
        try:
            commit = version_commit(repo, version, "--against")
        except SideError as error:
            raise PackageUnreadable(str(error)) from None
    try:
        return edition.load_edition(edition.GitReader(repo, commit), lenient=True)
    except edition.EditionError as error:
        raise PackageUnreadable(f"--against {revision}: {error}", file=error.file, code=error.code) from None


def content_change(root, earlier):
    """Why the package differs from the earlier edition in content (the version policy's reasons, version and
    created aside), or None when only the version number could differ. Unreadable content counts as changed."""
    from ..diff.compare import compare

    try:
        current = edition.load_edition(edition.FolderReader(root), lenient=True)
    except edition.EditionError as error:
        return f"the package cannot be compared: {error}"
    summary = compare(earlier, current)["summary"]
    if summary["bump"] == "none":
        return None
    reasons = summary["bump_reasons"]
    return "; ".join(reason["reason"] for reason in reasons[:3]) + (f"; and {len(reasons) - 3} more" if len(reasons) > 3 else "")


def sort_findings(found, package):
    order = {DESCRIPTOR: 0}
    for index, resource in enumerate(package.resources(), start=1):
        if isinstance(resource.get("path"), str):
            order.setdefault(resource["path"], index)
    return sorted(found, key=lambda f: (order.get(f.file, len(order)), f.file or "", f.row or 0))


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
