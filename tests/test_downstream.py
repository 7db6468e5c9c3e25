"""The README's part for downstream projects runs as printed: every Python block, in a repository with two versions."""

import contextlib
import importlib.util
import io
import json
import os
import re
import shlex
import subprocess
import sys

import pytest

from conftest import ROOT
from diff_repo import GIT_ENV, PackageRepo

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## For downstream projects", 1)[1].split("\n## ", 1)[0]
BLOCKS = re.findall(r"```python\n(.*?)```", SECTION, flags=re.S)
SHELL = re.findall(r"```sh\n(.*?)```", SECTION, flags=re.S)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repository = PackageRepo(tmp_path_factory.mktemp("downstream") / "repo")
    repository.commit("Publish 1.0.0")
    repository.append("coordinated-duties", id="652325100-0180", category="民生服务", name="新增的配合事项",
                      departments="奇台县民政局", county_duties="1.统筹部署。", town_duties="1.做好配合工作。", page="20")
    repository.set_version("1.1.0")
    repository.commit("Add an item: 1.1.0")
    return repository


def run_block(repo, code, monkeypatch):
    monkeypatch.chdir(repo.root)
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    return output.getvalue()


def test_the_section_has_the_blocks_it_promises():
    assert len(BLOCKS) == 6 and any("import pandas" in block for block in BLOCKS)


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_every_python_block_runs_as_printed(repo, index, monkeypatch):
    code = BLOCKS[index]
    if "import pandas" in code and importlib.util.find_spec("pandas") is None:
        pytest.skip("pandas is not installed (it is not a dependency); the block runs where it is")
    output = run_block(repo, code, monkeypatch)
    expected = {
        "descriptor = json.load": "2025-07 1.1.0",
        "from frictionless": "652325100-0180 69 新增的配合事项 ['奇台县民政局'] ['county']",
        "import csv": "652325100-0180 69 ['奇台县民政局'] 1",
        "import pandas": "652325100-0180",
        "import sqlite3": "coordinated 69 新增的配合事项",
        '"diff", "1.0.0"': "1.0.0 -> 1.1.0 calls for a minor bump\nadded 652325100-0180 新增的配合事项 []",
    }
    marker = next(key for key in expected if key in code)
    assert expected[marker] in output, output


@pytest.mark.slow
def test_the_shell_commands_list_the_release_commit_of_each_version(repo):
    (block,) = SHELL
    assert block.splitlines() == ["dutylist editions", "dutylist editions --format json"]
    text, as_json = (subprocess.run([sys.executable, "-m", "dutylist", *shlex.split(line)[1:]], cwd=repo.root,
                                    capture_output=True, text=True, env={**os.environ, **GIT_ENV}) for line in block.splitlines())
    assert text.returncode == 0 and as_json.returncode == 0, (text.stderr, as_json.stderr)
    released = {entry["version"]: entry["commit"] for entry in json.loads(as_json.stdout)["versions"]}
    assert released == {"1.0.0": repo.git("rev-list", "--max-parents=0", "HEAD"), "1.1.0": repo.git("rev-parse", "HEAD")}
    assert released["1.0.0"][:12] in text.stdout and released["1.1.0"][:12] in text.stdout


USING = README.split("## Using the data", 1)[1].split("\n## ", 1)[0]
USING_BLOCKS = re.findall(r"```python\n(.*?)```", USING, flags=re.S)


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(USING_BLOCKS)))
def test_the_python_blocks_of_using_the_data_run_on_the_real_package(index, monkeypatch):
    monkeypatch.chdir(ROOT)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(USING_BLOCKS[index], "README.md", "exec"), {"__name__": "readme"})
    lines = output.getvalue().splitlines()
    first = {"from frictionless": "652325100-0086 1 推荐县级以上党代表工作 ['奇台县委组织部']",
             "import csv": "652325100-0154 "}
    marker = next(key for key in first if key in USING_BLOCKS[index])
    assert lines[0].startswith(first[marker]) and len(lines) in (68, 26), lines[:3]
