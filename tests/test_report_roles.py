"""Each side's role named right in every format: a reclaimed item's 承接部门 takes it over, a returned item's
原承接部门 hands it back, and a field that two lists title differently is labelled by the list that has it (or
old → new), never by the other list's title. Also: descriptor arrays of objects are compared by their key."""

import json
import re

import pytest
from click.testing import CliRunner

from diff_repo import PackageRepo
from dutylist.cli import cli


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """One commit after base with every change of list: returned (to the basic and to the coordinated list),
    reclaimed with another department, moved both ways between the basic and the coordinated list."""
    repository = PackageRepo(tmp_path_factory.mktemp("roles") / "repo")
    repository.commit("Publish the July 2025 edition", tag="base")
    taken = repository.take("reclaimed-duties", "652325100-0156")  # 收养登记, 承接部门 奇台县民政局 → basic
    repository.append("basic-duties", id=taken["id"], category=taken["category"], name=taken["name"], page="10")
    taken = repository.take("reclaimed-duties", "652325100-0157")  # 奇台县教育局 → coordinated, with 奇台县民政局
    repository.append("coordinated-duties", id=taken["id"], category=taken["category"], name=taken["name"],
                      departments="奇台县民政局", county_duties="1.统筹。", town_duties="1.配合。", page="30")
    taken = repository.take("coordinated-duties", "652325100-0088")  # 对应上级部门 奇台县委组织部 → reclaimed by 奇台县统计局
    repository.append("reclaimed-duties", id=taken["id"], category=taken["category"], name=taken["name"],
                      departments="奇台县统计局", handling="由县统计局负责。", page="42")
    taken = repository.take("coordinated-duties", "652325100-0086")  # coordinated → basic: its departments go
    repository.append("basic-duties", id=taken["id"], category=taken["category"], name=taken["name"], page="11")
    taken = repository.take("basic-duties", "652325100-0085")  # basic → coordinated: departments come
    repository.append("coordinated-duties", id=taken["id"], category=taken["category"], name=taken["name"],
                      departments="奇台县人民政府办公室", county_duties="1.转办。", town_duties="1.反馈。", page="36")
    repository.set_version("1.1.0")
    repository.commit("Lists rearranged")
    return repository


def report(repo, output_format):
    result = CliRunner().invoke(cli, ["diff", "base", "HEAD", "--repo", str(repo.root), "--format", output_format])
    assert result.exit_code == 0, result.output
    return result.output


NEXT_HEADING = re.compile(r"\n(### |## |<h\d|652325100-\d{4} |序号调整)")


def item(text, item_id, output_format):
    """The part of a rendered report about one item, as plain text: from its heading to the next heading."""
    plain = re.sub(r"<(?!/?h\d)[^>]+>", "", text) if output_format == "html" else text
    plain = re.sub(r"\{\+|\+\}|\[-|-\]|\*\*", "", plain)  # text's and markdown's marks around changes and labels
    start = plain.index(item_id)
    end = NEXT_HEADING.search(plain, start)
    return plain[start:end.start() if end else len(plain)]


EXPECTED = {  # id: (the place line's role, the departments field's label and its change), as text shows them
    "652325100-0156": ("上级部门收回事项清单 第 3 项 → 基本履职事项清单 第 85 项 · 原承接部门: 奇台县民政局", "承接部门: 删 奇台县民政局"),
    "652325100-0157": ("· 原承接部门: 奇台县教育局", "承接部门 → 对应上级部门: 增 奇台县民政局; 删 奇台县教育局"),
    "652325100-0088": ("· 承接部门: 奇台县统计局", "对应上级部门 → 承接部门: 增 奇台县统计局; 删 奇台县委组织部"),
    "652325100-0086": ("配合履职事项清单 第 1 项 → 基本履职事项清单", "对应上级部门: 删 奇台县委组织部"),
    "652325100-0085": ("基本履职事项清单 第 85 项 → 配合履职事项清单", "对应上级部门: 增 奇台县人民政府办公室"),
}


@pytest.mark.slow
@pytest.mark.parametrize("output_format", ["text", "markdown", "html"])
def test_each_side_is_named_by_its_role(repo, output_format):
    text = report(repo, output_format)
    for item_id, (place, departments) in EXPECTED.items():
        shown = item(text, item_id, output_format)
        if output_format == "markdown":
            shown = re.sub(r"</?(ins|del)>", "", shown)
        assert place in shown, (item_id, shown)
        assert departments in shown, (item_id, shown)
    assert "· 承接部门: 奇台县民政局" not in text and "· 承接部门: 奇台县教育局" not in text  # handing back is not taking over


@pytest.mark.slow
def test_the_json_says_which_side_each_department_is_on(repo):
    items = {entry["id"]: entry for entry in json.loads(report(repo, "json"))["items"]}
    assert {key: items[key]["change"] for key in EXPECTED} == {
        "652325100-0156": "returned", "652325100-0157": "returned", "652325100-0088": "reclaimed",
        "652325100-0086": "moved", "652325100-0085": "moved"}
    assert items["652325100-0156"]["reclaimed_by"] == ["奇台县民政局"]  # the department that hands it back
    assert items["652325100-0088"]["reclaimed_by"] == ["奇台县统计局"]  # the department that takes it over
    departments = {key: next(field for field in items[key]["fields"] if field["field"] == "departments") for key in EXPECTED}
    assert departments["652325100-0156"]["absent"] == "new" and departments["652325100-0085"]["absent"] == "old"
    assert "absent" not in departments["652325100-0157"] and "absent" not in departments["652325100-0088"]
    assert (items["652325100-0157"]["from"]["list"], items["652325100-0157"]["to"]["list"]) == ("reclaimed", "coordinated")


def test_the_changelog_page_uses_the_same_labels(repo):
    result = CliRunner().invoke(cli, ["changelog", "--repo", str(repo.root)])
    assert result.exit_code == 0, result.output
    page = (repo.root / "changelog" / "1.1.0.md").read_text(encoding="utf-8")
    assert "· 原承接部门: 奇台县民政局" in page and "**承接部门 → 对应上级部门:**" in page and "**对应上级部门 → 承接部门:**" in page


# --- descriptor arrays of objects compared by their key -----------------------------------------------------

@pytest.fixture
def sources_repo(tmp_path):
    repository = PackageRepo(tmp_path / "repo")
    repository.commit("Publish the July 2025 edition", tag="base")
    return repository


def descriptor_changes(repo):
    result = CliRunner().invoke(cli, ["diff", "base", "--repo", str(repo.root), "--format", "json"])
    assert result.exit_code == 0, result.output
    return [change for change in json.loads(result.output)["descriptor"]["changed"] if change["field"] != "version"]


@pytest.mark.slow
def test_a_source_added_first_reads_as_one_source_added(sources_repo):
    new_source = {"title": "奇台县奇台镇履职事项清单 (2026年1月)", "path": "sources/qitai-town-duty-list-2026-01.extracted.txt",
                  "publisher": "奇台县奇台镇", "date": "2026-01"}
    sources_repo.edit_json("datapackage.json", lambda descriptor: descriptor["sources"].insert(0, new_source))
    changes = descriptor_changes(sources_repo)
    assert changes == [{"field": "sources", "path": "sources[path=sources/qitai-town-duty-list-2026-01.extracted.txt]",
                        "change": "added", "new": new_source}]
    text = CliRunner().invoke(cli, ["diff", "base", "--repo", str(sources_repo.root), "--format", "text"]).output
    assert "sources[path=sources/qitai-town-duty-list-2026-01.extracted.txt]: 新增 added" in text
    assert "sources[0]" not in text and "sources[1]" not in text


def test_a_changed_source_is_named_by_its_path_and_a_licence_by_its_name(sources_repo):
    def edit(descriptor):
        descriptor["sources"][0]["date"] = "2025-08"
        descriptor["licenses"].insert(0, {"name": "ODbL-1.0", "title": "Open Data Commons Open Database License 1.0"})
    sources_repo.edit_json("datapackage.json", edit)
    paths = {change["path"]: change["change"] for change in descriptor_changes(sources_repo)}
    assert paths == {"sources[path=sources/qitai-town-duty-list-2025-07.extracted.txt].date": "changed",
                     "licenses[name=ODbL-1.0]": "added"}


@pytest.mark.slow
def test_sources_only_reordered_are_one_change_with_both_orders(sources_repo):
    second = {"title": "另一份", "path": "sources/other.txt"}
    sources_repo.edit_json("datapackage.json", lambda descriptor: descriptor["sources"].append(second))
    sources_repo.commit("A second source", tag="two")
    sources_repo.edit_json("datapackage.json", lambda descriptor: descriptor["sources"].reverse())
    result = CliRunner().invoke(cli, ["diff", "two", "--repo", str(sources_repo.root), "--format", "json"])
    changes = json.loads(result.output)["descriptor"]["changed"]
    assert [(change["path"], change["change"]) for change in changes] == [("sources", "changed")]
    assert [source["path"] for source in changes[0]["new"]] == ["sources/other.txt", "sources/qitai-town-duty-list-2025-07.extracted.txt"]
