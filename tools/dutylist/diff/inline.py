"""Character-level and step-level differences that are the exact inverse of each other when the sides swap.

difflib may align ``a → b`` differently from ``b → a``; aligning always from the smaller
string and inverting when needed makes ``diff(B, A)`` the mirror image of ``diff(A, B)``.
"""

import difflib
import re

STEP_NUMBER = re.compile(r"^\s*\d+\s*[.、．]\s*")
SWAPPED = {"insert": "delete", "delete": "insert", "equal": "equal"}


def inline_ops(old, new):
    """``[[op, text], ...]`` turning old into new; op is equal, insert or delete (deletes before inserts)."""
    if old <= new:
        return _ops(old, new)
    return invert_ops(_ops(new, old))


def invert_ops(ops):
    return _deletes_first([[SWAPPED[op], text] for op, text in ops])


def _ops(old, new):
    ops = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _push(ops, "equal", old[i1:i2])
            continue
        _push(ops, "delete", old[i1:i2])
        _push(ops, "insert", new[j1:j2])
    return _deletes_first(ops)


def _push(ops, op, text):
    if not text:
        return
    if ops and ops[-1][0] == op:
        ops[-1][1] += text
    else:
        ops.append([op, text])


def _deletes_first(ops):
    """Within each run between equal segments, one delete then one insert."""
    result, deleted, inserted = [], "", ""
    for op, text in ops + [["equal", ""]]:
        if op == "delete":
            deleted += text
        elif op == "insert":
            inserted += text
        else:
            _push(result, "delete", deleted)
            _push(result, "insert", inserted)
            _push(result, "equal", text)
            deleted = inserted = ""
    return result


def step_changes(old_steps, new_steps):
    """Steps added, removed and changed, aligned on their text without the leading step number."""
    old_steps, new_steps = old_steps or [], new_steps or []
    if _stripped(old_steps) <= _stripped(new_steps):
        changes = _step_changes(old_steps, new_steps)
    else:
        changes = [invert_step(change) for change in _step_changes(new_steps, old_steps)]
    if not changes and old_steps != new_steps:
        changes = _numbering_changes(old_steps, new_steps)
    return changes


def invert_step(change):
    inverted = {
        "step": {"added": "removed", "removed": "added"}.get(change["step"], change["step"]),
        "old_index": change["new_index"], "new_index": change["old_index"],
        "old": change["new"], "new": change["old"],
    }
    if "inline" in change:
        inverted["inline"] = invert_ops(change["inline"])
    return inverted


def _stripped(steps):
    return [STEP_NUMBER.sub("", step) for step in steps]


def _step_changes(old_steps, new_steps):
    changes = []
    matcher = difflib.SequenceMatcher(None, _stripped(old_steps), _stripped(new_steps), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1)
        for offset in range(pairs):
            changes.append(_changed_step(old_steps, new_steps, i1 + offset, j1 + offset))
        for index in range(i1 + pairs, i2):
            changes.append({"step": "removed", "old_index": index + 1, "new_index": None, "old": old_steps[index], "new": None})
        for index in range(j1 + pairs, j2):
            changes.append({"step": "added", "old_index": None, "new_index": index + 1, "old": None, "new": new_steps[index]})
    return changes


def _changed_step(old_steps, new_steps, i, j):
    return {
        "step": "changed", "old_index": i + 1, "new_index": j + 1, "old": old_steps[i], "new": new_steps[j],
        "inline": inline_ops(old_steps[i], new_steps[j]),
    }


def _numbering_changes(old_steps, new_steps):
    """Only the step numbers differ: show those steps as changed, side by side."""
    return [
        _changed_step(old_steps, new_steps, index, index)
        for index in range(min(len(old_steps), len(new_steps)))
        if old_steps[index] != new_steps[index]
    ]
