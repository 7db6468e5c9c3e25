"""Values shown to a person: every character that cannot be seen, or that would act on a terminal, made visible.

A value from a package (a resource path, an id, a name, an edition) may hold terminal escapes
(``ESC ] 0;title BEL``, CSI sequences), a carriage return that overwrites the line, other C0/C1
controls, or bidi overrides (U+202A–U+202E, U+2066–U+2069) that reorder what a reader sees.
``visible`` writes each as ⟨U+XXXX⟩; the line break is kept. Every text output (the diff report,
the text of every command, every error message) goes through it; see docs/safety.md "Output".

JSON is exact but must be inert too: ``json.dumps`` escapes C0 controls as \\u00XX but leaves C1
controls, bidi controls and the line/paragraph separators raw, so ``json_text`` escapes those as well
(the value read back is the same string).
"""

import json
import re

# Characters a reader cannot see or that would act on a terminal: C0/C1 controls (but the line break), format
# characters (zero-width, bidi controls, BOM, soft hyphen), unusual spaces, line/paragraph separators,
# variation selectors, tags, private use and lone surrogates. Shown as ⟨U+XXXX⟩.
INVISIBLE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\xa0\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2000-\u200f"
    "\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\ufff0-\ufffb\ue000-\uf8ff\ud800-\udfff"
    "\U000e0000-\U000e0fff\U000f0000-\U0010ffff]"
)
# What json.dumps(ensure_ascii=False) leaves raw although a terminal acts on it or it reorders the text.
JSON_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def visible(value):
    """value with every invisible or control character written as ⟨U+XXXX⟩, so that no change is invisible."""
    return INVISIBLE.sub(lambda match: f"⟨U+{ord(match.group()):04X}⟩", value)


def quoted(value, limit=80):
    """A value from the package quoted for a message, as Python quotes it (control characters escaped), cut after
    ``limit`` characters so that a huge cell never makes a huge message."""
    text = value if isinstance(value, str) else repr(value)
    return repr(text[:limit]) + ("…" if len(text) > limit else "")


def json_text(value, **options):
    """json.dumps(value, ensure_ascii=False, **options) with C1 controls, DEL, bidi controls and U+2028/U+2029 as \\uXXXX."""
    return JSON_RAW.sub(_json_escape, json.dumps(value, ensure_ascii=False, **options))


def json_pieces(value, size=1 << 18, **options):
    """The text of ``json_text(value, **options)`` in pieces of about ``size`` characters, so that a large report
    is written without its whole text in memory. With ``indent`` json.dumps itself joins the pieces of the same
    pure-Python encoder (``iterencode``), and JSON_RAW matches single characters, so the pieces join to exactly
    json_text's text."""
    encoder = json.JSONEncoder(ensure_ascii=False, **options)
    batch, length = [], 0
    for piece in encoder.iterencode(value):
        batch.append(piece)
        length += len(piece)
        if length >= size:
            yield JSON_RAW.sub(_json_escape, "".join(batch))
            batch, length = [], 0
    if batch:
        yield JSON_RAW.sub(_json_escape, "".join(batch))


def _json_escape(match):
    return f"\\u{ord(match.group()):04x}"


def json_safe(value):
    """Data (a diff report, an export document) as strict JSON data: NaN and infinities (which json.loads accepts in a descriptor) become
    strings, and so do lone surrogates, so that json.dumps(allow_nan=False) and UTF-8 output never fail."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value).replace("nan", "NaN").replace("inf", "Infinity")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "".join(character if not 0xD800 <= ord(character) <= 0xDFFF else f"⟨U+{ord(character):04X}⟩" for character in value)
        return value
    if isinstance(value, dict):
        return {json_safe(key) if isinstance(key, str) else key: json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    return value
