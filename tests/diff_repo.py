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


def pin_first_version(descriptor):
    """The tests' history starts at 1.0.0: their expectations (bumps, labels, goldens) must not move with each release."""
    descriptor["version"] = BASE_VERSION


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
