"""``build_site(repo_folder, out)``: every page of the site written into one folder, as one change.

The site is built beside the output folder and swapped in at once (core/package.py write_folder_atomic):
a build that fails or is killed leaves the previous site as it was; nothing is written through a link.

The same history gives the same bytes: pages hold no build time, and everything is in a fixed order.

The site lists the files it writes in ``MANIFEST``. Built into a folder that holds an older site, it leaves out
the files that manifest lists and this build does not write (pages of items no longer in any version, say);
any other file of the folder is kept. A folder without a manifest loses nothing.
"""

import json
from importlib import resources
from pathlib import Path

from ..core.files import FileRefused, read_package_file
from ..core.names import resource_path_problem
from ..core.package import WriteError, write_folder_atomic
from . import pages
from .collect import collect
from .slugs import department_slug, item_slug

ASSETS = ("site.css", "search.js")
MANIFEST = "dutylist-site-files.json"  # {"generator": "dutylist site", "files": [relative path, ...]}: what the build wrote
MANIFEST_LIMIT = 16 << 20  # bytes: far above the manifest of a site of a million items


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
    stale = sorted(set(written_before(out)) - set(files) - {MANIFEST})
    files[MANIFEST] = json.dumps({"generator": "dutylist site", "files": sorted(files)}, ensure_ascii=False, indent=1) + "\n"
    write_folder_atomic(out, dict(sorted(files.items())), remove=stale)
    return {
        "output": str(out),
        "files": len(files),
        "removed": len(stale),
        "versions": [entry.title for entry in history.entries],
        "items": sum(1 for path in files if path.startswith("items/")),
        "departments": sum(1 for path in files if path.startswith("departments/")) - 1,
        "current": history.current.title,
        "in_git": history.in_git,
    }


def written_before(out):
    """The files the manifest of an earlier build in ``out`` lists ([] when there is none); WriteError when it cannot
    be read as one: a build never guesses what to delete."""
    try:
        data = read_package_file(out, MANIFEST, limit=MANIFEST_LIMIT) if out.is_dir() else None
    except FileRefused as refused:
        raise WriteError(f"{out / MANIFEST}: {refused.message}; move it away (then no file of the folder is removed)",
                         file=out / MANIFEST) from None
    if data is None:
        return []
    try:
        manifest = json.loads(data.decode("utf-8"))
        listed = manifest["files"] if isinstance(manifest, dict) and manifest.get("generator") == "dutylist site" else None
    except (UnicodeDecodeError, ValueError, KeyError):
        listed = None
    if not isinstance(listed, list) or not all(isinstance(path, str) for path in listed):
        raise WriteError(f"{out / MANIFEST}: is not the list of files an earlier `dutylist site` wrote; move it away "
                         f"(then no file of the folder is removed)", file=out / MANIFEST)
    for path in listed:
        problem = resource_path_problem(path)
        if problem:
            raise WriteError(f"{out / MANIFEST}: lists {path!r}, which {problem}; nothing is removed outside {out}: "
                             f"move the manifest away (then no file of the folder is removed)", file=out / MANIFEST)
    return listed
