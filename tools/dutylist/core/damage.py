"""The patterns of extraction damage, in one home: the importer lists them, the validator checks them."""

import re

from .package import LIST_DELIMITER, STEP_DELIMITER

LIST_FIELDS = ("departments",)

CJK = r"[\u3400-\u9fff]"
SPACE_BETWEEN_CJK = re.compile(rf"{CJK}[ \t\u3000]+{CJK}")
GLUED_PATTERNS = (
    # a single letter or digit opening a cell or a step, stuck to the next character: 1强, D强, T展
    (re.compile(rf"^[A-Za-z0-9](?={CJK})"), "a Latin letter or digit glued to the start of a Chinese word"),
    # a Latin letter written for a step number: I.县安
    (re.compile(rf"^[A-Za-z]\.(?={CJK})"), "a Latin letter where a step number belongs"),
    # a lone Latin letter inside a Chinese word: 加D强 (C、D级 and APP are tokens, not damage)
    (re.compile(rf"(?<={CJK})[A-Za-z](?={CJK})"), "a lone Latin letter inside a Chinese word"),
)
STEP_NUMBER = re.compile(r"^(\d+)\.")
STEP_PREFIXES = tuple(f"{number}." for number in range(1, 101))  # a field's steps as they start when numbered right


def text_units(field, text):
    """Where a cell, a step or a department name starts: the lines of a field, the entries of a list."""
    lines = text.split(STEP_DELIMITER)
    if field in LIST_FIELDS:
        return [entry for line in lines for entry in line.split(LIST_DELIMITER) if entry]
    return [line for line in lines if line]


def step_problems(text):
    """Problems with the numbering of one field's steps, one line per step (or the field as its list of lines)."""
    lines = text.split(STEP_DELIMITER) if isinstance(text, str) else text
    if len(lines) <= len(STEP_PREFIXES) and all(map(str.startswith, lines, STEP_PREFIXES)):
        return []  # numbered 1., 2., 3. ...: the usual case, found without a pattern
    numbers = [STEP_NUMBER.match(line) for line in lines]
    if len(lines) == 1 and not numbers[0]:
        return []  # a single unnumbered step is a plain sentence
    problems = []
    expected = 1
    for line, match in zip(lines, numbers):
        if not match:
            problems.append(f"step {expected} has no number: {line[:20]!r}")
            expected += 1
            continue
        number = int(match.group(1))
        if number != expected:
            problems.append(f"step numbered {number} where {expected} was expected")
        expected = number + 1
    return problems
