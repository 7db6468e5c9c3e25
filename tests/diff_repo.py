"""A real git repository holding a copy of the package, edited the way a maintainer edits it.

Reports show commit hashes, which change whenever the curated package changes; golden
comparisons replace them with stable names (``<commit 1>`` is the repository's first commit).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

from dutylist.core.package import csv_text, read_csv_text

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "diff"
UPDATE_GOLDEN = os.environ.get("DUTYLIST_UPDATE_GOLDEN") == "1"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Maintainer", "GIT_AUTHOR_EMAIL": "maintainer@example.org",
    "GIT_COMMITTER_NAME": "Maintainer", "GIT_COMMITTER_EMAIL": "maintainer@example.org",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+0000", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+0000",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
}


BASE_VERSION = "1.0.0"  # the version the copied package declares here, whatever the real package is at now
BASE_CREATED = "2026-11-29T00:00:00Z"  # and its date: `dutylist release` sets the real package's to the day it runs


BASE_CREATED = "2026-11-29T00:00:00Z"  # and the date it declares (a release of the real package sets its own)


def pin_first_version(descriptor):
    """The tests' history starts at 1.0.0: their expectations (bumps, labels, goldens) must not move with each release."""
    descriptor["version"] = BASE_VERSION
    descriptor["created"] = BASE_CREATED


class PackageRepo:
    def __init__(self, root, package=True):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        if package:
            shutil.copy2(ROOT / "datapackage.json", self.root / "datapackage.json")
            self.edit_json("datapackage.json", pin_first_version)
            for folder in ("data", "schemas"):
                shutil.copytree(ROOT / folder, self.root / folder, ignore=shutil.ignore_patterns("diff.json"))

    def git(self, *args):
        result = subprocess.run(["git", *args], cwd=self.root, env={**os.environ, **GIT_ENV},
                                capture_output=True, text=True, check=True)
        return result.stdout.strip()

    def commit(self, message, tag=None):
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        if tag:
            self.git("tag", tag)
        return self.git("rev-parse", "HEAD")

    def name_commits(self, text):
        """The text with each commit hash of this repository (full or 12-character) replaced by a stable name."""
        for number, commit in enumerate(self.git("rev-list", "--reverse", "--all").split(), start=1):
            text = text.replace(commit, f"<commit {number}>").replace(commit[:12], f"<commit {number}>")
        return text

    def path(self, resource):
        return self.root / "data" / f"{resource}.csv"

    def rows(self, resource):
        text = self.path(resource).read_text(encoding="utf-8")
        return list(read_csv_text(text)[0].keys()), read_csv_text(text)

    def write_rows(self, resource, fieldnames, rows):
        self.path(resource).write_text(csv_text(fieldnames, rows), encoding="utf-8", newline="")

    def take(self, resource, item_id):
        """Remove an item from a list and renumber the items after it, as the published lists are."""
        fieldnames, rows = self.rows(resource)
        taken = next(row for row in rows if row["id"] == item_id)
        rows = [row for row in rows if row["id"] != item_id]
        for number, row in enumerate(rows, 1):
            row["seq"] = str(number)
        self.write_rows(resource, fieldnames, rows)
        return taken

    def append(self, resource, **values):
        fieldnames, rows = self.rows(resource)
        row = {field: values.get(field, "") for field in fieldnames}
        row["seq"] = str(len(rows) + 1)
        self.write_rows(resource, fieldnames, rows + [row])

    def update(self, resource, item_id, **values):
        fieldnames, rows = self.rows(resource)
        for row in rows:
            if row["id"] == item_id:
                row.update(values)
        self.write_rows(resource, fieldnames, rows)

    def set_version(self, version, **other):
        descriptor = json.loads((self.root / "datapackage.json").read_text(encoding="utf-8"))
        descriptor.update(version=version, **other)
        (self.root / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    def edit_json(self, path, change):
        target = self.root / path
        document = json.loads(target.read_text(encoding="utf-8"))
        change(document)
        target.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# One maintainer edit per kind of change, with the version it calls for (the golden reports of tests/test_diff_cli.py).
def add_item(repo):
    repo.append("basic-duties", id="652325100-0183", category="民生服务", name="开展老年人防范电信网络诈骗宣传教育", page="10")


def remove_item(repo):
    repo.take("basic-duties", "652325100-0010")


def reclaim_item(repo):
    taken = repo.take("coordinated-duties", "652325100-0125")
    repo.append("reclaimed-duties", id=taken["id"], category=taken["category"], name=taken["name"], departments=taken["departments"],
                handling="由县住房和城乡建设局负责城市体检工作。", page="42")


def return_item(repo):
    taken = repo.take("reclaimed-duties", "652325100-0156")
    repo.append("basic-duties", id=taken["id"], category=taken["category"], name=taken["name"], page="10")


def move_item(repo):
    taken = repo.take("basic-duties", "652325100-0085")
    repo.append("coordinated-duties", id=taken["id"], category=taken["category"], name=taken["name"], departments="奇台县人民政府办公室",
                county_duties="1.统筹全县政务服务热线事项转办；\n2.督促办理反馈。", town_duties="做好转办事项的办理反馈工作。", page="36")


def change_items(repo):
    repo.update("basic-duties", "652325100-0003", name="组织开展基层理论宣讲，深化习近平新时代中国特色社会主义思想进万家、进社区活动")
    repo.update("coordinated-duties", "652325100-0140", departments="奇台县应急管理局、奇台县消防救援大队",
                town_duties="1.启动应急救援工作预案，开展先期处置，并及时上报申请增援；\n2.配合做好人员疏散；\n3.维护事故现场秩序，组织安抚遇险人员和遇险遇难人员亲属。")
    repo.update("coordinated-duties", "652325100-0121", page="24")


def rename_and_split(repo):
    taken = repo.take("basic-duties", "652325100-0040")
    repo.append("basic-duties", id="652325100-0180", category=taken["category"], page=taken["page"],
                name="开展禁毒宣传教育，负责本镇社区戒毒、社区康复工作，依法处置非法种植的毒品原植物")
    taken = repo.take("basic-duties", "652325100-0041")
    repo.append("basic-duties", id="652325100-0181", category=taken["category"], page=taken["page"], name="培育和践行社会主义核心价值观，开展新时代爱国主义教育")
    repo.append("basic-duties", id="652325100-0182", category=taken["category"], page=taken["page"], name="开展国防宣传教育，开展精神文明创建工作")


def change_metadata(repo):
    fieldnames, rows = repo.rows("departments")
    repo.write_rows("departments", fieldnames, rows + [{"name": "奇台县消防救援大队", "short_names": "县消防救援大队", "level": "county",
                                                        "name_en": "Qitai County Fire and Rescue Brigade", "note": ""}])
    fieldnames, rows = repo.rows("categories")
    for row in rows:
        if row["name"] == "民生服务":
            row["name_en"] = "Public services"
    repo.write_rows("categories", fieldnames, rows)

    def tighten(schema):
        for field in schema["fields"]:
            if field["name"] == "page":
                field["constraints"]["maximum"] = 40
            if field["name"] == "name":
                field["description"] = "The name of the duty (事项名称), the official wording."
    repo.edit_json("schemas/basic-duties.json", tighten)


EDITS = {
    "added": (add_item, "1.1.0"),
    "removed": (remove_item, "1.1.0"),
    "reclaimed": (reclaim_item, "1.1.0"),
    "returned": (return_item, "1.1.0"),
    "moved": (move_item, "1.1.0"),
    "changed": (change_items, "1.0.1"),
    "likely": (rename_and_split, "1.1.0"),
    "metadata": (change_metadata, "2.0.0"),
}


def assert_golden(name, text, repo=None):
    """Compare with tests/golden/diff/<name>; DUTYLIST_UPDATE_GOLDEN=1 rewrites the file first."""
    path = GOLDEN / name
    if repo is not None:
        text = repo.name_commits(text)
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    assert path.exists(), f"missing golden file {path}; run the tests with DUTYLIST_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8"), f"output differs from {path}; if the change is intended, regenerate with DUTYLIST_UPDATE_GOLDEN=1 and review the git diff"
