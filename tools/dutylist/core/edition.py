"""An edition of the package as plain data, read from a folder or from any git revision.

``load_edition(reader)`` returns::

    {"label": str, "descriptor": dict,
     "items": {id: {"id", "list", "seq", "category", "name", "page",
                    "departments": [str], "county_duties": [str],
                    "town_duties": [str], "handling": [str]}},
     "registers": {"categories": {name: row}, "departments": {name: row}},
     "corrections": [row], "schemas": {resource name: dict}}

List fields are lists, step fields are lists of lines, and fields a list does
not have are absent. Nothing here judges the content: that is ``validate``'s
job. Only what prevents reading an edition raises ``EditionError``.
"""

import json
import posixpath
from pathlib import Path

from .package import DESCRIPTOR, LIST_DELIMITER, LIST_OF_RESOURCE, STEP_DELIMITER, read_csv_text

LIST_VALUE_FIELDS = ("departments",)
STEP_VALUE_FIELDS = ("county_duties", "town_duties", "handling")
INTEGER_FIELDS = ("seq", "page")
REGISTERS = ("categories", "departments")


class EditionError(Exception):
    """An edition cannot be read. Names the file, and the row and field where there is one."""

    def __init__(self, file, message, row=None, field=None):
        self.file, self.row, self.field, self.message = file, row, field, message
        super().__init__(self.location() + "  " + message)

    def location(self):
        return ":".join(str(part) for part in (self.file, self.row, self.field) if part is not None)


class FolderReader:
    def __init__(self, root):
        self.root = Path(root)
        self.label = str(self.root)

    def read(self, path):
        target = self.root / path
        try:
            return target.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def open_binary(self, path):
        """A buffered binary stream of the file, for reading a large table without holding it, or None."""
        try:
            return (self.root / path).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None


class GitReader:
    """Reads files of one revision straight from git objects: the working tree is never touched."""

    def __init__(self, repo, revision):
        import git  # imported here so that commands without git history start fast

        try:
            self.commit = repo.commit(revision)
        except (git.BadName, ValueError, git.GitCommandError):
            raise EditionError(revision, "not a revision of this repository (a commit, tag, branch or HEAD~N)") from None
        self.label = revision
        self.revision = self.commit.hexsha

    def read(self, path):
        try:
            return self.commit.tree[path].data_stream.read()
        except KeyError:
            return None


def resource_paths(descriptor, file=DESCRIPTOR):
    """The path of each resource, checked to stay inside the package."""
    paths = {}
    for index, resource in enumerate(descriptor.get("resources") or []):
        name = resource.get("name") if isinstance(resource, dict) else None
        path = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(path, str):
            continue
        problem = unsafe_path_problem(path)
        if problem:
            raise EditionError(file, f"resource {name or index}: path {path!r} {problem}", field=f"resources[{index}].path")
        paths[name] = path
    return paths


def unsafe_path_problem(path):
    if "://" in path:
        return "is a URL; a package here only holds local files (it is never fetched)"
    if path.startswith("/") or path.startswith("\\") or (len(path) > 1 and path[1] == ":"):
        return "is absolute; give a path relative to datapackage.json"
    if posixpath.normpath(path).startswith(".."):
        return "points outside the package folder"
    return None


def read_text(reader, path):
    data = reader.read(path)
    if data is None:
        raise EditionError(path, f"no such file in {reader.label}")
    if data.startswith(b"\xef\xbb\xbf"):
        raise EditionError(path, "starts with a byte-order mark (BOM); save it as UTF-8 without BOM", row=1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise EditionError(path, f"is not UTF-8 (byte {error.start}); save it as UTF-8 (it may be GBK)", row=line) from None


def read_descriptor(reader):
    text = read_text(reader, DESCRIPTOR)
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as error:
        raise EditionError(DESCRIPTOR, f"is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    if not isinstance(descriptor, dict):
        raise EditionError(DESCRIPTOR, "must hold a JSON object")
    return descriptor


def load_edition(reader, lists=True):
    """The edition as plain data; with lists=False, everything but the three lists (whose items stay empty)."""
    descriptor = read_descriptor(reader)
    paths = resource_paths(descriptor)
    edition = {"label": reader.label, "descriptor": descriptor, "items": {}, "registers": {}, "corrections": [], "schemas": {}}
    for resource in descriptor.get("resources") or []:
        schema = resource.get("schema") if isinstance(resource, dict) else None
        if isinstance(schema, str) and not unsafe_path_problem(schema):
            edition["schemas"][resource.get("name")] = _read_json(reader, schema)
        elif isinstance(schema, dict):
            edition["schemas"][resource.get("name")] = schema
    for resource, list_name in LIST_OF_RESOURCE.items() if lists else ():
        path = _required_path(paths, resource)
        for row_number, row in _rows(reader, path):
            item = item_from_row(row, list_name, path, row_number)
            if item["id"] in edition["items"]:
                other = edition["items"][item["id"]]
                raise EditionError(
                    path, f"id {item['id']} is already used by {other['list']} item {other['seq']}; ids are unique across the three lists",
                    row=row_number, field="id",
                )
            edition["items"][item["id"]] = item
    for register in REGISTERS:
        path = _required_path(paths, register)
        edition["registers"][register] = {row.get("name", ""): row for _, row in _rows(reader, path)}
    if "corrections" in paths:
        edition["corrections"] = [row for _, row in _rows(reader, paths["corrections"])]
    return edition


def item_from_row(row, list_name, path="", row_number=None):
    item = {"list": list_name}
    for field, value in row.items():
        if field is None:
            raise EditionError(path, "has more cells than the header has columns (a ragged row)", row=row_number)
        value = (value or "").strip()
        if field in LIST_VALUE_FIELDS:
            item[field] = [part.strip() for part in value.split(LIST_DELIMITER) if part.strip()]
        elif field in STEP_VALUE_FIELDS:
            item[field] = [line.strip() for line in value.replace("\r\n", "\n").split(STEP_DELIMITER) if line.strip()]
        elif field in INTEGER_FIELDS:
            item[field] = _integer(value, path, row_number, field)
        else:
            item[field] = value
    if not item.get("id"):
        raise EditionError(path, "has no id; every item needs one", row=row_number, field="id")
    return item


def _integer(value, path, row_number, field):
    try:
        return int(value)
    except ValueError:
        raise EditionError(path, f"{value!r} is not a whole number", row=row_number, field=field) from None


def _required_path(paths, resource):
    if resource not in paths:
        raise EditionError(DESCRIPTOR, f"has no resource named {resource!r} with a path")
    return paths[resource]


def _rows(reader, path):
    text = read_text(reader, path)
    if not text.strip():
        raise EditionError(path, "is empty; a resource needs at least its header row", row=1)
    return enumerate(read_csv_text(text), start=2)


def _read_json(reader, path):
    try:
        return json.loads(read_text(reader, path))
    except json.JSONDecodeError as error:
        raise EditionError(path, f"is not valid JSON: {error.msg} at line {error.lineno}") from None
