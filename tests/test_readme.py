"""The README stays true: its generated data dictionary, its rules, its commands."""

from click.testing import CliRunner

from dutylist.cli import cli
from dutylist.maintain.dictionary import render_dictionary, replace_in_readme
from dutylist.core.edition import FolderReader, load_edition
from dutylist.importing.rules import RULES

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_data_dictionary_in_the_readme_is_up_to_date():
    dictionary = render_dictionary(load_edition(FolderReader(ROOT)))
    assert replace_in_readme(README, dictionary) == README, "run: dutylist data-dictionary --update README.md"


def test_every_rule_is_documented_in_the_readme():
    for rule in RULES:
        assert f"`{rule.code}`" in README, rule.code


def test_every_command_is_documented_on_a_docs_page_linked_from_the_readme_with_an_example():
    pages = {path.name: path.read_text(encoding="utf-8") for path in (ROOT / "docs").glob("*.md")}
    tools = README.split("## The tools", 1)[1].split("\n## ", 1)[0]
    for name, command in cli.commands.items():
        (page,) = [page for page, text in pages.items() if f"\n## `dutylist {name}`\n" in text]
        row = next(line for line in tools.splitlines() if line.startswith(f"| `dutylist {name}` |"))
        assert f"(docs/{page}" in row, (name, page, row)
        assert "Example: dutylist " + name in command.help, name


def test_every_link_into_the_docs_and_the_readme_finds_its_heading():
    import re

    def anchors(text):
        headings = re.findall(r"^#+ (.+)$", re.sub(r"```.*?```", "", text, flags=re.S), flags=re.M)
        return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}

    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for document in documents:
        text = document.read_text(encoding="utf-8")
        for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]+))?\)", text):
            if target.startswith(("http:", "https:")):
                continue
            path = (document.parent / target).resolve() if target else document
            assert path.exists(), (document.name, target)
            if anchor:
                assert anchor in anchors(path.read_text(encoding="utf-8")), (document.name, target, anchor)


def test_data_dictionary_update_writes_only_the_generated_section(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(README.replace("| `seq` |", "| `stale` |", 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["data-dictionary", "--repo", str(ROOT), "--update", str(readme)])
    assert result.exit_code == 0, result.output
    assert readme.read_text(encoding="utf-8") == README


def test_data_dictionary_update_refuses_a_readme_without_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# no markers\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["data-dictionary", "--repo", str(ROOT), "--update", str(readme)])
    assert result.exit_code == 2
    assert "README.md: the README has no data-dictionary markers" in result.output
    assert readme.read_text(encoding="utf-8") == "# no markers\n"
