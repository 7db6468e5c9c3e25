"""Which Table Schema ``pattern`` constraints may be evaluated: only those that cannot backtrack for long.

Frictionless (``re.compile("^" + pattern + "$").match``) and the strict pass (tables.py, ``fullmatch``)
both evaluate a pattern with Python's backtracking ``re``, where ``^(a+)+$`` and a cell of 34 ``a``
then ``b`` take minutes (catastrophic backtracking). So a pattern is evaluated only if it lies in a
subset whose work is bounded, checked on its parse tree before any cell is read:

- characters, classes (``[0-9]``, ``\\d``), ``.``, anchors, groups and alternatives ``|``;
- a repetition (``*``, ``+``, ``?``, ``{m,n}``) only of something that matches in one way (a character,
  a class, a fixed group such as ``(ab)``), never of a group that can itself match in several ways
  (``(a+)+``, ``(a|a)*``, ``(a?)*``): no nested quantifiers;
- at most ``MAX_UNBOUNDED`` repetition without an upper bound (``*``, ``+``, ``{m,}``) in the whole pattern;
- the ways the rest can match (each ``{m,n}`` counts n - m + 1, each ``|`` its alternatives) multiply to at
  most ``MAX_WAYS``;
- no backreference, conditional, lookahead or lookbehind, atomic group or possessive repetition;
- at most ``MAX_PATTERN_LENGTH`` characters.

A match is anchored at the start of the cell, so its work is at most ``MAX_WAYS`` times the length of the
cell (one unbounded repetition tries each length once; the bounded rest tries each of its ways), and over
a file at most ``MAX_WAYS`` times its bytes. A pattern outside the subset is reported (validate's
``schema-pattern-unsafe``, naming the schema file and the field) and is never evaluated: it is taken out
of the schema that the strict pass and frictionless see.
"""

try:
    from re import _constants as _sre, _parser as _sre_parse  # Python 3.11+
except ImportError:  # Python 3.10
    import sre_constants as _sre
    import sre_parse as _sre_parse

from ..core.errors import DutylistError

MAX_UNBOUNDED = 1
MAX_WAYS = 32  # measured: 32 ways times an 8 MiB cell, about 2.5 s (docs/safety.md)
MAX_PATTERN_LENGTH = 1000

_ONE_CHARACTER = {_sre.LITERAL, _sre.NOT_LITERAL, _sre.ANY, _sre.IN}
_REPEATS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT}
_NAMES = {
    "GROUPREF": "a backreference", "GROUPREF_EXISTS": "a conditional group", "ASSERT": "a lookahead or lookbehind",
    "ASSERT_NOT": "a negative lookahead or lookbehind", "ATOMIC_GROUP": "an atomic group",
    "POSSESSIVE_REPEAT": "a possessive repetition",
}


class _Unsafe(DutylistError):
    """A construct outside the bounded subset (caught in pattern_problem, which names it)."""

    code = "pattern-unsafe"


def pattern_problem(pattern):
    """Why the pattern may not be evaluated (a short phrase), or None when it lies in the bounded subset.
    Checks the pattern as given and as frictionless compiles it (``^pattern$``)."""
    if not isinstance(pattern, str):
        return "is not a string"
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"is longer than {MAX_PATTERN_LENGTH} characters"
    try:
        for text in (pattern, f"^{pattern}$"):
            ways, unbounded = _cost(_sre_parse.parse(text))
            if unbounded > MAX_UNBOUNDED:
                raise _Unsafe(f"has {unbounded} unbounded repetitions (*, +, {{m,}}); at most {MAX_UNBOUNDED} is allowed")
    except _Unsafe as unsafe:
        return str(unsafe)
    except (_sre.error, RecursionError, OverflowError, ValueError) as error:
        return f"is not a regular expression ({getattr(error, 'msg', None) or error})"
    return None


def _cost(items):
    """(the number of ways the items can match, the number of unbounded repetitions in them); _Unsafe if a
    construct outside the subset is used or the ways pass MAX_WAYS."""
    ways, unbounded = 1, 0
    for op, argument in items:
        if op in _ONE_CHARACTER or op == _sre.AT:
            continue
        if op == _sre.SUBPATTERN:
            inner = _cost(argument[-1])
        elif op == _sre.BRANCH:
            branches = [_cost(branch) for branch in argument[1]]
            inner = (sum(b[0] for b in branches), sum(b[1] for b in branches))
        elif op in _REPEATS:
            inner = _repeat_cost(*argument)
        else:
            raise _Unsafe(f"uses {_NAMES.get(str(op), str(op).lower())}, which this validator does not evaluate")
        ways, unbounded = ways * inner[0], unbounded + inner[1]
        if ways > MAX_WAYS:
            raise _Unsafe(f"can match in more than {MAX_WAYS} ways (bounded repetitions and alternatives multiply)")
    return ways, unbounded


def _repeat_cost(low, high, item):
    item_ways, item_unbounded = _cost(item)
    if item_ways != 1 or item_unbounded:
        raise _Unsafe("repeats a group that can itself match in more than one way (nested quantifiers such as (a+)+ "
                      "can take hours)")
    if high == _sre.MAXREPEAT:
        return 1, 1
    return high - low + 1, 0
