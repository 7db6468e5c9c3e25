"""Every command printed in the README and in docs/, and every `Example:` line of `--help`, runs as printed on a fresh clone.

The `dutylist …` lines of the ```sh blocks of README.md and docs/*.md run in document order in one fresh
`git clone` of this repository at HEAD, as a fresh clone holds it (the order of DOCUMENTS puts the pages whose commands change data/ last);
the `Example:` lines of every command's `--help` run in a second clone, the two clones side by side. A line
is expected to exit 0 unless its comment ends with `# exit N`. A block preceded by
`<!-- docs-test: skip: REASON -->` is not run (it needs a state of the reader's own); its reason says
which test covers it, and there must stay few of them.
"""

import re
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from dutylist.cli import cli

from conftest import ROOT

# README first, then the pages in an order where each command finds the state it documents: the pages
# that only read come first, docs/maintain.md (fmt, new-item: they rewrite data/) last.
DOCUMENTS = ["README.md", "docs/validate.md", "docs/diff.md", "docs/releases.md", "docs/import.md", "docs/site.md",
             "docs/safety.md", "docs/mutation.md", "docs/maintain.md"]
SKIP = re.compile(r"<!-- docs-test: skip: (.+?) -->\n$")
EXIT = re.compile(r"#\s*exit (\d+)\s*$")
# Lines of sh blocks that are not `dutylist` commands, and why this test does not run them.
NOT_DUTYLIST = {
    "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/dutylist validate && .venv/bin/dutylist diff":
        "the README's first command: .ci/run runs it on a fresh clone (it installs from the network)",
    ".venv/bin/pytest": "the README's second command: the test suite itself",
    '.venv/bin/pytest -m "not slow and not browser"': "the README's quick loop: the test suite itself, its marks checked by tests/test_suite_structure.py",
    ".venv/bin/pip install pre-commit && .venv/bin/pre-commit install": "installs pre-commit from the network",
    ".venv/bin/pre-commit run --all-files       # once, by hand": "needs pre-commit installed (the line above)",
    ".venv/bin/pip install -r mutation/requirements.txt": "installs mutmut from the network (docs/mutation.md)",
    "mutation/run-all.sh                                                  # every core module, ~30 min":
        "a mutation run, made by hand like the benchmarks; tests/test_mutation_setup.py keeps the setup runnable",
    "mutation/run.sh diff/inline.py tests/test_diff_semantics.py          # one module with the tests that exercise it":
        "a mutation run, made by hand like the benchmarks; tests/test_mutation_setup.py keeps the setup runnable",
    'MUTATION_K="not cli" mutation/run.sh diff/compare.py tests/test_diff_semantics.py   # with a pytest -k filter':
        "a mutation run, made by hand like the benchmarks; tests/test_mutation_setup.py keeps the setup runnable",
    "PR_REPORT_OUTPUT=comment.md .venv/bin/python .ci/pr-report main":
        "the pull-request report's script: tests/test_pr_workflow.py runs it on a clone with a base and a pull-request branch",
    ".venv/bin/python mutation/issue_bugs.py     # about 20 s; exit 1 if a bug goes unnoticed":
        "plants the 19 bugs of issue 14 one at a time and runs their tests: made by hand with the mutation runs",
}
MAX_SKIPPED_BLOCKS = 3
# docs/maintain.md edits data/ "with any tool" before `dutylist record`: these lines run too, in order (perl's
# in-place edit reads the same on Linux and macOS), without a shell
EDITS = ("perl -pi -e ", "perl -ni -e ")
# `release` runs after `new-item`, whose example gives it something to release; the others each start from a
# clean clone (git reset --hard, git clean) so that one example's output never changes another's.
HELP_ORDER_LAST = ("new-item", "release")


def sh_blocks(text):
    """(skip reason or None, [lines]) for each ```sh block; a line ending in `\\` is joined with the next."""
    blocks = []
    for match in re.finditer(r"^```sh\n(.*?)^```", text, flags=re.S | re.M):
        before = text[:match.start()]
        skipped = SKIP.search(before[-1000:])
        lines = []
        for line in match.group(1).splitlines():
            if lines and lines[-1].endswith("\\"):
                lines[-1] = lines[-1][:-1].rstrip() + " " + line.strip()
            elif line.strip():
                lines.append(line)
        blocks.append((skipped.group(1) if skipped else None, lines))
    return blocks


def expected_exit(line):
    found = EXIT.search(line)
    return int(found.group(1)) if found else 0


def documented_commands():
    """(document, line, expected exit) to run, (document, line, reason) skipped, and the other lines of sh blocks."""
    run, skipped, others = [], [], []
    for document in DOCUMENTS:
        for reason, lines in sh_blocks((ROOT / document).read_text(encoding="utf-8")):
            for line in lines:
                if reason:
                    skipped.append((document, line, reason))
                elif line.startswith(("dutylist ", *EDITS)):
                    run.append((document, line, expected_exit(line)))
                else:
                    others.append(line)
    return run, skipped, others


def help_examples():
    """(command name, example line) for every command, in the order they run."""
    examples = []
    for name, command in cli.commands.items():
        lines = [line.strip()[len("Example: "):] for line in command.help.splitlines() if line.strip().startswith("Example: ")]
        assert len(lines) == 1, (name, lines)
        examples.append((name, lines[0]))
    return sorted(examples, key=lambda example: (example[0] in HELP_ORDER_LAST, HELP_ORDER_LAST.index(example[0])
                                                 if example[0] in HELP_ORDER_LAST else 0, example[0]))


RUN, SKIPPED, OTHERS = documented_commands()
EXAMPLES = help_examples()


def dutylist(line, cwd):
    args = shlex.split(line, comments=True)
    if line.startswith(EDITS):
        return subprocess.run(args, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert args[0] == "dutylist", line
    return subprocess.run([sys.executable, "-m", "dutylist", *args[1:]], cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)


def clone(target):
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], check=True, capture_output=True)
    return target


def git(clone_folder, *args):
    subprocess.run(["git", *args], cwd=clone_folder, check=True, capture_output=True)


def run_documented(folder):
    return [dutylist(line, folder) for _, line, _ in RUN]


def run_examples(folder):
    results = []
    for name, line in EXAMPLES:
        results.append(dutylist(line, folder))
        if name != "new-item":  # release's example releases what new-item's example added
            git(folder, "reset", "--quiet", "--hard")
            git(folder, "clean", "--quiet", "-fdx")
    return results


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    documented, examples = clone(tmp_path_factory.mktemp("docs") / "clone"), clone(tmp_path_factory.mktemp("help") / "clone")
    with ThreadPoolExecutor(max_workers=2) as pool:
        documented_results = pool.submit(run_documented, documented)
        example_results = pool.submit(run_examples, examples)
        return documented_results.result(), example_results.result()


def outcome(result):
    return f"exit {result.returncode}\n--- stdout\n{result.stdout[-1500:]}\n--- stderr\n{result.stderr[-1500:]}"


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(RUN)), ids=[f"{document}: {line.split('#')[0].strip()}" for document, line, _ in RUN])
def test_every_documented_command_runs_as_printed(results, index):
    document, line, expected = RUN[index]
    result = results[0][index]
    assert result.returncode == expected, f"{document}: {line}\n{outcome(result)}"
    assert "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(EXAMPLES)), ids=[line for _, line in EXAMPLES])
def test_every_help_example_runs_as_printed(results, index):
    name, line = EXAMPLES[index]
    result = results[1][index]
    assert result.returncode == 0, f"dutylist {name} --help: Example: {line}\n{outcome(result)}"
    assert "Traceback" not in result.stderr


def test_every_command_of_the_tool_is_run_from_the_docs_and_from_its_help():
    documented = {shlex.split(line, comments=True)[1] for _, line, _ in RUN if line.startswith("dutylist ")}
    shown_only = {shlex.split(line, comments=True)[1] for _, line, _ in SKIPPED if line.startswith("dutylist ")}
    assert documented | shown_only == set(cli.commands), set(cli.commands) ^ (documented | shown_only)
    # only `release` is shown in a skipped block alone: it needs a change since the newest version;
    # its `Example:` line runs below, after new-item's example made one
    assert shown_only - documented <= {"release"}  # docs/maintain.md runs it at the end of the everyday edits
    assert {name for name, _ in EXAMPLES} == set(cli.commands)
    assert set(DOCUMENTS) == {"README.md", *(f"docs/{path.name}" for path in (ROOT / "docs").glob("*.md"))}


def test_skipped_blocks_are_few_and_say_why():
    reasons = {reason for _, _, reason in SKIPPED}
    assert 0 < len(reasons) <= MAX_SKIPPED_BLOCKS, reasons
    for reason in reasons:
        assert re.search(r"tests/test_\w+\.py", reason), f"a skipped block names the test that covers it: {reason}"


def test_every_other_line_of_a_sh_block_is_known():
    assert sorted(OTHERS) == sorted(NOT_DUTYLIST), set(OTHERS) ^ set(NOT_DUTYLIST)


def test_the_readme_starts_with_its_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```.*?\n(.*?)^```", readme, flags=re.S | re.M)
    assert blocks[:2] == [
        "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/dutylist validate && .venv/bin/dutylist diff\n",
        ".venv/bin/pytest\n",
    ]


def test_the_markers_are_read():
    text = ("<!-- docs-test: skip: needs a branch; tests/test_x.py covers it -->\n```sh\ndutylist diff a b\n```\n\n"
            "```sh\ndutylist fmt --check   # exit 1\ndutylist new-item --list basic \\\n    --page 10\n```\n")
    assert sh_blocks(text) == [("needs a branch; tests/test_x.py covers it", ["dutylist diff a b"]),
                               (None, ["dutylist fmt --check   # exit 1", "dutylist new-item --list basic --page 10"])]
    assert [expected_exit(line) for _, lines in sh_blocks(text) for line in lines] == [0, 1, 0]
    assert expected_exit("dutylist fmt --check    # write nothing; exit 1 naming each file") == 0
