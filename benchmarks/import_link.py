"""How long linking a new edition's rows to ids takes, on synthetic editions of many items (run by hand).

    .venv/bin/python benchmarks/import_link.py --sizes 1000 10000 100000

Each size: a previous edition of N items with random Chinese names in the three lists, some with a
correction record; the next edition renumbers everything, rewords 1 % of the names slightly, drops
0.5 % and adds 0.5 %. Prints the time of ``link_rows`` (exact, likely, review and new links) and the counts.
"""

import argparse
import random
import time

from dutylist.importing.link import link_rows

CHARS = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]
LISTS = ("basic", "coordinated", "reclaimed")
PREFIX = "652325100-"


def name(rng):
    return "".join(rng.choice(CHARS) for _ in range(rng.randint(8, 30)))


def editions(size, seed=1):
    rng = random.Random(seed)
    previous, corrections, rows = {}, {}, []
    for number in range(1, size + 1):
        list_name = LISTS[number % 3]
        item_id = f"old-{number:07d}"  # more items than four digits can number: new ids use PREFIX
        item = {"list": list_name, "seq": str(number), "category": rng.choice("甲乙丙丁"), "name": name(rng)}
        previous[item_id] = item
        raw = dict(item)
        if number % 20 == 0:  # a correction record: the extraction damaged one character
            damaged = "X" + item["name"][1:]
            corrections[item_id] = [{"item_id": item_id, "field": "name", "extracted": "X" + item["name"][1:4],
                                     "corrected": item["name"][:4]}]
            raw["name"] = damaged
        roll = rng.random()
        if roll < 0.005:
            continue  # removed
        if roll < 0.015:
            raw["name"] = raw["name"][:-1] + rng.choice(CHARS)  # reworded
        rows.append(raw)
    for _ in range(size // 200):
        rows.append({"list": "basic", "category": "甲", "name": name(rng)})
    rng.shuffle(rows)
    for seq, row in enumerate(rows, start=1):
        row["seq"] = str(seq)
    return rows, previous, corrections


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    arguments = parser.parse_args()
    for size in arguments.sizes:
        rows, previous, corrections = editions(size)
        started = time.perf_counter()
        linking = link_rows(rows, previous, corrections, {}, set(previous), PREFIX)
        elapsed = time.perf_counter() - started
        counts = {how: sum(1 for link in linking.links if link.how == how) for how in ("exact", "likely", "review", "new")}
        print(f"{size:>8} items  {elapsed:6.2f} s  {counts}  retired {len(linking.retired)}")


if __name__ == "__main__":
    main()
