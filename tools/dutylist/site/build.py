"""``build_site(repo_folder, out)``: every page of the site written into one folder, as one change.

The site is built beside the output folder and swapped in at once (core/package.py write_folder_atomic):
a build that fails or is killed leaves the previous site as it was; nothing is written through a link.

The same history gives the same bytes: pages hold no build time, and everything is in a fixed order.
"""

from importlib import resources
from pathlib import Path

from ..core.package import write_folder_atomic
from . import pages
from .collect import collect
from .slugs import department_slug, item_slug

ASSETS = ("site.css", "search.js")


def site_files(history):
    """{relative path: text} of every file of the site."""
    files = {f"assets/{name}": resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8") for name in ASSETS}
    items = pages.all_items(history)
    known_ids = set(items)
    files["index.html"] = pages.index_page(history)
    for item_id in sorted(items):
        entry, item = items[item_id]
        files[f"items/{item_slug(item_id)}.html"] = pages.item_page(history, item_id, entry, item, known_ids)
    for entry in history.entries:
        files[f"versions/{entry.slug}.html"] = pages.version_page(entry, known_ids)
    files["versions/index.html"] = pages.versions_index_page(history)
    names = pages.departments_of(history)
    changes = pages.department_changes(history)
    for name in names:
        files[f"departments/{department_slug(name)}.html"] = pages.department_page(history, name, changes.get(name, []), known_ids)
    files["departments/index.html"] = pages.departments_index_page(history, names, changes)
    return files


def build_site(repo_folder, out):
    """Write the site; returns a summary for the command line (plain data)."""
    history = collect(repo_folder)
    files = site_files(history)
    out = Path(out)
    write_folder_atomic(out, dict(sorted(files.items())))
    return {
        "output": str(out),
        "files": len(files),
        "versions": [entry.title for entry in history.entries],
        "items": sum(1 for path in files if path.startswith("items/")),
        "departments": sum(1 for path in files if path.startswith("departments/")) - 1,
        "current": history.current.title,
        "in_git": history.in_git,
    }
