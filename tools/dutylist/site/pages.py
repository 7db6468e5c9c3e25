"""Each kind of page of the site, as text: the index, items, versions and departments.

Every function takes the ``History`` from ``collect`` (plain data) and returns a page; nothing here
reads or writes files. Version pages and item histories use the change report's own HTML rendering
(``diff.render_html``) with item ids linked to their pages.
"""

from collections import defaultdict
from urllib.parse import quote

from ..core.kinds import KIND_CHINESE, KIND_LABELS, KINDS, RENUMBERED
from ..core.package import LIST_LABELS, LIST_SHORT_LABELS, LISTS, STEP_FIELDS, field_title
from ..diff.inline import inline_ops
from ..diff.layout import field_label, item_blocks
from ..diff.render_html import block, render_body
from .markup import esc, inline_ops_html, link, page, steps_html
from .slugs import department_slug, item_slug

NO_NAME = "(无名称 no name)"
OFFICIAL_TITLE = "奇台县奇台镇履职事项清单"  # the title of the published document; its three lists are numbered 1-3 there
STATUS_LABELS = {"corrected": "已更正 corrected", "inferred": "推定 inferred", "unrecoverable": "无法恢复 unrecoverable",
                 "kept-as-published": "按原文保留 kept as published"}


# ---------------------------------------------------------------- what the pages share


def all_items(history):
    """Every id that any version holds, with the newest version holding it: {id: (entry, item)}."""
    found = {}
    for entry in history.entries:  # newest first: the first one seen is the newest
        for item_id, item in entry.edition["items"].items():
            found.setdefault(item_id, (entry, item))
    return found


def departments_of(history):
    """Every department named in the current register, the current items or any version's changes, in register order."""
    current = history.current.edition
    names = list(current["registers"].get("departments", {}))
    for item in current["items"].values():
        names += item.get("departments", [])
    for entry in history.entries:
        names += [group["department"] for group in entry.report["by_department"] if group["department"]]
    return [name for name in dict.fromkeys(names) if name]


def item_href(item_id, up="../"):
    return f"{up}items/{item_slug(item_id)}.html"


def department_href(name, up="../"):
    return f"{up}departments/{department_slug(name)}.html"


def version_href(entry, up="../"):
    return f"{up}versions/{entry.slug}.html"


def id_linker(known_ids, up="../"):
    return lambda text: item_href(text, up) if text in known_ids else None


def departments_html(names, up):
    return "、".join(link(department_href(name, up), name) for name in names)


def item_name(item):
    return item.get("name") or NO_NAME


def kind_counts(report):
    counts = report["summary"]
    parts = [f"{KIND_CHINESE[kind]} {counts[kind]}" for kind in (*KINDS, RENUMBERED) if counts[kind]]
    return " · ".join(parts) or ("无变更 no changes" if counts["identical"] else "仅元数据 metadata only")


def version_meta(entry):
    parts = [entry.edition_name and f"{entry.edition_name} 版", entry.date and f"发布 released {entry.date}",
             entry.commit and f"commit {entry.commit[:12]}"]
    if entry.is_working_tree:
        parts.append("尚未提交的工作区 uncommitted working tree")
    return " · ".join(part for part in parts if part)


# ---------------------------------------------------------------- index.html: the current edition


def index_page(history):
    current = history.current
    items = current.edition["items"]
    by_list = {name: sorted((item for item in items.values() if item["list"] == name), key=lambda item: (item["seq"], item["id"]))
               for name in LISTS}
    categories = sorted({item.get("category", "") for item in items.values()} - {""})
    departments = sorted({name for item in items.values() for name in item.get("departments", [])})
    changed, label = latest_changes(history)
    sections = []
    for number, list_name in enumerate(LISTS, start=1):
        articles = "\n".join(index_article(item, changed.get(item["id"]), label) for item in by_list[list_name])
        total = len(by_list[list_name])
        sections.append(
            f'<section class="list" id="list-{list_name}" data-list="{list_name}">\n'
            f'<h2>{number}. {esc(LIST_LABELS[list_name])} <span class="count" data-total="{total}">({total} 项)</span></h2>\n'
            f'<p class="none" hidden>没有符合条件的事项。 No item matches.</p>\n{articles}\n</section>'
        )
    list_options = "".join(f'<option value="{name}">{esc(LIST_LABELS[name])}</option>' for name in LISTS)
    body = (
        f"<h1>{OFFICIAL_TITLE} <small>{esc(current.title)}</small></h1>\n"
        f'<p class="meta">{esc(version_meta(current))} · 共 {len(items)} 项 items: '
        + " · ".join(f"{esc(LIST_LABELS[name])} {len(by_list[name])}" for name in LISTS) + "</p>\n"
        '<form id="filters" class="filters" role="search" hidden>\n'
        '<p><label for="q">搜索 Search</label> <input type="search" id="q" name="q" autocomplete="off" '
        'placeholder="任意文字,如 民政局、消防 Any text"></p>\n'
        f'<p><label for="f-list">清单 List</label> <select id="f-list" name="list"><option value="">全部 All</option>{list_options}</select> '
        f'<label for="f-category">类别 Category</label> <select id="f-category" name="category"><option value="">全部 All</option>{options(categories)}</select> '
        f'<label for="f-department">部门 Department</label> <select id="f-department" name="department"><option value="">全部 All</option>{options(departments)}</select></p>\n'
        + changed_filter(changed, label, items) +
        f'<p id="count" role="status" aria-live="polite">共 {len(items)} 项</p>\n'
        "</form>\n"
        + "\n".join(sections)
    )
    return page(current.title, body, 0, current="index.html", script=True)


def options(values):
    return "".join(f'<option value="{esc(value)}">{esc(value)}</option>' for value in values)


def latest_changes(history):
    """The item changes of the current entry against the one before ({id: change}) and how the badge names that entry;
    ({}, "") when the current entry is the first (everything in it would read as changed)."""
    current = history.current
    if len(history.entries) < 2:
        return {}, ""
    return current.changes, ("工作区 working tree" if current.is_working_tree else current.version or current.title)


def changed_filter(changed, label, items):
    """The check box that shows only the items changed in the latest version, when there are any."""
    count = sum(1 for item_id in changed if item_id in items)
    if not count:
        return ""
    return (f'<p><label><input type="checkbox" id="f-changed" name="changed" value="1"> '
            f'仅显示 {esc(label)} 中有变更的事项 Only items changed in {esc(label)} ({count})</label></p>\n')


def index_article(item, change=None, changed_in=""):
    departments = item.get("departments", [])
    label = field_label("departments", item["list"])
    badge = (f' <a class="badge" href="{esc(item_href(item["id"], ""))}#history" data-kind="{esc(change["change"])}">'
             f'{esc(changed_in)} {esc(KIND_CHINESE[change["change"]])} changed in {esc(changed_in)}</a>') if change else ""
    parts = [
        f'<article class="item" data-id="{esc(item["id"])}" data-list="{esc(item["list"])}" data-category="{esc(item.get("category", ""))}" '
        f'data-departments="{esc("、".join(departments))}"{" data-changed" if change else ""}>',
        f'<h3><span class="seq">{esc(item["seq"])}.</span> {link(item_href(item["id"], ""), item_name(item))}{badge}</h3>',
        f'<p class="meta">{esc(item.get("category") or "(无类别 no category)")} · <code>{esc(item["id"])}</code></p>',
    ]
    if departments:
        parts.append(f'<p><span class="label">{esc(label)}:</span> {departments_html(departments, "")}</p>')
    for field in STEP_FIELDS:
        if item.get(field):
            parts.append(index_steps(field_label(field, item["list"]), item[field]))
    parts.append("</article>")
    return "\n".join(parts)


def index_steps(label, steps):
    """A field's numbered steps on the index, collapsed under their label and count (<details>: a click opens it,
    the search opens it where it matched, no script is needed to read it); an item page shows them open."""
    return (f'<details class="steps"><summary><span class="label">{esc(label)}</span> '
            f'<span class="count">({len(steps)} 条 steps)</span></summary>{steps_html(steps)}</details>')


# ---------------------------------------------------------------- items/<id>.html


def item_page(history, item_id, newest_entry, item, known_ids):
    current = history.current.edition["items"].get(item_id)
    if current is not None:
        status = f"现行 In the current edition: {LIST_LABELS[current['list']]} 第 {current['seq']} 项"
    else:
        gone = next((entry for entry in history.entries if entry.changes.get(item_id, {}).get("change") == "removed"), None)
        status = f"已删除 Removed in {gone.title if gone else '—'}; shown as in {newest_entry.title}"
    fields = item_fields_html(item)
    corrections = corrections_html([row for row in newest_entry.edition["corrections"] if row.get("item_id") == item_id])
    history_html = item_history_html(history, item_id, known_ids)
    body = (
        f'<h1><code>{esc(item_id)}</code> {esc(item_name(item))}</h1>\n<p class="meta">{esc(status)}</p>\n'
        f"<h2>字段 Fields</h2>\n{fields}\n"
        f"<h2>更正记录 Corrections</h2>\n{corrections}\n"
        '<h2 id="history">历史 History</h2>\n'
        f"<p>按时间先后,只列出有变化的版本。 Oldest first; only the versions in which it changed.</p>\n{history_html}"
    )
    return page(f"{item_id} {item_name(item)}", body, 1)


def item_fields_html(item):
    rows = [(f"{field_title('id')} id", f"<code>{esc(item['id'])}</code>"), ("清单 List", esc(LIST_LABELS.get(item["list"], item["list"]))),
            (f"{field_title('seq')} No.", esc(item["seq"])), (f"{field_title('category')} Category", esc(item.get("category") or "(空 empty)")),
            (f"{field_title('name')} Name", esc(item.get("name") or "(空 empty)"))]
    if "departments" in item:
        rows.append((field_label("departments", item["list"]), departments_html(item["departments"], "../") or "(空 empty)"))
    for field in STEP_FIELDS:
        if field in item:
            rows.append((field_label(field, item["list"]), steps_html(item[field]) or "(空 empty)"))
    rows.append((f"{field_title('page')} PDF page", f"PDF 第 {esc(item.get('page'))} 页 (of the published PDF)"))
    return '<dl class="fields">' + "".join(f"<dt>{esc(label)}</dt><dd>{value}</dd>" for label, value in rows) + "</dl>"


def corrections_html(rows):
    if not rows:
        return "<p>无更正记录。 No correction records: the values are as extracted, after the documented rules.</p>"
    body = "".join(
        f"<tr><td>{esc(row.get('field'))}</td><td>{esc(STATUS_LABELS.get(row.get('status'), row.get('status')))}</td>"
        f"<td>{esc(row.get('kind'))}</td><td>{correction_change_html(row)}</td>"
        f"<td>{esc(row.get('evidence'))}</td></tr>"
        for row in rows
    )
    return ('<div class="scroll"><table><thead><tr><th>字段 Field</th><th>处理 Status</th><th>损坏类型 Kind</th>'
            f"<th>提取 → 更正 Extracted → corrected</th><th>依据 Evidence</th></tr></thead><tbody>{body}</tbody></table></div>")


def correction_change_html(row):
    extracted, corrected = row.get("extracted") or "", row.get("corrected") or ""
    if not extracted and not corrected:
        return "(空 empty)"
    return inline_ops_html(inline_ops(extracted, corrected))


def item_history_html(history, item_id, known_ids):
    entries = []
    linker = id_linker(known_ids)
    for index in range(len(history.entries) - 1, -1, -1):  # oldest first
        entry = history.entries[index]
        change = entry.changes.get(item_id)
        older = history.entries[index + 1].edition["items"].get(item_id) if index + 1 < len(history.entries) else None
        newer = entry.edition["items"].get(item_id)
        if change is not None:
            kind = "首次出现 First appears" if change["change"] == "added" and index == len(history.entries) - 1 else KIND_LABELS[change["change"]]
            details = "\n".join(block(part, linker) for part in item_blocks(change)[1:])
        elif older and newer and older["seq"] != newer["seq"]:
            kind = KIND_LABELS[RENUMBERED]
            details = f"<p>{esc(LIST_LABELS[newer['list']])} 第 {esc(older['seq'])} 项 → 第 {esc(newer['seq'])} 项</p>"
        else:
            continue
        entries.append(f'<li><h3>{link(version_href(entry), entry.title)} <small>{esc(version_meta(entry))}</small> · '
                       f'<span class="kind">{esc(kind)}</span></h3>\n{details}</li>')
    return '<ol class="history">' + "\n".join(entries) + "</ol>" if entries else "<p>无记录 No history.</p>"


# ---------------------------------------------------------------- versions/


def version_page(entry, known_ids):
    body = (f'<p class="crumbs">{link("index.html", "版本 Versions")} › {esc(entry.title)} · {esc(version_meta(entry))}</p>\n'
            + render_body(entry.report, link=id_linker(known_ids)))
    return page(f"版本 {entry.title}", body, 1, current="versions/index.html")


def versions_index_page(history):
    rows = "".join(
        f"<tr><td>{link(entry.slug + '.html', entry.title)}</td><td>{esc(entry.edition_name)}</td><td class=\"nowrap\">{esc(entry.date or '—')}</td>"
        f"<td>{esc(entry.report['summary']['bump'])}</td><td>{esc(kind_counts(entry.report))}</td></tr>"
        for entry in history.entries
    )
    body = ("<h1>版本 Versions</h1>\n<p>最新的在前;每个版本与前一个版本比较。 Newest first; each version compared with the one before it "
            "(the first with an empty edition).</p>\n"
            '<div class="scroll"><table><thead><tr><th>版本 Version</th><th>官方版本 Edition</th><th>日期 Date</th>'
            f"<th>级别 Bump</th><th>变更 Changes</th></tr></thead><tbody>{rows}</tbody></table></div>")
    return page("版本 Versions", body, 1, current="versions/index.html")


# ---------------------------------------------------------------- departments/


def department_changes(history):
    """{department: [(entry, [item change, ...]), ...]} newest version first."""
    found = defaultdict(list)
    for entry in history.entries:
        changes = entry.changes
        for group in entry.report["by_department"]:
            if group["department"]:
                found[group["department"]].append((entry, [changes[item_id] for item_id in group["ids"]]))
    return found


def department_page(history, name, changes, known_ids):
    current = history.current.edition
    row = current["registers"].get("departments", {}).get(name)
    items = sorted((item for item in current["items"].values() if name in item.get("departments", [])),
                   key=lambda item: (LISTS.index(item["list"]), item["seq"]))
    shared = [item for item in items if item["list"] == "coordinated"]
    taken = [item for item in items if item["list"] == "reclaimed"]
    if row:
        facts = [("层级 Level", row.get("level")), ("英文名称 English name (unofficial)", row.get("name_en")),
                 ("简称 Short names", row.get("short_names")), ("说明 Note", row.get("note"))]
        register = '<dl class="fields">' + "".join(f"<dt>{esc(label)}</dt><dd>{esc(value)}</dd>" for label, value in facts if value) + "</dl>"
    else:
        register = "<p>不在当前的部门登记表中。 Not in the current departments register.</p>"
    linker = id_linker(known_ids)
    per_version = []
    for entry, item_changes in changes:
        blocks = "\n".join(block(part, linker) for change in item_changes for part in item_blocks(change, level=4, with_kind=True))
        per_version.append(f"<h3>{link(version_href(entry), entry.title)} <small>{esc(version_meta(entry))}</small></h3>\n{blocks}")
    body = (
        f"<h1>{esc(name)}</h1>\n{register}\n"
        f'<p>{link("../index.html?department=" + quote(name), "在现行清单中筛选 Filter the current list by this department")}'
        "(需要 JavaScript; needs JavaScript)</p>\n"
        f"<h2>配合履职事项 Duties shared with the town ({len(shared)})</h2>\n{item_list_html(shared)}\n"
        f"<h2>承接的收回事项 Reclaimed duties it took over ({len(taken)})</h2>\n{item_list_html(taken)}\n"
        f"<h2>各版本变更 Changes that concerned it, per version ({len(changes)})</h2>\n"
        + ("\n".join(per_version) or "<p>无 None.</p>")
    )
    return page(name, body, 1, current="departments/index.html")


def item_list_html(items):
    if not items:
        return "<p>无 None.</p>"
    return "<ul>" + "".join(
        f"<li>{esc(LIST_SHORT_LABELS[item['list']])} {esc(item['seq'])}. {link(item_href(item['id']), item_name(item))} "
        f"<small>{esc(item.get('category', ''))} · <code>{esc(item['id'])}</code></small></li>" for item in items
    ) + "</ul>"


def departments_index_page(history, names, changes):
    current = history.current.edition
    register = current["registers"].get("departments", {})
    rows = []
    for name in names:
        lists = [item["list"] for item in current["items"].values() if name in item.get("departments", [])]
        rows.append(f"<tr><td>{link(department_slug(name) + '.html', name)}</td><td>{esc((register.get(name) or {}).get('level', ''))}</td>"
                    f"<td>{lists.count('coordinated')}</td><td>{lists.count('reclaimed')}</td><td>{len(changes.get(name, []))}</td></tr>")
    body = ("<h1>部门 Departments</h1>\n<p>与乡镇配合履职、承接收回事项的上级部门。 The bodies the town works with and those that took duties over.</p>\n"
            '<div class="scroll"><table><thead><tr><th>部门 Department</th><th>层级 Level</th><th>配合事项 Shared</th>'
            f"<th>承接事项 Taken over</th><th>有变更的版本 Versions with changes</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>")
    return page("部门 Departments", body, 1, current="departments/index.html")
