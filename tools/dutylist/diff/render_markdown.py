"""The change report as Markdown for a changelog or a pull-request comment (GitHub and GitLab render <ins>/<del>)."""

import re

from ..core.kinds import KIND_LABELS, KINDS
from ..core.markdown import code, html_text, text as escape
from .layout import details, document, opening, sections


def render(report, by=None, brief=False):
    return blocks_text(document(report, by, brief)) + "\n"


def blocks_text(blocks):
    return "\n\n".join(block(entry) for entry in blocks)


def render_collapsible(report, by=None, open_items=True):
    """The whole report with each section after the summary in ``<details>`` (GitHub, GitLab and Gitea fold it).

    ``open_items``: the sections of item changes start unfolded; renumbering, registers and descriptor stay folded.
    """
    parts = [blocks_text(opening(report))]
    parts += [collapsible(title, blocks_text(body), open_items and not collapsed) for title, collapsed, body in sections(details(report, by))]
    return "\n\n".join(parts) + "\n"


def collapsible(title, body, unfolded=False, rest=""):
    """One section as ``<details>``: its title in ``<summary>`` (raw HTML: escaped as HTML), then its Markdown."""
    return (f"<details{' open' if unfolded else ''}>\n<summary><strong>{html_text(title)}</strong></summary>\n\n"
            + body + rest + "\n\n</details>")


# --- a report cut to fit a pull-request comment ---------------------------------------------------------

SAFE_URL = re.compile(r"https?://[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+")  # a URL to link to: no space, bracket, quote or backtick


def render_comment(report, by, max_chars, whole):
    """The report for a pull-request comment, at most ``max_chars`` characters: the summary, then every section
    folded in ``<details>``, as many whole items as fit; a last line says what was left out and that ``whole``
    (a URL, or a command) gives everything."""
    head = blocks_text(opening(report, brief=True))
    found = [(title, units(body)) for title, _, body in sections(details(report, by))]
    budget = max_chars - len(head) - len(cut_line(found, found, max_chars, whole)) - len(REST_OF) - 2
    parts, left, used = [], [], 0
    for title, section_units in found:
        whole_section = collapsible(title, blocks_text(sum(section_units, [])))
        if not left and used + 2 + len(whole_section) <= budget:
            parts.append(whole_section)
            used += 2 + len(whole_section)
            continue
        kept = [] if left else fitting(title, section_units, budget - used - 2)
        if kept:
            parts.append(collapsible(title, blocks_text(sum(kept, [])), rest=PARTIAL))
            used += 2 + len(parts[-1])
        left.append((title, section_units[len(kept):]))
    if not left:
        return "\n\n".join([head] + parts) + "\n"
    line = cut_line(found, left, max_chars, whole)
    text = "\n\n".join([head] + parts + [line]) + "\n"
    if len(text) > max_chars:  # an opening longer than the limit (hostile versions or names): cut it at a line
        room = max_chars - len(line) - 3
        text = head[:room].rpartition("\n")[0] + "\n\n" + line + "\n"
    return text


PARTIAL = "\n\n> ✂ 本节其余内容见文末说明 The rest of this section is left out: see the last line."
REST_OF = "the rest of "


def units(body):
    """A section's blocks in pieces that are kept or left out whole: what precedes the first subheading, then
    each subheading (an item, or a department) with its blocks."""
    pieces = []
    for entry in body:
        if entry[0] == "heading" or not pieces:
            pieces.append([])
        pieces[-1].append(entry)
    return pieces


def fitting(title, section_units, room):
    """The leading units of a section that fit in ``room`` characters as a folded section, not ending with a
    heading alone (a department whose items do not fit)."""
    kept = []
    for unit in section_units:
        if len(collapsible(title, blocks_text(sum(kept + [unit], [])), rest=PARTIAL)) > room:
            break
        kept.append(unit)
    while kept and len(kept[-1]) == 1 and kept[-1][0][0] == "heading":
        kept.pop()
    return kept


def item_of(unit):
    """The id a unit is the change of (its heading's code span), None for another unit."""
    if unit[0][0] != "heading":
        return None
    return next((value for style, value in unit[0][2] if style == "code"), None)


def item_ids(pairs):
    return {item_of(unit) for _, section_units in pairs for unit in section_units} - {None}


def cut_line(found, left, max_chars, whole):
    """The line that ends a cut report: how many item changes (per kind) and which sections were left out, and where
    the whole report is. ``found``: [(section title, units)]; ``left``: the same for what was left out (``found``
    itself gives the longest such line but for the words "the rest of", for the budget)."""
    left_units = {id(unit) for _, section_units in left for unit in section_units}
    kept = item_ids([(title, [unit for unit in section_units if id(unit) not in left_units]) for title, section_units in found])
    total, omitted = len(item_ids(found)), len(item_ids(left) - kept)  # an item under two departments counts once
    per_kind = [f"{KIND_LABELS[kind]} {count}" for kind in KINDS
                if (count := len(item_ids([pair for pair in left if pair[0].startswith(KIND_LABELS[kind])]) - kept))]
    items = ""
    if omitted:
        items = f"{omitted} of {total} item changes" + (f" ({', '.join(per_kind)})" if per_kind else "") + "; "
    sizes = {title: len(section_units) for title, section_units in found}
    sections_left = ", ".join((REST_OF if len(section_units) < sizes[title] else "") + escape(title) for title, section_units in left)
    where = f"[{escape(whole)}]({whole})" if SAFE_URL.fullmatch(whole) else code(whole)
    return (f"> ✂ **截断 Cut to fit {max_chars:,} characters.** Left out: {items}sections: {sections_left}. "
            f"完整报告 The whole report: {where}")


def block(entry):
    kind = entry[0]
    if kind == "heading":
        return "#" * entry[1] + " " + inline(entry[2])
    if kind == "paragraph":
        return inline(entry[1])
    if kind == "note":
        return "> " + inline(entry[1])
    if kind == "list":
        return "\n".join(list_lines(entry[1], 0))
    if kind == "table":
        return table(entry[1], entry[2])
    raise ValueError(kind)


def list_lines(entries, depth):
    lines = []
    for fragments, children in entries:
        lines.append("  " * depth + "- " + inline(fragments))
        lines += list_lines(children, depth + 1)
    return lines


def table(header, rows):
    lines = ["| " + " | ".join(inline(cell, in_table=True) for cell in header) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(inline(cell, in_table=True) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def inline(fragments, in_table=False):
    return "".join(fragment(style, value, in_table) for style, value in fragments)


def fragment(style, value, in_table=False):
    """One styled piece of text as Markdown: every value escaped by core/markdown.py."""
    if style == "code":
        return code(value, in_table)
    escaped = escape(value)
    if not escaped:
        return ""
    if style == "strong":
        return f"**{escaped.strip()}**" + (" " if escaped.endswith(" ") else "")
    if style == "ins":
        return f"<ins>{escaped}</ins>"
    if style == "del":
        return f"<del>{escaped}</del>"
    return escaped

