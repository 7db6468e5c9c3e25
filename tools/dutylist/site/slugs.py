"""File names for pages: stable across builds and histories, and safe on any file system and static host.

An item's page is named by its id, a version's by its number, when they are plain ASCII names
(letters, digits, ``.``, ``-``, ``_``, not starting with a dot); anything else (a hostile or unusual
value) gets a short hash of the value instead. A department's page is always named by a short hash of
its name: the name itself is Chinese, and its position in the register changes as the register grows.
"""

import hashlib

from ..core.names import is_slug


def short_hash(text, prefix):
    return prefix + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def item_slug(item_id):
    return item_id if is_slug(item_id) else short_hash(item_id, "item-")


def department_slug(name):
    return short_hash(name, "dept-")


def version_slug(version):
    return version if is_slug(version) and version != "index" else short_hash(version, "version-")


def unique_version_slugs(entries):
    """A slug per (preset slug or "", version, commit), newest first; a version listed twice gets its short commit too."""
    slugs = []
    for preset, version, commit in entries:
        slug = preset or version_slug(version or "unversioned")
        if slug in slugs:
            slug = f"{slug}-{commit[:7]}"
        slugs.append(slug)
    return slugs
