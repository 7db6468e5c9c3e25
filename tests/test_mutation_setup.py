"""The mutation-testing setup of docs/mutation.md stays runnable: its modules and tests exist, its usage is checked.

The runs themselves are too slow for CI and are made by hand (mutation/run-all.sh).
"""

import re
import subprocess

from conftest import ROOT

CORE_MODULES = ("importing/corrections.py", "importing/rules.py", "validate/checks.py", "validate/tables.py", "diff/compare.py", "diff/inline.py",
                "diff/resemblance.py", "diff/render_html.py", "diff/render_markdown.py")


def runs():
    for line in (ROOT / "mutation" / "run-all.sh").read_text(encoding="utf-8").splitlines():
        match = re.search(r"\$run (\S+) (.+)$", line)
        if match:
            yield match.group(1), match.group(2).split()


def test_every_core_module_has_a_mutation_run_with_existing_tests():
    found = dict(runs())
    assert set(CORE_MODULES) <= set(found)
    for module, tests in found.items():
        assert (ROOT / "tools" / "dutylist" / module).is_file(), module
        assert tests and all((ROOT / test).is_file() for test in tests), (module, tests)


def test_the_docs_give_the_command_and_a_score_for_every_core_module():
    docs = (ROOT / "docs" / "mutation.md").read_text(encoding="utf-8")
    assert "mutation/run-all.sh" in docs and "mutation/requirements.txt" in docs
    for module in CORE_MODULES:
        assert f"`{module}`" in docs, module


def test_the_tool_is_pinned_in_its_own_requirements_file():
    requirements = (ROOT / "mutation" / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^mutmut==3\.\d+\.\d+$", requirements, flags=re.M)


def test_run_sh_without_arguments_prints_its_usage_and_exits_2():
    completed = subprocess.run(["bash", str(ROOT / "mutation" / "run.sh")], capture_output=True, text=True)
    assert completed.returncode == 2
    assert "usage: mutation/run.sh MODULE TEST..." in completed.stderr


def test_every_planted_bug_of_the_issue_still_finds_its_line():
    """mutation/issue_bugs.py plants each bug by replacing a line of the code: a rewrite must keep them all plantable."""
    import runpy

    cases = runpy.run_path(str(ROOT / "mutation" / "issue_bugs.py"))["CASES"]
    assert len(cases) == 19
    for label, path, old, _, tests in cases:
        text = (ROOT / "tools" / "dutylist" / path).read_text(encoding="utf-8")
        assert text.count(old) == 1, label
        assert (ROOT / tests).is_file(), label
