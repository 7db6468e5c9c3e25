"""What datapackage.json's descriptions state about the data, checked against it and derived from it.

Two statements are known, in the forms the descriptor writes them:

- a list resource's ``description`` states its number of items: "the 85 duties";
- any ``description`` (the package's, a resource's) states the edition: "edition of July 2025", which
  must be the descriptor's ``edition`` (YYYY-MM).

Everything else in a description is prose and is left alone. ``stale_statements`` lists what the
data contradicts (``dutylist validate``: warning ``description-stale``); ``refreshed`` rewrites those
numbers and months from the data (``dutylist fmt``, and ``import-source --write`` when it brings in a
new edition), so a description is never left saying what the data no longer holds.
"""

import re

from .names import is_edition
from .package import LIST_OF_RESOURCE

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
COUNT = re.compile(r"(?<![\w.,])\d+ duties\b")
EDITION = re.compile(r"\bedition of (?:" + "|".join(MONTHS) + r") \d{4}\b")


def edition_words(edition):
    """'July 2025' for '2025-07'; None for a value that is not YYYY-MM."""
    if not is_edition(edition):
        return None
    year, month = edition.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


def stale_statements(descriptor, counts):
    """(field, stated, derived) for each statement of a description that the data contradicts ('85 duties' where
    the list holds 86), in descriptor order. ``counts``: resource name -> its number of items (a list not counted
    is not checked)."""
    stale = []
    for field, text in _descriptions(descriptor):
        for pattern, derived in _expected(descriptor, counts, field):
            stale += [(field, match.group(), derived) for match in pattern.finditer(text) if match.group() != derived]
    return stale


def refreshed(descriptor, counts):
    """A copy of the descriptor whose descriptions state the data's counts and edition (all else as it was)."""
    updated = dict(descriptor)
    for field, text in _descriptions(descriptor):
        new = text
        for pattern, derived in _expected(descriptor, counts, field):
            new = pattern.sub(derived, new)
        if new == text:
            continue
        if field == "description":
            updated["description"] = new
        else:
            index = _resource_index(field)
            resources = updated["resources"] = list(updated["resources"])
            resources[index] = {**resources[index], "description": new}
    return updated


def _descriptions(descriptor):
    """(field, text) of the package's description and of each resource's."""
    if isinstance(descriptor.get("description"), str):
        yield "description", descriptor["description"]
    resources = descriptor.get("resources")
    for index, resource in enumerate(resources if isinstance(resources, list) else []):
        if isinstance(resource, dict) and isinstance(resource.get("description"), str):
            yield f"resources[{index}].description", resource["description"]


def _expected(descriptor, counts, field):
    """[(pattern, the text the data gives)] for the statements the description at field is checked for."""
    expected = []
    words = edition_words(descriptor.get("edition"))
    if words:
        expected.append((EDITION, f"edition of {words}"))
    if field != "description":
        name = descriptor["resources"][_resource_index(field)].get("name")
        if name in LIST_OF_RESOURCE and isinstance(counts.get(name), int):
            expected.append((COUNT, f"{counts[name]} duties"))
    return expected


def _resource_index(field):
    """3 for 'resources[3].description'."""
    return int(field[len("resources["):field.index("]")])
