"""The frame every page shares, and small helpers that escape every piece of data they are given."""

from html import escape

SITE_TITLE = "奇台镇履职事项清单"
CURRENT = ' aria-current="page"'
NAV = (("index.html", "清单 List"), ("versions/index.html", "版本 Versions"), ("departments/index.html", "部门 Departments"))


def esc(value):
    """Any data text, escaped for element content and quoted attributes alike."""
    return escape("" if value is None else str(value), quote=True)


def page(title, body, depth, current=None, script=False):
    """A whole page. ``depth`` is how many folders below the site root it lives (links stay relative)."""
    up = "../" * depth
    links = "".join(
        f'<li><a href="{up}{href}"{CURRENT if href == current else ""}>{label}</a></li>' for href, label in NAV
    )
    script_tag = f'\n<script src="{up}assets/search.js" defer></script>' if script else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)} · {SITE_TITLE}</title>\n"
        f'<link rel="stylesheet" href="{up}assets/site.css">{script_tag}\n'
        "</head>\n<body>\n"
        '<a class="skip" href="#main">跳到正文 Skip to content</a>\n'
        f'<header><nav aria-label="站点 Site"><a class="site" href="{up}index.html">{SITE_TITLE}</a><ul>{links}</ul></nav></header>\n'
        f'<main id="main">\n{body}\n</main>\n'
        "</body>\n</html>\n"
    )


def link(href, text):
    return f'<a href="{esc(href)}">{esc(text)}</a>'


def steps_html(steps):
    """Numbered steps as printed (each line keeps its own number)."""
    if not steps:
        return ""
    return '<ol class="steps">' + "".join(f"<li>{esc(step)}</li>" for step in steps) + "</ol>"


def inline_ops_html(ops):
    """``inline_ops`` as <ins>/<del> highlighted text."""
    tags = {"insert": "ins", "delete": "del"}
    return "".join(f"<{tags[op]}>{esc(text)}</{tags[op]}>" if op in tags else esc(text) for op, text in ops)
