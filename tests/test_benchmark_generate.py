"""benchmarks/generate.py stays runnable and writes a whole, valid, seeded pair (the benchmarks themselves run by hand).

A small pair over three towns (the last one partial): every file complete (no .part left), each list renumbered
across the edition, the combined CSV holding the lists' items in edition order, correction records only for held
ids in town order, both editions valid for `dutylist validate`, and the same bytes from a second run.
"""

import csv
import subprocess
import sys

import pytest

from conftest import ROOT

from dutylist.core.package import LIST_RESOURCES, LISTS

pytestmark = pytest.mark.slow  # every test runs the generator in a Python process

FILES = ["old.csv", "new.csv"] + [f"{edition}/data/{name}.csv" for edition in ("old", "new")
                                  for name in [*LIST_RESOURCES.values(), "corrections", "categories", "departments"]]


def generate(out, items, seed=2025):
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--items", str(items), "--out", str(out),
                    "--seed", str(seed)], check=True, capture_output=True)


def records(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_small_pair_is_whole_renumbered_and_valid(tmp_path):
    generate(tmp_path / "pair", 400)
    pair = tmp_path / "pair"
    assert all((pair / name).is_file() for name in FILES)
    assert not list(pair.rglob("*.part"))
    assert len(records(pair / "old.csv")) == 400
    for edition in ("old", "new"):
        combined = records(pair / f"{edition}.csv")
        for list_name in LISTS:
            rows = records(pair / edition / "data" / f"{LIST_RESOURCES[list_name]}.csv")
            assert [row["seq"] for row in rows] == [str(number) for number in range(1, len(rows) + 1)]
            assert [(row["id"], row["seq"]) for row in rows] == [
                (row["id"], row["seq"]) for row in combined if row["list"] == list_name]
        held = {row["id"] for row in combined}
        corrected = [row["item_id"] for row in records(pair / edition / "data" / "corrections.csv")]
        assert corrected and set(corrected) <= held
        towns = [item_id.partition("-")[0] for item_id in corrected]
        assert towns == sorted(towns) and len(set(towns)) == 3
        validate = subprocess.run([sys.executable, "-m", "dutylist", "validate", str(pair / edition)], capture_output=True, text=True)
        assert validate.returncode == 0, validate.stdout + validate.stderr
    assert records(pair / "old.csv") != records(pair / "new.csv")


def test_the_same_seed_writes_the_same_bytes_and_no_items_still_write_headers(tmp_path):
    generate(tmp_path / "a", 400)
    generate(tmp_path / "b", 400)
    assert all((tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes() for name in FILES)
    generate(tmp_path / "c", 400, seed=7)
    assert (tmp_path / "c" / "new.csv").read_bytes() != (tmp_path / "a" / "new.csv").read_bytes()
    generate(tmp_path / "empty", 0)
    for name in FILES:
        if "categories" not in name and "departments" not in name:
            assert len((tmp_path / "empty" / name).read_text(encoding="utf-8").splitlines()) == 1, name
