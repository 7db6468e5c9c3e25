"""Time cold runs of `dutylist validate` beside `frictionless validate datapackage.json` on the real package.

Each run is a new process (a cold start: imports included). Run by hand:

    .venv/bin/python benchmarks/validate.py [--runs 20]
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COMMANDS = {
    "dutylist validate": [str(BIN / "dutylist"), "validate"],
    "dutylist validate --format json": [str(BIN / "dutylist"), "validate", "--format", "json"],
    "frictionless validate datapackage.json": [str(BIN / "frictionless"), "validate", "datapackage.json"],
}


def time_runs(command, runs):
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        seconds.append(time.perf_counter() - start)
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    print(f"{'command':<42} {'min':>7} {'median':>7} {'max':>7}  ({runs} cold runs each)")
    for label, command in COMMANDS.items():
        time_runs(command, 1)  # warm the disk cache, not the process
        seconds = time_runs(command, runs)
        print(f"{label:<42} {min(seconds):7.3f} {statistics.median(seconds):7.3f} {max(seconds):7.3f}")


if __name__ == "__main__":
    main()
