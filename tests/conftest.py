import os
import shutil
from pathlib import Path

import pytest

from diff_repo import PackageRepo

if os.environ.get("DUTYLIST_MUTATION") == "1":
    # mutation runs (mutation/run.sh): a failing property is enough, shrinking it would only cost time
    from hypothesis import Phase, settings

    settings.register_profile("mutation", phases=[Phase.explicit, Phase.reuse, Phase.generate], database=None)
    settings.load_profile("mutation")

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_FILES = ("datapackage.json", "data", "schemas", "sources")


@pytest.fixture
def package_copy(tmp_path):
    """A copy of the real package in a temporary folder, free to break."""
    target = tmp_path / "package"
    target.mkdir()
    for name in PACKAGE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


@pytest.fixture
def repo(tmp_path):
    """A git repository holding a copy of the package, committed once and tagged ``base``; a module whose tests
    need another history defines its own ``repo``."""
    repository = PackageRepo(tmp_path / "repo")
    repository.commit("Publish the July 2025 edition", tag="base")
    return repository
