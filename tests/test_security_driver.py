"""Issue 18, the git diff driver: git diff, git show and git log -p never run code from the repository,
never fail because of the driver, and stay within a small constant of the bytes the driver reads.

The attacks go through real git on a copy of the package. The maintainer's setup is imitated as the
README makes it: a virtual environment whose dutylist is an editable install of the clone itself (a
.pth file naming the clone's ``tools/``), so that a pull request that changes ``tools/dutylist`` or adds
``csv.py`` at the root would run if anything imported from the clone.
"""

import os
import resource
import shlex
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from diff_repo import GIT_ENV, ROOT, PackageRepo

from dutylist.maintain import git_diff_driver

STEP_OLD = "2.对上报的候选人初步人选、预备人选进行资格审查；"
STEP_NEW = "2.对上报的候选人初步人选、预备人选进行严格的资格审查；"
RENDERED = "@@ == 652325100-0086 =="  # the driver ran: the hunk names the item
RAW = "-652325100-0003,3,"  # git's own diff of the CSV records
# modules a hostile pull request plants: every standard module the driver imports, the package itself, Python's hooks
PLANTED = ("csv.py", "re.py", "io.py", "json.py", "shlex.py", "shutil.py", "stat.py", "subprocess.py", "pathlib.py",
           "sitecustomize.py", "usercustomize.py", "dutylist/__init__.py", "dutylist/maintain/__init__.py",
           "dutylist/maintain/git_diff_driver.py")


def run_git(repo, *args, env=None, check=True):
    result = subprocess.run(["git", "-c", "core.pager=cat", *args], cwd=repo.root, capture_output=True, check=False,
                            env={**os.environ, **GIT_ENV, "LC_ALL": "C.UTF-8", **(env or {})})
    assert result.returncode == 0 or not check, f"git {' '.join(args)}: exit {result.returncode}: {result.stderr[-2000:]!r}"
    return result


def shown(result):
    return result.stdout.decode("utf-8", "replace")


def hostile(marker):
    return f"open({str(marker)!r}, 'a').write(__name__ + ' ' + __file__ + '\\n')\n"


@pytest.fixture
def repo(tmp_path):
    """A clone with two commits (a step reworded, an item dropped) and the package's code in tools/."""
    repository = PackageRepo(tmp_path / "repo")
    (repository.root / ".gitattributes").write_text("*.csv text eol=lf\n", encoding="utf-8")
    shutil.copytree(ROOT / "tools" / "dutylist", repository.root / "tools" / "dutylist",
                    ignore=shutil.ignore_patterns("__pycache__"))
    repository.commit("Publish the July 2025 edition")
    _, rows = repository.rows("coordinated-duties")
    repository.update("coordinated-duties", rows[0]["id"], county_duties=rows[0]["county_duties"].replace(STEP_OLD, STEP_NEW))
    repository.take("basic-duties", "652325100-0003")
    repository.commit("Tighten a step of 0086, drop 0003")
    return repository


@pytest.fixture
def editable(tmp_path, repo):
    """The python of a virtual environment where dutylist is an editable install of repo (its tools/ on the path)."""
    folder = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(folder)
    python = folder / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # the clone's tools/ first (as pip install -e . writes it), then this environment's packages for click & co.
    Path(site, "__editable__.dutylist.pth").write_text(f"{repo.root / 'tools'}\n{sysconfig.get_paths()['purelib']}\n",
                                                       encoding="utf-8")
    return python


def git_setup(repo, python=sys.executable, env=None):
    return subprocess.run([str(python), "-m", "dutylist", "git-setup", "--repo", str(repo.root)], capture_output=True,
                          text=True, env={**os.environ, **GIT_ENV, **(env or {})}, check=False)


def textconv(repo):
    return shown(run_git(repo, "config", "--get", "diff.dutylist.textconv")).strip()


def plant(repo, marker):
    """A pull request's hostile files: modules at the root, in data/ and in tools/, the clone's own dutylist changed."""
    for folder in (repo.root, repo.root / "data", repo.root / "tools"):
        for name in PLANTED:
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.name == "__init__.py" or not path.exists():
                path.write_text(hostile(marker), encoding="utf-8")
            else:
                path.write_text(path.read_text(encoding="utf-8") + "\n" + hostile(marker), encoding="utf-8")
    (repo.root / "startup.py").write_text(hostile(marker), encoding="utf-8")
    user_site = repo.root / "userbase" / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    user_site.mkdir(parents=True)
    (user_site / "usercustomize.py").write_text(hostile(marker), encoding="utf-8")
    return {"PYTHONPATH": os.pathsep.join([str(repo.root), str(repo.root / "tools"), str(repo.root / "data")]),
            "PYTHONSTARTUP": str(repo.root / "startup.py"), "PYTHONUSERBASE": str(repo.root / "userbase")}


def every_git_view(repo, env):
    """git diff (working tree and two commits), git show and git log -p: each must exit 0."""
    return [run_git(repo, *args, env=env) for args in (("diff",), ("diff", "HEAD~1", "HEAD"), ("show", "HEAD"),
                                                        ("log", "-p", "-2"))]


@pytest.mark.slow
def test_git_diff_show_and_log_run_no_code_from_the_repository(tmp_path, repo, editable):
    marker = tmp_path / "pwned"
    result = git_setup(repo, editable)
    assert result.returncode == 0, result.stderr
    command = textconv(repo)
    assert f"{shlex.quote(str(editable))} -I -S " in command and "-m dutylist" not in command
    assert (repo.root / ".git" / "dutylist" / "git_diff_driver.py").is_file()  # out of reach of any pull request
    env = plant(repo, marker)
    repo.path("categories").write_text(repo.path("categories").read_text(encoding="utf-8") + "新类,New\n", encoding="utf-8")
    outputs = every_git_view(repo, env)
    for output in outputs[1:]:
        assert RENDERED in shown(output) and RAW not in shown(output)
    assert "+== 新类 ==" in shown(outputs[0])  # the working tree's file goes through the driver too
    assert not marker.exists(), marker.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("unsafe", ["{python} -m dutylist.maintain.git_diff_driver",
                                    "{python} -I -m dutylist.maintain.git_diff_driver"])
def test_the_planted_files_do_run_under_the_old_textconv(tmp_path, repo, editable, unsafe):
    """The control: the same planted files run under the old command (and under -I alone, through the editable install)."""
    marker = tmp_path / "pwned"
    assert git_setup(repo, editable).returncode == 0
    run_git(repo, "config", "diff.dutylist.textconv", unsafe.format(python=shlex.quote(str(editable))))
    env = plant(repo, marker)
    run_git(repo, "show", "HEAD", env=env, check=False)
    assert marker.exists()


@pytest.mark.slow
def test_git_setup_again_replaces_an_old_textconv(repo):
    old = f"{shlex.quote(sys.executable)} -m dutylist.maintain.git_diff_driver"
    run_git(repo, "config", "diff.dutylist.textconv", old)
    result = git_setup(repo)
    assert result.returncode == 0 and "replaced an older textconv" in result.stdout
    assert "-I -S" in textconv(repo) and "-m dutylist" not in textconv(repo)
    assert RENDERED in shown(run_git(repo, "show", "HEAD"))
    again = git_setup(repo)
    assert again.returncode == 0 and "replaced" not in again.stdout


@pytest.mark.slow
def test_git_diff_shows_the_plain_diff_when_the_interpreter_is_gone(repo, editable):
    assert git_setup(repo, editable).returncode == 0
    shutil.rmtree(editable.parent.parent)  # the virtual environment deleted
    for output in every_git_view(repo, {}):
        assert output.returncode == 0 and output.stderr == b""
    assert RAW in shown(run_git(repo, "show", "HEAD")) and RENDERED not in shown(run_git(repo, "show", "HEAD"))


@pytest.mark.slow
def test_a_missing_interpreter_and_a_hostile_file_name_run_nothing(repo):
    """git appends the file's path (a temporary file named after it) to the textconv: it is quoted, even on the fallback."""
    assert git_setup(repo).returncode == 0
    names = ["data/$(touch pwned).csv", "data/a';touch pwned;'.csv", "data/`touch pwned`.csv", "data/-n.csv"]
    for name in names:
        (repo.root / name).write_text("id,x\n1,a\n", encoding="utf-8")
    repo.commit("Files with hostile names")
    for name in names:
        (repo.root / name).write_text("id,x\n1,b\n", encoding="utf-8")
    assert shown(run_git(repo, "diff")).count("-  x: a\n+  x: b\n") == len(names)
    assert shown(run_git(repo, "show", "HEAD")).count("+== 1 ==\n+\n+  事项标识: 1\n+\n+  x: a\n") == len(names)
    run_git(repo, "config", "diff.dutylist.textconv", textconv(repo).replace(shlex.quote(sys.executable), "/nonexistent/python"))
    assert shown(run_git(repo, "diff")).count("-1,a\n+1,b\n") == len(names)
    assert shown(run_git(repo, "show", "HEAD")).count("+1,a\n") == len(names)
    assert not (repo.root / "pwned").exists() and not (repo.root / "data" / "pwned").exists()


@pytest.mark.slow
def test_a_file_over_the_limit_is_shown_as_it_is(repo):
    result = git_setup(repo, env={"DUTYLIST_MAX_FILE_BYTES": "20000"})
    assert result.returncode == 0 and "--max-bytes 20000" in textconv(repo)
    output = shown(run_git(repo, "show", "HEAD"))
    assert "-== 652325100-0003 ==\n" in output and RAW not in output  # basic-duties.csv, 14,820 bytes: rendered
    assert f"\n-{STEP_OLD}\n+{STEP_NEW}\n" in output and RENDERED not in output  # coordinated-duties.csv, 49,678: as it is


@pytest.mark.slow
def test_git_setup_refuses_a_bad_limit(repo):
    result = git_setup(repo, env={"DUTYLIST_MAX_FILE_BYTES": "lots"})
    assert result.returncode == 2 and "DUTYLIST_MAX_FILE_BYTES" in result.stderr and "Traceback" not in result.stderr
    assert "diff=dutylist" not in (repo.root / ".gitattributes").read_text(encoding="utf-8")


def driver(path, limit=8 * 1024 * 1024, memory=None):
    """The driver as git runs it (python -I -S FILE), in an address space capped at memory bytes."""
    cap = (lambda: resource.setrlimit(resource.RLIMIT_AS, (memory, memory))) if memory else None
    return subprocess.run([sys.executable, "-I", "-S", git_diff_driver.__file__, "--max-bytes", str(limit), str(path)],
                          capture_output=True, check=False, preexec_fn=cap)


HOSTILE_SHAPES = {
    "one-character rows": b"id,x\n" + b"a\n" * (4 * 1024 * 1024 - 8),  # 8 MiB: the old driver kept a list per row
    "a wide header over short rows": ",".join(f"f{n}" for n in range(2000)).encode() + b"\n" + b"a\n" * 4_000_000,
    "rows of empty cells": b"id,x\n" + (b"1" + b"," * 1000 + b"\n") * 8000,
    "one cell longer than csv allows": b"id,x\n1," + b"x" * 200_000 + b"\n",
    "not UTF-8": ("id,x\n" + "1,中文\n" * 100).encode("gb18030"),
    "a lone byte-order mark": b"\xef\xbb",
}


@pytest.mark.slow
@pytest.mark.parametrize("shape", HOSTILE_SHAPES)
def test_the_driver_shows_what_it_cannot_render_as_it_is(tmp_path, shape):
    path = tmp_path / "file.csv"
    path.write_bytes(HOSTILE_SHAPES[shape])
    result = driver(path, memory=400 * 1024 * 1024)
    assert result.returncode == 0 and result.stderr == b""
    assert result.stdout == HOSTILE_SHAPES[shape]


@pytest.mark.slow
def test_a_file_ten_times_the_limit_is_copied_in_little_memory(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("wb") as stream:
        stream.write(b"id,x\n")
        for _ in range(80):
            stream.write(b"1,2\n" * (256 * 1024))  # 80 MiB
    result = driver(path, memory=200 * 1024 * 1024)  # the old driver read it whole, then a list of 20 million rows
    assert result.returncode == 0 and result.stderr == b""
    assert len(result.stdout) == path.stat().st_size and result.stdout == path.read_bytes()


def test_any_error_shows_the_bytes_and_exits_0(tmp_path, monkeypatch, capsysbinary):
    path = tmp_path / "file.csv"
    path.write_bytes(b"id,x\n1,a\n")

    def broken(data, budget=None):
        raise RuntimeError("a bug")

    monkeypatch.setattr(git_diff_driver, "render_parts", broken)
    assert git_diff_driver.main(["--max-bytes", "100", str(path)]) == 0
    assert capsysbinary.readouterr().out == b"id,x\n1,a\n"


@pytest.mark.slow
def test_the_driver_renders_a_csv_of_the_package_with_the_standard_library_alone(tmp_path):
    """The copy git runs has no site-packages and no package around it (-I -S): it still renders the whole file."""
    path = tmp_path / "file.csv"
    path.write_bytes((ROOT / "data" / "coordinated-duties.csv").read_bytes())
    result = driver(path)
    assert result.returncode == 0
    text = result.stdout.decode("utf-8")
    assert text.startswith("columns: id, seq, category, name, departments, county_duties, town_duties, page\n\n== 652325100-0086 ==\n")
    assert text == git_diff_driver.render(path.read_bytes())
