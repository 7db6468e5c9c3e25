"""The layers of tools/dutylist, read from every module's imports with ast (module level and inside functions).

`core` imports no other subpackage; `diff`, `importing`, `validate` and `export` import only `core`; `release`
and `maintain` stand above them, `site` above those, `cli` on top. A module may always import from its own
subpackage. What two subpackages of one level share lives in `core`, or is passed in as a function by the layer
above. An import placed inside a function counts as much as one at the top of the module.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tools" / "dutylist"
LEVELS = {"__init__": 0, "core": 0, "diff": 1, "importing": 1, "validate": 1, "export": 1, "release": 2, "maintain": 2, "site": 3,
          "cli": 4, "__main__": 5}


def part_of(module):
    """The layer a dotted module name inside the package belongs to ("diff" for diff.sides), or None for the
    package itself."""
    return module.split(".")[0] if module else None


def imported(path, source):
    """(line, dotted module imported, relative to the package) for each import of dutylist in a module's source."""
    here = path.relative_to(PACKAGE).with_suffix("").parts[:-1]  # the module's subpackage, () at the top
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(here[:len(here) - (node.level - 1)]) if node.level > 1 else list(here)
            if node.module:
                yield node.lineno, ".".join(base + [node.module])
            else:  # from . import x / from .. import x: x is a module of that package
                yield from ((node.lineno, ".".join(base + [alias.name])) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "dutylist":
            yield from _absolute(node.lineno, node.module, [alias.name for alias in node.names])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "dutylist":
                    yield node.lineno, alias.name.partition(".")[2]


def _absolute(line, module, names):
    inside = module.partition(".")[2]
    if inside:
        yield line, inside
    else:  # from dutylist import diff
        yield from ((line, name) for name in names)


def broken(path, source):
    """Every import of a module that breaks the layers, as 'file:line: rule'."""
    relative = path.relative_to(PACKAGE)
    layer = relative.parts[0] if len(relative.parts) > 1 else relative.stem
    problems = []
    if layer not in LEVELS:
        return [f"{relative}: {layer} has no place in the layers; add it to a subpackage or to LEVELS"]
    for line, module in imported(path, source):
        target = part_of(module)
        if target == layer:
            continue
        if target not in LEVELS:
            problems.append(f"{relative}:{line}: imports {module}, which has no place in the layers")
        elif LEVELS[target] >= LEVELS[layer]:
            problems.append(f"{relative}:{line}: {layer} (level {LEVELS[layer]}) imports {module} "
                            f"({target}, level {LEVELS[target]}): a layer imports only from the layers below it")
    return problems


def modules():
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.slow
def test_no_module_imports_a_layer_at_or_above_its_own():
    problems = [problem for path in modules() for problem in broken(path, path.read_text(encoding="utf-8"))]
    assert not problems, "\n".join(problems)


def test_every_subpackage_and_top_level_module_has_a_level():
    found = {path.relative_to(PACKAGE).parts[0] if path.parent != PACKAGE else path.stem for path in modules()}
    assert found <= set(LEVELS), found - set(LEVELS)


def check(relative, source):
    return broken(PACKAGE / relative, source)


def test_an_import_inside_a_function_is_found_with_its_line():
    source = "import json\n\n\ndef f():\n    from ..release.history import list_versions\n"
    assert check("diff/sides.py", source) == [
        "diff/sides.py:5: diff (level 1) imports release.history (release, level 2): a layer imports only from the layers below it"]


def test_a_layer_may_not_import_its_neighbour_at_the_same_level():
    assert check("validate/checks.py", "from ..importing.rules import full_width_punctuation\n")[0].startswith(
        "validate/checks.py:1: validate (level 1) imports importing.rules (importing, level 1)")


def test_from_dot_dot_import_a_subpackage_is_read_as_that_subpackage():
    assert check("release/editions.py", "def f():\n    from ..validate import run\n") == []
    assert check("core/edition.py", "from .. import diff\n")[0].startswith("core/edition.py:1: core (level 0) imports diff")


def test_absolute_imports_of_dutylist_count_as_well():
    assert check("core/files.py", "import dutylist.site.build\n")[0].startswith("core/files.py:1: core (level 0) imports site.build")
    assert check("export/document.py", "from dutylist import release\n")[0].startswith("export/document.py:1: export")
    assert check("cli.py", "from dutylist.site import build\nfrom .core import package\n") == []


def test_own_subpackage_and_core_are_always_allowed():
    assert check("importing/link.py", "from .links import Link\nfrom ..core.similarity import similarity\n") == []


def test_a_top_level_module_without_a_level_is_reported():
    assert check("helpers.py", "") == ["helpers.py: helpers has no place in the layers; add it to a subpackage or to LEVELS"]
