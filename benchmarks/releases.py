"""Time cold runs of `dutylist editions` and `dutylist changelog --check` on the real repository and on the
test history of four releases (tests/release_history.py, built in a temporary folder).

Both grow with the number of versions: editions validates every version, the changelog compares each
with the one before. Each run is a new process (imports included). Run by hand:

    .venv/bin/python benchmarks/releases.py [--runs 10]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COMMANDS = {"dutylist editions": ["editions"], "dutylist changelog --check": ["changelog", "--check"]}


def time_runs(command, folder, runs):
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(BIN / "dutylist"), *command, "--repo", str(folder)], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        seconds.append(time.perf_counter() - start)
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    sys.path.insert(0, str(ROOT / "tests"))
    from release_history import build_history

    with tempfile.TemporaryDirectory() as folder:
        history = build_history(Path(folder) / "history").root
        print(f"{'command':<28} {'repository':<22} {'min':>7} {'median':>7} {'max':>7}  ({runs} cold runs each)")
        for label, command in COMMANDS.items():
            for name, repository in (("this one (1 version)", ROOT), ("test history (4)", history)):
                time_runs(command, repository, 1)  # warm the disk cache, not the process
                seconds = time_runs(command, repository, runs)
                print(f"{label:<28} {name:<22} {min(seconds):7.3f} {statistics.median(seconds):7.3f} {max(seconds):7.3f}")


if __name__ == "__main__":
    main()
