"""A reform year's edition of the list, with its own truth, and a scorer of the importer's links (run by hand).

    .venv/bin/python benchmarks/hard_edition.py --seeds 1 2 3            # generate, import, score
    .venv/bin/python benchmarks/hard_edition.py --seeds 1 --keep /tmp/hard  # keep the editions and repos

``hard_edition(seed)`` makes, from the package's own source (sources/*-2025-07.extracted.txt, the
rows linked to their ids by sources/2025-07.links.csv), the extracted text of a next edition in the
layout the importer reads, as a county's reform year changes a list all at once:

- 25 names reworded, light (a verb or a word swapped, 本镇 added or dropped) to heavy (the subject
  kept, the rest rewritten), one of them a name shortened to a part of itself;
- two bureaus merged and renamed everywhere (departments, handling, duties);
- 6 items moved between lists (basic → reclaimed, reclaimed → basic, coordinated → basic,
  basic → coordinated), half of them reworded as they move;
- two items merged into one, one split into two;
- 5 items removed; 8 new duties, 3 of them worded like a removed one with another object;
- 10 categories reassigned; each list reordered in places and renumbered; page breaks moved;
- fresh extraction damage: characters misread as Latin letters or digits, spaces, and two names lost.

The truth says, for every row of the new edition, which ids are right for it: one id for a
continuing item, either id for the merged row, the old id or a new one for each half of the split,
none for a new duty. ``score`` imports the edition into a git copy of the package through the
command line (``dutylist import-source NEXT --edition 2026-01 --write --format json``), and counts:

- **wrong ids written without review**: rows linked ``exact`` or ``likely`` to an id that is not
  right for them (a new duty given a retired id, one duty given another's);
- **rows put to review** (``how`` = ``review``), then answered from the truth (``manual`` with the
  right id, or ``new``) and imported again with ``--write``;
- **continuing items keeping their id** once the review is answered.
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from dutylist.core.package import read_csv_text  # noqa: E402
from dutylist.importing.parse import HEADER_START, parse_source, title_list  # noqa: E402

SOURCE = ROOT / "sources" / "qitai-town-duty-list-2025-07.extracted.txt"
LINKS = ROOT / "sources" / "2025-07.links.csv"
EDITION = "2026-01"
COLUMNS = {"basic": ("category", "name"),
           "coordinated": ("category", "name", "departments", "county_duties", "town_duties"),
           "reclaimed": ("category", "name", "departments_handling")}
MERGED_BUREAUS = ("奇台县住房和城乡建设局", "奇台县自然资源局")
MERGED_NAME = "奇台县住房城乡建设和自然资源局"
SYNONYMS = [("做好", "抓好"), ("负责", "承担"), ("加强", "强化"), ("开展", "组织开展"), ("落实", "贯彻落实"),
            ("工作", "事务"), ("管理", "管控"), ("组织", "统筹"), ("推进", "推动"), ("建设", "构建"), ("监督", "监管"),
            ("宣传", "宣讲"), ("协助", "配合"), ("指导", "督导"), ("完善", "健全"), ("服务", "保障")]
OBJECTS = ["燃气使用", "电动自行车", "校外培训", "农村饮水", "防汛物资", "流动人口", "餐饮油烟", "养犬登记",
           "古树名木", "地下管网", "户外广告", "二次供水", "冬季供暖", "快递网点", "共享单车", "粮食收储",
           "农机作业", "林草防火", "野生动物", "畜禽屠宰", "渣土运输", "噪声扰民", "光伏电站", "充电桩",
           "无人机", "网约车", "直播带货", "预付卡", "电梯运行", "游泳场所", "高空抛物", "外卖配送",
           "冷链食品", "农药包装", "秸秆焚烧", "地质灾害", "尾矿库", "加油站点", "民宿经营", "旅游包车"]
VERBS = ["做好", "负责", "组织开展", "协助做好", "加强", "落实"]
TAILS = ["，定期上报工作情况", "，建立工作台账", "，做好宣传引导", "，及时处置发现的问题", "工作"]
LOOKALIKE = {"加": "D", "工": "T", "土": "±", "口": "O", "日": "E", "人": "A", "十": "+", "一": "1", "二": "2", "力": "h"}


def read_rows(text=None, links=None):
    """An edition (default: the package's own) as rows: list, id, raw cells (as extracted), in document order.

    ``text``: its extracted text; ``links``: the text of its links file."""
    text = text if text is not None else SOURCE.read_text(encoding="utf-8")
    links = links if links is not None else LINKS.read_text(encoding="utf-8")
    ids = {(row["list"], int(row["seq"])): row["id"] for row in read_csv_text(links)}
    parsed = parse_source(text)
    rows = []
    for raw in parsed.rows:
        cells = {name: raw.cells[name] for name in COLUMNS[raw.list]}
        rows.append({"list": raw.list, "id": ids[(raw.list, raw.seq)], "cells": cells, "kind": "unchanged"})
    return text, rows


def clean(text):
    """A cell without the spaces the PDF's line wraps left (the importer's join-wrapped-lines)."""
    return re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", text.strip())


def merge_bureaus(rows):
    """Two bureaus merged and renamed in every cell, short names too, wrapped or not."""
    names = [*MERGED_BUREAUS, *(name.removeprefix("奇台") for name in MERGED_BUREAUS)]
    pattern = re.compile("|".join(r"\s*".join(map(re.escape, name)) for name in sorted(names, key=len, reverse=True)))
    touched = 0
    for row in rows:
        for name, text in row["cells"].items():
            new = pattern.sub(lambda m: MERGED_NAME if m.group(0).startswith("奇") else MERGED_NAME[2:], text)
            new = re.sub(rf"{MERGED_NAME}(、{MERGED_NAME})+", MERGED_NAME, new)
            if new != text:
                row["cells"][name] = new
                touched += 1
    return touched


def clauses(name):
    return [part for part in re.split(r"[,，;；]", name) if part]


def reword(name, level, rng):
    """A new wording of a name: light (one word swapped), medium (a clause dropped or added), heavy (subject kept)."""
    name = clean(name)
    if level == "light":
        choices = [(old, new) for old, new in SYNONYMS if old in name] + [(new, old) for old, new in SYNONYMS if new in name]
        if choices:
            old, new = rng.choice(choices)
            return name.replace(old, new, 1)
        return name.replace("本镇", "", 1) if "本镇" in name else "做好" + name
    parts = clauses(name)
    if level == "medium":
        if len(parts) > 1:
            return "，".join(parts[:-1]) if rng.random() < 0.5 else "，".join(parts[1:])
        return name + rng.choice(TAILS)
    subject = max(parts, key=len)  # heavy: the longest clause keeps the subject, stripped of its verb
    for verb in ("负责", "做好", "组织开展", "开展", "加强", "落实", "协助", "配合"):
        subject = subject.removeprefix(verb)
    subject = subject.removeprefix("本镇")
    return rng.choice(["负责本镇", "做好", "统筹推进", "协助开展"]) + subject + rng.choice(TAILS)


def shorten(name):
    """A name cut to a part of itself (its longest clause, without its opening verb)."""
    part = max(clauses(clean(name)), key=len)
    return part[2:] if len(part) > 8 else part


def other_object(name, rng, df, objects):
    """The name of another duty worded like this one: its rarest run of characters replaced by another object."""
    name = clean(name)
    best = None
    for size in (4, 3, 2):
        for start in range(len(name) - size + 1):
            span = name[start:start + size]
            if re.search(r"[^\u4e00-\u9fff]", span):
                continue
            rarity = sum(df.get(span[i:i + 2], 0) for i in range(size - 1)) / (size - 1)
            if best is None or rarity < best[0]:
                best = (rarity, start, size)
        if best and best[0] <= 1:
            break
    _, start, size = best
    return name[start:start + size], rng.choice(objects)


def damage(row, rng, lose_name=False):
    cells = row["cells"]
    if lose_name:
        cells["name"] = ""
        return
    name = cells["name"]
    spots = [index for index, char in enumerate(name) if char in LOOKALIKE]
    if spots and rng.random() < 0.7:
        index = rng.choice(spots)
        cells["name"] = name[:index] + LOOKALIKE[name[index]] + name[index + 1:]
    else:
        index = rng.randrange(1, max(len(name) - 1, 2))
        cells["name"] = name[:index] + " " + name[index:]


def move(row, target, rng):
    """The row moved to another list, its cells made to fit that list's columns."""
    cells = row["cells"]
    department = rng.choice(["奇台县民政局", "奇台县应急管理局", "奇台县市场监督管理局", "奇台县卫生健康委员会"])
    if target == "basic":
        new = {"category": cells["category"], "name": cells["name"]}
    elif target == "reclaimed":
        handling = clean(cells.get("county_duties", "")) or f"由{department[2:]}负责{clean(cells['name'])}。"
        new = {"category": cells["category"], "name": cells["name"],
               "departments_handling": f"{cells.get('departments') or department}: {handling}"}
    else:
        new = {"category": cells["category"], "name": cells["name"], "departments": department,
               "county_duties": f"1.统筹{clean(cells['name'])}; 2.指导奇台镇开展工作。",
               "town_duties": "1.按要求落实; 2.及时上报情况。"}
    row["list"], row["cells"] = target, new


def hard_edition(seed, text=None, links=None):
    """(text, truth) of a reform year's next edition, made with ``seed`` from the package's own edition (or from
    the edition of ``text`` whose links file is ``links``)."""
    rng = random.Random(seed)
    text, rows = read_rows(text, links)
    df = {}
    for row in rows:
        name = clean(row["cells"]["name"])
        for gram in {name[i:i + 2] for i in range(len(name) - 1)}:
            df[gram] = df.get(gram, 0) + 1
    for row in rows:
        row["ok"] = {row["id"]}
    named = [row for row in rows if clean(row["cells"]["name"]) and len(clean(row["cells"]["name"])) >= 6]
    pool = named[:]
    rng.shuffle(pool)
    take = lambda n, where=None: [pool.pop(next(i for i, r in enumerate(pool) if where is None or where(r))) for _ in range(n)]  # noqa: E731

    merge_bureaus(rows)
    everything = "\n".join(clean(row["cells"]["name"]) for row in rows)
    objects = [word for word in OBJECTS if word not in everything]  # a new duty is about something no duty is about
    removed = take(3, lambda r: len(clean(r["cells"]["name"])) <= 16) + take(2)  # the first three have a look-alike
    for row in removed:
        rows.remove(row)
    truth_removed = [row["id"] for row in removed]
    new_rows = []
    for row in removed[:3]:  # worded like a removed duty, another duty
        old, new = other_object(row["cells"]["name"], rng, df, objects)  # the same words about another object, in every cell
        cells = {name: clean(text).replace(old, new) for name, text in row["cells"].items()}
        new_rows.append({"list": row["list"], "id": None, "cells": cells, "kind": "new-like-removed", "ok": {None}})
    names = {clean(row["cells"]["name"]) for row in rows} | {clean(row["cells"]["name"]) for row in new_rows}
    while len(new_rows) < 8:  # new duties, none named as a duty of the edition
        name = rng.choice(VERBS) + rng.choice(objects) + rng.choice(["安全检查", "日常管理", "排查整治", "宣传引导", "统计上报"]) + rng.choice(TAILS)
        if name in names:
            continue
        names.add(name)
        new_rows.append({"list": "basic", "id": None, "cells": {"category": rng.choice(["平安法治", "民生服务", "城乡建设"]), "name": name},
                         "kind": "new", "ok": {None}})
    levels = ["light"] * 10 + ["medium"] * 8 + ["heavy"] * 6
    for row, level in zip(take(len(levels)), levels):
        row["cells"]["name"] = reword(row["cells"]["name"], level, rng)
        row["kind"] = f"reworded-{level}"
    [short] = take(1, lambda r: len(max(clauses(clean(r["cells"]["name"])), key=len)) >= 10)
    short["cells"]["name"], short["kind"] = shorten(short["cells"]["name"]), "shortened"
    moves = [("basic", "reclaimed"), ("reclaimed", "basic"), ("coordinated", "basic"), ("basic", "coordinated"),
             ("basic", "reclaimed"), ("coordinated", "basic")]
    for number, (source, target) in enumerate(moves):
        [row] = take(1, lambda r, source=source: r["list"] == source)
        if number % 2:
            row["cells"]["name"] = reword(row["cells"]["name"], rng.choice(["light", "medium"]), rng)
        move(row, target, rng)
        row["kind"] = f"moved-{source}-{target}" + ("-reworded" if number % 2 else "")
    basic = [row for row in rows if row["list"] == "basic" and row in pool]
    first = rng.choice(basic[:-1])
    second = next(row for row in rows[rows.index(first) + 1:] if row["list"] == "basic" and row in pool)
    pool.remove(first), pool.remove(second)
    first["cells"]["name"] = clauses(clean(first["cells"]["name"]))[0] + "，" + clauses(clean(second["cells"]["name"]))[0]
    first["ok"], first["kind"] = {first["id"], second["id"]}, "merged"
    rows.remove(second)
    names = {clean(row["cells"]["name"]) for row in rows}
    [split] = take(1, lambda r: r["list"] == "basic" and len(clauses(clean(r["cells"]["name"]))) >= 2
                   and not {"，".join(clauses(clean(r["cells"]["name"]))[:1]), clauses(clean(r["cells"]["name"]))[-1]} & names)
    parts = clauses(clean(split["cells"]["name"]))
    half = max(1, len(parts) // 2)
    other = {"list": "basic", "id": None, "cells": {**split["cells"], "name": "，".join(parts[half:])}, "kind": "split", "ok": {split["id"], None}}
    split["cells"]["name"], split["kind"], split["ok"] = "，".join(parts[:half]), "split", {split["id"], None}
    rows.insert(rows.index(split) + 1, other)
    categories = sorted({row["cells"]["category"] for row in rows if row["cells"]["category"]})
    for row in rng.sample([row for row in rows if row.get("id")], 10):
        row["cells"]["category"] = rng.choice([c for c in categories if c != row["cells"]["category"]])
        row["kind"] += "+category"
    for row in take(6, lambda r: r["list"] == "basic"):
        damage(row, rng)
        row["kind"] += "+damage"
    for row in take(2, lambda r: r["list"] != "basic"):
        damage(row, rng, lose_name=True)
        row["kind"] += "+name-lost"
    for row in new_rows:  # each new duty at a random place of its list
        places = [index for index, other_row in enumerate(rows) if other_row["list"] == row["list"]]
        rows.insert(rng.choice(places) + 1, row)
    rows = _reorder(rows, rng)
    return _render(text, rows, rng), _truth(rows, truth_removed)


def _reorder(rows, rng):
    """Each list in document order with a few runs of rows swapped."""
    ordered = []
    for list_name in COLUMNS:
        mine = [row for row in rows if row["list"] == list_name]
        for _ in range(3):
            start = rng.randrange(0, len(mine) - 6)
            size = rng.randint(2, 3)
            mine[start:start + 2 * size] = mine[start + size:start + 2 * size] + mine[start:start + size]
        ordered.extend(mine)
    return ordered


def _render(text, rows, rng):
    """The edition's extracted text: the preamble, each list's title, pages of rows under the repeated header."""
    lines = text.split("\n")
    first_title = next(index for index, line in enumerate(lines) if title_list(line))
    titles = {title_list(line): line for line in lines if title_list(line)}
    headers = {}
    current = None
    for line in lines:
        current = title_list(line) or current
        if line.startswith(HEADER_START) and current not in headers:
            headers[current] = line
    out = lines[:first_title]
    pages = []
    for list_name in COLUMNS:
        out += [titles[list_name], ""]
        mine = [row for row in rows if row["list"] == list_name]
        seq = 0
        while mine:
            size = rng.randint(3, 8)
            page, mine = mine[:size], mine[size:]
            out.append(headers[list_name])
            for row in page:
                seq += 1
                row["seq"] = seq
                out.append("\t".join([str(seq), *(row["cells"].get(name, "") for name in COLUMNS[list_name])]))
            pages.append(len(out))
            out += ["", "FOOTER", ""]
    total = len(pages)
    number = 0
    for index, line in enumerate(out):
        if line == "FOOTER":
            number += 1
            out[index] = f"第 {number} 页, 共 {total} 页"
    return "\n".join(out) + "\n"


def _truth(rows, removed):
    """Each row's right ids; rows that read alike in every cell (the same name and content, or none) are
    told apart by nothing but their order, so each may hold any of their ids."""
    alike = {}
    for row in rows:
        alike.setdefault((row["list"], *(clean(row["cells"].get(name, "")) for name in COLUMNS[row["list"]][1:])), set()).update(row["ok"])
    return {"rows": [{"list": row["list"], "seq": row["seq"], "kind": row["kind"], "ids": sorted(
        i or "" for i in (alike[(row["list"], *(clean(row["cells"].get(name, "")) for name in COLUMNS[row["list"]][1:]))]
                          if len(row["ok"]) == 1 and None not in row["ok"] else row["ok"]))} for row in rows], "removed": removed}


DUTYLIST = [str(Path(sys.executable).parent / "dutylist")]


def dutylist(*args, cwd):
    return subprocess.run([*DUTYLIST, *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.org",
                               "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.org"})


def package_repo(folder):
    """A git repository holding a copy of the package (one commit)."""
    folder.mkdir(parents=True)
    for name in ("datapackage.json", "data", "sources", "schemas"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        elif source.exists():
            shutil.copy(source, folder / name)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "edition 2025-07"]):
        subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True,
                       env={**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.org",
                            "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.org"})
    return folder


def read_links(repo, edition=EDITION):
    return read_csv_text((repo / "sources" / f"{edition}.links.csv").read_text(encoding="utf-8"))


def score(text, truth, folder):
    """Import the edition into a copy of the package, answer its review from the truth, and count."""
    return import_and_answer(package_repo(folder / "repo"), text, truth, folder / "NEXT.txt")


def import_and_answer(repo, text, truth, source, edition=EDITION):
    """Import the edition into the package of ``repo`` with --write, answer its review from the truth, --write
    again, and count (the first import's links, then the links once answered)."""
    source.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    first = dutylist("import-source", str(source), "--edition", edition, "--write", "--format", "json", cwd=repo)
    elapsed = time.perf_counter() - started
    if first.returncode not in (0, 1) or not (repo / "sources" / f"{edition}.links.csv").exists():
        raise SystemExit(f"import failed ({first.returncode}): {first.stdout[-2000:]} {first.stderr[-2000:]}")
    right = {(row["list"], int(row["seq"])): row for row in truth["rows"]}
    links = read_links(repo, edition)
    first_links = links
    wrong, review = [], []
    for link in links:
        expected = right[(link["list"], int(link["seq"]))]
        if link["how"] == "review":
            review.append(link)
        elif link["how"] in ("exact", "likely") and link["id"] not in expected["ids"]:
            wrong.append((link, expected))
    answered = _answer(links, right)
    if review:
        (repo / "sources" / f"{edition}.links.csv").write_text(answered, encoding="utf-8")
        again = dutylist("import-source", str(source), "--edition", edition, "--write", "--format", "json", cwd=repo)
        if again.returncode != 0:
            raise SystemExit(f"the answered import failed ({again.returncode}): {again.stdout[-3000:]}")
        links = read_links(repo, edition)
    final = {(link["list"], int(link["seq"])): link["id"] for link in links}
    continuing = [row for row in truth["rows"] if any(row["ids"])]
    kept = [row for row in continuing if final[(row["list"], row["seq"])] in row["ids"]
            or ("" in row["ids"] and final[(row["list"], row["seq"])] not in _all_old(truth))]
    split_ids = {i for row in continuing if "" in row["ids"] for i in row["ids"] if i}
    held = {final[(row["list"], row["seq"])] for row in continuing if "" in row["ids"]}
    missing_split = [i for i in split_ids if i not in held]
    return {"rows": len(truth["rows"]), "continuing": len(continuing), "wrong_without_review": len(wrong),
            "review": len(review), "kept": len(kept) - len(missing_split), "seconds": round(elapsed, 2),
            "wrong": [(w["list"], w["seq"], w["id"], w["how"], w["score"], e["kind"]) for w, e in wrong],
            "first_links": first_links, "links": links,
            "lost": [(row["list"], row["seq"], row["kind"], final[(row["list"], row["seq"])]) for row in continuing if row not in kept]}


def _all_old(truth):
    return {i for row in truth["rows"] for i in row["ids"] if i} | set(truth["removed"])


def _answer(links, right):
    """The links file with every review row answered from the truth: manual with the right id, or new."""
    from dutylist.core.package import csv_text

    taken = {link["id"] for link in links if link["how"] != "review" and link["id"]}
    rows = []
    for link in links:
        link = dict(link)
        if link["how"] == "review":
            ids = [i for i in right[(link["list"], int(link["seq"]))]["ids"] if i and i not in taken]
            proposed = link["id"].split()
            ids = [i for i in proposed if i in ids] or ids
            if ids:
                link.update(id=ids[0], how="manual")
                taken.add(ids[0])
            else:
                link.update(id="", how="new")
        rows.append(link)
    return csv_text(list(rows[0]), rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--keep", type=Path, help="keep each seed's edition, truth and repository in this folder")
    parser.add_argument("--details", action="store_true", help="list the wrong and lost links")
    parser.add_argument("--dutylist", help="the command to score (default: the dutylist beside this Python), "
                        "e.g. another checkout's: 'env PYTHONPATH=../main/tools python3 -m dutylist'")
    arguments = parser.parse_args()
    if arguments.dutylist:
        DUTYLIST[:] = arguments.dutylist.split()
    totals = {}
    for seed in arguments.seeds:
        text, truth = hard_edition(seed)
        folder = (arguments.keep / f"seed-{seed}") if arguments.keep else Path(tempfile.mkdtemp(prefix="hard-edition-"))
        if folder.exists() and arguments.keep:
            shutil.rmtree(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
        result = score(text, truth, folder)
        if not arguments.keep:
            shutil.rmtree(folder)
        print(f"seed {seed}: {result['rows']} rows, {result['continuing']} continuing; wrong ids written without review "
              f"{result['wrong_without_review']}; put to review {result['review']}; kept their id {result['kept']}/"
              f"{result['continuing']} ({100 * result['kept'] / result['continuing']:.1f} %); import {result['seconds']} s")
        if arguments.details:
            for entry in result["wrong"]:
                print("  wrong:", *entry)
            for entry in result["lost"]:
                print("  lost:", *entry)
        for key in ("rows", "continuing", "wrong_without_review", "review", "kept"):
            totals[key] = totals.get(key, 0) + result[key]
    print(f"all: wrong without review {totals['wrong_without_review']}, review {totals['review']} of {totals['rows']} rows, "
          f"kept {totals['kept']}/{totals['continuing']} ({100 * totals['kept'] / totals['continuing']:.1f} %)")


if __name__ == "__main__":
    main()
