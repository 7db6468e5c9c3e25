"""The kinds of change a report names, their order and labels, and the bump levels each calls for: said once.

``compare()`` (diff/compare.py) emits these kinds, the document model (diff/layout.py), the site and the
changelog (release/changelog.py) label and order them from here, and ``dutylist release`` ranks bumps
with ``bump_rank``: a new kind added here is counted, labelled and listed everywhere, or a test fails
(tests/test_one_definition.py).
"""

BUMPS = ("none", "patch", "minor", "major")  # the bump levels, smallest first
RELEASE_BUMPS = BUMPS[:0:-1]  # major, minor, patch: the parts of MAJOR.MINOR.PATCH each one increases

KINDS = ("reclaimed", "returned", "added", "removed", "moved", "changed")  # an item's change, in report order
RENUMBERED = "renumbered"  # an item whose only change is its 序号: counted and listed apart, never a change
KIND_CHINESE = {
    "reclaimed": "上级部门收回", "returned": "交还乡镇", "added": "新增", "removed": "删除",
    "moved": "调整清单", "changed": "修改", RENUMBERED: "序号调整",
}
KIND_BUMPS = {"reclaimed": "minor", "returned": "minor", "added": "minor", "removed": "minor", "moved": "minor",
              "changed": "patch"}
KIND_LABELS = {kind: f"{KIND_CHINESE[kind]} {kind.capitalize()}" for kind in (*KINDS, RENUMBERED)}  # headings: 新增 Added
KIND_NAMES = {kind: f"{KIND_CHINESE[kind]} {kind}" for kind in KINDS}  # within a line: 新增 added

STRUCTURE_BUMPS = {"column-removed": "major", "column-renamed": "major", "column-duplicated": "major", "column-added": "minor"}
SCHEMA_BUMPS = {
    "resource-removed": "major", "field-removed": "major", "retyped": "major",
    "constraint-tightened": "major", "constraint-changed": "major", "changed": "major",
    "resource-added": "minor", "field-added": "minor", "constraint-loosened": "minor",
    "documented": "patch",
}


def bump_rank(bump):
    """The place of a bump level in BUMPS: a larger bump ranks higher (ValueError for no bump level)."""
    return BUMPS.index(bump)
