"""Run dutylist on small files shaped to make a reader do much work per byte (issue 18) and print each
command's exit code, time and peak memory against the file's size. Run by hand, never by the tests:

    .venv/bin/python benchmarks/tiny_files.py                          # every shape at 1 MiB
    .venv/bin/python benchmarks/tiny_files.py --shape comma-lines --mib 8
    git archive <commit> tools | tar -x -C /tmp/old                    # an older version, for comparison
    .venv/bin/python benchmarks/tiny_files.py --tools /tmp/old/tools

Each shape replaces data/basic-duties.csv of a copy of the real package by its header and one unit
repeated to the size asked for; ``diff`` compares the real package with it. Each command runs in a new
process under the timeout and a 3 GiB address-space limit (benchmarks/hostile.py's ``run``).
"""

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hostile import BASIC, ROOT, copy, run  # noqa: E402

SHAPES = {  # name: the unit repeated after the header
    "comma-lines": ",\n",  # the case: a row of two empty cells, 2 bytes
    "empty-lines": "\n",
    "quote-alone": '"',
    "quote-comma-lines": '",\n',  # an unterminated quote: one cell as long as the file
    "no-id-rows": "x,\n",  # rows with a seq that is not a number, no id
    "same-id-rows": "a,1,c,n,1\n",  # one id used again and again
    "distinct-rows": "{n},{n},c,n,1\n",  # well-formed rows, each its own id: every row an item added
    "departments": "、",  # one list cell of separators
    "steps": "1.\n",  # one step cell of numbered lines
    "long-line": "长",  # one line as long as the file
}
PREFIX = {"departments": "652325100-0001,1,党的建设,n,1,\"", "steps": "652325100-0001,1,党的建设,n,1,\""}
COMMANDS = {
    "validate": ["validate", "{p}", "--format", "json"],
    "diff json": ["diff", str(ROOT), "{p}", "--format", "json"],
    "diff markdown": ["diff", str(ROOT), "{p}", "--format", "markdown", "--full"],
    "diff html": ["diff", str(ROOT), "{p}", "--format", "html"],
    "diff text": ["diff", str(ROOT), "{p}", "--format", "text", "--full"],
    "export json": ["export", "--repo", "{p}", "--format", "json"],
    "export xlsx": ["export", "--repo", "{p}", "--format", "xlsx", "-o", "{p}/out.xlsx"],
    "export sqlite": ["export", "--repo", "{p}", "--format", "sqlite", "-o", "{p}/out.sqlite"],
}


def build(base, shape, size):
    """A copy of the package whose basic list is the header and the shape's unit up to ``size`` bytes."""
    package = copy(base, f"{shape}-{size}")
    header = (ROOT / BASIC).read_text(encoding="utf-8").split("\n")[0]
    if shape in ("departments", "steps"):  # the unit inside one quoted cell of the right column
        column = "departments" if shape == "departments" else "town_duties"
        header = "id,seq,category,name,page," + column
    unit = SHAPES[shape]
    start = header + "\n" + PREFIX.get(shape, "")
    count = (size - len(start.encode())) // len(unit.encode())
    end = '"\n' if shape in PREFIX else ""
    if "{n}" in unit:
        rows, n = [], 0
        while size > len(start.encode()):
            n += 1
            rows.append(unit.format(n=n))
            size -= len(rows[-1])
        body = "".join(rows)
    else:
        body = unit * count
    (package / BASIC).write_text(start + body + end, encoding="utf-8", newline="")
    return package


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=Path, default=ROOT / "tools", help="folder holding the dutylist package to run")
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES), help="a shape (repeatable; default: all)")
    parser.add_argument("--command", action="append", choices=sorted(COMMANDS), help="a command (repeatable; default: all)")
    parser.add_argument("--mib", type=float, default=1, help="file size in MiB (default 1)")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    size = int(args.mib * 1024 * 1024)
    with tempfile.TemporaryDirectory(prefix="dutylist-tiny-") as folder:
        for shape in args.shape or SHAPES:
            package = build(Path(folder), shape, size)
            for name in args.command or COMMANDS:
                arguments = [part.format(p=package) for part in COMMANDS[name]]
                code, seconds, memory, lines, _, first = run(args.tools, arguments, {}, args.timeout)
                memory = f"{int(memory) / 1024:.0f} MB" if str(memory).isdigit() else memory
                print(f"{shape:18} {args.mib:g} MiB  {name:14} exit {code}, {seconds:6.2f} s, {memory:>8}"
                      + ("  " + first[:120] if "Traceback" in first else ""), flush=True)


if __name__ == "__main__":
    main()
