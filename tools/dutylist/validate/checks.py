"""The checks of ``dutylist validate``: small functions, each yielding the findings of one rule.

Each takes the ``validate.read.Package`` (the descriptor and registers as plain data, the lists and
correction records as streams). A ``check`` yields its ``Finding``s at once; an ``each_item`` check
sees the items one at a time as the lists are read and keeps only what it needs between them.
``CHECKS`` lists them in order; ``run.run_checks`` runs them. ``check_against`` compares with an
earlier edition.
"""

import difflib
import heapq
import re
from array import array
from itertools import islice, repeat
from operator import add, le, mul
from pathlib import Path

from ..core.damage import GLUED_PATTERNS, SPACE_BETWEEN_CJK, step_problems
from ..core.descriptions import stale_statements
from ..core.names import is_edition, is_semantic_version, semantic_version_key
from ..core.package import DESCRIPTOR, FLAGGING_STATUSES, INTEGER_FIELDS, ITEM_FIELDS, LIST_DELIMITER, LIST_RESOURCES, LISTS, STEP_DELIMITER, STEP_FIELDS
from ..core.punctuation import full_width_punctuation
from ..core.amendments import record_problem
from .compact import BUCKET_MASK, BUCKETS, CHUNK, EXTRACTED, FLAGGING, UNRECOVERABLE, CorrectionIndex, IdKeys, id_key, id_text
from .findings import MAX_PER_CODE_AND_FILE, TABLE_FIXES, WARNING, Finding, Omitted, finding

PROFILE = Path(__file__).resolve().parent / "profiles" / "datapackage-2.0-subset.json"

# ，；：（） follow the importer's full-width-punctuation rule (check_half_width_punctuation); the other
# marks have no such rule, so the package must only not mix their two forms.
PUNCTUATION_PAIRS = (("！", "!"), ("？", "?"), ("“", '"'), ("”", '"'))
HALF_WIDTH_MARKS = ",;:()"  # what the full-width-punctuation rule may change
HALF_WIDTH_MARK = re.compile(f"[{re.escape(HALF_WIDTH_MARKS)}]")
TEXT_FIELDS = tuple(field for field in ITEM_FIELDS if field != "id" and field not in INTEGER_FIELDS)
REQUIRED_TEXT_FIELDS = ("category", "name")
CORRECTABLE_FIELDS = TEXT_FIELDS
SAME_ITEM_RATIO = 0.5
GLUED_ANY = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in GLUED_PATTERNS))
LATIN_LETTER = re.compile("[A-Za-z]")
# GLUED_PATTERNS' first (a digit glued to a Chinese character) at the start of a unit, searched in the item's text
# after a line break (a literal first character: a quicker scan than a line start's); with a Latin letter
# (_holds_latin_letter), what an item's text must hold for the glued check to look further
DIGIT_GLUED_AT_START = re.compile(r"\n[0-9][\u3400-\u9fff]")
MAX_MESSAGE = 400  # characters of a table finding's message: a cell may be as long as its file
MAX_KEPT = MAX_PER_CODE_AND_FILE  # places of a mark per file kept by check_punctuation_width: the report shows no more
LIST_NUMBER = {list_name: number for number, list_name in enumerate(LISTS)}
NEEDED_OF_RECORDS = (("item_id", ""), ("field", ""), ("corrected", ""), ("status", None), ("extracted", None))
REPORTED_OF_RECORDS = (("item_id", ""), ("field", ""), ("corrected", ""), ("status", None), ("extracted", None),
                       ("kind", None), ("evidence", None))
ROW_MASK = (1 << 60) - 1  # an item's place packs its list number above its row number

CHECKS = []  # in the order a row's findings are listed


def check(function):
    """A check of the package as a whole: ``function(package)`` yields findings once every item has been read."""
    CHECKS.append(function)
    return function


def each_item(function):
    """A check of one item at a time: ``function(package)`` sets up once and returns ``(each, end)``, where
    ``each(item, text)`` returns the item's findings (``text``: ``item_text(item)``, the item's text units joined by
    line breaks, for a check that first asks whether a character occurs in the item at all; a check that needs the
    units themselves calls ``text_units(item)`` only when the text holds what it looks for), and
    ``end()``, or None, yields the findings known only when every item has been read."""
    function.each_item = True
    CHECKS.append(function)
    return function


def keeps_nothing(each):
    """Mark ``each`` of an each_item check as keeping nothing between items: ``run.run_checks`` may give some lists'
    items to a copy of it in a second process."""
    each.kept = None
    return each


def keeps(each, kept, absorb):
    """Mark ``each`` of an each_item check as keeping state between items: ``kept()`` gives that state (picklable), and
    ``absorb(state)`` takes in the state a copy of ``each`` kept over other lists' items in a second process
    (``run.run_checks``), so that ``end()`` reports as if this ``each`` had seen those items too."""
    each.kept, each.absorb = kept, absorb
    return each


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
    if not is_semantic_version(version):
        yield finding("version-not-semver", file=DESCRIPTOR, field="version", text=str(version))


@check
def check_edition(package):
    value = package.descriptor.get("edition")
    if value is None:
        yield finding("edition-missing", file=DESCRIPTOR, field="edition")
    elif not is_edition(value):
        yield finding("edition-invalid", file=DESCRIPTOR, field="edition", text=str(value))


@each_item
def check_descriptions(package):
    """The descriptions state the lists' counts and the edition as the data has them (core/descriptions.py)."""
    counts = {resource: 0 for resource in LIST_RESOURCES.values() if resource in package.files}  # a list not read: not checked

    def each(item, text):
        resource = LIST_RESOURCES[item["list"]]
        if resource in counts:
            counts[resource] += 1
        return ()

    def end():
        for field, stated, derived in stale_statements(package.descriptor, counts):
            yield finding("description-stale", file=DESCRIPTOR, field=field, text=stated, derived=derived)

    def absorb(other):
        for resource, count in other.items():
            counts[resource] += count

    return keeps(each, lambda: counts, absorb), end


# --- the tables (frictionless) -------------------------------------------------------------------

@check
def check_tables(package):
    """Types, required, unique, patterns, enums, primary and foreign keys, header and row shape.

    Frictionless reads the tables only when the fast pass (tables.py) finds something it might report.
    """
    from .tables import suspect_tables

    package.read_every_table()  # a table no check has read yet gets its strict pass now
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
# Each check below sees the items one at a time, as the lists are read (each_item): it sets up once,
# then returns a function of one item and its text, and a function for the end (or None).
# What a check keeps between items is all ``validate`` keeps, so that a national collection streams.

@each_item
def check_seq(package):
    """序号 runs 1..N in each list: one finding per run of missing numbers (work grows with the rows, not the values)."""
    seen = {list_name: (array("q"), array("q"), {}) for list_name in LIST_RESOURCES}  # seqs, rows, file of the list

    def each(item, text):
        seq = item.get("seq")
        if isinstance(seq, int):
            seqs, rows, files = seen[item["list"]]
            seqs.append(seq)
            rows.append(item["_row"])
            files.setdefault("file", item["_file"])
        return ()

    found_there = {}  # list -> its findings, made where its items were read (a second process: absorb)

    def gaps(list_name):
        seqs, rows, files = seen[list_name]
        count = len(seqs)
        in_order = all(map(le, seqs, islice(seqs, 1, None)))  # (in C, with no copy of the array)
        if not in_order and min(seqs) >= 1 and len(set(seqs)) == max(seqs):
            return  # every number of 1..max is there (each town of a collection numbers its list from 1): no gap
        order = range(count) if in_order else sorted(range(count), key=seqs.__getitem__)
        expected = 1
        for at in order:
            seq = seqs[at]
            if seq > expected:
                last = seq - 1
                missing = f"{expected} is" if last == expected else f"{expected}–{last} ({last - expected + 1} numbers) are"
                yield finding(
                    "seq-gap", file=files["file"], resource=LIST_RESOURCES[list_name], row=rows[at], field="seq",
                    text=str(seq), list=list_name, missing=missing, count=count,
                )
            expected = max(expected, seq + 1)

    def end():
        for list_name in LIST_RESOURCES:
            yield from found_there.get(list_name) or gaps(list_name)

    def kept():
        """The findings of each list read here: a list is read whole in one process, so its gaps are known."""
        return {list_name: list(gaps(list_name)) for list_name, (seqs, _, _) in seen.items() if seqs}

    return keeps(each, kept, found_there.update), end


@each_item
def check_id_in_two_lists(package):
    """An id used in two lists: reported at each item after the first that is in another list than the first.

    Per item only its id's key (compact.IdKeys: exact) and where it is are kept, in arrays, by bucket of the key;
    the items of one key are found at the end."""
    ids = IdKeys()
    keys = [array("q") for _ in range(BUCKETS)]  # per bucket: the key of each item's id
    places = [array("q") for _ in range(BUCKETS)]  # per bucket: the item's place (list number, and row number)
    seqs = [array("q") for _ in range(BUCKETS)]  # per bucket: the item's 序号 (-1: none)
    files = {}

    def each(item, text):
        key = id_key(item["id"])
        if key is None:
            key = ids.key(item["id"])
        bucket = key & BUCKET_MASK
        keys[bucket].append(key)
        number = LIST_NUMBER[item["list"]]
        places[bucket].append(number << 60 | item["_row"])
        seq = item.get("seq")
        seqs[bucket].append(seq if isinstance(seq, int) and 0 <= seq < 2 ** 62 else -1)
        files.setdefault(number, item["_file"])
        return ()

    def end():
        found = []
        texts = {key: text for text, key in ids.others.items()}
        for bucket_keys, bucket_places, bucket_seqs in zip(keys, places, seqs):
            if len(set(bucket_keys)) == len(bucket_keys):
                continue  # no id twice in this bucket: most buckets
            first = {}
            # in reading order (lists in order, rows in order), which is the order of the places
            for at in sorted(range(len(bucket_keys)), key=bucket_places.__getitem__):
                key = bucket_keys[at]
                at_first = first.setdefault(key, at)
                if at_first == at:
                    continue
                place, other = bucket_places[at], bucket_places[at_first]
                number, other_number = place >> 60, other >> 60
                if number == other_number:
                    continue  # twice in one list: the table check reports it
                found.append(finding(
                    "id-in-two-lists", file=files[number], resource=LIST_RESOURCES[LISTS[number]], row=place & ROW_MASK,
                    field="id", text=texts[key] if key < 0 else id_text(key), other_list=LISTS[other_number],
                    other_seq=bucket_seqs[at_first] if bucket_seqs[at_first] >= 0 else "(none)",
                    other_file=files[other_number], other_row=other & ROW_MASK,
                ))
        return found

    def absorb(other):
        other_keys, other_places, other_seqs, other_files, other_ids = other
        for number, file in other_files.items():
            files.setdefault(number, file)
        if not other_ids:  # ids of the package's shape only: the same keys, in the same buckets, in both processes
            for mine, theirs in zip((keys, places, seqs), (other_keys, other_places, other_seqs)):
                for bucket, other_bucket in zip(mine, theirs):
                    bucket.extend(other_bucket)
            return
        texts = {key: text for text, key in other_ids.items()}
        for bucket_keys, bucket_places, bucket_seqs in zip(other_keys, other_places, other_seqs):
            for key, place, seq in zip(bucket_keys, bucket_places, bucket_seqs):
                key = ids.key(texts[key]) if key < 0 else key  # a key of its own there: this process's for the text
                bucket = key & BUCKET_MASK
                keys[bucket].append(key)
                places[bucket].append(place)
                seqs[bucket].append(seq)

    return keeps(each, lambda: (keys, places, seqs, files, ids.others), absorb), end


@each_item
def check_departments(package):
    if "departments" not in package.files:
        return keeps_nothing(lambda item, text: ()), None
    known = package.names("departments")

    def each(item, text):
        return [_item_finding("unknown-department", item, "departments", department)
                for department in item.get("departments", ()) if department not in known]

    return keeps_nothing(each), None


@each_item
def check_step_numbering(package):
    index = _corrections_index(package)

    def each(item, text):
        found = []
        for field in STEP_FIELDS:
            if item.get(field):
                problems = step_problems(item[field])
                if not problems:
                    continue  # most fields: no record needs looking up
                level = WARNING if index.unrecoverable(item["id"], field) else None
                for problem in problems:
                    found.append(_item_finding("step-numbering", item, field, None, level=level, detail=problem))
        return found

    return keeps_nothing(each), None


@each_item
def check_space_between_chinese(package):
    def each(item, text):
        if " " not in text and "\t" not in text and "\u3000" not in text:
            return ()  # most items: no space at all, no regex needed
        found = []
        for field, unit in text_units(item):
            for match in SPACE_BETWEEN_CJK.finditer(unit):
                found.append(_item_finding("space-between-chinese", item, field, match.group(),
                                           level=_flag_level(package, item, field, match.group())))
        return found

    return keeps_nothing(each), None


@each_item
def check_glued_latin_or_digit(package):
    def each(item, text):
        if not (_holds_latin_letter(text) or DIGIT_GLUED_AT_START.search("\n" + text)):
            return ()  # no Latin letter, no digit glued at the start of a unit: nothing to look for
        found = []
        for field, unit in text_units(item):
            if not (LATIN_LETTER.search(unit) or (unit[0].isdigit() and GLUED_ANY.match(unit))):
                continue  # no Latin letter, no digit glued at the start: nothing to look for
            for pattern, detail in GLUED_PATTERNS:
                for match in pattern.finditer(unit):
                    fragment = unit[max(match.start() - 1, 0): match.end() + 2]
                    level = _flag_level(package, item, field, fragment)
                    found.append(_item_finding("glued-latin-or-digit", item, field, fragment, level=level, detail=detail))
        return found

    return keeps_nothing(each), None


@each_item
def check_half_width_punctuation(package):
    """An ASCII , ; : ( ) in Chinese text, where the importer's rule writes the full-width mark."""
    def each(item, text):
        if not _holds_any(text, HALF_WIDTH_MARKS):
            return ()  # nothing the rule would change in any field
        found = []
        for field in TEXT_FIELDS:
            if not item.get(field):
                continue
            value = _field_text(item, field)
            if not HALF_WIDTH_MARK.search(value):
                continue  # nothing the rule would change: skip its character-by-character pass
            expected = full_width_punctuation(value)
            odd = [at for at, (char, want) in enumerate(zip(value, expected)) if char != want]
            if odd:
                at = odd[0]
                fragment = value[max(at - 10, 0): at + 10]
                found.append(_item_finding(
                    "half-width-punctuation", item, field, fragment, level=_flag_level(package, item, field, fragment),
                    char=value[at], full=expected[at], count=len(odd),
                ))
        return found

    return keeps_nothing(each), None


@each_item
def check_punctuation_width(package):
    """Each of ！？“” and its ASCII form: one form across the package; the rarer one is reported where it occurs.

    Which form is rarer is known only at the end, so each mark's occurrences are counted, and the
    units holding it are kept up to the report's cap per file (``Omitted`` counts the rest)."""
    marks = [mark for pair in PUNCTUATION_PAIRS for mark in pair]
    counts = dict.fromkeys(marks, 0)
    places = {mark: {} for mark in marks}  # mark -> file -> [units holding it, first ones kept; how many in all]

    def each(item, text):
        if not _holds_any(text, marks):
            return ()
        units = text_units(item)
        for mark in marks:
            count = text.count(mark)
            if not count:
                continue
            counts[mark] += count
            kept = places[mark].setdefault(item["_file"], [[], 0])
            for field, unit in units:
                at = unit.find(mark)
                if at >= 0:
                    kept[1] += 1
                    if len(kept[0]) < MAX_KEPT:
                        kept[0].append((item, field, unit[max(at - 10, 0): at + 10]))
        return ()

    def end():
        for full, half in PUNCTUATION_PAIRS:
            if not (counts[full] and counts[half]):
                continue
            usual = full if counts[full] > counts[half] else half
            odd = half if usual == full else full
            for file, (kept, total) in places[odd].items():
                for item, field, fragment in kept:
                    yield _item_finding(
                        "mixed-punctuation-width", item, field, fragment,
                        char=odd, usual=usual, usual_count=counts[usual], count=counts[odd],
                    )
                if total > len(kept):
                    yield Omitted("mixed-punctuation-width", "error", file, total - len(kept))

    def absorb(other):
        other_counts, other_places = other
        for mark, count in other_counts.items():
            counts[mark] += count
        for mark, files in other_places.items():
            for file, (kept, total) in files.items():
                mine = places[mark].setdefault(file, [[], 0])
                mine[0].extend(kept[:MAX_KEPT - len(mine[0])])
                mine[1] += total

    return keeps(each, lambda: (counts, places), absorb), end


@each_item
def check_empty_required_cells(package):
    index = _corrections_index(package)

    def each(item, text):
        return [_item_finding("empty-required-cell", item, field, None) for field in REQUIRED_TEXT_FIELDS
                if field in item and not item[field] and not index.unrecoverable(item["id"], field)]

    return keeps_nothing(each), None


@each_item
def check_corrections(package):
    """Every record points at an existing item and field, and its corrected text is what the data holds.

    The records are read twice: first for what to look at in each item (its id, field and corrected
    text), then, at the end, to report those with something to report: the outcomes kept per record say which,
    and of the flags (unrecoverable, kept as published) only those the report shows are made, the rest counted."""
    index = _corrections_index(package)
    # per record number: its item's row, list, and whether it has the field and the corrected text (-1: no item yet)
    seen, files = array("q", [-1]) * index.count, {}

    def each(item, text):
        for number, field, corrected, bits in index.records(item["id"]):
            if seen[number] >= 0:
                continue  # an id used twice: the first item is the one (id-in-two-lists and the table check say the rest)
            has_field = field in CORRECTABLE_FIELDS and field in item
            applied = True
            if has_field:
                value = _field_text(item, field)
                extracted = bits & EXTRACTED
                applied = not ((corrected and corrected not in value) or (not corrected and not extracted and value))
            list_number = LIST_NUMBER[item["list"]]
            files.setdefault(list_number, item["_file"])
            seen[number] = item["_row"] << 4 | list_number << 2 | has_field << 1 | applied  # one number a record
        return ()

    def end():
        path = package.files.get("corrections")
        looked_at, shown, left_out = _records_to_report(seen, index.bits, package.finding_limit)
        wanted, number = iter(looked_at), 0
        next_wanted = next(wanted, None)
        unchanged = index.stamp is not None and index.stamp == package.stamp("corrections")
        for rows, columns in package.correction_columns(REPORTED_OF_RECORDS, CHUNK):
            if next_wanted is None and unchanged:
                break  # nothing more to report, and no record added since the first reading: the rest need not be read
            start, number = number, number + len(rows)
            while next_wanted is not None and next_wanted < number:
                at, next_wanted = next_wanted - start, next(wanted, None)
                yield from _record_findings(at + start, rows[at], [column[at] for column in columns], seen, files, path,
                                            at + start in shown)
            if number > len(seen):  # records added since the first reading: no item
                for at in range(max(len(seen) - start, 0), len(rows)):
                    yield from _record_findings(at + start, rows[at], [column[at] for column in columns], seen, files, path, False)
        for (code, list_number), count in left_out.items():
            yield Omitted(code, WARNING, files[list_number], count)

    def absorb(other):
        other_seen, other_files = other
        for list_number, file in other_files.items():
            files.setdefault(list_number, file)
        if max(map(min, seen, other_seen), default=-1) < 0:  # no record has an item in both: take the one set
            seen[:] = array("q", map(max, seen, other_seen))
            return
        for number, outcome in enumerate(other_seen):
            if outcome >= 0 and (seen[number] < 0 or _reading_order(outcome) < _reading_order(seen[number])):
                seen[number] = outcome  # an id used twice: the item read first is the one, as in one process

    return keeps(each, lambda: (seen, files), absorb), end


def _records_to_report(seen, bits, limit):
    """Which correction records check_corrections reports, from their outcomes (``seen``) and bits alone: the
    numbers of those to look at again (no item, no such field, not applied, or a flag shown), in order; the flags
    shown, a set: of each code and list the ``limit`` first by item row and record, which are all the report keeps
    (run.Collector); and per (code, list number) how many flags are left out, counted only."""
    looked_at, kept, counts = [], {}, {}
    for number, outcome in enumerate(seen):
        if outcome < 0 or outcome & 3 != 3:
            looked_at.append(number)
        if outcome >= 0 and outcome & 2 and bits[number] & FLAGGING:
            group = ("flagged-unrecoverable" if bits[number] & UNRECOVERABLE else "kept-as-published", outcome >> 2 & 3)
            counts[group] = counts.get(group, 0) + 1
            heap = kept.setdefault(group, [])  # the first ``limit`` by (row, record), negated: the last of them on top
            entry = (-(outcome >> 4), -number)
            if len(heap) < limit:
                heapq.heappush(heap, entry)
            elif entry > heap[0]:
                heapq.heapreplace(heap, entry)
    shown = {-number for heap in kept.values() for _, number in heap}
    left_out = {group: count - limit for group, count in counts.items() if count > limit}
    return sorted(shown.union(looked_at)), shown, left_out


def _record_findings(number, row, values, seen, files, path, flag_shown):
    """The findings of one correction record (check_corrections): no item, no such field, not applied, and its flag."""
    item_id, field, corrected, status, extracted, kind, evidence = values
    where = {"file": path, "resource": "corrections", "row": row}
    outcome = seen[number] if number < len(seen) else -1
    if outcome < 0:
        yield finding("correction-unknown-item", field="item_id", text=item_id, **where)
        return
    item_row, list_number, has_field, applied = outcome >> 4, outcome >> 2 & 3, outcome & 2, outcome & 1
    list_name, item_file = LISTS[list_number], files[list_number]
    if not has_field:
        yield finding("correction-unknown-field", field="field", text=field, item_id=item_id, list=list_name, **where)
        return
    if not applied:
        yield finding("correction-not-applied", field="corrected", text=corrected, item_id=item_id, item_field=field, **where)
    if flag_shown:
        code = "flagged-unrecoverable" if status == "unrecoverable" else "kept-as-published"
        yield finding(
            code, file=item_file, resource=LIST_RESOURCES[list_name], row=item_row, field=field,
            text=extracted or None, item_id=item_id, kind=kind, evidence=evidence,
        )


def _reading_order(outcome):
    """Where the item of a record's outcome (check_corrections) comes in the reading: its list, then its row."""
    return outcome >> 2 & 3, outcome >> 4


@each_item
def check_amendments(package):
    """Every amendment record is well formed (core/amendments.py says what one is) and points at an item of a list,
    or at one that a record of the file removes. Whether each applies is import-source's check (it needs the source).

    Per item only its id's key is kept (compact.IdKeys: exact; 8 bytes an item, not a set of the ids' texts); the
    keys the records name are looked for among them at the end."""
    ids, keys = IdKeys(), array("q")

    def each(item, text):
        keys.append(ids.key(item["id"]))
        return ()

    present_there = set()  # the ids named by records that items read in a second process have (absorb)

    def present_here(records):
        """The ids named by the records that an item read here has."""
        named = {record.get("item_id") for _, record in records}
        wanted = {ids.known(item_id): item_id for item_id in named if isinstance(item_id, str)}
        wanted.pop(None, None)  # an id no item has
        return {wanted[key] for key in set(wanted).intersection(keys)}  # a scan of the array, no set of it

    def end():
        path = package.files.get("amendments")
        records = list(package.amendments())
        removed = {record.get("item_id") for _, record in records if record.get("operation") == "remove"}
        present = present_here(records) | present_there
        for row, record in records:
            where = {"file": path, "resource": "amendments", "row": row}
            problem = record_problem(record)
            if problem:
                yield finding("amendment-malformed", field="operation", text=record.get("operation"), problem=problem, **where)
            elif record.get("item_id") not in present and record.get("item_id") not in removed:
                yield finding("amendment-unknown-item", field="item_id", text=record.get("item_id"), **where)

    return keeps(each, lambda: present_here(list(package.amendments())), present_there.update), end


# --- against an earlier edition ------------------------------------------------------------------

def check_against(package, earlier, label, content_change="content not compared"):
    """Against an earlier edition (each_item, run by ``validate --against``): no id names another item than it
    did there, and the version grew. ``content_change``: why the content differs, or None when it does not."""
    def each(item, text):
        old = earlier["items"].get(item["id"])
        if not old or not old.get("name") or not item.get("name"):
            return ()
        ratio = difflib.SequenceMatcher(None, old["name"], item["name"]).ratio()
        if ratio < SAME_ITEM_RATIO:
            return (_item_finding("id-reused", item, "id", item["name"], item_id=item["id"], old_name=old["name"], against=label, ratio=ratio),)
        return ()

    return keeps_nothing(each), lambda: _check_version_increased(package, earlier, label, content_change)


check_against.each_item = True


def _check_version_increased(package, earlier, label, content_change):
    """The version grows with the content: greater when the content changed, never lower."""
    new, old = package.descriptor.get("version"), earlier["descriptor"].get("version")
    new_key, old_key = semantic_version_key(new), semantic_version_key(old)
    if not (new_key and old_key):
        return
    if new_key < old_key or (new_key == old_key and content_change):
        why = f"the content changed ({content_change})" if content_change and new_key == old_key else "a version never goes down"
        yield finding("version-not-increased", file=DESCRIPTOR, field="version", text=new, old_version=old, against=label, why=why)


# --- helpers -------------------------------------------------------------------------------------

def _item_finding(code, item, field, text, level=None, **params):
    return finding(
        code, file=item["_file"], resource=LIST_RESOURCES[item["list"]], row=item["_row"], field=field,
        text=text, level=level, **params,
    )


def text_units(item):
    """(field, text) for every cell, department and step line of an item: what the text checks read."""
    units = []
    append = units.append
    for field in TEXT_FIELDS:
        value = item.get(field)
        if not value:
            continue
        if value.__class__ is list:
            for text in value:
                if text:
                    append((field, text))
        else:
            append((field, value))
    return units


def item_text(item):
    """The units of ``text_units(item)`` joined by line breaks, built without them: a list's entries joined."""
    parts = []
    for field in TEXT_FIELDS:
        value = item.get(field)
        if not value:
            continue
        if value.__class__ is list:
            value = "\n".join(value if "" not in value else [entry for entry in value if entry])
            if not value:
                continue
        parts.append(value)
    return "\n".join(parts)


def _holds_latin_letter(text):
    """Whether text holds a letter A-Z or a-z: its ASCII characters alone (few, in Chinese text), compared in both
    cases; six times quicker than searching the whole text for ``LATIN_LETTER``."""
    ascii_only = text.encode("ascii", "ignore")
    return ascii_only.lower() != ascii_only.upper()


def _holds_any(text, characters):
    """Whether text holds one of the characters: one fast ``in`` scan each, quicker than a pattern's scan."""
    for character in characters:
        if character in text:
            return True
    return False


def _field_text(item, field):
    value = item[field]
    if field in STEP_FIELDS:
        return STEP_DELIMITER.join(value)
    if isinstance(value, list):
        return LIST_DELIMITER.join(value)
    return value


def _corrections_index(package):
    """What the checks need of the correction records, from one reading of them per run of the checks
    (run.run_checks forgets it): a ``compact.CorrectionIndex`` (each record's item, field, corrected text and
    whether it flags the field as unrecoverable or kept as published), with no object per record."""
    index = package.corrections_index
    if index is None:
        stamp = package.stamp("corrections")  # before the reading: a record added while it is read changes it
        index = package.corrections_index = CorrectionIndex(_record_needs(package))
        index.stamp = stamp
    return index


def _record_needs(package):
    """The correction records CHUNK at a time, as ``compact.CorrectionIndex`` takes them: per batch the item ids, the
    fields, the corrected texts and the bits of each record, in file order."""
    statuses = {}  # status -> its bits
    for _, (item_ids, fields, corrected, status, extracted) in package.correction_columns(NEEDED_OF_RECORDS, CHUNK):
        for value in set(status):
            statuses.setdefault(value, (value == "unrecoverable") * UNRECOVERABLE + (value in FLAGGING_STATUSES) * FLAGGING)
        bits = list(map(add, map(statuses.__getitem__, status), map(mul, map(bool, extracted), repeat(EXTRACTED))))
        yield _texts(item_ids), _texts(fields), _texts(corrected), bits


def _texts(column):
    """The column with a missing value (None: a record shorter than the header) as an empty text."""
    return column if None not in column else [value or "" for value in column]


def _flag_level(package, item, field, fragment):
    """Warning when a correction record flags this text (unrecoverable, or kept as published); else the default."""
    for corrected in _corrections_index(package).flagging(item["id"], field):
        if fragment.strip() and fragment.strip() in corrected:
            return WARNING
    return None


def _json_path(path):
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")


def _json(path):
    import json

    return json.loads(Path(path).read_text(encoding="utf-8"))
