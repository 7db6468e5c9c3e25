"""The change report as one standalone HTML page: inline CSS, no script, no network; <ins>/<del> highlight characters."""

import html

from .layout import document, visible

STYLE = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.6; color: #1f2328; }
h1, h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; }
h3, h4 { margin-bottom: .2rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #d0d7de; padding: .3rem .7rem; }
td:not(:first-child), th:not(:first-child) { text-align: right; }
code { background: #f6f8fa; padding: .1rem .3rem; border-radius: 4px; }
ins { background: #ccffd8; text-decoration: none; }
del { background: #ffd7d5; text-decoration: line-through; }
blockquote { border-left: 4px solid #d0d7de; margin: 0; padding-left: 1rem; color: #57606a; }
nav.toc { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: .5rem 1rem; margin: 1rem 0; }
nav.toc h2 { font-size: 1rem; border: none; margin: .3rem 0; padding: 0; }
nav.toc ol { margin: .2rem 0; padding-left: 1.5rem; }
"""


def render(report, by=None):
    body = "\n".join(with_contents(document(report, by)))
    title = html.escape(visible(f"履职事项清单变更报告 {report['from']['version'] or '—'} → {report['to']['version'] or '—'}"))
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
            f"<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def render_body(report, by=None, link=None):
    """The report's blocks as an HTML fragment; ``link(text)`` gives the href of a code fragment (an item id), or None."""
    return "\n".join(block(entry, link) for entry in document(report, by))


def with_contents(blocks):
    """The blocks as HTML, each section (level-2 heading) with an anchor, and before the first one a table of
    contents linking to them all (when there are two or more)."""
    parts, links, first = [], [], None
    for entry in blocks:
        if entry[0] == "heading" and entry[1] == 2:
            anchor = f"section-{len(links) + 1}"
            first = len(parts) if first is None else first
            links.append(f'<li><a href="#{anchor}">{inline(entry[2])}</a></li>')
            parts.append(f'<h2 id="{anchor}">{inline(entry[2])}</h2>')
        else:
            parts.append(block(entry))
    if len(links) >= 2:
        parts.insert(first, f'<nav class="toc" aria-label="目录 Contents"><h2>目录 Contents</h2><ol>{"".join(links)}</ol></nav>')
    return parts


def block(entry, link=None):
    kind = entry[0]
    if kind == "heading":
        return f"<h{entry[1]}>{inline(entry[2], link)}</h{entry[1]}>"
    if kind == "paragraph":
        return f"<p>{inline(entry[1], link)}</p>"
    if kind == "note":
        return f"<blockquote>{inline(entry[1], link)}</blockquote>"
    if kind == "list":
        return list_html(entry[1], link)
    if kind == "table":
        header = "".join(f"<th>{inline(cell, link)}</th>" for cell in entry[1])
        rows = "".join("<tr>" + "".join(f"<td>{inline(cell, link)}</td>" for cell in row) + "</tr>" for row in entry[2])
        return f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>"
    raise ValueError(kind)


def list_html(entries, link=None):
    items = "".join(f"<li>{inline(fragments, link)}{list_html(children, link) if children else ''}</li>" for fragments, children in entries)
    return f"<ul>{items}</ul>"


def inline(fragments, link=None):
    tags = {"ins": "ins", "del": "del", "code": "code", "strong": "strong"}
    parts = []
    for style, value in fragments:
        escaped = html.escape(value).replace("\n", "<br>")
        part = f"<{tags[style]}>{escaped}</{tags[style]}>" if style in tags and value else escaped
        href = link(value) if link and style == "code" and value else None
        parts.append(f'<a href="{html.escape(href)}">{part}</a>' if href else part)
    return "".join(parts)
