"""The grammar of every name that becomes a path, in one place: versions, editions, resource paths, page slugs.

A name read from a package (or its history) is checked here *before* any path is built from it, and
every writer that writes into a folder of its own (changelog/, a site) also checks that the resolved
target stays inside that folder (``contained``). Each ``*_problem`` function returns None for a good
name, else the end of a sentence that starts with the value ("… is not a version …").
"""

import re
import stat
from pathlib import Path

from .errors import DutylistError
from .shown import quoted

VERSION = re.compile(r"(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})")  # whole match, ASCII digits
# what ``validate`` accepts as a version: a semantic version (semver.org), a pre-release or build suffix allowed;
# a release (``dutylist release``, changelog/) takes VERSION only
SEMANTIC_VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
EDITION = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
SLUG = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,79}")  # a page's file name without .html
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class NameRefused(DutylistError, ValueError):
    """A name breaks its grammar, or a target leaves its folder: the message says which and why."""


def is_version(value):
    """True for MAJOR.MINOR.PATCH: three whole numbers of at most nine ASCII digits, without leading zeros."""
    return isinstance(value, str) and VERSION.fullmatch(value) is not None


def version_problem(value):
    if is_version(value):
        return None
    return ("is not a version MAJOR.MINOR.PATCH (three whole numbers of at most nine digits, without leading "
            "zeros, like 1.2.0)")


def version_key(value):
    """A version as a tuple of integers, for ordering; NameRefused when it is not a version."""
    if not is_version(value):
        raise NameRefused(f"{quoted(value)} {version_problem(value)}")
    return tuple(int(part) for part in value.split("."))


def is_semantic_version(value):
    """True for a semantic version: MAJOR.MINOR.PATCH, then maybe a pre-release (-rc.1) or build (+build.5) suffix."""
    return isinstance(value, str) and SEMANTIC_VERSION.match(value) is not None


def semantic_version_key(value):
    """(major, minor, patch) of a semantic version, for ordering (its suffix is not compared); None for any other value."""
    match = SEMANTIC_VERSION.match(value) if isinstance(value, str) else None
    return tuple(int(part) for part in match.groups()) if match else None


def is_edition(value):
    """True for YYYY-MM (the month an edition was published)."""
    return isinstance(value, str) and EDITION.fullmatch(value) is not None


def resource_path_problem(path):
    """None for a path a package may name (relative, inside the package, plain), else what is wrong with it."""
    if not isinstance(path, str) or not path:
        return "is not a file path"
    if "://" in path:
        return "is a URL; a package here only holds local files (it is never fetched)"
    if path.startswith("/") or path.startswith("\\") or (len(path) > 1 and path[1] == ":"):
        return "is absolute; give a path relative to datapackage.json"
    if "\\" in path:
        return "holds a backslash; separate folders with / (a path relative to datapackage.json)"
    if CONTROL.search(path):
        return "holds a control character, which makes it not a possible file name here; give a plain relative path"
    parts = path.split("/")
    if ".." in parts:
        return "points outside the package folder (it has a .. component)"
    if any(part.lower() == ".git" for part in parts):
        return "points into .git, which is never part of a package"
    return None


def is_slug(value):
    """True for a plain ASCII file name (letters, digits, ``.``, ``-``, ``_``, not starting with a dot, at most 80)."""
    return isinstance(value, str) and SLUG.fullmatch(value) is not None




def contained(folder, relative):
    """folder/relative, after checking that relative is a plain relative path and that no part of the target
    below folder is a symbolic link (or anything but a folder on the way): the target cannot leave folder.

    Raises NameRefused naming the target. The target itself may be missing or a regular file; the caller
    (the atomic writer) checks what it replaces.
    """
    problem = resource_path_problem(relative)
    if problem:
        raise NameRefused(f"{Path(folder) / str(relative)!s}: the name {quoted(relative)} {problem}; nothing is written outside {folder}")
    folder = Path(folder)
    target = folder
    for part in relative.split("/"):
        if part in ("", "."):
            continue
        target = target / part
        try:
            mode = target.lstat().st_mode
        except FileNotFoundError:
            break
        except OSError as error:
            raise NameRefused(f"{target}: cannot be checked ({error.strerror or error})") from None
        if stat.S_ISLNK(mode):
            raise NameRefused(f"{target}: is a symbolic link inside {folder}; nothing is written through it "
                              f"(remove the link, then run the command again)")
    root = folder.resolve()
    if not (root / relative).resolve().is_relative_to(root):
        raise NameRefused(f"{folder / relative}: leads outside {folder}; nothing is written there")
    return folder / relative
