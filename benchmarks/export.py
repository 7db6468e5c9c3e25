"""Time and memory of dutylist export (json, xlsx, sqlite), fmt --check and the git textconv on large synthetic editions.

Uses generate.py's synthetic package (many towns' lists in one package) and runs each command in
its own process under /usr/bin/time. Run by hand, never by the tests.

Example: python benchmarks/export.py --sizes 10000 100000
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from run import BIN, measure

HERE = Path(__file__).resolve().parent


def commands(package, out):
    return {
        "export json": [str(BIN / "dutylist"), "export", "--repo", str(package), "-o", str(out / "x.json")],
        "export xlsx": [str(BIN / "dutylist"), "export", "--repo", str(package), "-o", str(out / "x.xlsx")],
        "export sqlite": [str(BIN / "dutylist"), "export", "--repo", str(package), "-o", str(out / "x.sqlite")],
        "fmt --check": [str(BIN / "dutylist"), "fmt", "--check", "--repo", str(package)],
        "git textconv (coordinated list)": [str(BIN / "python"), "-m", "dutylist.maintain.git_diff_driver",
                                            str(package / "data" / "coordinated-duties.csv")],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--timeout", type=float, default=900)
    arguments = parser.parse_args()
    results = []
    for size in arguments.sizes:
        with tempfile.TemporaryDirectory(prefix="dutylist-export-bench-") as folder:
            folder = Path(folder)
            subprocess.run([sys.executable, str(HERE / "generate.py"), "--items", str(size), "--out", str(folder)], check=True)
            for tool, argv in commands(folder / "old", folder).items():
                result = dict(measure(argv, arguments.timeout), tool=tool, items=size)
                results.append(result)
                print(f"{size:>9}  {tool:<34} {result['seconds']} s {result['peak_mb']} MB  {result['status']}", file=sys.stderr, flush=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
