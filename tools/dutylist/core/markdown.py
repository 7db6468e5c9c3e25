"""Markdown that shows a value as written, never as markup: the one escaper of every Markdown file this package writes.

The diff report (``dutylist diff --format markdown``, a pull-request comment) and the changelog
(``changelog/*.md``, ``CHANGELOG.md``) show values that come from a package, that is from a
stranger's pull request. GitHub renders that Markdown (cmark-gfm with its extensions, then its own
filters), so a value must not become an image, a link, raw HTML, a mention or an issue reference:

- ``text``: HTML's ``<``, ``>``, ``&`` as entities; Markdown punctuation that starts markup
  (``\\ ` * _ [ ] # | ~``) backslash-escaped; ``://`` and ``www.`` escaped so that the autolink
  extension does not link a bare URL; ``@`` before a letter or digit, and ``#`` before a digit, followed
  by a zero-width space (U+200B), so that GitHub makes neither an @mention, an e-mail link nor an issue
  reference of it (an entity would not do: GitHub finds mentions in the rendered text); the line break
  is ``<br>`` (or what the caller asks for), since a value must not end a table row or a list item.
- ``code``: a code span whose backtick fence is longer than any run of backticks inside, padded with
  a space where the value begins or ends with a backtick; a line break becomes a space; in a table cell
  ``|`` is escaped (GitHub would end the cell there even inside a code span).

Both first make invisible and control characters visible (core/shown.py).
"""

import html
import re

from .shown import visible

SPECIAL = re.compile(r"([\\`*_\[\]#|~])")
WWW = re.compile(r"(www)\.", re.IGNORECASE)
MENTION = re.compile(r"@(?=[0-9A-Za-z])")
ISSUE = re.compile(r"#(?=[0-9])")
ZERO_WIDTH_SPACE = "\u200b"
BACKTICKS = re.compile(r"`+")


def text(value, line_break="<br>"):
    """value as Markdown text that renders exactly as value, with no markup, link, mention or reference."""
    value = html.escape(visible(str(value)), quote=False)
    value = SPECIAL.sub(r"\\\1", value)
    value = WWW.sub(r"\1\\.", value.replace("://", "\\://"))
    value = ISSUE.sub("#" + ZERO_WIDTH_SPACE, MENTION.sub("@" + ZERO_WIDTH_SPACE, value))
    return value.replace("\n", line_break)


def code(value, in_table=False):
    """value as a code span ("" for an empty value): a fence longer than any backtick run inside, no line break."""
    value = visible(str(value)).replace("\n", " ")
    if not value:
        return ""
    if in_table:
        value = value.replace("|", "\\|")
    fence = "`" * (max((len(run) for run in BACKTICKS.findall(value)), default=0) + 1)
    stripped = value.startswith(" ") and value.endswith(" ") and value.strip(" ")  # CommonMark strips one space each side
    pad = " " if value[0] == "`" or value[-1] == "`" or stripped else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def html_text(value):
    """value as text inside raw HTML of a Markdown file (a ``<summary>``), where backslash escapes do not apply:
    HTML-escaped, with a zero-width space breaking mentions, issue references and bare URLs, on one line."""
    value = html.escape(visible(str(value)))
    value = WWW.sub("\\1" + ZERO_WIDTH_SPACE + ".", value.replace("://", ":" + ZERO_WIDTH_SPACE + "//"))
    value = ISSUE.sub("#" + ZERO_WIDTH_SPACE, MENTION.sub("@" + ZERO_WIDTH_SPACE, value))
    return value.replace("\n", " ")
