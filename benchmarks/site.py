"""Time cold runs of `dutylist site` on a history of N versions of the real package, and its output size.

Each version rewords one item, so every version has a change report and the history pages grow.
Each run is a new process (imports included); peak memory is the child's maximum resident size.
Run by hand:

    .venv/bin/python benchmarks/site.py [--versions 1 10 30] [--runs 3]
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from dutylist.core.package import csv_text, read_csv_text  # noqa: E402

DUTYLIST = str(Path(sys.executable).parent / "dutylist")
GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.org", "GIT_COMMITTER_NAME": "b",
           "GIT_COMMITTER_EMAIL": "b@example.org", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, env=GIT_ENV, check=True, capture_output=True)


def make_history(repo, versions):
    repo.mkdir()
    shutil.copy2(ROOT / "datapackage.json", repo)
    for folder in ("data", "schemas"):
        shutil.copytree(ROOT / folder, repo / folder)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "1.0.0")
    basic = repo / "data" / "basic-duties.csv"
    for number in range(1, versions):
        text = basic.read_text(encoding="utf-8")
        rows = read_csv_text(text)
        rows[number % len(rows)]["name"] += "及相关工作"
        basic.write_text(csv_text(list(rows[0]), rows), encoding="utf-8", newline="")
        descriptor = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
        descriptor["version"] = f"1.0.{number}"
        (repo / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        git(repo, "commit", "-q", "-am", f"1.0.{number}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    print(f"{'versions':>8} {'files':>6} {'size':>8} {'min':>7} {'median':>7} {'max':>7} {'peak RSS':>9}")
    for versions in options.versions:
        with tempfile.TemporaryDirectory() as scratch:
            repo, out = Path(scratch) / "repo", Path(scratch) / "site"
            make_history(repo, versions)
            seconds = []
            for _ in range(options.runs):
                shutil.rmtree(out, ignore_errors=True)
                start = time.perf_counter()
                subprocess.run([DUTYLIST, "site", "--repo", str(repo), "-o", str(out)], check=True, stdout=subprocess.DEVNULL)
                seconds.append(time.perf_counter() - start)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            files = [path for path in out.rglob("*") if path.is_file()]
            size = sum(path.stat().st_size for path in files) / 1e6
            seconds.sort()
            print(f"{versions:>8} {len(files):>6} {size:>6.1f}MB {seconds[0]:>6.2f}s {seconds[len(seconds) // 2]:>6.2f}s "
                  f"{seconds[-1]:>6.2f}s {peak:>7.0f}MB")


if __name__ == "__main__":
    main()
