"""Measure dutylist diff against csv-diff and daff on the same synthetic pair, at several sizes, in one run.

For each size the pair is generated once (benchmarks/generate.py); each tool then runs as its own
process under /usr/bin/time, which gives its wall time and peak memory (maximum resident set size).
dutylist compares the two package folders; csv-diff (--key id) and daff (--id id) compare the same
items as one CSV per edition. A tool that exceeds --timeout is recorded as a timeout.
Also measures the real package's diff between two revisions, cold (a fresh process).

Example: python benchmarks/run.py --sizes 10000 100000 1000000 --timeout 600
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "dutylist-bench")
    parser.add_argument("--tools", nargs="+", default=["dutylist", "csv-diff", "daff"])
    arguments = parser.parse_args()
    results = [real_package()]
    print_row(results[0])
    for size in arguments.sizes:
        folder = arguments.work / str(size)
        if not (folder / "new.csv").exists():
            subprocess.run([sys.executable, str(HERE / "generate.py"), "--items", str(size), "--out", str(folder)], check=True)
        for tool in arguments.tools:
            result = measure(command(tool, folder), arguments.timeout)
            result.update(tool=tool, items=size)
            results.append(result)
            print_row(result)
    print(json.dumps(results, indent=2))


def command(tool, folder):
    if tool == "dutylist":
        return [str(BIN / "dutylist"), "diff", str(folder / "old"), str(folder / "new"), "--format", "json"]
    if tool == "csv-diff":
        return [str(BIN / "csv-diff"), str(folder / "old.csv"), str(folder / "new.csv"), "--key", "id", "--json"]
    if tool == "daff":
        return [str(BIN / "daff"), "diff", "--id", "id", "--output-format", "csv", str(folder / "old.csv"), str(folder / "new.csv")]
    raise ValueError(tool)


def measure(arguments, timeout):
    """Wall time (s) and peak memory (MB) of one process, from /usr/bin/time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        try:
            completed = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", report.name, *arguments],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"seconds": None, "peak_mb": None, "status": f"timeout after {timeout:.0f} s"}
        seconds, kilobytes = report.read().split()[-2:]
    status = "ok" if completed.returncode in (0, 1) else f"exit {completed.returncode}: {completed.stderr.decode()[-300:]}"
    return {"seconds": float(seconds), "peak_mb": round(int(kilobytes) / 1024, 1), "status": status}


def real_package():
    """dutylist diff HEAD~1 HEAD on a repository holding the real package at two versions, in a fresh process."""
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
        result = measure([str(BIN / "dutylist"), "diff", "HEAD~1", "HEAD", "--repo", str(folder), "--format", "markdown"], 60)
    finally:
        shutil.rmtree(folder)
    return dict(result, tool="dutylist diff HEAD~1 HEAD (real package, cold)", items=179)


def print_row(result):
    took = f"{result['seconds']:.2f} s" if result["seconds"] is not None else "-"
    memory = f"{result['peak_mb']} MB" if result["peak_mb"] is not None else "-"
    print(f"{result['items']:>9}  {result['tool']:<48} {took:>10} {memory:>10}  {result['status']}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
