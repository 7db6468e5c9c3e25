"""Time and peak memory of validate, diff and export on the worst inputs we could build at the 8 MiB file limit.

Each case is a copy of the real package with one file grown to just under 8 MiB (8,388,608 bytes) in a
way that makes work: many short rows, rows of empty cells, blank lines, one huge cell, a step field of a
million steps, a list field of a million departments, a million correction records, a schema of many
fields. Every command runs in its own process under a timeout and a 3 GiB address-space limit, with
/usr/bin/time for its maximum resident set size (benchmarks/hostile.py's ``run``). Run by hand, never
by the tests; the figures are in docs/safety.md:

    .venv/bin/python benchmarks/worst_case.py [--timeout 120] [--only rows,steps]
"""

import argparse
import csv
import io
import json
import sys
import tempfile
from pathlib import Path

from hostile import ROOT, copy, run

LIMIT = 8 * 1024 * 1024
BASIC = "data/basic-duties.csv"
COORDINATED = "data/coordinated-duties.csv"


def fill(path, head, line, tail=""):
    """Write head, then line as many times as fits under the limit, then tail."""
    room = LIMIT - len(head.encode()) - len(tail.encode()) - 1
    path.write_text(head + line * (room // len(line.encode())) + tail, encoding="utf-8")


def rows_of(path):
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path, rows):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def short_rows(p):
    header = "id,seq,category,name,page\n"
    lines, size, number = [header], len(header), 1
    while True:
        line = f"x{number},{number},党的建设,n,1\n"
        size += len(line.encode())
        if size >= LIMIT:
            break
        lines.append(line)
        number += 1
    (p / BASIC).write_text("".join(lines), encoding="utf-8")
    return f"{number - 1:,} short rows, each a new id"


def empty_rows(p):
    fill(p / BASIC, "id,seq,category,name,page\n", ",,,,\n")
    return "rows of five empty cells (the width of the header)"


def blank_lines(p):
    fill(p / BASIC, "id,seq,category,name,page\n", "\n")
    return "the header, then blank lines"


def one_huge_cell(p):
    rows = rows_of(p / BASIC)
    rows[1][3] = "长" * ((LIMIT - (p / BASIC).stat().st_size) // 3 - 10)
    write_rows(p / BASIC, rows)
    return "one name of 2.8 million characters (the first item's)"


def many_steps(p):
    rows = rows_of(p / COORDINATED)
    room = LIMIT - (p / COORDINATED).stat().st_size - 100
    steps = "".join(f"{n}.做\n" for n in range(1, 1_000_000)).encode()[:room]
    rows[1][6] = steps.decode(errors="ignore").rsplit("\n", 1)[0]
    write_rows(p / COORDINATED, rows)
    return "one town_duties cell of about 800,000 numbered steps"


def many_departments(p):
    rows = rows_of(p / COORDINATED)
    room = LIMIT - (p / COORDINATED).stat().st_size - 100
    rows[1][4] = ("奇台县委组织部、" * (room // 24))[:-1]
    write_rows(p / COORDINATED, rows)
    return "one departments cell of 350,000 names"


def many_corrections(p):
    path = p / "data" / "corrections.csv"
    rows = rows_of(path)
    room = LIMIT - path.stat().st_size - 100
    record = rows[1]
    write_rows(path, [record])
    write_rows(path, [rows[0]] + [record] * (room // path.stat().st_size))
    return "correction records, all the first one again"


def many_fields(p):
    path = p / "schemas" / "basic-duties.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    count = LIMIT // 40
    schema["fields"] += [{"name": f"f{n}", "type": "string"} for n in range(count)]
    path.write_text(json.dumps(schema), encoding="utf-8")
    return f"a Table Schema of {count:,} fields"


def sixteen_resources(p):
    short_rows(p)
    path = p / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"] += [{"name": f"copy-{n}", "path": BASIC, "schema": "schemas/basic-duties.json"} for n in range(10)]
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return "the short rows, and ten more resources naming the same file (16, the limit)"


CASES = {"rows": short_rows, "empty-rows": empty_rows, "blank-lines": blank_lines, "huge-cell": one_huge_cell,
         "steps": many_steps, "departments": many_departments, "corrections": many_corrections, "fields": many_fields,
         "resources": sixteen_resources}


def commands(p, out):
    return [
        ("validate", ["validate", p]),
        ("diff json", ["diff", ROOT, p, "--format", "json", "-o", out / "diff.json"]),
        ("export json", ["export", "--repo", p, "--format", "json", "-o", out / "export.json"]),
        ("export xlsx", ["export", "--repo", p, "--format", "xlsx", "-o", out / "export.xlsx"]),
        ("export sqlite", ["export", "--repo", p, "--format", "sqlite", "-o", out / "export.sqlite"]),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--only", default=",".join(CASES))
    parser.add_argument("--tools", type=Path, default=ROOT / "tools")
    arguments = parser.parse_args()
    print("| case | command | exit | seconds | peak MB | first line |\n| --- | --- | --- | --- | --- | --- |", flush=True)
    with tempfile.TemporaryDirectory(prefix="dutylist-worst-") as folder:
        base = Path(folder)
        for name in arguments.only.split(","):
            p = copy(base, name)
            out = base / f"{name}-out"
            out.mkdir()
            what = CASES[name](p)
            for label, command in commands(p, out):
                code, seconds, memory, _, _, first = run(arguments.tools, command, {}, arguments.timeout)
                megabytes = f"{int(memory) / 1024:.0f}" if str(memory).isdigit() else memory
                print(f"| {name}: {what} | {label} | {code} | {seconds:.1f} | {megabytes} | {first[:90]} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
