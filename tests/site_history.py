"""The small history the site tests build: 1.0.0, the real package, then 1.1.0 with an item reworded, one
reclaimed and one added (tests/test_site.py, tests/test_site_browser.py); and the browser tests' site and Chromium."""

import shutil

from diff_repo import PackageRepo

# the system Chromium the browser tests drive (never `playwright install`), and the flags it runs with
CHROMIUM = "/usr/bin/chromium" if shutil.which("/usr/bin/chromium") else shutil.which("chromium")
CHROMIUM_MISSING = "chromium is not installed (apt-get install -y chromium; .ci/run installs it)"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

REWORDED, RECLAIMED, ADDED = "652325100-0003", "652325100-0125", "652325100-0183"


def make_history(root):
    """1.0.0 (the real package), then 1.1.0: an item reworded, one reclaimed, one added."""
    repo = PackageRepo(root)
    repo.commit("Publish the July 2025 edition", tag="base")
    repo.update("basic-duties", REWORDED, name="组织开展基层理论宣讲，深化习近平新时代中国特色社会主义思想进万家、进社区活动")
    taken = repo.take("coordinated-duties", RECLAIMED)
    repo.append("reclaimed-duties", id=taken["id"], category=taken["category"], name=taken["name"], departments=taken["departments"],
                handling="由县住房和城乡建设局负责城市体检工作。", page="42")
    repo.append("basic-duties", id=ADDED, category="民生服务", name="开展老年人防范电信网络诈骗宣传教育", page="10")
    repo.set_version("1.1.0")
    repo.commit("Edition 1.1.0: one item reworded, one reclaimed, one added")
    return repo


def built_site(tmp_path_factory):
    """(the history of make_history, the folder ``dutylist site`` built from it): the browser tests' site."""
    from click.testing import CliRunner

    from dutylist.cli import cli

    repo = make_history(tmp_path_factory.mktemp("history") / "repo")
    out = tmp_path_factory.mktemp("site") / "site"
    result = CliRunner().invoke(cli, ["site", "--repo", str(repo.root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return repo, out


def launched_chromium(playwright_api):
    """The system Chromium, headless, for as long as the generator is open (a module fixture yields from it)."""
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()
