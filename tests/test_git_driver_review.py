"""The git diff driver in review (issue 23): a renumbering is a line per run of 序号, not a hunk per item, and each
hunk header names the item the change is in, on a release history made by `dutylist release` as a maintainer makes it."""

import os
import re
import subprocess

import pytest

from diff_repo import GIT_ENV, ROOT
from maintainer_history import released_1_1_0
from release_history import DATES, dutylist, release

from dutylist.maintain import git_diff_driver

EPOCH_1_2_0 = DATES["1.1.1"]  # a fixed date for the release of 1.2.0


def git(repo, *args):
    result = subprocess.run(["git", "-c", "core.pager=cat", *args], cwd=repo.root, capture_output=True, text=True,
                            env={**os.environ, **GIT_ENV, "LC_ALL": "C.UTF-8"}, check=True)
    return result.stdout


def edit_1_2_0(repo):
    """Between editions: an item moved from early in the coordinated list to the reclaimed list (the 66 items after
    it renumbered), a typo fixed, a category changed and an item added."""
    taken = repo.take("coordinated-duties", "652325100-0088")
    repo.append("reclaimed-duties", id=taken["id"], category=taken["category"], name=taken["name"],
                departments=taken["departments"], handling="由县委组织部负责。", page="42")
    _, rows = repo.rows("basic-duties")
    name = next(row["name"] for row in rows if row["id"] == "652325100-0010")
    repo.update("basic-duties", "652325100-0010", name=name + "工作")
    repo.update("basic-duties", "652325100-0020", category="民生服务")
    repo.append("basic-duties", id="652325100-0181", category="民生服务", name="开展防范养老诈骗宣传", page="10")


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """1.0.0, 1.1.0 (release_history.edit_minor) and 1.2.0 (edit_1_2_0), each released by `dutylist release`."""
    repo = released_1_1_0(tmp_path_factory.mktemp("review") / "repo")
    edit_1_2_0(repo)
    release(repo, epoch=EPOCH_1_2_0)
    repo.commit("Release 1.2.0", tag="v1.2.0")
    raw = git(repo, "diff", "v1.1.0", "v1.2.0", "--", "data/")
    assert dutylist(repo, "git-setup").exit_code == 0
    return repo, raw


@pytest.mark.slow
def test_a_renumbering_is_a_line_per_run_and_the_review_is_shorter_than_the_raw_diff(history):
    repo, raw = history
    shown = git(repo, "diff", "v1.1.0", "v1.2.0", "--", "data/")
    assert shown.count("\n") < raw.count("\n") / 2, (shown.count("\n"), raw.count("\n"))  # 102 against 421 lines when written (the old driver: 655)
    coordinated = shown.split("diff --git a/data/coordinated-duties.csv")[1].split("diff --git")[0]
    assert re.findall(r"^[-+]  序号.*$", coordinated, flags=re.M) == [
        "-  序号 1–39: 652325100-0086 … 652325100-0124",
        "-  序号 40–67: 652325100-0126 … 652325100-0153",
        "-  序号 68: 652325100-0085",
        "+  序号 1–2: 652325100-0086 … 652325100-0087",
        "+  序号 3–38: 652325100-0089 … 652325100-0124",
        "+  序号 39–66: 652325100-0126 … 652325100-0153",
        "+  序号 67: 652325100-0085",
    ]
    assert coordinated.count("\n@@ ") == 2  # the item moved out, the order section: no hunk per renumbered item
    assert "+  序号 28: 652325100-0088" in shown  # the reclaimed list's order: the item moved in
    assert "-  序号 85: 652325100-0180\n+  序号 85–86: 652325100-0180 … 652325100-0181\n" in shown  # the item added joins a run


@pytest.mark.slow
def test_each_hunk_header_names_the_item_the_change_is_in(history):
    repo, _ = history
    shown = git(repo, "diff", "v1.1.0", "v1.2.0", "--", "data/basic-duties.csv")
    headers = re.findall(r"^@@ [^@]+ @@ ?(.*)$", shown, flags=re.M)
    # a change in a field, the first one included, is named after its item; an item added after 0180 is seen from there
    assert headers == ["== 652325100-0010 ==", "== 652325100-0020 ==", "== 652325100-0180 =="]
    hunk = shown.split("@@ == 652325100-0020 ==")[1].split("\n@@")[0]
    assert "-  事项类别: 党的建设\n+  事项类别: 民生服务\n" in hunk
    log = git(repo, "log", "-p", "-1", "--", "data/basic-duties.csv")  # git log -p and git show use the same driver
    assert "@@ == 652325100-0010 ==" in log and "@@ == 652325100-0020 ==" in log


def test_the_driver_git_runs_renders_the_order_last_and_opens_each_block_with_lines_that_never_change(tmp_path, capsysbinary):
    path = tmp_path / "basic-duties.csv"
    path.write_bytes((ROOT / "data" / "basic-duties.csv").read_bytes())
    assert git_diff_driver.main(["--max-bytes", str(1 << 20), str(path)]) == 0
    text = capsysbinary.readouterr().out.decode("utf-8")
    assert text.startswith("columns: id, seq, category, name, page\n\n== 652325100-0001 ==\n\n  事项标识: 652325100-0001\n\n  事项类别: ")
    assert "序号: 1" not in text  # 序号 is in the order section only
    assert text.endswith("== 序号 order ==\n\n  序号: one line per run of items numbered in step with their ids\n\n"
                         "  序号 1–85: 652325100-0001 … 652325100-0085\n")
