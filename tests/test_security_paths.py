"""Issue 18, names that become paths and writes: every case through the real command line on real packages and
git repositories in tmp_path.

- a version, edition, resource path or slug is checked against its grammar (core/names.py) before a path is built;
  a hostile version in history is exit 2 naming the commit, and nothing is written outside changelog/;
- ``-o`` writes only a regular file or a new one (never a FIFO, device, socket or folder);
- the site is never written through a link in its output folder, and is swapped in as a whole;
- one writer at a time (.dutylist.lock); a writer killed between two renames leaves a state that validate and
  every later writer refuse, naming the files; a killed site build leaves the old site or the new one.
"""

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from diff_repo import PackageRepo
from dutylist.cli import cli
from dutylist.core import names
from dutylist.core.lock import LOCK_FILE
from dutylist.core.shown import quoted
from next_edition import next_edition_text
from release_history import edit_minor, edit_patch

ROOT = Path(__file__).resolve().parent.parent
EPOCH = {"SOURCE_DATE_EPOCH": "1796515200"}


def invoke(*args, env=None):
    return CliRunner().invoke(cli, [str(arg) for arg in args], env=env)


def assert_refused(result, *expected):
    """Exit 2, no traceback, every expected text in the output."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    for text in expected:
        assert text in result.output, result.output


def files_under(folder):
    """{relative path: bytes} of every regular file under folder (links not followed), outside .git."""
    folder = Path(folder)
    found = {}
    for root, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if name != ".git"]
        for name in files:
            path = Path(root) / name
            if path.is_file() and not path.is_symlink():
                found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


@pytest.fixture
def released(tmp_path):
    """The real package released as 1.0.0, with its changelog committed."""
    repo = PackageRepo(tmp_path / "work" / "repo")
    repo.commit("Publish 1.0.0")
    assert invoke("changelog", "--repo", repo.root).exit_code == 0
    repo.commit("Changelog of 1.0.0")
    return repo


# --- names that become paths -------------------------------------------------------------------------------

HOSTILE_VERSIONS = ["../../x/pwned", "{outside}/pwned", "1.2", "01.0.0", "1.0.0\n", "1.0.0/../../../x", "1.0.0-rc.1", "１.0.0"]


@pytest.mark.slow
@pytest.mark.parametrize("version", HOSTILE_VERSIONS)
@pytest.mark.parametrize("command", [["changelog"], ["changelog", "--check"], ["release", "minor"]])
def test_a_version_in_history_that_is_not_major_minor_patch_is_refused_before_any_path_is_built(released, tmp_path, version, command):
    outside = tmp_path / "outside"
    version = version.format(outside=outside)
    released.set_version(version)
    bad = released.commit("A hostile version")
    edit_patch(released)  # something to release
    before = files_under(tmp_path)
    result = invoke(*command, "--repo", released.root, env=EPOCH)
    assert_refused(result, f"commit {bad[:12]} declares version {quoted(version)} in datapackage.json",
                   "is not a version MAJOR.MINOR.PATCH", "amend or rebase")
    assert files_under(tmp_path) == before  # nothing written anywhere, inside or outside changelog/
    assert not outside.exists() and not (tmp_path / "x").exists() and not (tmp_path / "work" / "x").exists()


@pytest.mark.slow
def test_the_refusal_is_a_json_error_with_format_json(released):
    released.set_version("../../x/pwned")
    bad = released.commit("A hostile version")
    for command in (["changelog"], ["changelog", "--check"], ["release"]):
        result = invoke(*command, "--repo", released.root, "--format", "json")
        assert_refused(result)
        error = json.loads(result.stdout)["error"]
        assert error["code"] == "version-refused" and error["file"] == "datapackage.json"
        assert bad[:12] in error["message"] and "'../../x/pwned'" in error["message"]


@pytest.mark.slow
def test_a_hostile_version_in_the_working_tree_is_refused_by_changelog(released, tmp_path):
    released.set_version("../../../pwned")
    result = invoke("changelog", "--repo", released.root)
    assert_refused(result, "the working tree declares version '../../../pwned'", "fix `version` in")
    assert not (tmp_path / "pwned.md").exists() and not (tmp_path / "work" / "pwned.md").exists()


@pytest.mark.slow
def test_changelog_never_writes_through_a_link_to_its_folder(released, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(released.root / "changelog")
    (released.root / "changelog").symlink_to(outside)
    result = invoke("changelog", "--repo", released.root)
    assert_refused(result, "changelog: is a symbolic link", "nothing is written through it")
    assert list(outside.iterdir()) == []


@pytest.mark.slow
def test_changelog_never_replaces_a_link_or_a_fifo_in_its_folder(released, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("kept\n", encoding="utf-8")
    report = released.root / "changelog" / "1.0.0.md"
    report.unlink()
    report.symlink_to(secret)
    assert_refused(invoke("changelog", "--repo", released.root), "1.0.0.md: is a symbolic link", "nothing is written through it")
    assert secret.read_text(encoding="utf-8") == "kept\n" and report.is_symlink()
    report.unlink()
    os.mkfifo(report)
    assert_refused(invoke("changelog", "--repo", released.root), "1.0.0.md: is a FIFO", "nothing was changed")
    assert stat.S_ISFIFO(os.lstat(report).st_mode)


@pytest.mark.slow
@pytest.mark.parametrize("path, problem", [
    ("data/.git/basic-duties.csv", "points into .git"),
    ("data\\basic-duties.csv", "holds a backslash"),
    ("data/basic-duties\x1b]0;x\x07.csv", "holds a control character"),
    ("data/../data/basic-duties.csv", "has a .. component"),
    ("/etc/passwd", "is absolute"),
])
def test_a_resource_path_that_breaks_the_grammar_is_refused_by_every_reader(package_copy, path, problem):
    descriptor = json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = path
    (package_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = invoke("validate", package_copy)
    assert result.exit_code == 1 and "resource-path-unsafe" in result.output and problem in result.output, result.output
    for command in (["diff", ROOT, package_copy, "--format", "text"], ["export", "--repo", package_copy], ["data-dictionary", "--repo", package_copy]):
        assert_refused(invoke(*command), problem)


@pytest.mark.parametrize("value, good", [
    ("0.0.0", True), ("1.2.3", True), ("10.20.30", True), ("999999999.0.1", True),
    ("1.2", False), ("01.2.3", False), ("1.02.3", False), ("1.2.3\n", False), (" 1.2.3", False), ("1.2.3-rc.1", False),
    ("١.٢.٣", False), ("1000000000.0.0", False), ("1.2.3/..", False), ("", False), (None, False), (123, False),
])
def test_the_version_grammar(value, good):
    assert names.is_version(value) is good
    assert (names.version_problem(value) is None) is good


@pytest.mark.parametrize("value, good", [("2025-07", True), ("2025-12", True), ("2025-13", False), ("2025-7", False),
                                         ("2025-07\n", False), ("２０２５-07", False), ("../2025-07", False)])
def test_the_edition_grammar_is_the_one_import_source_uses(package_copy, value, good):
    assert names.is_edition(value) is good
    if not good:
        assert_refused(invoke("import-source", "--repo", package_copy, "--edition", value), "give the edition as --edition YYYY-MM")


def test_contained_refuses_a_name_or_a_link_that_leads_out(tmp_path):
    folder = tmp_path / "out"
    (folder / "items").mkdir(parents=True)
    assert names.contained(folder, "items/a.html") == folder / "items" / "a.html"
    (folder / "versions").symlink_to(tmp_path)
    for relative, message in (("../a.html", ".. component"), ("/etc/x", "is absolute"), ("versions/a.html", "is a symbolic link")):
        with pytest.raises(names.NameRefused, match=message):
            names.contained(folder, relative)


# --- -o writes only a regular file or a new one -------------------------------------------------------------

def special_files(tmp_path):
    """A FIFO, a character device (the /dev/null device, made with mknod: the tests run as root), a socket, a folder."""
    made = {}
    made["fifo"] = tmp_path / "fifo.md"
    os.mkfifo(made["fifo"])
    try:
        os.mknod(tmp_path / "null.md", stat.S_IFCHR | 0o666, os.makedev(1, 3))
        made["device"] = tmp_path / "null.md"
    except PermissionError:
        pass  # not root: the FIFO, socket and folder cases still run
    made["socket"] = tmp_path / "socket.md"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(made["socket"]))
    made["folder"] = tmp_path / "folder.md"
    made["folder"].mkdir()
    return made, server


KIND_CHECK = {"fifo": stat.S_ISFIFO, "device": stat.S_ISCHR, "socket": stat.S_ISSOCK, "folder": stat.S_ISDIR}
KIND_WORDS = {"fifo": "is a FIFO (named pipe), not a regular file", "device": "is a device, not a regular file",
              "socket": "is a socket, not a regular file", "folder": "is a directory"}  # a folder: click says so


@pytest.mark.slow
@pytest.mark.parametrize("command", [
    ["diff", str(ROOT), str(ROOT), "--format", "markdown", "-o", "{target}"],
    ["diff", str(ROOT), str(ROOT), "--format", "json", "-o", "{target}"],
    ["export", "--repo", str(ROOT), "--format", "json", "-o", "{target}"],
])
def test_o_refuses_a_fifo_a_device_a_socket_and_a_folder_and_leaves_them_as_they_were(tmp_path, command):
    made, server = special_files(tmp_path)
    try:
        for kind, target in made.items():
            result = CliRunner().invoke(cli, [part.format(target=target) for part in command])
            assert_refused(result, str(target), KIND_WORDS[kind])
            assert KIND_CHECK[kind](os.lstat(target).st_mode), kind
        if "json" in command and command[0] == "diff":
            result = CliRunner().invoke(cli, [part.format(target=made["fifo"]) for part in command])
            assert json.loads(result.stdout)["error"]["code"] == "cannot-write"
    finally:
        server.close()


def test_o_dev_null_is_refused_and_stays_a_device():
    before = os.lstat("/dev/null")
    assert stat.S_ISCHR(before.st_mode)
    result = invoke("diff", ROOT, ROOT, "--format", "markdown", "-o", "/dev/null")
    assert_refused(result, "/dev/null: is a device, not a regular file")
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino


def test_data_dictionary_update_refuses_a_fifo(tmp_path):
    fifo = tmp_path / "README.md"
    os.mkfifo(fifo)
    assert_refused(invoke("data-dictionary", "--repo", ROOT, "--update", fifo), str(fifo))
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_regular_file_or_a_new_one_is_still_written(tmp_path):
    existing = tmp_path / "report.md"
    existing.write_text("old\n", encoding="utf-8")
    os.chmod(existing, 0o640)
    assert invoke("diff", ROOT, ROOT, "--format", "markdown", "-o", existing).exit_code == 0
    assert existing.read_text(encoding="utf-8") != "old\n" and stat.S_IMODE(existing.stat().st_mode) == 0o640
    assert invoke("diff", ROOT, ROOT, "--format", "markdown", "-o", tmp_path / "new.md").exit_code == 0


# --- the site ----------------------------------------------------------------------------------------------

@pytest.fixture
def site_repo(tmp_path):
    repo = PackageRepo(tmp_path / "repo")
    repo.commit("Publish 1.0.0")
    return repo


def build(repo, out):
    return invoke("site", "--repo", repo.root, "-o", out)


@pytest.mark.slow
def test_site_never_writes_through_a_link_in_its_output_folder(site_repo, tmp_path):
    out = site_repo.root / "build" / "site"
    assert build(site_repo, out).exit_code == 0
    old = files_under(out)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(out / "items")
    (out / "items").symlink_to(outside)  # as a pull request could commit it
    result = build(site_repo, out)
    assert_refused(result, "items: is a symbolic link", "the site was not written")
    assert list(outside.iterdir()) == []
    assert files_under(out) == {path: data for path, data in old.items() if not path.startswith("items/")}
    assert [path.name for path in out.parent.iterdir()] == ["site"]  # no temporary folder left


@pytest.mark.slow
def test_site_refuses_an_output_folder_that_is_a_link(site_repo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "out").symlink_to(outside)
    assert_refused(build(site_repo, tmp_path / "out"), "is a symbolic link")
    assert list(outside.iterdir()) == []


@pytest.mark.slow
def test_site_keeps_other_files_of_its_folder_and_their_modes(site_repo, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "CNAME").write_text("duties.example.org\n", encoding="utf-8")
    assert build(site_repo, out).exit_code == 0
    os.chmod(out / "index.html", 0o600)
    site_repo.append("basic-duties", id="652325100-0180", category="民生服务", name="新事项", page="10")
    assert build(site_repo, out).exit_code == 0
    assert (out / "CNAME").read_text(encoding="utf-8") == "duties.example.org\n"
    assert (out / "items" / "652325100-0180.html").is_file() and stat.S_IMODE((out / "index.html").stat().st_mode) == 0o600


@pytest.mark.slow
def test_a_site_build_that_fails_at_the_swap_leaves_the_old_site_and_no_temporary_folder(site_repo, tmp_path, monkeypatch):
    from dutylist.core import package

    out = tmp_path / "out"
    assert build(site_repo, out).exit_code == 0
    old = files_under(out)
    site_repo.append("basic-duties", id="652325100-0180", category="民生服务", name="新事项", page="10")

    def full_disk(new, folder):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(package, "_swap_in", full_disk)
    result = build(site_repo, out)
    assert_refused(result, "No space left on device")
    assert files_under(out) == old and sorted(path.name for path in tmp_path.iterdir()) == ["out", "repo"]


@pytest.mark.slow
def test_without_renameat2_the_site_is_swapped_with_two_renames(site_repo, tmp_path, monkeypatch):
    from dutylist.core import package

    monkeypatch.setattr(package, "_rename_exchange", lambda first, second: False)
    out = tmp_path / "out"
    assert build(site_repo, out).exit_code == 0
    site_repo.append("basic-duties", id="652325100-0180", category="民生服务", name="新事项", page="10")
    assert build(site_repo, out).exit_code == 0
    assert (out / "items" / "652325100-0180.html").is_file()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out", "repo"]


@pytest.mark.slow
def test_a_site_build_killed_at_any_moment_leaves_the_old_site_or_the_new_one(site_repo, tmp_path):
    old_out, new_out, out = tmp_path / "old", tmp_path / "new", tmp_path / "out"
    assert build(site_repo, old_out).exit_code == 0
    site_repo.append("basic-duties", id="652325100-0180", category="民生服务", name="新事项", page="10")
    site_repo.commit("A new item")
    assert build(site_repo, new_out).exit_code == 0
    old, new = files_under(old_out), files_under(new_out)
    outcomes = []
    for after in (1, 100, 229, 300, 459, 460, 461, 10 ** 6):  # about 230 files carried over, then 230 written
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(old_out, out)
        process = killed(tmp_path, after, "site", "--repo", site_repo.root, "-o", out, operations="replace,rename,link,open")
        found = files_under(out)
        assert found in (old, new), f"killed after {after} file operations: a mix of old and new pages"
        outcomes.append((process.returncode, "new" if found == new else "old"))
    assert all(code == 137 for code, _ in outcomes[:-1]) and outcomes[-1] == (0, "new"), outcomes  # each killed mid-way


# --- one writer at a time, and a writer killed half-way ------------------------------------------------------

@pytest.mark.slow
def test_a_second_release_while_one_runs_is_refused(released, monkeypatch):
    from dutylist.release import making

    edit_minor(released)
    real_apply = making.apply
    second = []

    def apply_while_another_starts(plan):
        second.append(invoke("release", "--no-commit", "--repo", released.root, env=EPOCH))
        real_apply(plan)

    monkeypatch.setattr(making, "apply", apply_while_another_starts)
    first = invoke("release", "--no-commit", "--repo", released.root, env=EPOCH)
    assert first.exit_code == 0, first.output
    assert_refused(second[0], LOCK_FILE, "dutylist release (pid", "is writing this package; wait until it ends")
    assert not (released.root / LOCK_FILE).exists()  # released when the first ended
    assert json.loads((released.root / "datapackage.json").read_text(encoding="utf-8"))["version"] == "1.1.0"


@pytest.mark.slow
def test_the_lock_refuses_other_writers_with_json_and_is_ignored_by_git(released):
    record = {"command": "dutylist release", "pid": os.getpid(), "host": socket.gethostname(), "started": "now", "writing": []}
    (released.root / LOCK_FILE).write_text(json.dumps(record), encoding="utf-8")
    edit_patch(released)
    for command in (["release"], ["changelog"], ["import-source", "--write"], ["fmt"]):
        result = invoke(*command, "--repo", released.root, "--format", "json") if command[0] in ("release", "changelog") \
            else invoke(*command, "--repo", released.root)
        assert_refused(result, "is writing this package")
    error = json.loads(invoke("release", "--repo", released.root, "--format", "json").stdout)["error"]
    assert error["code"] == "package-locked" and error["file"].endswith(LOCK_FILE)
    assert invoke("release", "--dry-run", "--repo", released.root).exit_code == 0  # a dry run writes nothing: no lock
    shutil.copy(ROOT / ".gitignore", released.root / ".gitignore")
    assert released.git("check-ignore", LOCK_FILE) == LOCK_FILE


KILLER = textwrap.dedent("""
    # Runs dutylist and dies like kill -9 (os._exit: no cleanup, no finally) right after its Nth file operation
    # of the kinds in KILL_ON (os.replace, os.rename, os.link, open for writing).
    import builtins, os, sys
    count, limit, kinds = [0], int(os.environ["KILL_AFTER"]), os.environ["KILL_ON"].split(",")
    def counted(function, writes=lambda *args, **kwargs: True):
        def operation(*args, **kwargs):
            result = function(*args, **kwargs)
            if writes(*args, **kwargs):
                count[0] += 1
                if count[0] == limit:
                    os._exit(137)
            return result
        return operation
    for name in ("replace", "rename", "link"):
        if name in kinds:
            setattr(os, name, counted(getattr(os, name)))
    if "open" in kinds:
        builtins.open = counted(builtins.open, lambda file, mode="r", *rest, **options: any(c in mode for c in "wax"))
    from dutylist.cli import cli
    cli.main(sys.argv[1:], prog_name="dutylist")
""")


def killed(tmp_path, after, *args, operations="replace"):
    """Run dutylist in a subprocess killed right after its given number of file operations; returns the process."""
    script = tmp_path / "killer.py"
    script.write_text(KILLER, encoding="utf-8")
    env = {**os.environ, "KILL_AFTER": str(after), "KILL_ON": operations, **EPOCH}
    return subprocess.run([sys.executable, str(script), *map(str, args)], env=env, cwd=tmp_path, capture_output=True, text=True)


@pytest.mark.slow
def test_a_release_killed_between_two_renames_is_seen_by_validate_and_every_writer(released, tmp_path):
    edit_minor(released)
    before = json.loads((released.root / "datapackage.json").read_text(encoding="utf-8"))
    process = killed(tmp_path, 1, "release", "--repo", released.root)
    assert process.returncode == 137, process.stderr
    # the descriptor is renamed last: the package still declares the old version, only changelog/ went ahead
    assert json.loads((released.root / "datapackage.json").read_text(encoding="utf-8")) == before
    lock = released.root / LOCK_FILE
    assert lock.is_file() and "changelog/" in json.loads(lock.read_text(encoding="utf-8"))["writing"][0]
    validated = invoke("validate", released.root, "--format", "json")
    assert_refused(validated, "stopped while renaming its files into place", "datapackage.json", "git status")
    assert json.loads(validated.stdout)["error"]["code"] == "package-locked"
    assert_refused(invoke("release", "--repo", released.root, env=EPOCH), "stopped while renaming", f"delete {lock}")
    assert invoke("changelog", "--check", "--repo", released.root).exit_code == 1  # names the report written ahead
    lock.unlink()  # the person looked: the release is simply made again
    result = invoke("release", "--no-commit", "--repo", released.root, env=EPOCH)
    assert result.exit_code == 0, result.output
    assert invoke("validate", released.root).exit_code == 0
    released.commit("Release 1.1.0")
    assert invoke("changelog", "--check", "--repo", released.root).exit_code == 0


@pytest.mark.slow
def test_a_release_killed_before_writing_anything_says_so(released, tmp_path):
    record = {"command": "dutylist release", "pid": 2 ** 22 + 12345, "host": socket.gethostname(), "started": "then", "writing": []}
    (released.root / LOCK_FILE).write_text(json.dumps(record), encoding="utf-8")
    assert_refused(invoke("validate", released.root), "stopped before writing anything (the package is as it was)")


@pytest.mark.slow
def test_an_import_killed_between_two_renames_is_refused_by_validate(tmp_path):
    repo = PackageRepo(tmp_path / "repo")
    shutil.copytree(ROOT / "sources", repo.root / "sources")
    repo.commit("edition 2025-07")
    source = tmp_path / "NEXT.txt"
    source.write_text(next_edition_text(), encoding="utf-8")
    before = files_under(repo.root)
    assert invoke("validate", repo.root).exit_code == 0
    process = killed(tmp_path, 3, "import-source", source, "--edition", "2026-01", "--write", "--repo", repo.root)
    assert process.returncode == 137, process.stderr
    after = files_under(repo.root)
    changed = sorted(path for path in after if before.get(path) != after[path] and path != LOCK_FILE and not path.endswith(".tmp"))
    assert len(changed) == 3 and "datapackage.json" not in changed  # three of its seven files renamed, the descriptor last
    assert_refused(invoke("validate", repo.root), "import-source --write", "stopped while renaming its files")
    leftovers = [path for path in after if path.endswith(".tmp")]
    assert len(leftovers) == 4, leftovers  # the temporaries not renamed yet stay (docs/safety.md says so)
