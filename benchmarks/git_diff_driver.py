"""Time and peak memory of the git diff driver (dutylist git-setup's textconv) on large and hostile CSVs.

Each case is a file of about --size bytes (default: the per-file limit, 8 MiB) built in a temporary
folder: copies of the real package's rows (what the driver renders) and shapes that cost far more memory
than their bytes (a million one-character rows, a wide header over short rows, rows of empty cells, one
huge cell, text outside the Basic Multilingual Plane), plus a file ten times over the limit. The driver
runs as git runs it, ``python -I -S <driver> --max-bytes N FILE``, under /usr/bin/time and a 2 GiB
address-space cap. Run by hand, never by the tests:

    .venv/bin/python benchmarks/git_diff_driver.py [--size BYTES]

Each line: the case, the file's size, exit code, wall time, peak resident memory, that peak over the
file's size, and whether the driver rendered the file or showed it as it is.
"""

import argparse
import sys
import tempfile
from pathlib import Path

from run import measure_once

ROOT = Path(__file__).resolve().parent.parent
DRIVER = ROOT / "tools" / "dutylist" / "maintain" / "git_diff_driver.py"
LIMIT = 8 * 1024 * 1024


def repeated_rows(name, size):
    """The real file's rows again and again (ids made unique), up to size bytes."""
    lines = (ROOT / "data" / name).read_bytes().decode("utf-8").split("\n", 1)
    header, body = lines[0] + "\n", lines[1]
    parts, total, copy = [header], len(header.encode()), 0
    while True:
        chunk = body.replace("652325100-", f"{copy:06d}-")
        if total + len(chunk.encode()) > size:
            return "".join(parts).encode("utf-8")
        parts.append(chunk)
        total += len(chunk.encode())
        copy += 1


def cases(size):
    """(name, bytes) of every case."""
    size -= 4096  # the header and a last row stay under the limit
    yield "real coordinated rows", repeated_rows("coordinated-duties.csv", size)
    yield "real corrections rows", repeated_rows("corrections.csv", size)
    yield "real department rows", repeated_rows("departments.csv", size)
    yield "one-character rows", b"id,x\n" + b"a\n" * (size // 2)
    yield "rows of one comma", b"id,x\n" + b",\n" * (size // 2)
    wide = ",".join(f"f{number}" for number in range(2000)).encode() + b"\n"
    yield "2000-column header, 1-char rows", wide + b"a\n" * ((size - len(wide)) // 2)
    yield "rows of 1000 empty cells", b"id,x\n" + (b"1" + b"," * 1000 + b"\n") * (size // 1002)
    yield "one huge cell", b"id,x\n1," + b"x" * size + b"\n"
    yield "astral text", b"id,x\n" + ("a,\U0001F600\n".encode()) * (size // 7)
    yield "not UTF-8", ("id,x\n" + "1,中文\n" * (size // 8)).encode("gb18030")
    yield "ten times the limit", b"id,x\n" + b"1,2\n" * (10 * LIMIT // 4)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=LIMIT)
    parser.add_argument("--timeout", type=float, default=300)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dutylist-driver-bench-") as folder:
        for name, data in cases(arguments.size):
            path = Path(folder) / "file.csv"
            path.write_bytes(data)
            output = Path(folder) / "out"
            command = ["sh", "-c", 'exec "$0" -I -S "$1" --max-bytes "$2" "$3" > "$4"',
                       sys.executable, str(DRIVER), str(LIMIT), str(path), str(output)]
            result = measure_once(command, arguments.timeout, memory_limit=2)
            shown = "as it is" if output.read_bytes() == data else "rendered"
            peak = result["peak_mb"]
            ratio = f"{peak * 1024 * 1024 / len(data):5.1f}x" if peak else "   -"
            print(f"{name:34} {len(data) / 1024 / 1024:6.1f} MiB  {result['status']:8} {result['seconds'] or 0:6.2f} s "
                  f"{peak or 0:7.1f} MB {ratio}  {shown}", flush=True)


if __name__ == "__main__":
    main()
