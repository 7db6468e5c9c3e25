"""``dutylist record``: turn the edits made to data/ by any tool into amendment records, in one step.

What the records give (the source, the rules, the links, the corrections and the amendments already
recorded: importing/job.py ``records_and_data``) is compared with what data/ holds; each difference
becomes a record of data/amendments.csv (core/amendments.py ``amendments_between``), stamped with the
reason, the authority, who and when. A change that looks like extraction damage (the importer flagged
the text it replaces, or it removes a damage pattern of core/damage.py) is not recorded unless asked
(``--all``): it is shown with the correction record that would explain it instead.

The same module writes the records the commands that edit data/ themselves make (new-item, move-item,
renumber): ``stamp`` and ``amendments_file_text``.
"""

import datetime

from ..core.amendments import AMENDMENT_FIELDS, amendments_between, apply_amendments
from ..core.damage import GLUED_PATTERNS, SPACE_BETWEEN_CJK
from ..core.errors import DutylistError
from ..core.package import CORRECTION_FIELDS, csv_text

CORRECTION_KINDS_HINT = "wrong-character, line-wrap-space, truncated, garbled, missing or official-oddity"


class RecordError(DutylistError):
    """The edits cannot be recorded (misuse, or a package without an amendments resource)."""


def stamp(records, reason, authority="", by="", date=None):
    """The records with their reason, authority, who and when (today, UTC, unless ``date``)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise RecordError("give the reason for the edit: --reason TEXT (a sentence: the notice, the decision)")
    date = date or datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    extra = {"reason": reason, "authority": " ".join((authority or "").split()), "by": " ".join((by or "").split()), "date": date}
    return [{**record, **extra} for record in records]


def amendments_path(job):
    """The amendments file the descriptor names; a package without the resource cannot record an edit."""
    path = job.paths.get("amendments")
    if path is None:
        raise RecordError("datapackage.json declares no resource 'amendments': add it as the package does "
                          "(data/amendments.csv, schemas/amendments.json; see docs/maintain.md)")
    return path


def amendments_file_text(job, records):
    """The amendments file with ``records`` appended (the records already there kept byte for byte)."""
    from ..importing.job import current_text

    return append_records(current_text(job.repo, amendments_path(job)), records)


def append_records(text, records):
    """An amendments file's text (None or empty: no file yet) with the records appended, the rest kept byte for byte."""
    if not text or not text.strip():
        return csv_text(AMENDMENT_FIELDS, records)
    return text + ("" if text.endswith("\n") else "\n") + csv_text(AMENDMENT_FIELDS, records).split("\n", 1)[1]


def plan_record(repo, reason, authority="", by="", items=(), include_damage=False):
    """What ``dutylist record`` records: {"records", "suspected_damage", "file", ...}; the file's new text under "_text"."""
    from ..importing.job import records_and_data

    given, held, job, result = records_and_data(repo)
    path = amendments_path(job)
    wanted = set(items)
    unknown = sorted(wanted - set(given) - set(held))
    if unknown:
        raise RecordError(f"--item {unknown[0]}: no item of data/ or of the records has this id")
    records = [record for record in amendments_between(given, held) if not wanted or record["item_id"] in wanted]
    damaged = {}
    for anomaly in result.anomalies:
        damaged.setdefault((anomaly.item_id, anomaly.field), []).append(anomaly)
    flagged = {}
    for row, correction in enumerate(job.corrections, start=2):
        if correction.get("status") == "unrecoverable" and correction.get("corrected"):
            flagged.setdefault((correction["item_id"], correction["field"]), []).append((row, correction))
    suspects = []
    if not include_damage:
        for record in records:
            key = (record["item_id"], record["field"])
            why, row = damage_reason(record, damaged.get(key, ()), flagged.get(key, ()))
            if why:
                suspects.append({"record": record, "why": why, "correction": correction_offer(record, row)})
        suspect_ids = {id(entry["record"]) for entry in suspects}
        kept_items = {record["item_id"] for record in records if id(record) in suspect_ids}
        # an item with a suspected repair is left whole (its other records too), so that what is recorded always applies
        records = [record for record in records if record["item_id"] not in kept_items]
    records = stamp(records, reason, authority, by) if records else []
    left_out = {entry["record"]["item_id"] for entry in suspects} | ((set(held) | set(given)) - wanted if wanted else set())
    _check_applies(given, held, records, left_out)
    plan = {"file": path, "reason": records[0]["reason"] if records else reason, "authority": authority, "by": by,
            "records": records, "suspected_damage": suspects, "written": False}
    plan["_text"] = amendments_file_text(job, records) if records else None
    plan["_job"] = job
    return plan


def _check_applies(given, held, records, left_out):
    """The records take what the records give to data/ (but for the items left out): else a bug, said as one."""
    items = {item_id: dict(item) for item_id, item in given.items()}
    problems, _ = apply_amendments(items, records)
    expected = {item_id: item for item_id, item in held.items() if item_id not in left_out}
    got = {item_id: item for item_id, item in items.items() if item_id not in left_out}
    same = problems == [] and set(expected) == set(got) and all(
        {k: v for k, v in got[i].items() if v} == {k: v for k, v in expected[i].items() if v} for i in expected)
    if not same:
        raise RecordError("internal check failed: the records made would not give data/ back; nothing was written; please report it")


def damage_reason(record, anomalies=(), flagged=()):
    """(why a change looks like a repair of extraction damage, the row of the correction record it concerns), or
    (None, None): a correction record flags the text it replaces as unrecoverable, the importer flagged that text,
    or the change removes a space between Chinese characters or a glued letter or digit (core/damage.py)."""
    if record["operation"] != "change":
        return None, None
    before, after = record["before"], record["after"]
    for row, correction in flagged:
        if correction["corrected"] in before and correction["corrected"] not in after:
            return (f"data/corrections.csv row {row} flags {correction['corrected']!r} as damage the source does not "
                    f"resolve ({correction['kind']}, unrecoverable) and the edit replaces it"), row
    for anomaly in anomalies:
        if anomaly.text and anomaly.text in before and anomaly.text not in after:
            return f"the importer flagged {anomaly.text!r} here ({anomaly.code}) and the edit replaces it", None
    if SPACE_BETWEEN_CJK.search(before) and not SPACE_BETWEEN_CJK.search(after):
        return "it removes a space between Chinese characters (a line-wrap left-over)", None
    for pattern, what in GLUED_PATTERNS:
        if any(pattern.search(line) for line in before.split("\n")) and not any(pattern.search(line) for line in after.split("\n")):
            return f"it removes {what}", None
    return None, None


def correction_offer(record, row=None):
    """The correction record (a row of data/corrections.csv) that would explain the change instead: the smallest
    span of the text that changed, widened until it occurs once; kind and evidence left for the maintainer. Where
    a record flags the text (``row``), that record is the one to change."""
    before, after = record["before"], record["after"]
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while end < min(len(before), len(after)) - start and before[-1 - end] == after[-1 - end]:
        end += 1
    while (before[start:len(before) - end] == "" or before.count(before[start:len(before) - end]) != 1) and (start or end):
        start, end = max(start - 1, 0), max(end - 1, 0)
    fields = {"item_id": record["item_id"], "field": record["field"], "extracted": before[start:len(before) - end],
           "corrected": after[start:len(after) - end], "kind": "KIND", "status": "corrected", "evidence": "EVIDENCE"}
    line = csv_text(CORRECTION_FIELDS, [fields]).split("\n", 1)[1].rstrip("\n")
    if row is not None:
        return f"change row {row} of data/corrections.csv: corrected to the text the source evidences, status corrected, and its evidence (or replace it with {line})"
    return line


def write_plan(plan):
    """Write the records the plan holds (atomically; the caller holds the package's lock)."""
    from ..core.package import write_files_atomic

    if plan["_text"] is not None:
        write_files_atomic({plan["_job"].repo / plan["file"]: plan["_text"]})
        plan["written"] = True
    return plan


def public(plan):
    """The plan as --format json prints it."""
    return {key: value for key, value in plan.items() if not key.startswith("_")}


SHOWN = 30  # records listed on the screen; --format json lists them all
WIDTH = 24  # characters of a value shown (a Chinese character takes two columns)


def render_text(plan, dry_run=False):
    records, suspects = plan["records"], plan["suspected_damage"]
    lines = []
    if not records and not suspects:
        return "nothing to record: data/ is exactly what the source and the records give"
    if records:
        verb = "would record" if dry_run or not plan["written"] else "recorded"
        lines.append(f"{verb} {len(records)} amendment(s) in {plan['file']}: reason {records[0]['reason']!r}"
                     + (f", authority {records[0]['authority']!r}" if records[0]["authority"] else "")
                     + (f", by {records[0]['by']!r}" if records[0]["by"] else ""))
        lines.extend(f"  {line}" for line in screen_lines(records))
    if suspects:
        lines.append(f"{len(suspects)} change(s) look like extraction damage, not recorded (their item is left as it is):")
        for entry in suspects[:SHOWN]:
            record = entry["record"]
            lines.append(f"  {describe(record)}\n    {entry['why']}")
            if entry["correction"].startswith("change row"):
                lines.append(f"    a correction instead: {entry['correction']}")
            else:
                lines.append(f"    a correction instead: append to data/corrections.csv, with KIND ({CORRECTION_KINDS_HINT}) "
                             f"and EVIDENCE filled in:\n      {entry['correction']}")
            lines.append(f"    an editorial change after all: dutylist record --all --item {record['item_id']} --reason TEXT")
    if records and not dry_run:
        lines.append("next: dutylist check (what CI checks), then commit data/")
    elif records:
        lines.append("nothing written (--dry-run)")
    return "\n".join(lines)


def screen_lines(records, shown=SHOWN):
    """The records as a screen shows them: each record on a line, but a run of more than three 序号 changes by the
    same step, of items that change nothing else (the items after an item added, removed or moved), in one line."""
    others = {record["item_id"] for record in records if record["operation"] != "renumber"}
    runs, listed = [], []
    for record in records:
        if record["operation"] == "renumber" and record["item_id"] not in others and record["before"]:
            step = int(record["after"]) - int(record["before"])
            if runs and runs[-1][0] == step and int(runs[-1][1][-1]["before"]) + 1 == int(record["before"]):
                runs[-1][1].append(record)
                continue
            runs.append((step, [record]))
    in_runs = {id(record) for _, run in runs if len(run) > 3 for record in run}
    listed = [record for record in records if id(record) not in in_runs]
    lines = [describe(record) for record in listed[:shown]]
    if len(listed) > shown:
        lines.append(f"… and {len(listed) - shown} more (--format json lists them all)")
    for _, run in runs:
        if len(run) > 3:
            lines.append(f"{len(run)} other items renumbered, {run[0]['item_id']} … {run[-1]['item_id']} "
                         f"(序号 {run[0]['before']}…{run[-1]['before']} → {run[0]['after']}…{run[-1]['after']})")
    return lines


def describe(record):
    """One record on one line: id, operation, field, before → after (long values cut)."""
    return (f"{record['item_id']}  {record['operation']:<8} {record['field']}: "
            f"{_short(record['before'])} → {_short(record['after'])}")


def _short(value):
    value = value.replace("\n", "⏎")
    if not value:
        return "∅"
    return repr(value if len(value) <= WIDTH else value[:WIDTH - 1] + "…")
