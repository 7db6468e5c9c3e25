"""The text report of ``dutylist import-source``: a screen that says what happens, then the details.

The JSON report is the job's return value itself; this only renders it. Each list of details is
cut at ``DETAILS_SHOWN`` entries with "and N more" (the JSON lists them all).
"""

from ..core.package import FIELD_TITLES, LIST_LABELS

DETAILS_SHOWN = 50


def render_text(report):
    lines = _summary(report)
    lines.append("")
    lines.extend(_details(report))
    return "\n".join(lines).rstrip()


def _summary(report):
    rows = report["rows"]
    links = report["links"]
    counts = links["counts"]
    lines = []
    if report["new_edition"]:
        lines.append(f"edition {report['edition']} from {report['source']}: into the package at edition "
                     f"{report['package_edition']} (version {report['version']})")
    else:
        lines.append(f"edition {report['edition']} from {report['source']}: the package's own edition"
                     + (f", linked as {links['file']} says ({links['recorded']} rows)" if links["recorded"] else ""))
    lines.append(_status(report))
    lines.append("rows: " + ", ".join(f"{name} {count}" for name, count in rows.items())
                 + f" ({sum(rows.values())} on {report['pages']} pages)")
    lines.append(f"links: {counts['exact']} exact, {counts['likely']} likely, "
                 + (f"{counts['review']} to review, " if counts.get("review") else "")
                 + f"{counts['new']} new, {counts['manual']} manual; "
                 f"{counts['retired']} retired" + (f"  (review the likely links in {links['file']})" if counts["likely"] else ""))
    if counts.get("review"):
        lines.append(f"review: {counts['review']} row(s) of {links['file']} are doubtful (below); nothing is written to data/ until "
                     "each is answered: edit its row to the right id and 'manual', or clear the id and write 'new', then --write again")
    if report["new_edition"]:
        corrections = report["corrections"]
        lines.append(f"corrections: {corrections['kept']} carry over, {len(corrections['dropped'])} no longer apply"
                     + (" (dropped with --write)" if corrections["dropped"] and not report["written"] else ""))
        known = len(report["anomalies"]) - len(report["new_anomalies"])
        lines.append(f"anomalies: {len(report['new_anomalies'])} new" +
                     (" (record each in data/corrections.csv, or leave it if it is the official text)" if report["new_anomalies"] else "")
                     + f", {known} already met in edition {report['package_edition']}")
    else:
        lines.append(f"anomalies: {len(report['anomalies'])} in the extracted text (a work list, below)")
    for path in report.get("encoding_bom", []):
        lines.append(f"{path}:1  encoding-bom  starts with a byte-order mark (BOM), as a spreadsheet saves it; read without it. "
                     "Run `dutylist fmt` to save it as UTF-8 without BOM")
    if report["new_edition"] and report["amendments_dropped"]:
        lines.append(f"amendments: {report['amendments_dropped']} recorded against edition {report['package_edition']}; "
                     "the new edition supersedes them" + (" (cleared with --write)" if not report["written"] else ""))
    if report.get("pdf_warnings"):
        lines.append(f"OCR: {len(report['pdf_warnings'])} 序号 read otherwise than the rows counted (below): check those rows")
    problems = len(report["source_problems"]) + len(report["correction_problems"]) + len(report["amendment_problems"])
    if problems:
        lines.append(f"problems: {problems} (below); nothing can be written until they are solved")
    return lines


def _status(report):
    written, would = report["written"], report["would_write"]
    if report["links"]["counts"].get("review") and not (report["source_problems"] or report["correction_problems"]):
        return (f"wrote {', '.join(written)} only: " if written else "nothing written: ") + \
            f"{report['links']['counts']['review']} row(s) to review before data/ can be written"
    if written:
        return f"wrote {len(written)} file(s): {', '.join(written)}" + (
            f"; the version stays {report['version']}: review with git diff and dutylist diff, then commit" if report["new_edition"] else "")
    if report["refused"]:
        return (f"refused, nothing written: data/ holds {len(report['unrecorded'])} value(s) no record gives, which --write "
                f"would throw away (listed below): record them with {RECORD_COMMAND}, or undo them with git checkout -- data/")
    if report["source_problems"] or report["correction_problems"] or report["amendment_problems"]:
        return "nothing written: the problems below must be solved first"
    if report["new_edition"] and report["unrecorded"]:
        return (f"nothing written (a dry run); --write would refuse: data/ holds {len(report['unrecorded'])} value(s) no record "
                f"gives (listed below), which the new edition would throw away: record them with {RECORD_COMMAND} first")
    if report["new_edition"]:
        return (f"nothing written (a dry run); --write would write {len(would)} file(s): {', '.join(would)} "
                f"(edition {report['edition']}; the version stays {report['version']})")
    if report["differences"]:
        unrecorded = len(report["unrecorded"])
        return (f"data/ differs from the records in {len(report['differences'])} place(s): record an edit with "
                f"{RECORD_COMMAND} (or damage in data/corrections.csv)" + (
                    f"; --write would refuse: {unrecorded} value(s) of data/ are in no record" if unrecorded
                    else ", or run with --write to rewrite the three lists from the records"))
    if would:
        return f"data/ agrees with the source; --write would write {', '.join(would)}"
    return "data/ is exactly the source with the rules, corrections and amendments applied"


def _details(report):
    source = report["source"]
    links = report["links"]
    sections = [
        ("problems in the source", [f"{source}:{p['line']}  {p['code']}  {p['message']}" for p in report["source_problems"]]),
        ("序号 that OCR read otherwise than the rows counted (the count is kept)", report.get("pdf_warnings", [])),
        ("correction records that do not apply", [
            f"data/corrections.csv:{p['row']}:{p['field']}  {p['code']}  {p['item_id']}: {p['message']}"
            for p in report["correction_problems"]]),
        ("amendment records that do not apply", [
            f"data/amendments.csv:{p['row']}:{p['field']}  {p['code']}  {p['item_id']}: {p['message']}"
            for p in report["amendment_problems"]]),
        ("values of data/ in no record (--write refuses to throw them away)", [
            f"{_where(d)}  unrecorded  {d['id']}: {_held(d)}; keep it: dutylist record --item {d['id']} --reason TEXT"
            for d in report["unrecorded"]]),
        ("where data/ differs from the source and the records", [
            f"{_where(d)}  differs-from-source  {d['id']}: {_held(d)}" for d in report["differences"]]),
        (f"rows to review in {links['file']} (answer each: the right id and 'manual', or clear the id and write 'new')",
         [_review(number, entry, len(links.get("review", []))) for number, entry in enumerate(links.get("review", []), start=1)]),
        (f"likely links, to review in {links['file']} (write another id and 'manual', or clear the id and write 'new')",
         [_likely(link) for link in links["likely"]]),
        ("new ids", [_new(link) for link in links["new"]]),
        ("retired ids (no row links to them)", [f"{item['id']}  was {_place(item)}  {item['name']}" for item in links["retired"]]),
        ("correction records that no longer apply", [
            f"data/corrections.csv:{p['row']}:{p['field']}  {p['item_id']}: {p['message']}" for p in report["corrections"]["dropped"]]),
        ("new anomalies in the extracted text", [_anomaly(source, a) for a in report["new_anomalies"]]),
    ]
    if not report["new_edition"]:
        sections.append(("anomalies in the extracted text, a work list", [_anomaly(source, a) for a in report["anomalies"]]))
    lines = []
    for title, entries in sections:
        if not entries:
            continue
        lines.append(f"{title} ({len(entries)}):")
        lines.extend(f"  {entry}" for entry in entries[:DETAILS_SHOWN])
        if len(entries) > DETAILS_SHOWN:
            lines.append(f"  … and {len(entries) - DETAILS_SHOWN} more (--format json lists them all)")
    return lines


RECORD_COMMAND = "dutylist record --reason TEXT [--authority TEXT]"


def _where(difference):
    """file:row:field, each part that the difference has (an item data/ lacks has no row, a whole row no field)."""
    return ":".join(str(part) for part in (difference["file"], difference["row"], difference["field"]) if part is not None)


def _held(difference):
    if difference["kind"] == "missing":
        return "data/ lacks this item, which the records give"
    if difference["kind"] == "extra":
        return "data/ holds this item (the whole row), which no record gives"
    return f"data/ holds {difference['held']!r}, the records give {difference['derived']!r}"


def _likely(link):
    was = [_place({"list": link["previous_list"], "seq": link["previous_seq"]})] if link["previous_list"] else []
    if link["previous_name"] is not None:
        was.append(link["previous_name"])
    return (f"{_place(link)} → {link['id']}  score {link['score']}\n      now: {link['name']}"
            + (f"\n      was: {'  '.join(was)}" if was else ""))


def _review(number, entry, total):
    """One review row: the new row and each proposed item, cell by cell, the differences inline, what else changed."""
    lines = [f"[{number}/{total}] {_place(entry)} (page {entry['page']})  confidence {entry['score']}: {entry['why']}"]
    for candidate in entry["candidates"]:
        changed = ", ".join(f"{name} {change['old'] or '—'} → {change['new'] or '—'}" for name, change in candidate["changed"].items())
        lines.append(f"    proposed {candidate['id']} (was {_place(candidate)}), confidence {candidate['confidence']}"
                     + (f"; changed: {changed}" if changed else "; list, category and departments unchanged"))
    for name, value in entry["cells"].items():
        if not value and not any(candidate["cells"][name] for candidate in entry["candidates"]):
            continue
        lines.append(f"    {FIELD_TITLES.get(name, name)}  now: {_one_line(value) or '(empty)'}")
        for candidate in entry["candidates"]:
            if name in candidate["differences"]:
                lines.append(f"      {candidate['id'][-4:]}  was: {_one_line(candidate['cells'][name]) or '(empty)'}")
                lines.append(f"      {candidate['id'][-4:]} diff: {_one_line(candidate['differences'][name])}")
            else:
                lines.append(f"      {candidate['id'][-4:]}  the same")
    return "\n".join(lines)


def _new(link):
    resembles = "; ".join(f"{item['id']} (was {_place(item)}, {item['confidence']}) {item['name']}" for item in link.get("resembles", []))
    return f"{_place(link)} → {link['id']}  {link['name']}" + (f"\n      resembles retired {resembles}" if resembles else "")


def _one_line(text):
    return text.replace("\n", " ⏎ ")


def _place(item):
    return f"{LIST_LABELS.get(item['list'], item['list'])} {item['seq']}"


def _anomaly(source, anomaly):
    return (f"{source}:{anomaly['line']}  page {anomaly['page']}  {anomaly['list']} {anomaly['seq']} "
            f"({anomaly['item_id']}) {anomaly['field']}  {anomaly['code']}  {anomaly['message']}")
