"""Run dutylist on the hostile inputs of issue 7 (part A) and print what each command does, how fast.

Each case is built in a temporary folder from a copy of the real package; each command runs in a
new process under a timeout and a 3 GiB address-space limit (so that an old version reading
/dev/zero cannot take the machine), and /usr/bin/time gives its maximum resident set size. Run by
hand, never by the tests:

    .venv/bin/python benchmarks/hostile.py                      # this checkout
    git archive <commit> tools | tar -x -C /tmp/old             # an older version, for comparison
    .venv/bin/python benchmarks/hostile.py --tools /tmp/old/tools

Every line says: the case, the exit code (or TIMEOUT), the wall time, the peak memory, the number
of output lines, whether the planted secret appears in the output, and the output's first line.
"""

import argparse
import csv
import io
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "CI_TOKEN=s3cr3t-benchmark"
PACKAGE = ("datapackage.json", "data", "schemas", "sources")
BASIC = "data/basic-duties.csv"


def copy(base, name):
    target = base / name
    target.mkdir()
    for part in PACKAGE:
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, target / part)
    return target


def rewrite_basic(package, change):
    rows = list(csv.reader(io.StringIO((ROOT / BASIC).read_text(encoding="utf-8"), newline="")))
    change(rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (package / BASIC).write_text(buffer.getvalue(), encoding="utf-8")


def replace_by_link(package, relative, target):
    (package / relative).unlink()
    (package / relative).symlink_to(target)


def cases(base):
    """(label, dutylist arguments, extra environment) for every case; files are built on the way."""
    secret = base / "secret.csv"
    secret.write_text(f"id,seq,category,name,page\n{SECRET},1,x,y,1\n", encoding="utf-8")
    real = str(ROOT)

    p = copy(base, "link-out")
    replace_by_link(p, BASIC, secret)
    yield "validate: data file -> a secret file outside", ["validate", p], {}
    yield "diff: NEW data file -> a secret file outside", ["diff", real, p, "--format", "text"], {}
    p = copy(base, "environ")
    replace_by_link(p, BASIC, "/proc/self/environ")
    yield "validate: data file -> /proc/self/environ", ["validate", p], {"CI_TOKEN": "s3cr3t-in-environ"}
    p = copy(base, "schema-link")
    (base / "secret.json").write_text('{"fields": [{"name": "%s"}]}' % SECRET, encoding="utf-8")
    replace_by_link(p, "schemas/basic-duties.json", base / "secret.json")
    yield "validate: schema -> a JSON file outside", ["validate", p], {}
    p = copy(base, "zero")
    replace_by_link(p, BASIC, "/dev/zero")
    yield "validate: data file -> /dev/zero", ["validate", p], {}
    yield "diff: NEW data file -> /dev/zero", ["diff", real, p, "--format", "text"], {}
    p = copy(base, "fifo")
    (p / BASIC).unlink()
    os.mkfifo(p / BASIC)
    yield "validate: data file is a FIFO", ["validate", p], {}
    yield "diff: NEW data file is a FIFO", ["diff", real, p, "--format", "text"], {}
    for value in ("850", "10000000", "2000000000"):
        p = copy(base, f"seq-{value}")
        rewrite_basic(p, lambda rows: rows[85].__setitem__(1, value))
        yield f"validate: seq 85 written {value}", ["validate", p], {}
    p = copy(base, "long-cell")
    rewrite_basic(p, lambda rows: rows[1].__setitem__(3, "长" * 200_000))
    yield "validate: a 200,000-character cell", ["validate", p], {}
    yield "diff: a 200,000-character cell", ["diff", real, p, "--format", "json"], {}
    p = copy(base, "deep")
    (p / "datapackage.json").write_text('{"resources": ' + "[" * 5000 + "]" * 5000 + "}", encoding="utf-8")
    yield "validate: datapackage.json nested 5,000 deep", ["validate", p], {}
    yield "validate --format json: the same", ["validate", p, "--format", "json"], {}
    p = copy(base, "big")
    header = (ROOT / BASIC).read_text(encoding="utf-8").split("\n")[0]
    with open(p / BASIC, "w", encoding="utf-8") as stream:
        stream.write(header + "\n")
        stream.writelines(f"652325100-{n % 10000:04d},{n},综合政务,name {n} of a long runaway file,{n % 50}\n"
                          for n in range(1, 3_900_001))
    yield f"validate: {(p / BASIC).stat().st_size / 1e6:.0f} MB CSV of 3.9M rows", ["validate", p], {}
    yield "diff: the same", ["diff", real, p, "--format", "text"], {}
    (base / "not-a-folder").write_text("x")
    yield "diff -o under a regular file", ["diff", real, real, "-o", base / "not-a-folder" / "r.md"], {}
    yield "diff -o into a missing folder", ["diff", real, real, "-o", base / "missing" / "r.md"], {}
    p = copy(base, "crlf")
    for path in (p / "data").glob("*.csv"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    yield "validate: every CSV with CRLF line endings", ["validate", p], {}


def run(tools, arguments, environment, timeout):
    program = "import sys; sys.path.insert(0, sys.argv.pop(1)); from dutylist.cli import cli; cli(prog_name='dutylist')"
    command = [sys.executable, "-c", program, str(tools), *map(str, arguments)]
    timed = shutil.which("time") or "/usr/bin/time"
    if Path(timed).exists():
        command = [timed, "-f", "@@maxrss %M", *command]

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
                               preexec_fn=limit, start_new_session=True, env={**os.environ, **environment})
    try:
        stdout, stderr = process.communicate(timeout=timeout)
        code, output = process.returncode, stdout + stderr
    except subprocess.TimeoutExpired:  # end the command and /usr/bin/time together: its own process group
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        code, output = "TIMEOUT", ""
    seconds = time.perf_counter() - start
    lines = output.splitlines()
    memory = next((line.split()[1] for line in lines if line.startswith("@@maxrss")), "?")
    lines = [line for line in lines if not line.startswith("@@maxrss") and not line.startswith("Command exited")]
    leaked = "s3cr3t" in output
    first = next((line for line in lines if line.strip()), "")
    if any(line.startswith("Traceback") for line in lines):
        first = "Traceback … " + next((line for line in reversed(lines) if line.strip()), "")
    return code, seconds, memory, len(lines), leaked, first


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=Path, default=ROOT / "tools", help="folder holding the dutylist package to run")
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dutylist-hostile-") as folder:
        for label, arguments, environment in cases(Path(folder)):
            code, seconds, memory, lines, leaked, first = run(args.tools, arguments, environment, args.timeout)
            memory = f"{int(memory) / 1024:.0f} MB" if memory.isdigit() else memory
            print(f"{label}\n    exit {code}, {seconds:.2f} s, {memory}, {lines} lines, secret shown: {'YES' if leaked else 'no'}"
                  f"\n    {first[:200]}", flush=True)


if __name__ == "__main__":
    main()
