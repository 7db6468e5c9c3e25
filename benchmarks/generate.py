"""Write a pair of large synthetic editions: many towns' duty lists in one package, and a next edition of it.

Each town is a copy of the real package's 179 items, with their full cells and correction records,
under its own division code (ids ``<9-digit code>-NNNN``, the schemas' id pattern relaxed to any code); the next edition changes, removes, adds, moves, reclaims and returns
a fixed share of items (seeded, so every run writes the same files) and renumbers the lists.

Writes OUT/old and OUT/new (package folders for dutylist diff) and OUT/old.csv and OUT/new.csv
(every item of an edition in one CSV keyed by id, for csv-diff and daff).

Example: python benchmarks/generate.py --items 100000 --out /tmp/bench-100k
"""

import argparse
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from dutylist.core.edition import FolderReader, load_edition  # noqa: E402
from dutylist.core.package import LIST_FIELDS, LIST_RESOURCES, LISTS, csv_text, read_csv_text  # noqa: E402

ALL_FIELDS = ("id", "list", "seq", "category", "name", "departments", "county_duties", "town_duties", "handling", "page")
SHARES = {"changed": 0.01, "removed": 0.003, "added": 0.003, "moved": 0.002, "reclaimed": 0.002, "returned": 0.001}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2025)
    arguments = parser.parse_args()
    old = synthetic_items(arguments.items)
    new = next_edition(old, random.Random(arguments.seed))
    write_edition(arguments.out / "old", old)
    write_edition(arguments.out / "new", new)
    write_combined(arguments.out / "old.csv", old)
    write_combined(arguments.out / "new.csv", new)


def synthetic_items(count):
    template = list(load_edition(FolderReader(ROOT))["items"].values())
    items = []
    for number in range(count):
        town, model = divmod(number, len(template))
        code = f"{652301000 + town:09d}"
        item = dict(template[model], id=f"{code}-{model + 1:04d}")
        if item["name"] and town:
            item["name"] = f"{item['name']}（{town}）"
        items.append(item)
    return renumbered(items)


def next_edition(items, rng):
    result = []
    for item in items:
        result.extend(mutate(dict(item), pick(rng), rng))
    return renumbered(result)


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


def renumbered(items):
    counters = {name: 0 for name in LISTS}
    for item in items:
        counters[item["list"]] += 1
        item["seq"] = counters[item["list"]]
    return items


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


def write_edition(folder, items):
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "data").mkdir(parents=True)
    shutil.copytree(ROOT / "schemas", folder / "schemas")
    shutil.copy2(ROOT / "datapackage.json", folder / "datapackage.json")
    for register in ("categories", "departments"):
        shutil.copy2(ROOT / "data" / f"{register}.csv", folder / "data" / f"{register}.csv")
    write_corrections(folder / "data" / "corrections.csv", items)
    relax_id_pattern(folder / "schemas")
    for list_name in LISTS:
        rows = [cells(item, LIST_FIELDS[list_name]) for item in items if item["list"] == list_name]
        (folder / "data" / f"{LIST_RESOURCES[list_name]}.csv").write_text(csv_text(LIST_FIELDS[list_name], rows), encoding="utf-8")


def write_corrections(path, items):
    """The real package's correction records, once per town, for the items of that town the edition holds."""
    header, records = read_csv_text_with_header(ROOT / "data" / "corrections.csv")
    ids = {item["id"] for item in items}
    rows = []
    for code in sorted({item["id"].rpartition("-")[0] for item in items}):
        for record in records:
            item_id = code + "-" + record["item_id"].rpartition("-")[2]
            if item_id in ids:
                rows.append(dict(record, item_id=item_id))
    path.write_text(csv_text(header, rows), encoding="utf-8")


def read_csv_text_with_header(path):
    rows = read_csv_text(path.read_text(encoding="utf-8"))
    return list(rows[0].keys()), rows


def relax_id_pattern(schemas):
    """A many-town package: ids of any 9-digit division code."""
    for path in schemas.glob("*.json"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("^652325100-[0-9]{4}$", "^[0-9]{9}-[0-9]{4}$"), encoding="utf-8")


def write_combined(path, items):
    path.write_text(csv_text(ALL_FIELDS, [cells(item, ALL_FIELDS) for item in items]), encoding="utf-8")


if __name__ == "__main__":
    main()
