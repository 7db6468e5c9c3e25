"""The checks of ``dutylist validate``: small functions, each yielding the findings of one rule.

Each takes the loaded ``validate.Package`` (plain data) and yields ``Finding``s;
``CHECKS`` runs them in order. ``check_against`` compares with an earlier edition.
"""

import difflib
import re
from pathlib import Path

from ..core.damage import GLUED_PATTERNS, SPACE_BETWEEN_CJK, step_problems
from ..core.package import DESCRIPTOR, LIST_DELIMITER, LIST_RESOURCES, STEP_DELIMITER
from ..importing.rules import full_width_punctuation
from .findings import TABLE_FIXES, WARNING, Finding, finding

PROFILE = Path(__file__).resolve().parent / "profiles" / "datapackage-2.0-subset.json"

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
EDITION = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# ，；：（） follow the importer's full-width-punctuation rule (check_half_width_punctuation); the other
# marks have no such rule, so the package must only not mix their two forms.
PUNCTUATION_PAIRS = (("！", "!"), ("？", "?"), ("“", '"'), ("”", '"'))
HALF_WIDTH_MARK = re.compile("[,;:()]")  # what the full-width-punctuation rule may change
TEXT_FIELDS = ("category", "name", "departments", "county_duties", "town_duties", "handling")
STEP_FIELDS = ("county_duties", "town_duties", "handling")
REQUIRED_TEXT_FIELDS = ("category", "name")
CORRECTABLE_FIELDS = TEXT_FIELDS
FLAGGING_STATUSES = ("unrecoverable", "kept-as-published")
SAME_ITEM_RATIO = 0.5
GLUED_ANY = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in GLUED_PATTERNS))
LATIN_LETTER = re.compile("[A-Za-z]")
MAX_MESSAGE = 400  # characters of a table finding's message: a cell may be as long as its file

CHECKS = []


def check(function):
    CHECKS.append(function)
    return function


# --- the descriptor ----------------------------------------------------------------------------

@check
def check_descriptor_profile(package):
    import jsonschema

    profile = _json(PROFILE)
    for error in sorted(jsonschema.Draft7Validator(profile).iter_errors(package.descriptor), key=lambda e: list(e.path)):
        yield finding("descriptor-profile", file=DESCRIPTOR, field=_json_path(error.path) or None, detail=error.message)


@check
def check_version(package):
    version = package.descriptor.get("version")
    if not isinstance(version, str) or not SEMVER.match(version):
        yield finding("version-not-semver", file=DESCRIPTOR, field="version", text=str(version))


@check
def check_edition(package):
    value = package.descriptor.get("edition")
    if value is None:
        yield finding("edition-missing", file=DESCRIPTOR, field="edition")
    elif not isinstance(value, str) or not EDITION.match(value):
        yield finding("edition-invalid", file=DESCRIPTOR, field="edition", text=str(value))


# --- the tables (frictionless) -------------------------------------------------------------------

@check
def check_tables(package):
    """Types, required, unique, patterns, enums, primary and foreign keys, header and row shape.

    Frictionless reads the tables only when the fast pass (tables.py) finds something it might report.
    """
    from .tables import suspect_tables

    if not suspect_tables(package):
        return
    from frictionless import FrictionlessException, Package

    from ..core.memory import cycle_collection

    descriptor = {"resources": _frictionless_resources(package)}
    try:
        with cycle_collection():  # frictionless's own objects may form cycles: collect them as it goes
            report = Package(descriptor, basepath=str(package.root)).validate()
    except FrictionlessException as exception:
        yield _table_finding(package, None, exception.error)
        return
    for task in report.tasks:
        unique_rows = {e.row_number for e in task.errors if e.type == "unique-error"}
        for error in task.errors:
            if error.type == "primary-key" and error.row_number in unique_rows:
                continue  # the unique-error on the same row says it already
            yield _table_finding(package, task.name, error)
        for warning in task.warnings:  # frictionless stops at its error limit: say so
            if warning.startswith("reached error limit"):
                yield finding("table-error-limit", file=package.files.get(task.name, DESCRIPTOR), resource=task.name,
                              limit=warning.rsplit(":", 1)[-1].strip())


def _frictionless_resources(package):
    """Readable resources with their schema inline; foreign keys into unreadable resources are left out."""
    resources = []
    for name, path in package.files.items():
        schema = dict(package.schemas.get(name) or {"fields": []})
        keys = [key for key in schema.get("foreignKeys", []) if key.get("reference", {}).get("resource") in package.files]
        schema["foreignKeys"] = keys
        resources.append({"name": name, "path": path, "format": "csv", "encoding": "utf-8", "schema": schema,
                          "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True}})  # as csv.reader reads it
    return resources


def _table_finding(package, resource, error):
    descriptor = error.to_descriptor()
    field, row = descriptor.get("fieldName") or None, descriptor.get("rowNumber")
    if row is None and descriptor.get("rowNumbers"):
        row = descriptor["rowNumbers"][0]  # a header (label) error
    text = descriptor.get("cell", descriptor.get("label"))
    if error.type == "foreign-key" and field is None:
        field = ",".join(descriptor.get("fieldNames") or []) or None
        text = ",".join(str(cell) for cell in descriptor.get("fieldCells") or []) or None
    file = package.files.get(resource, DESCRIPTOR)
    if error.type == "foreign-key" and field == "category":
        return finding("unknown-category", file=file, resource=resource, row=row, field=field, text=text)
    message = descriptor.get("message") or error.title
    if len(message) > MAX_MESSAGE:  # frictionless quotes the whole cell; the text line shows its start
        message = message[: MAX_MESSAGE - 1] + "…"
    return Finding(
        code=f"table-{error.type}", level="error", message=message,
        file=file, resource=resource, row=row, field=field, text=str(text) if text not in (None, "") else None,
        fix=TABLE_FIXES.get(error.type),
    )


# --- the duty-list rules -------------------------------------------------------------------------

@check
def check_seq(package):
    for list_name, resource in LIST_RESOURCES.items():
        items = sorted((i for i in package.items if i["list"] == list_name and isinstance(i.get("seq"), int)), key=lambda i: i["seq"])
        count = len(items)
        expected = 1
        for item in items:  # one finding per run of missing numbers: work grows with the rows, not the values
            if item["seq"] > expected:
                last = item["seq"] - 1
                missing = f"{expected} is" if last == expected else f"{expected}–{last} ({last - expected + 1} numbers) are"
                yield finding(
                    "seq-gap", file=item["_file"], resource=resource, row=item["_row"], field="seq",
                    text=str(item["seq"]), list=list_name, missing=missing, count=count,
                )
            expected = max(expected, item["seq"] + 1)


@check
def check_id_in_two_lists(package):
    first = {}
    for item in package.items:
        other = first.setdefault(item["id"], item)
        if other["list"] != item["list"]:
            yield finding(
                "id-in-two-lists", file=item["_file"], resource=LIST_RESOURCES[item["list"]], row=item["_row"],
                field="id", text=item["id"], other_list=other["list"], other_seq=other["seq"],
                other_file=other["_file"], other_row=other["_row"],
            )


@check
def check_departments(package):
    if "departments" not in package.files:
        return
    known = package.names("departments")
    for item in package.items:
        for department in item.get("departments", []):
            if department not in known:
                yield _item_finding("unknown-department", item, "departments", department)


@check
def check_step_numbering(package):
    flagged = _flagged_fields(package, ("unrecoverable",))
    for item in package.items:
        for field in STEP_FIELDS:
            if item.get(field):
                level = WARNING if (item["id"], field) in flagged else None
                for problem in step_problems(STEP_DELIMITER.join(item[field])):
                    yield _item_finding("step-numbering", item, field, None, level=level, detail=problem)


@check
def check_space_between_chinese(package):
    for item, field, text in _text_units(package):
        if " " not in text and "\t" not in text and "\u3000" not in text:
            continue  # most units: no space at all, no regex needed
        for match in SPACE_BETWEEN_CJK.finditer(text):
            yield _item_finding("space-between-chinese", item, field, match.group(), level=_flag_level(package, item, field, match.group()))


@check
def check_glued_latin_or_digit(package):
    for item, field, text in _text_units(package):
        if not (LATIN_LETTER.search(text) or (text[0].isdigit() and GLUED_ANY.match(text))):
            continue  # no Latin letter, no digit glued at the start: nothing to look for
        for pattern, detail in GLUED_PATTERNS:
            for match in pattern.finditer(text):
                fragment = text[max(match.start() - 1, 0): match.end() + 2]
                level = _flag_level(package, item, field, fragment)
                yield _item_finding("glued-latin-or-digit", item, field, fragment, level=level, detail=detail)


@check
def check_half_width_punctuation(package):
    """An ASCII , ; : ( ) in Chinese text, where the importer's rule writes the full-width mark."""
    for item in package.items:
        for field in TEXT_FIELDS:
            if not item.get(field):
                continue
            text = _field_text(item, field)
            if not HALF_WIDTH_MARK.search(text):
                continue  # nothing the rule would change: skip its character-by-character pass
            expected = full_width_punctuation(text)
            odd = [at for at, (char, want) in enumerate(zip(text, expected)) if char != want]
            if odd:
                at = odd[0]
                fragment = text[max(at - 10, 0): at + 10]
                yield _item_finding(
                    "half-width-punctuation", item, field, fragment, level=_flag_level(package, item, field, fragment),
                    char=text[at], full=expected[at], count=len(odd),
                )


@check
def check_punctuation_width(package):
    units = list(_text_units(package))
    everything = "\n".join(text for _, _, text in units)  # one count per mark over all the text, not one per unit
    for full, half in PUNCTUATION_PAIRS:
        counts = {mark: everything.count(mark) for mark in (full, half)}
        if not (counts[full] and counts[half]):
            continue
        usual = full if counts[full] > counts[half] else half
        odd = half if usual == full else full
        for item, field, text in units:
            at = text.find(odd)
            if at >= 0:
                yield _item_finding(
                    "mixed-punctuation-width", item, field, text[max(at - 10, 0): at + 10],
                    char=odd, usual=usual, usual_count=counts[usual], count=counts[odd],
                )


@check
def check_empty_required_cells(package):
    flagged = _flagged_fields(package, ("unrecoverable",))
    for item in package.items:
        for field in REQUIRED_TEXT_FIELDS:
            if field in item and not item[field] and (item["id"], field) not in flagged:
                yield _item_finding("empty-required-cell", item, field, None)


@check
def check_corrections(package):
    """Every record points at an existing item and field, and its corrected text is what the data holds."""
    items = {}
    for item in package.items:
        items.setdefault(item["id"], item)
    path = package.files.get("corrections")
    for row, record in package.corrections():
        item_id, field, corrected = record.get("item_id", ""), record.get("field", ""), record.get("corrected", "")
        where = {"file": path, "resource": "corrections", "row": row}
        item = items.get(item_id)
        if item is None:
            yield finding("correction-unknown-item", field="item_id", text=item_id, **where)
            continue
        if field not in CORRECTABLE_FIELDS or field not in item:
            yield finding("correction-unknown-field", field="field", text=field, item_id=item_id, list=item["list"], **where)
            continue
        value = _field_text(item, field)
        if (corrected and corrected not in value) or (not corrected and not record.get("extracted") and value):
            yield finding("correction-not-applied", field="corrected", text=corrected, item_id=item_id, item_field=field, **where)
        status = record.get("status")
        if status in FLAGGING_STATUSES:
            code = "flagged-unrecoverable" if status == "unrecoverable" else "kept-as-published"
            yield _item_finding(
                code, item, field, record.get("extracted") or None,
                item_id=item_id, kind=record.get("kind"), evidence=record.get("evidence"),
            )


# --- against an earlier edition ------------------------------------------------------------------

def check_against(package, earlier, label, content_change="content not compared"):
    """``content_change``: why the content differs from the earlier edition, or None when it does not."""
    yield from _check_ids_not_reused(package, earlier, label)
    yield from _check_version_increased(package, earlier, label, content_change)


def _check_ids_not_reused(package, earlier, label):
    for item in package.items:
        old = earlier["items"].get(item["id"])
        if not old or not old.get("name") or not item.get("name"):
            continue
        ratio = difflib.SequenceMatcher(None, old["name"], item["name"]).ratio()
        if ratio < SAME_ITEM_RATIO:
            yield _item_finding("id-reused", item, "id", item["name"], item_id=item["id"], old_name=old["name"], against=label, ratio=ratio)


def _check_version_increased(package, earlier, label, content_change):
    """The version grows with the content: greater when the content changed, never lower."""
    new, old = package.descriptor.get("version"), earlier["descriptor"].get("version")
    if not (_semver(new) and _semver(old)):
        return
    if _semver(new) < _semver(old) or (_semver(new) == _semver(old) and content_change):
        why = f"the content changed ({content_change})" if content_change and _semver(new) == _semver(old) else "a version never goes down"
        yield finding("version-not-increased", file=DESCRIPTOR, field="version", text=new, old_version=old, against=label, why=why)


# --- helpers -------------------------------------------------------------------------------------

def _item_finding(code, item, field, text, level=None, **params):
    return finding(
        code, file=item["_file"], resource=LIST_RESOURCES[item["list"]], row=item["_row"], field=field,
        text=text, level=level, **params,
    )


def _text_units(package):
    """(item, field, text) for every cell, department and step line of the three lists; listed once per package."""
    units = package.__dict__.get("_text_units")
    if units is None:
        units = []
        append = units.append
        for item in package.items:
            for field in TEXT_FIELDS:
                value = item.get(field)
                if not value:
                    continue
                if value.__class__ is list:
                    for text in value:
                        if text:
                            append((item, field, text))
                else:
                    append((item, field, value))
        package.__dict__["_text_units"] = units
    return units


def _field_text(item, field):
    value = item[field]
    if field in STEP_FIELDS:
        return STEP_DELIMITER.join(value)
    if isinstance(value, list):
        return LIST_DELIMITER.join(value)
    return value


def _flagged_fields(package, statuses):
    return {(r.get("item_id"), r.get("field")) for _, r in package.corrections() if r.get("status") in statuses}


def _flag_level(package, item, field, fragment):
    """Warning when a correction record flags this text (unrecoverable, or kept as published); else the default."""
    for record in _flagging_records(package).get((item["id"], field), ()):
        if fragment.strip() and fragment.strip() in record.get("corrected", ""):
            return WARNING
    return None


def _flagging_records(package):
    """(item id, field) -> its flagging records, indexed once per package: a lookup per match, not a scan."""
    index = package.__dict__.get("_flagging_records")
    if index is None:
        index = {}
        for _, record in package.corrections():
            if record.get("status") in FLAGGING_STATUSES:
                index.setdefault((record.get("item_id"), record.get("field")), []).append(record)
        package.__dict__["_flagging_records"] = index
    return index


def _semver(version):
    match = SEMVER.match(version) if isinstance(version, str) else None
    return tuple(int(part) for part in match.groups()) if match else None


def _json_path(path):
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")


def _json(path):
    import json

    return json.loads(Path(path).read_text(encoding="utf-8"))
