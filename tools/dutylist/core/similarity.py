"""How alike two names are: the one measure behind diff's likely renames (``diff/resemblance.py``) and the
importer's likely links (``importing/link.py``), with the thresholds both use.

Candidates are found through shared character pairs (bigrams); a bigram shared by very many names says
nothing, and would make the search quadratic, so it is passed over.
"""

import difflib

RENAME_SIMILARITY = 0.6  # the similarity from which two names are probably the same duty
CANDIDATES_PER_ITEM = 10  # the most candidates scored for one name (those sharing the most bigrams)
COMMON_BIGRAM = 200  # a bigram held by more names than this is no evidence


def matched_characters(a, b):
    """How many characters of a and b align, the same whichever comes first."""
    first, second = (a, b) if a <= b else (b, a)
    matcher = difflib.SequenceMatcher(None, first, second, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def similarity(a, b):
    """2 × matched characters / total length: 1.0 for equal names, the same whichever comes first."""
    return 2 * matched_characters(a, b) / (len(a) + len(b))


def bigrams(text):
    """The character pairs of a text (the text itself when it has one character)."""
    return {text[index:index + 2] for index in range(max(len(text) - 1, 1))}
