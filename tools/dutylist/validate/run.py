"""Validate an edition end to end: ``validate_package(path)`` returns ``{"valid", "errors", "warnings"}``.

Every check runs and every finding is kept; nothing stops at the first problem.
Only input that cannot be read at all (no package at PATH, a descriptor that is
not JSON, an unknown revision) raises ``PackageUnreadable``.

Row numbers count CSV records with the header as row 1, as frictionless does
(a cell holding line breaks makes a record longer than one line).
"""

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..core import edition
from ..core.package import DESCRIPTOR, LIST_OF_RESOURCE, read_csv_text
from . import checks
from .findings import ERROR, WARNING, finding

REQUIRED_RESOURCES = (*LIST_OF_RESOURCE, "categories", "departments", "corrections")


class PackageUnreadable(Exception):
    """The package cannot be read at all; the message names the file and says what to do."""


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
        raise PackageUnreadable(f"{path}: no such file or folder; give a package folder or its {DESCRIPTOR}")
    raise PackageUnreadable(f"{path}: not a data package (no {DESCRIPTOR} there); give a package folder or its {DESCRIPTOR}")


def validate_package(path, against=None):
    package = load_package(package_root(path))
    found = list(package.load_findings)
    for check in checks.CHECKS:
        found.extend(check(package))
    if against:
        found.extend(checks.check_against(package, load_earlier_edition(package.root, against), against))
    found = sort_findings(found, package)
    errors = [f.to_dict() for f in found if f.level == ERROR]
    return {
        "valid": not errors,
        "errors": errors,
        "warnings": [f.to_dict() for f in found if f.level == WARNING],
    }


def load_package(root):
    reader = edition.FolderReader(root)
    try:
        descriptor = edition.read_descriptor(reader)
    except edition.EditionError as error:
        raise PackageUnreadable(f"{root / DESCRIPTOR}: {error.message}") from None
    package = Package(root=root, descriptor=descriptor)
    resources = package.resources()
    for index, resource in enumerate(descriptor["resources"] if resources else []):
        if isinstance(resource, dict):
            _load_resource(package, reader, index, resource)
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
    package.files[name] = path
    package.blank_lines[name] = text.startswith(("\n", "\r")) or "\n\n" in text or "\n\r\n" in text or "\r\r" in text
    package.rows[name] = list(enumerate(read_csv_text(text), start=2))
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
    data = reader.read(schema)
    if data is None:
        return missing(f"schema file {schema} does not exist")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return missing(f"schema file {schema} is not UTF-8 JSON ({error})")


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
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            row = _record_number(data[: error.start].decode("utf-8"))
            problem = finding("encoding-not-utf8", file=path, resource=name, row=row, byte=error.start)
    package.load_findings.append(problem)
    return None


def _record_number(text_before):
    """The CSV record (header = 1) in which the text that follows text_before starts."""
    return len(list(csv.reader(io.StringIO(text_before + "x", newline=""))))


def _items(package, resource, list_name):
    """The list's rows as items; a row that cannot become one is skipped here and reported by the table check."""
    path = package.files.get(resource)
    for row_number, row in package.rows.get(resource, []):
        try:
            item = edition.item_from_row(row, list_name, path, row_number)
        except edition.EditionError:
            continue
        yield {**item, "_file": path, "_row": row_number}


def load_earlier_edition(root, revision):
    import git

    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise PackageUnreadable(f"{root}: not in a git repository, so --against {revision} cannot be read") from None
    try:
        return edition.load_edition(edition.GitReader(repo, revision))
    except edition.EditionError as error:
        raise PackageUnreadable(f"--against {revision}: {error}") from None


def sort_findings(found, package):
    order = {DESCRIPTOR: 0}
    for index, resource in enumerate(package.resources(), start=1):
        if isinstance(resource.get("path"), str):
            order.setdefault(resource["path"], index)
    return sorted(found, key=lambda f: (order.get(f.file, len(order)), f.file or "", f.row or 0))


def render_text(report):
    """Findings grouped by file, each as 'file:row:field  code  level: message', then a one-line summary."""
    lines = []
    findings = report["errors"] + report["warnings"]
    files = list(dict.fromkeys(f["file"] for f in findings))
    for file in files:
        in_file = [f for f in findings if f["file"] == file]
        lines.append(f"{file or '(package)'}  ({_count(in_file, ERROR)}, {_count(in_file, WARNING)})")
        for f in sorted(in_file, key=lambda f: (f["level"] != ERROR, f["row"] or 0)):
            location = ":".join(str(part) for part in (f["file"], f["row"], f["field"]) if part is not None)
            lines.append(f"  {location}  {f['code']}  {f['level']}: {f['message']}")
            if f["text"]:
                lines.append(f"      text: {_quote(f['text'])}")
            if f["fix"]:
                lines.append(f"      fix: {f['fix']}")
    verdict = "valid" if report["valid"] else "invalid"
    lines.append(f"{verdict}: {_count(report['errors'], ERROR)}, {_count(report['warnings'], WARNING)} in {len(files)} file(s)")
    return "\n".join(lines)


def _count(findings, level):
    number = sum(1 for f in findings if f["level"] == level)
    return f"{number} {level}{'' if number == 1 else 's'}"


def _quote(text, limit=80):
    text = text.replace("\n", "⏎")
    return json.dumps(text if len(text) <= limit else text[: limit - 1] + "…", ensure_ascii=False)
