"""Small editions built in memory, shaped as ``core.edition.load_edition`` returns them, for the pure cores."""

import copy

PREFIX = "652325100-"


def item(number, list_name="basic", seq=None, **fields):
    """An item of a list; ``number`` makes its id (652325100-0001 …)."""
    found = {"list": list_name, "id": f"{PREFIX}{number:04d}", "seq": number if seq is None else seq,
             "category": "民生服务", "name": f"事项{number}", "page": 1}
    if list_name in ("coordinated", "reclaimed"):
        found["departments"] = ["奇台县民政局"]
    if list_name == "coordinated":
        found.update(county_duties=["1.统筹。"], town_duties=["1.配合。"])
    if list_name == "reclaimed":
        found["handling"] = ["1.由县负责。"]
    found.update(fields)
    return found


def edition(*items, version="1.0.0", label="side", descriptor=None, registers=None, corrections=None, schemas=None):
    return {
        "label": label,
        "descriptor": {"name": "qitai-town-duty-list", "version": version, **(descriptor or {})},
        "items": {entry["id"]: entry for entry in items},
        "registers": registers or {"categories": {}, "departments": {}},
        "corrections": corrections or [],
        "schemas": schemas or {},
    }


def changed(base, edits):
    """A deep copy of an edition with some items replaced: edits map an id to the new item (None removes it)."""
    new = copy.deepcopy(base)
    for item_id, value in edits.items():
        if value is None:
            new["items"].pop(item_id, None)
        else:
            new["items"][item_id] = value
    return new
