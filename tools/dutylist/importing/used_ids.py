"""Every id the package has ever used, so that a new item never gets a retired id.

An id counts as used if it appears in any CSV of the package (the lists, the corrections, the
links files under sources/) in the working tree or in any version of such a file anywhere in the
git history (every branch and tag). Outside a git repository only the working tree is searched.
"""

import re
from pathlib import Path

SEARCHED = (("data", "*.csv"), ("sources", "*.links.csv"))


def ids_ever_used(repo, prefix):
    pattern = re.compile(rf"{re.escape(prefix)}[0-9]{{4}}")
    found = set()
    repo = Path(repo)
    for folder, glob in SEARCHED:
        for path in sorted((repo / folder).glob(glob)):
            if path.is_file() and not path.is_symlink():
                found.update(pattern.findall(path.read_text(encoding="utf-8", errors="replace")))
    found.update(_ids_in_history(repo, pattern))
    return found


def _ids_in_history(folder, pattern):
    import git  # imported here so that commands without git history start fast

    try:
        repo = git.Repo(folder, search_parent_directories=True)
        root = Path(repo.working_tree_dir).resolve()
        inside = folder.resolve().relative_to(root).as_posix()
        listing = repo.git.rev_list("--all", "--objects")
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, git.GitCommandError, ValueError, TypeError):
        return set()
    prefix = "" if inside == "." else inside + "/"
    found, seen = set(), set()
    for line in listing.splitlines():
        sha, _, path = line.partition(" ")
        if not path.startswith(prefix) or not path.endswith(".csv") or sha in seen:
            continue
        seen.add(sha)
        data = repo.odb.stream(bytes.fromhex(sha)).read()
        found.update(pattern.findall(data.decode("utf-8", errors="replace")))
    return found
