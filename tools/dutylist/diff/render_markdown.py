"""The change report as Markdown for a changelog or a pull-request comment (GitHub and GitLab render <ins>/<del>)."""

from ..core.markdown import code, text as escape
from .layout import document


def render(report, by=None, brief=False):
    return "\n\n".join(block(entry) for entry in document(report, by, brief)) + "\n"


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

