"""One definition of each thing (issue 19): the change kinds, bump levels, versions, step fields and field titles.

Each is said once, in core/ (core/kinds.py, core/names.py, core/package.py), and imported everywhere else.
These tests read the source (a literal copy of a definition fails here, naming its file and line), run
``dutylist diff`` and ``dutylist changelog`` on a real repository holding a change of every kind (a kind
that compare() can emit but a report forgets fails here), and check the titles against schemas/*.json.
"""

import ast
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from diff_repo import PackageRepo
from dutylist.cli import cli
from dutylist.core import kinds, package
from dutylist.maintain import git_diff_driver

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tools" / "dutylist"
KINDS_MODULE, PACKAGE_MODULE = "core/kinds.py", "core/package.py"
# git's diff driver runs as a copy inside .git with the standard library only (no import of the package):
# its copy of the step fields and titles is checked against core/package.py below instead
STANDALONE = "maintain/git_diff_driver.py"

# (concept, its names, how many of them make a copy, where to look, the one module that may list them)
CONCEPTS = [
    # a name counts as itself or at the start of a label ("新增 Added"); four kinds, not three: added, removed
    # and changed alone also name the steps of a step field and the rows of a register
    ("change kinds", set(kinds.KINDS), 4, "anywhere", KINDS_MODULE),
    ("change kind labels", set(kinds.KIND_CHINESE.values()), 4, "anywhere", KINDS_MODULE),
    ("bump levels", set(kinds.BUMPS), 3, "anywhere", KINDS_MODULE),
    ("step fields", set(package.STEP_FIELDS), 3, "anywhere", PACKAGE_MODULE),
    ("field titles", {*package.FIELD_TITLES.values(), package.RECLAIMED_DEPARTMENTS}, 3, "anywhere", PACKAGE_MODULE),
    # a sequence of the lists; a dict keyed by list (a layout per list) is data about each list, not a copy
    ("lists", set(package.LISTS), 3, "sequence", PACKAGE_MODULE),
]
LITERALS = (ast.List, ast.Tuple, ast.Set, ast.Dict)


def modules():
    return sorted(SOURCE.rglob("*.py"))


def strings(node, where):
    """The string constants of a literal: anywhere inside it, or only the elements of a sequence (a dict: none)."""
    if where == "sequence":
        parts = [] if isinstance(node, ast.Dict) else node.elts
        return {part.value for part in parts if isinstance(part, ast.Constant) and isinstance(part.value, str)}
    return {part.value for part in ast.walk(node) if isinstance(part, ast.Constant) and isinstance(part.value, str)}


def literal_copies(tree, relative):
    """(concept, line, names found) for each literal of the module that lists a concept outside its own module."""
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, LITERALS):
            continue
        for concept, names, enough, where, home in CONCEPTS:
            if relative in (home, STANDALONE):
                continue
            present = {name for name in names for text in strings(node, where) if text == name or text.startswith(name + " ")}
            if len(present) >= enough:
                found.add((concept, node.lineno, tuple(sorted(present))))
    return sorted(found)


@pytest.mark.slow
def test_no_module_lists_a_concept_that_core_defines():
    copies = []
    for path in modules():
        relative = path.relative_to(SOURCE).as_posix()
        for concept, line, present in literal_copies(ast.parse(path.read_text(encoding="utf-8")), relative):
            copies.append(f"tools/dutylist/{relative}:{line}: a copy of the {concept} {present}; import them from core/")
    assert copies == []


@pytest.mark.parametrize("source, concept", [
    ('KINDS = ("reclaimed", "returned", "added", "removed", "moved", "changed")', "change kinds"),
    ('LABELS = ["上级部门收回 Reclaimed", "交还乡镇 Returned", "新增 Added", "删除 Removed"]', "change kind labels"),
    ('order = ("none", "patch", "minor", "major")', "bump levels"),
    ('def f(field):\n    return field in ("county_duties", "town_duties", "handling")', "step fields"),
    ('COLUMNS = {"basic": [("序号", "seq", 6), ("事项类别", "category", 14), ("事项名称", "name", 48)]}', "field titles"),
    ('choices = ["basic", "coordinated", "reclaimed"]', "lists"),
])
def test_the_scan_finds_each_kind_of_copy(source, concept):
    """The scan is not blind: each concept, typed out again in some module, is found."""
    assert [found[0] for found in literal_copies(ast.parse(source), "diff/compare.py")] == [concept]


def test_the_scan_leaves_the_defining_modules_and_other_words_alone():
    assert literal_copies(ast.parse((SOURCE / KINDS_MODULE).read_text(encoding="utf-8")), KINDS_MODULE) == []
    assert literal_copies(ast.parse((SOURCE / PACKAGE_MODULE).read_text(encoding="utf-8")), PACKAGE_MODULE) == []
    steps = 'STEP_LABELS = {"added": "新增", "removed": "删除", "changed": "修改"}'
    assert literal_copies(ast.parse(steps), "diff/layout.py") == []


def hand_parsed_versions(tree):
    """Lines of the functions about versions (by name) that call int(): a version's parts read by hand."""
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and ("version" in node.name.lower() or "semver" in node.name.lower())
            and any(isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "int"
                    for call in ast.walk(node))]


@pytest.mark.slow
def test_no_module_parses_a_version_by_hand():
    """Version parts are read by core/names.py alone (version_key, semantic_version_key): no int() of them elsewhere."""
    found = []
    for path in modules():
        relative = path.relative_to(SOURCE).as_posix()
        if relative != "core/names.py":
            found += [f"{relative}:{line}" for line in hand_parsed_versions(ast.parse(path.read_text(encoding="utf-8")))]
    assert found == []


def test_the_version_scan_finds_a_hand_parser():
    source = 'def _semver(version):\n    return tuple(int(part) for part in version.split("."))'
    assert hand_parsed_versions(ast.parse(source)) == [1]


@pytest.mark.slow
def test_no_module_splits_a_list_cell_by_its_own_delimiter():
    """The entries of a list field are split at core/package.py's LIST_DELIMITER, never at a typed-out 、."""
    found = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split"
                    and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value == package.LIST_DELIMITER):
                found.append(f"{path.relative_to(SOURCE).as_posix()}:{node.lineno}")
    assert found == []


# --- every kind compare() can emit is counted, labelled, ranked and listed ------------------------------

def emitted_kinds():
    """The kinds compare()'s change_kind returns, read from its source: a kind added there is seen here."""
    tree = ast.parse((SOURCE / "diff" / "compare.py").read_text(encoding="utf-8"))
    function = next(node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == "change_kind")
    returns = [node.value for node in ast.walk(function) if isinstance(node, ast.Return) and node.value is not None]
    return {part.value for value in returns for part in ast.walk(value) if isinstance(part, ast.Constant) and isinstance(part.value, str)}


def test_every_kind_compare_can_emit_has_a_place_label_and_bump():
    emitted = emitted_kinds()
    assert emitted == set(kinds.KINDS)
    for kind in emitted:
        assert kinds.KIND_LABELS[kind] and kinds.KIND_NAMES[kind] and kinds.KIND_CHINESE[kind]
        assert kinds.KIND_BUMPS[kind] in kinds.BUMPS
    assert set(kinds.KIND_LABELS) == {*kinds.KINDS, kinds.RENUMBERED}


def test_every_structure_change_has_a_bump_and_a_label():
    from dutylist.diff import layout

    assert set(layout.STRUCTURE_LABELS) == set(kinds.STRUCTURE_BUMPS)
    assert set(kinds.SCHEMA_BUMPS.values()) | set(kinds.STRUCTURE_BUMPS.values()) <= set(kinds.BUMPS)


def _first(repo, resource):
    return repo.rows(resource)[1][0]


@pytest.fixture(scope="module")
def every_kind(tmp_path_factory):
    """A repository at 1.0.0, then 1.1.0 with one item of each kind of change (and a renumbering)."""
    repo = PackageRepo(tmp_path_factory.mktemp("kinds") / "repo")
    runner = CliRunner()
    assert runner.invoke(cli, ["changelog", "--repo", str(repo.root)]).exit_code == 0
    repo.commit("1.0.0", tag="v1.0.0")
    basic, coordinated, reclaimed = (repo.rows(f"{name}-duties")[1] for name in package.LISTS)
    # moved: basic → coordinated; reclaimed: coordinated → reclaimed; returned: reclaimed → basic
    moved = repo.take("basic-duties", basic[0]["id"])
    repo.append("coordinated-duties", **{**moved, "departments": coordinated[0]["departments"],
                                         "county_duties": "1.做", "town_duties": "1.配合"})
    taken = repo.take("coordinated-duties", coordinated[1]["id"])
    repo.append("reclaimed-duties", **{**taken, "departments": coordinated[1]["departments"], "handling": "1.办理"})
    returned = repo.take("reclaimed-duties", reclaimed[0]["id"])
    repo.append("basic-duties", **{field: returned[field] for field in ("id", "category", "name", "page")})
    repo.take("basic-duties", basic[1]["id"])  # removed
    repo.update("basic-duties", basic[2]["id"], name=basic[2]["name"] + "（修订）")  # changed
    repo.append("basic-duties", id=package.ID_PREFIX + "9999", category=basic[3]["category"], name="新的事项", page="1")  # added
    repo.set_version("1.1.0")
    result = runner.invoke(cli, ["changelog", "--repo", str(repo.root)])
    assert result.exit_code == 0, result.output
    repo.commit("1.1.0", tag="v1.1.0")
    return repo


@pytest.mark.slow
def test_a_change_of_every_kind_is_reported_under_its_label(every_kind):
    runner = CliRunner()
    data = json.loads(runner.invoke(cli, ["diff", "v1.0.0", "v1.1.0", "--repo", str(every_kind.root), "--format", "json"]).output)
    assert {item["change"] for item in data["items"]} == set(kinds.KINDS)
    report = runner.invoke(cli, ["diff", "v1.0.0", "v1.1.0", "--repo", str(every_kind.root), "--format", "markdown", "--full"])
    assert report.exit_code == 0, report.output
    for kind in (*kinds.KINDS, kinds.RENUMBERED):
        assert f"## {kinds.KIND_LABELS[kind]} (" in report.output, kind


@pytest.mark.slow
def test_a_change_of_every_kind_has_its_place_in_the_changelog(every_kind):
    folder = every_kind.root / "changelog"
    index = (folder / "CHANGELOG.md").read_text(encoding="utf-8")
    section = index.split("## 1.1.0", 1)[1].split("\n## ", 1)[0]
    details = (folder / "1.1.0.md").read_text(encoding="utf-8")
    by_department = details.split("<summary><strong>按部门 By department</strong></summary>", 1)[1]
    for kind in kinds.KINDS:
        assert f"{kind} 1" in section, kind  # the summary sentence counts it
        assert f"<summary><strong>{kinds.KIND_LABELS[kind]} (" in details, kind  # the report lists it, in its own <details>
        assert f"- {kinds.KIND_NAMES[kind]}: " in by_department, kind  # and the view by department names it
    assert "**版本 Bump: minor**" in section and f"minor: items {kinds.KINDS[0]}: 1" in section


# --- field titles: one table in core, checked against the schemas ------------------------------------------

@pytest.mark.parametrize("list_name", package.LISTS)
def test_field_titles_are_the_schemas_titles(list_name):
    schema = json.loads((ROOT / "schemas" / f"{package.LIST_RESOURCES[list_name]}.json").read_text(encoding="utf-8"))
    titles = {field["name"]: field["title"] for field in schema["fields"]}
    assert tuple(titles) == package.LIST_FIELDS[list_name]
    assert {name: package.field_title(name, list_name) for name in titles} == titles


def test_the_list_fields_follow_the_item_fields():
    for list_name in package.LISTS:
        fields = package.LIST_FIELDS[list_name]
        assert list(fields) == [field for field in package.ITEM_FIELDS if field in fields]
    assert set(package.STEP_FIELDS) | set(package.LIST_VALUE_FIELDS) | set(package.INTEGER_FIELDS) < set(package.ITEM_FIELDS)


def test_the_git_diff_drivers_standalone_copy_matches_core():
    """git runs the driver without the package (STANDALONE): its copy is checked here instead of imported."""
    assert git_diff_driver.STEP_FIELDS == package.STEP_FIELDS
    assert dict(git_diff_driver.LABELS, departments=package.FIELD_TITLES["departments"]) == package.FIELD_TITLES
    source = (SOURCE / STANDALONE).read_text(encoding="utf-8")
    assert f'departments="{package.RECLAIMED_DEPARTMENTS}"' in source


def test_the_diff_report_schema_names_the_same_kinds_and_bumps():
    """schemas/diff.json (what a program reading `dutylist diff --format json` relies on) names what core/kinds.py does."""
    schema = json.loads((ROOT / "schemas" / "diff.json").read_text(encoding="utf-8"))
    definitions, properties = schema["$defs"], schema["properties"]
    assert set(definitions["item"]["properties"]["change"]["enum"]) == set(kinds.KINDS)
    assert definitions["bump"]["enum"] == list(kinds.BUMPS)
    assert definitions["list"]["enum"] == list(package.LISTS)
    assert set(properties["schema"]["items"]["properties"]["change"]["enum"]) == set(kinds.SCHEMA_BUMPS)
    assert set(properties["structure"]["items"]["properties"]["change"]["enum"]) == set(kinds.STRUCTURE_BUMPS)
    assert set(kinds.KINDS) | {kinds.RENUMBERED} <= set(properties["summary"]["required"])
