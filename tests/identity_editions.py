"""Editions for the identity tests (tests/test_identity*.py): the real extracted text changed one way at a time.

Each function takes a ``SourceText`` (tests/next_edition.py) of the package's own edition and changes it as
issue 21 lists the changes of a reform year; the caller renumbers and imports it through the command line.
"""

import re

from dutylist.core.package import read_csv_text

from conftest import ROOT
from diff_repo import PackageRepo
from next_edition import SOURCE, SourceText

EDITION = "2026-01"
LINKS = f"sources/{EDITION}.links.csv"
TRAP = "做好燃气使用安全隐患排查上报工作"  # another duty worded like basic 64, 做好自建房安全隐患排查上报工作


def package_repo(path):
    """A git repository holding the package at 2025-07 with its sources (one commit)."""
    import shutil

    repo = PackageRepo(path)
    shutil.copytree(ROOT / "sources", repo.root / "sources")
    repo.commit("edition 2025-07", tag="v1.0.0")
    return repo


def source():
    return SourceText(SOURCE.read_text(encoding="utf-8"))


def links(repo):
    """(list, seq) -> the links file's row."""
    return {(row["list"], int(row["seq"])): row for row in read_csv_text((repo.root / LINKS).read_text(encoding="utf-8"))}


def answer(repo, answers):
    """Edit the links file: (list, seq) -> id (written as manual) or '' (written as new)."""
    from dutylist.core.package import csv_text

    rows = read_csv_text((repo.root / LINKS).read_text(encoding="utf-8"))
    for row in rows:
        key = (row["list"], int(row["seq"]))
        if key in answers:
            row.update(id=answers[key], how="manual" if answers[key] else "new")
    (repo.root / LINKS).write_text(csv_text(list(rows[0]), rows), encoding="utf-8")


def new_duty_like_a_removed_one(text, category="城乡建设"):
    """Basic 64 (自建房) removed, and another duty worded like it (燃气使用) added to the basic list."""
    text.remove("basic", 64)
    text.append("basic", [category, TRAP])


def merge_bureaus(text, old="奇台县住房和城乡建设局", new="奇台县住房城乡建设和自然资源局"):
    """A bureau renamed in every cell, wrapped across lines or not."""
    pattern = re.compile(r"\s*".join(map(re.escape, old)))
    text.lines = [pattern.sub(new, line) for line in text.lines]


def set_cell(text, list_name, seq, column, value):
    """One cell of a row (0 is the 序号, 1 the category, 2 the name, ...) replaced."""
    index = text.find(list_name, seq)
    cells = text.lines[index].split("\t")
    cells[column] = value
    text.lines[index] = "\t".join(cells)
