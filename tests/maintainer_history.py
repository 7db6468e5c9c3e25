"""Repositories the tests of a maintainer's everyday work share (bare diff, the git driver, BOMs, descriptions).

``package_with_sources``: the package and the sources import-source reads, committed once.
``released_1_1_0``: 1.0.0 with its changelog, then 1.1.0 (release_history.edit_minor) made by `dutylist release`
and committed, tagged v1.1.0.
"""

import shutil

from diff_repo import ROOT, PackageRepo
from release_history import DATES, dutylist, edit_minor, release


def package_with_sources(root):
    repo = PackageRepo(root)
    shutil.copytree(ROOT / "sources", repo.root / "sources")
    repo.commit("Publish the July 2025 edition")
    return repo


def released_1_1_0(root):
    repo = PackageRepo(root)
    repo.commit("Publish the July 2025 edition as 1.0.0")
    assert dutylist(repo, "changelog").exit_code == 0
    repo.commit("Changelog of 1.0.0")
    edit_minor(repo)
    release(repo, epoch=DATES["1.1.0"])
    repo.commit("Release 1.1.0", tag="v1.1.0")
    return repo
