"""The bugs issue 14 lists, planted one at a time in a copy of the package: each must make its tests fail.

    .venv/bin/python mutation/issue_bugs.py      (about 20 s; prints CAUGHT or MISSED per bug, exits 1 if one is missed)

mutmut (mutation/run.sh) makes its own small mutations; these are the larger, named bugs a reviewer tried.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)
CASES = [
 ("issue: HTML unescaped", "diff/render_html.py", "escaped = html.escape(value)", "escaped = value", "tests/test_escaping.py"),
 ("issue: markdown | unescaped", "core/markdown.py", r'SPECIAL = re.compile(r"([\\`*_\[\]#|~])")', r'SPECIAL = re.compile(r"([\\`*_\[\]#~])")', "tests/test_escaping.py"),
 ("issue: markdown <>& unescaped", "core/markdown.py", "value = html.escape(visible(str(value)), quote=False)", "value = visible(str(value))", "tests/test_escaping.py"),
 ("issue: ambiguous record applied to first", "importing/corrections.py", "if found != 1:", "if found < 1:", "tests/test_correction_rules.py"),
 ("issue: empty extracted overwrites", "importing/corrections.py", "        if value:\n            return problem(", "        if False:\n            return problem(", "tests/test_correction_rules.py"),
 ("issue: first department only", "validate/checks.py", 'for department in item.get("departments", ()) if', 'for department in item.get("departments", ())[:1] if', "tests/test_check_codes.py"),
 ("issue: list starting at 2 passes", "validate/checks.py", "expected = 1\n        for at in order:", "expected = seqs[order[0]] if count else 1\n        for at in order:", "tests/test_check_codes.py"),
 ("issue: fill record unchecked", "validate/checks.py", " or (not corrected and not extracted and value)", "", "tests/test_check_codes.py"),
 ("issue: fill record unchecked (2)", "validate/checks.py", "(corrected and corrected not in value)", "(corrected and extracted and corrected not in value)", "tests/test_check_codes.py"),
 ("issue: flag silences other fields", "validate/checks.py", 'level = WARNING if index.unrecoverable(item["id"], field) else None', 'level = WARNING if any(bits & UNRECOVERABLE for _, _, _, bits in index.records(item["id"])) else None', "tests/test_check_codes.py"),
 ("issue: id-in-two-lists wrong seq", "validate/checks.py", 'other_seq=bucket_seqs[at_first] if bucket_seqs[at_first] >= 0 else "(none)"', 'other_seq=bucket_seqs[at] if bucket_seqs[at] >= 0 else "(none)"', "tests/test_check_codes.py"),
 ("issue: renumbered only moving down", "diff/compare.py", 'renumbering = old is not None and new is not None and old["seq"] != new["seq"]', 'renumbering = old is not None and new is not None and old["seq"] < new["seq"]', "tests/test_diff_semantics.py"),
 ("issue: runs merged across shifts", "diff/compare.py", ' and last["shift"] == new_seq - old_seq:', ':', "tests/test_diff_semantics.py"),
 ("issue: exit-code ignores descriptor", "diff/compare.py", '"schema", "structure", "descriptor"))', '"schema", "structure"))', "tests/test_diff_semantics.py"),
 # both places that give an item's old departments: its old side, and a departments field change
 ("issue: department grouped under new only", "diff/compare.py",
  '    for side in (old, new):\n        if side and isinstance(side.get("departments"), list):\n            found += side["departments"]\n'
  '    for change in item["fields"]:\n        if change["field"] == "departments":\n            found += (change["old"] or []) + (change["new"] or [])',
  '    for side in (new,):\n        if side and isinstance(side.get("departments"), list):\n            found += side["departments"]\n'
  '    for change in item["fields"]:\n        if change["field"] == "departments":\n            found += (change["new"] or [])',
  "tests/test_diff_semantics.py"),
 ("issue: changed steps never paired", "diff/inline.py", "pairs = min(i2 - i1, j2 - j1)", "pairs = 0", "tests/test_diff_semantics.py"),
 ("issue: loosened constraint patch", "core/kinds.py", '"constraint-loosened": "minor"', '"constraint-loosened": "patch"', "tests/test_version_policy.py"),
 ("issue: rename threshold moved", "core/similarity.py", "RENAME_SIMILARITY = 0.6", "RENAME_SIMILARITY = 0.62", "tests/test_diff_semantics.py"),
 ("issue: rename threshold moved down", "core/similarity.py", "RENAME_SIMILARITY = 0.6", "RENAME_SIMILARITY = 0.58", "tests/test_diff_semantics.py"),
]


def main():
    missed = 0
    for label, path, old, new, tests in CASES:
        tmp = tempfile.mkdtemp(prefix="issue-bugs-") + "/tools"
        shutil.copytree(f"{ROOT}/tools", tmp, ignore=shutil.ignore_patterns("__pycache__"))
        target = f"{tmp}/dutylist/{path}"
        text = open(target, encoding="utf-8").read()
        assert text.count(old) == 1, (label, text.count(old))
        open(target, "w", encoding="utf-8").write(text.replace(old, new))
        r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", tests], cwd=ROOT,
                           env={**os.environ, "PYTHONPATH": tmp}, capture_output=True, text=True)
        shutil.rmtree(Path(tmp).parent, ignore_errors=True)
        missed += not r.returncode
        print(("CAUGHT " if r.returncode else "MISSED ") + label.removeprefix("issue: "), "|", r.stdout.strip().splitlines()[-1][:100])
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
