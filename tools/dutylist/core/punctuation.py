"""The punctuation rule: the ASCII marks , ; : ( ) that stand in Chinese text are made full-width.

The importer applies it to every cell (``importing/rules.py``, rule ``full-width-punctuation``) and the
validator reports text that breaks it (``half-width-punctuation``): one rule, so both always agree.
"""

import re

# The marks restored: of the ASCII marks that NFKC makes of the full-width block (U+FF01-FF5E), those the
# source shows were printed full-width in Chinese text (README, Punctuation); '"' and '.' are not among them.
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）"}
# Looking for a mark's context, these are passed over: whitespace, straight quotes and the marks themselves.
CONTEXT_SKIP = set(FULL_WIDTH) | set(FULL_WIDTH.values()) | {'"'}
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def full_width_punctuation(text):
    """The text with every ASCII , ; : ( ) that stands in Chinese text made full-width.

    Linear in the length of the text: the nearest context character on each side and
    the number of Chinese characters before each position are found in one pass each.
    """
    before, after = _context(text, range(len(text))), _context(text, reversed(range(len(text))))
    chinese = {at: not before[at].isascii() or not after[at].isascii() for at, char in enumerate(text) if char in FULL_WIDTH}
    han_before = [0]
    for char in text:
        han_before.append(han_before[-1] + bool(HAN.match(char)))
    for opening, closing in _parenthesis_pairs(text):
        both = chinese[opening] or chinese[closing] or han_before[closing] > han_before[opening]
        chinese[opening] = chinese[closing] = both
    return "".join(FULL_WIDTH[char] if chinese.get(at) else char for at, char in enumerate(text))


def joined(before, mark, after):
    """``before + mark + after``, the ASCII mark made full-width when it stands in Chinese text, as the rule makes
    it in the data: what a writer that joins two values with a mark (the workbook's 承接部门：工作方式) uses."""
    return before + full_width_punctuation(before + mark + after)[len(before)] + after


def _context(text, positions):
    """For each position, the nearest character that comes before it in the order of positions and
    is not passed over (spaces, straight quotes, the marks themselves); '' where there is none."""
    found, nearest = {}, ""
    for at in positions:
        found[at] = nearest
        if not (text[at] in CONTEXT_SKIP or text[at].isspace()):
            nearest = text[at]
    return found


def _parenthesis_pairs(text):
    pairs, open_at = [], []
    for at, char in enumerate(text):
        if char == "(":
            open_at.append(at)
        elif char == ")" and open_at:
            pairs.append((open_at.pop(), at))
    return pairs
