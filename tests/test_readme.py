"""The README stays true: its generated data dictionary, its rules, its commands."""

from click.testing import CliRunner

from dutylist.cli import cli
from dutylist.dictionary import render_dictionary, replace_in_readme
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


def test_every_command_is_documented_in_the_readme_with_an_example():
    for name, command in cli.commands.items():
        assert f"### `dutylist {name}`" in README, name
        assert "Example: dutylist " + name in command.help, name


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
