"""The change report as a document (headings, paragraphs, nested lists, tables) built from compare()'s dict only.

Each renderer (text, markdown, html) turns these blocks into its format. Inline content is a list
of fragments ``(style, text)`` with style one of text, strong, code, ins, del.

Blocks: ``("heading", level, fragments)``, ``("paragraph", fragments)``, ``("note", fragments)``,
``("list", [(fragments, [children…]), …])``, ``("table", [header fragments…], [[cell fragments…], …])``.
"""

from ..core.kinds import KIND_LABELS, KINDS, RENUMBERED, bump_rank
from ..core.package import LIST_LABELS, LISTS, RECLAIMED_DEPARTMENTS, RETURNED_BY, STEP_FIELDS, field_title
from ..core.shown import visible

STEP_LABELS = {"added": "新增", "removed": "删除", "changed": "修改"}
NO_DEPARTMENT = "无对应部门 (basic list, no department)"


BRIEF_WARNINGS = 5  # warnings listed in the brief report (the full one lists them all)


def text(value):
    return ("text", "" if value is None else str(value))


def document(report, by=None, brief=False):
    """The report's blocks. ``brief``: the first screen only (header, warnings, summary and where the details are)."""
    blocks = opening(report, brief)
    if report["summary"]["identical"]:
        return blocks
    if brief:
        return blocks + _visible([("note", [text("详情 Details: this is the summary only. Add "), ("code", "--full"),
                                             text(" for every change, or write the whole report to a file: "),
                                             ("code", "--format markdown -o report.md"), text(" (or html, json).")])])
    return blocks + details(report, by)


def opening(report, brief=False):
    """The blocks before the details: header, warnings and summary (``brief``: non-zero counts, condensed reasons)."""
    return _visible(header(report) + warnings(report, brief) + summary(report, brief))


def details(report, by=None):
    """The blocks after the summary: one section (a level-2 heading and its blocks) per kind of change."""
    if report["summary"]["identical"]:
        return []
    blocks = department_sections(report) if by == "department" else kind_sections(report)
    blocks += renumbered(report) + likely(report) + registers(report) + corrections(report) + structure(report) + schema(report) + descriptor(report)
    return _visible(blocks)


COLLAPSED_SECTIONS = (KIND_LABELS[RENUMBERED], "登记表 ", "描述文件 ")  # bookkeeping: collapsed even where item changes are open


def sections(blocks):
    """``details()`` split into sections: [(title text, collapsed, [blocks after the heading])] in order."""
    found = []
    for block in blocks:
        if block[0] == "heading" and block[1] == 2:
            title = "".join(value for _, value in block[2])
            found.append((title, title.startswith(COLLAPSED_SECTIONS), []))
        elif found:
            found[-1][2].append(block)
    return found


def _visible(blocks):
    def fragments(parts):
        return [(style, visible(value)) for style, value in parts]

    def entries(listed):
        return [(fragments(parts), entries(children)) for parts, children in listed]

    shown = []
    for block in blocks:
        kind = block[0]
        if kind == "heading":
            shown.append(("heading", block[1], fragments(block[2])))
        elif kind in ("paragraph", "note"):
            shown.append((kind, fragments(block[1])))
        elif kind == "list":
            shown.append(("list", entries(block[1])))
        elif kind == "table":
            shown.append(("table", [fragments(cell) for cell in block[1]], [[fragments(cell) for cell in row] for row in block[2]]))
        else:
            shown.append(block)
    return shown


def warnings(report, brief=False):
    found = report.get("warnings") or []
    if not found:
        return []
    listed = found[:BRIEF_WARNINGS] if brief else found
    entries = [([text(f"{'旧版 OLD' if warning['side'] == 'old' else '新版 NEW'} "),
                 ("code", ":".join(str(part) for part in (warning["file"], warning["row"], warning["field"]) if part is not None)),
                 text(f" {warning['code']}: {warning['message']}")], []) for warning in listed]
    if len(found) > len(listed):
        entries.append(([text(f"… and {len(found) - len(listed)} more (see --full or --format json)")], []))
    return [("note", [("strong", f"⚠ 警告 Warnings ({len(found)}): "),
                      text("some of the input does not fit the package's types or layout and was read as it is, so that "
                           "every change still shows. Run "), ("code", "dutylist validate"), text(" on that edition.")]),
            ("list", entries)]


def header(report):
    blocks = [("heading", 1, [text("履职事项清单变更报告 Change report")])]
    for role, name in (("from", "旧版 From"), ("to", "新版 To")):
        blocks.append(("paragraph", [("strong", name + ": ")] + side_fragments(report[role])))
    if report.get("baseline"):  # bare `dutylist diff` chose OLD (diff/baseline.py): say which and why
        blocks.append(("note", [("strong", "基准 Baseline: "), text(report["baseline"]["reason"])]))
    for note in report["notes"]:
        blocks.append(("note", [text("注 Note: " + note)]))
    return blocks


def side_fragments(side):
    parts = [text(" · ".join(str(value) for value in (side["version"], side["edition"]) if value) or "—")]
    parts.append(text(" · "))
    parts.append(("code", side["revision"][:12] if side["revision"] else side["label"]))
    return parts


def summary(report, brief=False):
    counts = report["summary"]
    blocks = [("heading", 2, [text("摘要 Summary")])]
    if counts["identical"]:
        return blocks + [("paragraph", [("strong", "无变更 No differences.")])]
    rows = [[[text(KIND_LABELS[kind])], [text(counts[kind])]] for kind in (*KINDS, RENUMBERED)]
    for key, label in (("registers", "登记表 Registers"), ("corrections", "更正记录 Corrections"),
                       ("structure", "表头 Columns"), ("schema", "表结构 Schema"), ("descriptor", "描述文件 Descriptor")):
        rows.append([[text(label)], [text(counts[key])]])
    if brief:
        rows = [row for row in rows if row[1][0][1] != "0"]
    blocks.append(("table", [[text("变更 Change")], [text("数量 Count")]], rows))
    list_rows = [[[text(f"{LIST_LABELS[name]} ({name})")], [text(counts["lists"][name]["before"])], [text(counts["lists"][name]["after"])]]
                 for name in LISTS]
    blocks.append(("table", [[text("清单 List")], [text("变更前 Before")], [text("变更后 After")]], list_rows))
    blocks.append(("paragraph", bump_fragments(counts)))
    reasons = [([text(reason)], []) for reason in (condensed_reasons(counts["bump_reasons"]) if brief else
                                                   [f"{reason['bump']}: {reason['reason']}" for reason in counts["bump_reasons"]])]
    if reasons:
        blocks.append(("list", reasons))
    return blocks


def condensed_reasons(reasons):
    """One line per bump and kind of reason: 'minor: resource added: a, b, c'."""
    groups = {}
    for reason in reasons:
        kind, _, what = reason["reason"].rpartition(": ")
        if not kind or what.isdigit():
            kind, what = reason["reason"], None
        groups.setdefault((reason["bump"], kind), []).append(what)
    lines = []
    for (bump, kind), whats in groups.items():
        named = [what for what in whats if what]
        lines.append(f"{bump}: {kind}" + (f": {', '.join(named[:6])}" + (f" and {len(named) - 6} more" if len(named) > 6 else "") if named else ""))
    return lines


def bump_fragments(counts):
    fragments = [("strong", f"版本建议 Version bump: {counts['bump']}")]
    declared = counts["declared_bump"]
    if declared is not None:
        verdict = "✓" if bump_rank(declared) >= bump_rank(counts["bump"]) else "⚠ lower than the changes call for"
        fragments.append(text(f" (声明 declared: {declared} {verdict})"))
    return fragments


def kind_sections(report):
    blocks = []
    for kind in KINDS:
        items = [item for item in report["items"] if item["change"] == kind]
        if items:
            blocks.append(("heading", 2, [text(f"{KIND_LABELS[kind]} ({len(items)})")]))
            for item in items:
                blocks += item_blocks(item)
    return blocks


def department_sections(report):
    items = {item["id"]: item for item in report["items"]}
    blocks = [("heading", 2, [text("按部门 By department")])]
    for group in report["by_department"]:
        blocks.append(("heading", 3, [text(f"{group['department'] or NO_DEPARTMENT} ({len(group['ids'])})")]))
        for item_id in group["ids"]:
            blocks += item_blocks(items[item_id], level=4, with_kind=True)
    return blocks


def item_blocks(item, level=3, with_kind=False):
    title = [("code", item["id"]), text(" " + (item["name"] or "(无名称 no name)"))]
    if with_kind:
        title = [text(f"[{KIND_LABELS[item['change']]}] ")] + title
    blocks = [("heading", level, title), ("paragraph", place_fragments(item))]
    old_list = item["from"]["list"] if item["from"] else None
    entries = [field_entry(change, (item["to"] or item["from"])["list"], old_list) for change in item["fields"]]
    if "record" in item:
        entries = record_entries(item["record"], (item["to"] or item["from"])["list"], "ins" if item["change"] == "added" else "del")
    if entries:
        blocks.append(("list", entries))
    return blocks


def place_fragments(item):
    old, new = item["from"], item["to"]
    fragments = []
    if old and new and old["list"] == new["list"]:
        seq = f"{old['seq']}" if old["seq"] == new["seq"] else f"{old['seq']} → {new['seq']}"
        fragments.append(text(f"{LIST_LABELS[new['list']]} 第 {seq} 项"))
    else:
        if old:
            fragments.append(text(f"{LIST_LABELS[old['list']]} 第 {old['seq']} 项"))
        if old and new:
            fragments.append(text(" → "))
        if new:
            fragments.append(text(f"{LIST_LABELS[new['list']]} 第 {new['seq']} 项"))
    if item.get("reclaimed_by"):
        fragments.append(text(f" · {reclaimed_by_role(item['change'])}: {'、'.join(item['reclaimed_by'])}"))
    return fragments


def reclaimed_by_role(kind):
    """The role of the departments in ``reclaimed_by``: 承接部门 (taking the duty over) for a reclaimed item,
    原承接部门 (the former one, handing it back) for a returned item."""
    return RETURNED_BY if kind == "returned" else RECLAIMED_DEPARTMENTS


def field_label(field, list_name, old_list=None, absent=None):
    """The field's Chinese title (core/package.py); 承接部门 for the reclaimed list's departments. For an item that
    changed lists: the title in the list that has the field (``absent``: the side without it), or, where both have
    it under different titles, both, old → new (承接部门 → 对应上级部门)."""
    old_title = field_title(field, old_list or list_name)
    new_title = field_title(field, list_name)
    if absent == "new" or old_title == new_title:
        return old_title
    return new_title if absent == "old" else f"{old_title} → {new_title}"


def field_entry(change, list_name, old_list=None):
    label = [("strong", field_label(change["field"], list_name, old_list, change.get("absent")) + ": ")]
    kind = change.get("kind")
    if kind == "text":
        return label + inline_fragments(change["inline"]), []
    if kind == "set":
        return label + set_fragments(change), []
    if kind == "steps":
        return label, [step_entry(step) for step in change["steps"]]
    if change.get("absent") == "old":
        return label + [text("(无此项 not in this list) → "), ("ins", _shown(change["new"]))], []
    if change.get("absent") == "new":
        return label + [("del", _shown(change["old"])), text(" → (无此项 not in this list)")], []
    return label + [("del", _shown(change["old"])), text(" → "), ("ins", _shown(change["new"]))], []


def _shown(value):
    if isinstance(value, list):
        return "、".join(str(part) for part in value)
    return "" if value is None else str(value)


def inline_fragments(ops):
    styles = {"equal": "text", "insert": "ins", "delete": "del"}
    return [(styles[op], value) for op, value in ops]


def set_fragments(change):
    fragments = []
    if change["added"]:
        fragments += [text("增 "), ("ins", "、".join(change["added"]))]
    if change["removed"]:
        fragments += [text("; " if fragments else ""), text("删 "), ("del", "、".join(change["removed"]))]
    if not fragments:
        fragments = [text("顺序调整 order: "), ("del", "、".join(change["old"] or [])), text(" → "), ("ins", "、".join(change["new"] or []))]
    return fragments


def step_entry(step):
    kind = step["step"]
    if kind == "added":
        return [text(f"{STEP_LABELS[kind]}第 {step['new_index']} 步: "), ("ins", step["new"])], []
    if kind == "removed":
        return [text(f"{STEP_LABELS[kind]}原第 {step['old_index']} 步: "), ("del", step["old"])], []
    where = f"第 {step['new_index']} 步" + ("" if step["old_index"] == step["new_index"] else f" (原第 {step['old_index']} 步)")
    return [text(f"{STEP_LABELS[kind]}{where}: ")] + inline_fragments(step["inline"]), []


def record_entries(record, list_name, style):
    entries = []
    for field, value in record.items():
        label = [("strong", field_label(field, list_name) + ": ")]
        if field in STEP_FIELDS:
            entries.append((label, [([(style, step)], []) for step in value]))
        elif isinstance(value, list):
            entries.append((label + [(style, "、".join(value))], []))
        else:
            entries.append((label + [(style, str(value))], []))
    return entries


def renumbered(report):
    runs = report["renumbered"]["runs"]
    if not runs:
        return []
    entries = [([text(f"{LIST_LABELS[run['list']]} 第 {span(run['old_first'], run['old_last'])} 项 → "
                      f"第 {span(run['new_first'], run['new_last'])} 项 ({run['shift']:+d}), {run['count']} 项")], [])
               for run in runs]
    return [("heading", 2, [text(f"{KIND_LABELS[RENUMBERED]} ({report['renumbered']['count']})")]),
            ("paragraph", [text("这些事项只有序号变化，未列为修改。 Only their 序号 changed; not listed as changes.")]),
            ("list", entries)]


def span(first, last):
    return str(first) if first == last else f"{first}–{last}"


def likely(report):
    names = {item["id"]: item["name"] for item in report["items"]}
    found = report["likely"]
    entries = [([("code", entry["removed"]), text(f" {names.get(entry['removed'], '')} → "), ("code", entry["added"]),
                 text(f" {names.get(entry['added'], '')} (相似度 similarity {entry['similarity']:.2f})")], [])
               for entry in found["renames"]]
    for kind, whole, parts, label in (("splits", "removed", "added", "拆分 split into"), ("merges", "added", "removed", "合并自 merged from")):
        for entry in found[kind]:
            children = [([("code", part), text(f" {names.get(part, '')} ({share:.2f})")], []) for part, share in zip(entry[parts], entry["containment"])]
            entries.append(([("code", entry[whole]), text(f" {names.get(entry[whole], '')} — {label}:")], children))
    if not entries:
        return []
    return [("heading", 2, [text("可能是同一事项 Likely the same duty under a new id")]), ("list", entries)]


def registers(report):
    blocks = []
    for register, label in (("categories", "事项类别 Categories"), ("departments", "部门 Departments")):
        changes = report["registers"][register]
        entries = [([text("新增 added: "), ("ins", row.get("name", ""))], []) for row in changes["added"]]
        entries += [([text("删除 removed: "), ("del", row.get("name", ""))], []) for row in changes["removed"]]
        entries += [([text("修改 changed: "), ("strong", change["name"])], [field_entry(field, "") for field in change["fields"]])
                    for change in changes["changed"]]
        if entries:
            blocks += [("heading", 2, [text(f"登记表 {label}")]), ("list", entries)]
    return blocks


def corrections(report):
    changes = report["corrections"]
    entries = [([text(f"{label}: "), ("code", row.get("item_id") or ""), text(f" {row.get('field') or ''} "), (style, row.get("corrected") or ""),
                 text(f" ({row.get('kind') or ''}, {row.get('status') or ''})")], [])
               for key, label, style in (("added", "新增 added", "ins"), ("removed", "删除 removed", "del")) for row in changes[key]]
    entries += [([text("修改 changed: "), ("code", change["key"]["item_id"]), text(f" {change['key']['field']} «{change['key']['extracted']}»")],
                 [field_entry(field, "") for field in change["fields"]])
                for change in changes.get("changed", [])]
    return [("heading", 2, [text("更正记录 Corrections")]), ("list", entries)] if entries else []


STRUCTURE_LABELS = {"column-added": "新增列 column added", "column-removed": "删除列 column removed",
                    "column-renamed": "列改名 column renamed", "column-duplicated": "列名重复 column name repeated"}


def structure(report):
    entries = []
    for change in report.get("structure", []):
        fragments = [("strong", STRUCTURE_LABELS[change["change"]]), text(": "), ("code", change["resource"]), text(" ")]
        if change["change"] == "column-renamed":
            fragments += [("del", change["old_column"]), text(" → "), ("ins", change["column"])]
        else:
            fragments.append(("del" if change["change"] == "column-removed" else "ins", change["column"]))
        entries.append((fragments, []))
    return [("heading", 2, [text("表头 Columns")]), ("list", entries)] if entries else []


def schema(report):
    entries = []
    for change in report["schema"]:
        where = change["resource"] + (f".{change['field']}" if change["field"] else "")
        fragments = [("strong", change["change"]), text(": "), ("code", where)]
        if change["key"]:
            fragments += [text(f" {change['key']}: "), ("del", _json(change["old"])), text(" → "), ("ins", _json(change["new"]))]
        entries.append((fragments, []))
    return [("heading", 2, [text("表结构 Schema")]), ("list", entries)] if entries else []


def descriptor(report):
    changes = report["descriptor"]
    entries = []
    for change in changes["changed"]:
        fragments = [("strong", change["path"] + ": ")]
        if change["change"] == "added":
            fragments += [text("新增 added "), ("ins", _json(change["new"]))]
        elif change["change"] == "removed":
            fragments += [text("删除 removed "), ("del", _json(change["old"]))]
        else:
            fragments += [("del", _json(change["old"])), text(" → "), ("ins", _json(change["new"]))]
        entries.append((fragments, []))
    entries += [([text("新增资源 resource added: "), ("ins", name)], []) for name in changes["resources_added"]]
    entries += [([text("删除资源 resource removed: "), ("del", name)], []) for name in changes["resources_removed"]]
    return [("heading", 2, [text("描述文件 Descriptor")]), ("list", entries)] if entries else []


def _json(value):
    import json

    if value is None:
        return "(无 unset)"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
