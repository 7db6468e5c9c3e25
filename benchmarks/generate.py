"""Write a pair of large synthetic editions: many towns' duty lists in one package, and a next edition of it.

Each town is a copy of the real package's 179 items, with their full cells and correction records,
under its own division code (ids ``<9-digit code>-NNNN``, the schemas' id pattern relaxed to any code); the next edition changes, removes, adds, moves, reclaims and returns
a fixed share of items (seeded, so every run writes the same files) and renumbers the lists.

Writes OUT/old and OUT/new (package folders for dutylist diff) and OUT/old.csv and OUT/new.csv
(every item of an edition in one CSV keyed by id, for csv-diff and daff).

Streams: town by town, each item of the edition and its next-edition counterpart go straight to open
CSV writers, so memory stays flat whatever --items (a national 6 million writes as a 10 thousand does).
Files are written under a ``.part`` name and renamed when complete, OUT/new.csv last: a pair whose
new.csv exists is whole (benchmarks/run.py relies on it).

Example: python benchmarks/generate.py --items 100000 --out /tmp/bench-100k
"""

import argparse
import csv
import os
import random
import shutil
import sys
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from dutylist.core.edition import FolderReader, load_edition  # noqa: E402
from dutylist.core.package import LIST_FIELDS, LIST_RESOURCES, LISTS, read_csv_text  # noqa: E402

ALL_FIELDS = ("id", "list", "seq", "category", "name", "departments", "county_duties", "town_duties", "handling", "page")
SHARES = {"changed": 0.01, "removed": 0.003, "added": 0.003, "moved": 0.002, "reclaimed": 0.002, "returned": 0.001}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2025)
    arguments = parser.parse_args()
    generate(arguments.items, arguments.out, random.Random(arguments.seed))


def generate(count, out, rng):
    """Both editions, town by town: an item is written to the old edition, then mutated (rng drawn in item
    order) and written to the new one; each edition numbers its lists with counters across the whole edition."""
    template = list(load_edition(FolderReader(ROOT))["items"].values())
    header, records = read_csv_text_with_header(ROOT / "data" / "corrections.csv")
    out.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        old = Edition(stack, out / "old", out / "old.csv", header)
        new = Edition(stack, out / "new", out / "new.csv", header)
        for town in range((count + len(template) - 1) // len(template)):
            code = f"{652301000 + town:09d}"
            for model in range(min(len(template), count - town * len(template))):
                item = dict(template[model], id=f"{code}-{model + 1:04d}")
                if item["name"] and town:
                    item["name"] = f"{item['name']}（{town}）"
                old.write(item)
                for next_item in mutate(dict(item), pick(rng), rng):
                    new.write(next_item)
            old.end_town(code, records)
            new.end_town(code, records)
    old.finish()
    new.finish()


class Edition:
    """The open files of one edition: its three lists, its correction records and the combined CSV."""

    def __init__(self, stack, folder, combined, corrections_header):
        combined.unlink(missing_ok=True)  # a pair is whole only once new.csv is back
        if folder.exists():
            shutil.rmtree(folder)
        (folder / "data").mkdir(parents=True)
        shutil.copytree(ROOT / "schemas", folder / "schemas")
        shutil.copy2(ROOT / "datapackage.json", folder / "datapackage.json")
        for register in ("categories", "departments", "amendments"):  # the amendments: the real package's, none
            shutil.copy2(ROOT / "data" / f"{register}.csv", folder / "data" / f"{register}.csv")
        relax_id_pattern(folder / "schemas")
        self.paths = [folder / "data" / f"{LIST_RESOURCES[name]}.csv" for name in LISTS]
        self.paths += [folder / "data" / "corrections.csv", combined]
        writers = [open_writer(stack, path, fields) for path, fields in
                   zip(self.paths, [LIST_FIELDS[name] for name in LISTS] + [corrections_header, ALL_FIELDS])]
        self.lists = dict(zip(LISTS, writers))
        self.corrections, self.combined = writers[3], writers[4]
        self.counters = {name: 0 for name in LISTS}
        self.town_ids = set()

    def write(self, item):
        self.counters[item["list"]] += 1
        item["seq"] = self.counters[item["list"]]
        self.lists[item["list"]].writerow(cells(item, LIST_FIELDS[item["list"]]))
        self.combined.writerow(cells(item, ALL_FIELDS))
        self.town_ids.add(item["id"])

    def end_town(self, code, records):
        """The real package's correction records, once per town, for the items of that town the edition holds."""
        for record in records:
            item_id = code + "-" + record["item_id"].rpartition("-")[2]
            if item_id in self.town_ids:
                self.corrections.writerow(dict(record, item_id=item_id))
        self.town_ids.clear()

    def finish(self):
        """Give every complete file its name (the combined CSV last)."""
        for path in self.paths:
            os.replace(part(path), path)


def open_writer(stack, path, fields):
    """A csv.DictWriter as core.package.csv_text writes (LF rows, header even for no rows), on path's .part file."""
    handle = stack.enter_context(open(part(path), "w", encoding="utf-8", newline=""))
    writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    return writer


def part(path):
    return path.with_name(path.name + ".part")


def pick(rng):
    roll, share = rng.random(), 0.0
    for kind, part in SHARES.items():
        share += part
        if roll < share:
            return kind
    return None


def mutate(item, kind, rng):
    """The item as the next edition has it: none (removed), itself, or itself and a new item after it."""
    if kind == "removed":
        return []
    if kind == "added":
        code, _, number = item["id"].rpartition("-")
        return [item, {"id": f"{code}-{int(number) + 5000:04d}", "list": "basic", "category": item["category"],
                       "name": "新增事项" + str(rng.randrange(10**6)), "page": item["page"]}]
    if kind == "changed":
        position = rng.randrange(len(item["name"]) + 1)
        item["name"] = item["name"][:position] + "镇" + item["name"][position:]
    elif kind == "moved" and item["list"] in ("basic", "coordinated"):
        item["list"] = "coordinated" if item["list"] == "basic" else "basic"
        item.setdefault("departments", ["奇台县人民政府办公室"])
    elif kind == "reclaimed" and item["list"] != "reclaimed":
        item["list"], item["handling"] = "reclaimed", ["由县有关部门负责。"]
        item.setdefault("departments", ["奇台县人民政府办公室"])
    elif kind == "returned" and item["list"] == "reclaimed":
        item["list"] = "basic"
    return [item]


def cells(item, fields):
    row = {}
    for field in fields:
        value = item.get(field, "")
        if field == "departments":
            value = "、".join(value or [])
        elif field in ("county_duties", "town_duties", "handling"):
            value = "\n".join(value or [])
        row[field] = "" if value is None else str(value)
    return row


def read_csv_text_with_header(path):
    rows = read_csv_text(path.read_text(encoding="utf-8"))
    return list(rows[0].keys()), rows


def relax_id_pattern(schemas):
    """A many-town package: ids of any 9-digit division code."""
    for path in schemas.glob("*.json"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("^652325100-[0-9]{4}$", "^[0-9]{9}-[0-9]{4}$"), encoding="utf-8")


if __name__ == "__main__":
    main()
