"""The test suite's own structure, read from its code with ast.

Test modules share fixtures through conftest.py and data through helper modules (diff_repo.py, editions.py,
validate_helpers.py, site_history.py, ...), never by importing each other. The quick loop of README.md,
`pytest -m "not slow and not browser"`, stays quick without a timed test: what is slow by nature is marked, and
the marks are checked here from the code: a Hypothesis property, or a test that starts a Python process (the
interpreter and the package's imports, once per case), is `slow`; a test that drives Chromium is `browser`. The
slowest of the other tests are marked by measure (`pytest --durations=0`), which no test can check; every test
module keeps at least one test in the quick loop unless the whole module is marked, saying why.
"""

import ast
import functools
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
PYTHON_PROCESS = {"sys.executable", "venv.EnvBuilder"}  # a new interpreter: the cost of importing dutylist again
BROWSER_WORDS = ("chromium", "playwright")


class Module:
    """A test module read with ast: its test functions, the module-level functions they can reach, its marks."""

    def __init__(self, source, name="test_x.py"):
        self.name, self.source = name, source
        self.tree = ast.parse(source)
        self.functions = {node.name: node for node in self.tree.body if isinstance(node, ast.FunctionDef)}
        self.marks, self.reach = set(), {}
        for node in self.tree.body:
            if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "pytestmark" for target in node.targets):
                self.marks |= marks_in(node.value)

    def tests(self):
        return [node for name, node in self.functions.items() if name.startswith("test_")]

    def marks_of(self, test):
        return self.marks | set().union(*(marks_in(decorator) for decorator in test.decorator_list))

    def reached(self, test):
        """The test and every module-level function (helper or fixture) it names, directly or through another."""
        if test.name not in self.reach:
            self.reach[test.name] = self.walk_from(test)
        return self.reach[test.name]

    def walk_from(self, test):
        found, pending = {}, [test]
        while pending:
            node = pending.pop()
            if node.name in found:
                continue
            found[node.name] = node
            named = {child.id for child in ast.walk(node) if isinstance(child, ast.Name)}
            named |= {argument.arg for argument in ast.walk(node) if isinstance(argument, ast.arg)}
            pending += [self.functions[name] for name in named if name in self.functions]
        return list(found.values())

    def starts_python(self, test):
        return any(f"{child.value.id}.{child.attr}" in PYTHON_PROCESS for node in self.reached(test) for child in ast.walk(node)
                   if isinstance(child, ast.Attribute) and isinstance(child.value, ast.Name))

    def drives_a_browser(self, test):
        words = {child.id for node in self.reached(test) for child in ast.walk(node) if isinstance(child, ast.Name)}
        words |= {child.attr for node in self.reached(test) for child in ast.walk(node) if isinstance(child, ast.Attribute)}
        return any(browser in word.lower() for word in words for browser in BROWSER_WORDS)


def marks_in(node):
    """The names X of every `pytest.mark.X` in an expression (a decorator, or a pytestmark value)."""
    marks = set()
    for child in ast.walk(node):
        parts = ast.unparse(child).split(".") if isinstance(child, ast.Attribute) else []
        if parts[:2] == ["pytest", "mark"] and len(parts) == 3:
            marks.add(parts[2])
    return marks


def is_property(test):
    return any(ast.unparse(decorator.func if isinstance(decorator, ast.Call) else decorator).split(".")[-1] == "given"
               for decorator in test.decorator_list)


@functools.lru_cache(maxsize=None)
def read_test_modules():
    """Every tests/test_*.py, read once for all the tests of this module."""
    return tuple(Module(path.read_text(encoding="utf-8"), path.name) for path in sorted(TESTS.glob("test_*.py")))


def imported_test_modules(source):
    """The test modules (test_*) a module imports, wherever the import stands."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return sorted(name for name in names if name.split(".")[0].startswith("test_"))


def slow_by_nature_unmarked(module):
    return [test.name for test in module.tests()
            if (is_property(test) or module.starts_python(test)) and "slow" not in module.marks_of(test)]


def browser_unmarked(module):
    return [test.name for test in module.tests() if module.drives_a_browser(test) and "browser" not in module.marks_of(test)]


@pytest.mark.slow
def test_no_module_of_the_tests_imports_a_test_module():
    found = {path.name: imported_test_modules(path.read_text(encoding="utf-8")) for path in sorted(TESTS.glob("*.py"))}
    assert {name: modules for name, modules in found.items() if modules} == {}, \
        "move what is shared into conftest.py (fixtures) or a helper module (data, helpers)"


def test_the_slow_and_browser_markers_are_registered_and_strict(pytestconfig):
    registered = {line.split(":")[0] for line in pytestconfig.getini("markers")}
    assert {"slow", "browser"} <= registered
    assert "--strict-markers" in pytestconfig.getini("addopts")


@pytest.mark.slow
def test_a_hypothesis_property_or_a_test_that_starts_python_is_marked_slow():
    assert {module.name: slow_by_nature_unmarked(module) for module in read_test_modules() if slow_by_nature_unmarked(module)} == {}


@pytest.mark.slow
def test_a_test_that_drives_chromium_is_marked_browser():
    assert {module.name: browser_unmarked(module) for module in read_test_modules() if browser_unmarked(module)} == {}


@pytest.mark.slow
def test_every_module_is_in_the_quick_loop_or_marked_whole_with_its_reason():
    left_out = []
    for module in read_test_modules():
        quick = [test for test in module.tests() if not module.marks_of(test) & {"slow", "browser"}]
        if not quick:
            says_why = any(line.startswith("pytestmark = ") and "#" in line for line in module.source.splitlines())
            if not (module.marks & {"slow", "browser"} and says_why):
                left_out.append(module.name)
    assert left_out == []


def test_the_rules_read_marks_helpers_fixtures_and_imports():
    module = Module('''
import subprocess, sys
import pytest
from hypothesis import given
CHROMIUM = "chromium"

def run(*args):
    return subprocess.run([sys.executable, "-m", "dutylist", *args])

@pytest.fixture
def page():
    return CHROMIUM

@given(x=None)
def test_property(x): pass

@pytest.mark.slow
@pytest.mark.parametrize("a", [1])
def test_marked(a): run("validate")

def test_through_a_helper(): run("validate")

def test_through_a_fixture(page): pass

@pytest.mark.browser
def test_marked_browser(page): pass

def test_quick(tmp_path): pass
''')
    assert slow_by_nature_unmarked(module) == ["test_property", "test_through_a_helper"]
    assert browser_unmarked(module) == ["test_through_a_fixture"]
    module.marks = marks_in(ast.parse("pytestmark = [pytest.mark.slow, pytest.mark.browser]").body[0].value)
    assert module.marks == {"slow", "browser"} and slow_by_nature_unmarked(module) == browser_unmarked(module) == []
    assert imported_test_modules("import os\nfrom test_a import X\ndef f():\n    import test_b.c\nfrom .test_c import Y\n") == \
        ["test_a", "test_b.c", "test_c"]
