"""Measure dutylist diff and validate beside their peers on the same synthetic editions, in one run.

For each size the pair is generated once (benchmarks/generate.py: many towns, real cells, correction
records per town). Each tool then runs --runs times as its own process under /usr/bin/time, which
gives wall time, CPU time (user + system, its child processes' included) and peak memory (maximum resident
set size; for a tool that forks, the peak of its processes' PSS summed when that is larger: TreeMemory); the
table shows medians and the ratio of dutylist to its peer measured in the same run:

- ``dutylist diff OLD NEW --format json`` beside ``csv-diff old.csv new.csv --key id --json``
  (and ``daff`` if asked for with --tools);
- ``dutylist validate OLD`` beside ``frictionless validate OLD/datapackage.json``;
- on the real package: ``dutylist diff HEAD~1 HEAD`` beside ``frictionless validate datapackage.json``
  (start-up), and ``dutylist --help``.

Every tool runs with the settings it has by default: the synthetic lists are far larger than the per-file
limit (core/files.py), which bounds only what is read whole, so dutylist needs no setting raised (issue 24).
After the table, "growth" gives each tool's time and memory per 1,000 items at each size, to see that they
grow linearly. A tool that exceeds --timeout is killed (with all it started) and recorded as a
timeout. With --memory-limit GB each tool runs with its address space capped at GB (RLIMIT_AS, which counts
a little more than the resident memory the table shows), so that a tool that would need more than the
machine has (csv-diff at 6M items) fails alone, recorded as "out of memory (limit GB)", instead of pushing
the machine into the OOM killer.

Example: python benchmarks/run.py --sizes 10000 100000 1000000 --runs 3
Example: python benchmarks/run.py --sizes 10000 100000 1000000 6000000 --runs 1 --memory-limit 16
"""

import argparse
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
ENV = {name: value for name, value in os.environ.items() if name != "DUTYLIST_MAX_FILE_BYTES"}  # no knob: the defaults
PEERS = {"dutylist diff": "csv-diff", "dutylist validate": "frictionless validate"}
DEFAULT_TOOLS = ["dutylist diff", "csv-diff", "dutylist validate", "frictionless validate"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3, help="runs of each tool; the table shows medians")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "dutylist-bench")
    parser.add_argument("--tools", nargs="+", default=DEFAULT_TOOLS,
                        help=f"any of {', '.join(DEFAULT_TOOLS)}, daff")
    parser.add_argument("--memory-limit", type=float, metavar="GB",
                        help="cap each tool's address space (RLIMIT_AS) at GB gigabytes; a tool that runs out is recorded as out of memory")
    arguments = parser.parse_args()
    limit = arguments.memory_limit
    results = real_package(arguments.runs, limit)
    for size in arguments.sizes:
        folder = arguments.work / str(size)
        if not (folder / "new.csv").exists():
            subprocess.run([sys.executable, str(HERE / "generate.py"), "--items", str(size), "--out", str(folder)], check=True)
        for tool in arguments.tools:
            result = measure(command(tool, folder), arguments.timeout, arguments.runs, limit)
            result.update(tool=tool, items=size)
            results.append(result)
    print_table(results)
    print_growth(results)
    print(json.dumps(results, indent=2))


def command(tool, folder):
    if tool == "dutylist diff":
        return [str(BIN / "dutylist"), "diff", str(folder / "old"), str(folder / "new"), "--format", "json"]
    if tool == "dutylist validate":
        return [str(BIN / "dutylist"), "validate", str(folder / "old")]
    if tool == "frictionless validate":
        return [str(BIN / "frictionless"), "validate", str(folder / "old" / "datapackage.json")]
    if tool == "csv-diff":
        return [str(BIN / "csv-diff"), str(folder / "old.csv"), str(folder / "new.csv"), "--key", "id", "--json"]
    if tool == "daff":
        return [str(BIN / "daff"), "diff", "--id", "id", "--output-format", "csv", str(folder / "old.csv"), str(folder / "new.csv")]
    raise ValueError(tool)


def measure(arguments, timeout, runs=1, memory_limit=None):
    """Medians over runs of wall time (s), CPU time (s, user + system) and peak memory (MB) of one process."""
    samples = [measure_once(arguments, timeout, memory_limit) for _ in range(runs)]
    done = [sample for sample in samples if sample["seconds"] is not None]
    if not done:
        return samples[0]
    return {"seconds": statistics.median(s["seconds"] for s in done), "cpu": statistics.median(s["cpu"] for s in done),
            "peak_mb": round(statistics.median(s["peak_mb"] for s in done), 1), "runs": len(done), "status": done[-1]["status"]}


def measure_once(arguments, timeout, memory_limit=None):
    """One run under /usr/bin/time in its own process group: on a timeout the whole group is killed, the tool
    with /usr/bin/time (killing /usr/bin/time alone would leave the tool running on, beside the next one)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        with subprocess.Popen(["/usr/bin/time", "-f", "%e %U %S %M", "-o", report.name, *arguments], env=ENV,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                              preexec_fn=capped(memory_limit) if memory_limit else None) as process:
            sampler = TreeMemory(process.pid)
            try:
                stderr = process.communicate(timeout=timeout)[1]
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
                return {"seconds": None, "cpu": None, "peak_mb": None, "status": f"timeout after {timeout:.0f} s"}
            except BaseException:  # Ctrl-C reaches this process only: the tool's own session must go too
                os.killpg(process.pid, signal.SIGKILL)
                raise
            finally:
                sampler.stop()
        seconds, user, system, kilobytes = report.read().split()[-4:]
        kilobytes = max(int(kilobytes), sampler.peak_kilobytes)  # a tool of two processes: both, counted together
    if memory_limit and process.returncode != 0 and out_of_memory(stderr.decode(errors="replace")):
        return {"seconds": None, "cpu": None, "peak_mb": None,
                "status": f"out of memory (limit {memory_limit:g} GB) after {float(seconds):.1f} s"}
    status = "ok" if process.returncode in (0, 1) else f"exit {process.returncode}: {stderr.decode()[-300:]}"
    return {"seconds": float(seconds), "cpu": round(float(user) + float(system), 2),
            "peak_mb": round(int(kilobytes) / 1024, 1), "status": status}


class TreeMemory:
    """The peak, sampled every 50 ms, of the memory of every process below ``pid`` (the tool and any process it
    forks; /usr/bin/time's own %M is the largest one process's peak): the sum of their proportional set sizes (PSS,
    /proc/PID/smaps_rollup), in which a page two processes share counts half in each, so that a page is counted
    once. For a tool of one process the table keeps /usr/bin/time's figure, which is larger (its RSS counts shared
    libraries whole)."""

    def __init__(self, pid):
        self.pid, self.peak_kilobytes, self.done = pid, 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.done.wait(0.05):
            self.peak_kilobytes = max(self.peak_kilobytes, sum(map(_pss, _descendants(self.pid))))

    def stop(self):
        self.done.set()
        self.thread.join()


def _descendants(pid):
    """The pids below pid (its children, theirs, ...), read from /proc."""
    found, waiting = [], [pid]
    while waiting:
        try:
            tasks = Path(f"/proc/{waiting.pop()}/task")
            children = [int(child) for task in tasks.iterdir() for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
        found.extend(children)
        waiting.extend(children)
    return found


def _pss(pid):
    """A process's proportional set size in kB (0 if it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def capped(gigabytes):
    """A preexec_fn that caps the address space of the child (and of the tool it starts) at gigabytes."""
    limit = int(gigabytes * 1024 ** 3)
    return lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def out_of_memory(stderr):
    """Whether a tool's error output says that it could not get memory (Python's MemoryError, malloc's ENOMEM)."""
    return any(mark in stderr for mark in ("MemoryError", "Cannot allocate memory", "std::bad_alloc", "out of memory"))


def real_package(runs, memory_limit=None):
    """Start-up on the real package: diff HEAD~1 HEAD, frictionless validate, and dutylist --help, each a fresh process."""
    folder = Path(tempfile.mkdtemp(prefix="dutylist-real-"))
    try:
        env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
               "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}
        git = lambda *args: subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)  # noqa: E731
        shutil.copy2(ROOT / "datapackage.json", folder)
        shutil.copytree(ROOT / "data", folder / "data")
        shutil.copytree(ROOT / "schemas", folder / "schemas")
        git("init", "-q")
        git("add", "-A")
        git("commit", "-q", "-m", "1.0.0")
        basic = folder / "data" / "basic-duties.csv"
        basic.write_text(basic.read_text(encoding="utf-8").replace("组织开展基层理论宣讲", "组织开展基层理论宣传宣讲"), encoding="utf-8")
        descriptor = folder / "datapackage.json"
        descriptor.write_text(descriptor.read_text(encoding="utf-8").replace('"version": "1.0.0"', '"version": "1.0.1"'), encoding="utf-8")
        git("commit", "-q", "-am", "1.0.1")
        diff = measure([str(BIN / "dutylist"), "diff", "HEAD~1", "HEAD", "--repo", str(folder), "--format", "markdown"], 60, runs, memory_limit)
        peer = measure([str(BIN / "frictionless"), "validate", str(folder / "datapackage.json")], 60, runs, memory_limit)
        helps = measure([str(BIN / "dutylist"), "--help"], 60, runs, memory_limit)
    finally:
        shutil.rmtree(folder)
    return [dict(diff, tool="dutylist diff", items="real"), dict(peer, tool="frictionless validate", items="real"),
            dict(helps, tool="dutylist --help", items="real")]


def print_table(results):
    """Medians per tool and size, and dutylist's ratio to its peer of the same run (time, CPU, memory)."""
    by_key = {(r["items"], r["tool"]): r for r in results}
    print(f"{'items':>9}  {'tool':<24} {'wall':>9} {'cpu':>9} {'memory':>10}  {'ratio to peer (wall, cpu, memory)':<36} status",
          file=sys.stderr)
    for r in results:
        wall = f"{r['seconds']:.2f} s" if r["seconds"] is not None else "-"
        cpu = f"{r['cpu']:.2f} s" if r.get("cpu") is not None else "-"
        memory = f"{r['peak_mb']} MB" if r["peak_mb"] is not None else "-"
        peer = by_key.get((r["items"], "frictionless validate" if r["items"] == "real" and r["tool"] == "dutylist diff" else PEERS.get(r["tool"])))
        ratio = ""
        if peer and r["seconds"] is not None and peer["seconds"]:
            ratio = (f"{r['seconds'] / peer['seconds']:.2f}x, {r['cpu'] / peer['cpu']:.2f}x, "
                     f"{r['peak_mb'] / peer['peak_mb']:.2f}x of {peer['tool']}")
        print(f"{r['items']:>9}  {r['tool']:<24} {wall:>9} {cpu:>9} {memory:>10}  {ratio:<36} {r['status']}", file=sys.stderr)


def print_growth(results):
    """Each tool's seconds and MB per 1,000 items at each size: flat figures mean linear growth."""
    sized = [r for r in results if isinstance(r["items"], int) and r["seconds"] is not None]
    if not sized:
        return
    print(f"\ngrowth (per 1,000 items)  {'tool':<24} " + "  ".join(f"{size:>20,}" for size in sorted({r['items'] for r in sized})),
          file=sys.stderr)
    for tool in dict.fromkeys(r["tool"] for r in sized):
        cells = []
        for size in sorted({r["items"] for r in sized}):
            r = next((r for r in sized if r["tool"] == tool and r["items"] == size), None)
            cells.append(f"{1000 * r['seconds'] / size:.3f} s {1000 * r['peak_mb'] / size:.2f} MB" if r else "-")
        print(f"{'':26}{tool:<24} " + "  ".join(f"{cell:>20}" for cell in cells), file=sys.stderr)


if __name__ == "__main__":
    main()
