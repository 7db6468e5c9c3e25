"""The change report as plain text for a terminal: insertions as {+…+}, deletions as [-…-] (git's word-diff markers)."""

import unicodedata

from .layout import document

MARKS = {"ins": ("{+", "+}"), "del": ("[-", "-]"), "code": ("", ""), "strong": ("", ""), "text": ("", "")}
COLOURS = {"ins": "green", "del": "red"}


def render(report, by=None, colour=False, brief=False):
    return "\n\n".join(block(entry, colour) for entry in document(report, by, brief)) + "\n"


def block(entry, colour):
    kind = entry[0]
    if kind == "heading":
        title = inline(entry[2], colour)
        return title + "\n" + ("=" if entry[1] == 1 else "-") * width(title) if entry[1] <= 2 else title
    if kind in ("paragraph",):
        return inline(entry[1], colour)
    if kind == "note":
        return "! " + inline(entry[1], colour)
    if kind == "list":
        return "\n".join(list_lines(entry[1], 0, colour))
    if kind == "table":
        return table(entry[1], entry[2], colour)
    raise ValueError(kind)


def list_lines(entries, depth, colour):
    lines = []
    for fragments, children in entries:
        lines.append("  " * depth + "* " + inline(fragments, colour))
        lines += list_lines(children, depth + 1, colour)
    return lines


def table(header, rows, colour):
    cells = [[inline(cell, colour) for cell in row] for row in [header] + rows]
    widths = [max(width(row[column]) for row in cells) for column in range(len(header))]
    return "\n".join(
        "  ".join(cell + " " * (widths[column] - width(cell)) for column, cell in enumerate(row)).rstrip()
        for row in cells
    )


def inline(fragments, colour):
    import click

    parts = []
    for style, value in fragments:
        start, end = MARKS[style]
        piece = f"{start}{value}{end}" if value else ""
        parts.append(click.style(piece, fg=COLOURS[style]) if colour and style in COLOURS and piece else piece)
    return "".join(parts)


def width(value):
    """Display width: CJK characters take two columns."""
    import click

    plain = click.unstyle(value)
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in plain)
