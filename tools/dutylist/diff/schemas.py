"""Table Schema changes between two editions, found with deepdiff and classified for the version policy.

Each change is ``{"resource", "field", "change", "key", "old", "new"}`` where change is one of
resource-added, resource-removed, field-added, field-removed, retyped, constraint-tightened,
constraint-loosened, constraint-changed, documented (title, description, …) or changed.
"""

TYPE_KEYS = ("type", "format", "itemType", "delimiter")
DOCUMENTATION_KEYS = ("title", "description", "example", "rdfType")
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength")
FLAGS = ("required", "unique")


def schema_changes(old_schemas, new_schemas):
    changes = []
    for resource in sorted(old_schemas.keys() | new_schemas.keys()):
        if resource not in new_schemas:
            changes.append(_change(resource, None, "resource-removed"))
        elif resource not in old_schemas:
            changes.append(_change(resource, None, "resource-added"))
        elif old_schemas[resource] != new_schemas[resource]:  # deepdiff only where something differs
            changes.extend(_resource_changes(resource, _normalised(old_schemas[resource]), _normalised(new_schemas[resource])))
    return changes


def _normalised(schema):
    """Fields keyed by name, so that a field is compared with its namesake whatever its position."""
    schema = dict(schema) if isinstance(schema, dict) else {}
    fields = schema.get("fields") if isinstance(schema.get("fields"), list) else []
    schema["fields"] = {field.get("name"): field for field in fields if isinstance(field, dict)}
    return schema


def _resource_changes(resource, old, new):
    from deepdiff import DeepDiff  # imported here: only diff needs it

    difference = DeepDiff(old, new, ignore_order=True, view="tree")
    locations = set()
    for levels in difference.values():
        for level in levels:
            locations.add(_location(level.path(output_format="list")))
    changes = []
    for location in sorted(locations, key=lambda parts: [str(part) for part in parts]):
        changes.extend(_classified(resource, location, old, new))
    return changes


def _location(path):
    """The part of a deepdiff path that decides what kind of change it is."""
    if path[0] == "fields":
        if len(path) > 2 and path[2] == "constraints":
            return tuple(path[:4])
        return tuple(path[:3])
    return tuple(path[:1])


def _classified(resource, location, old, new):
    if location[0] != "fields":
        key = location[0]
        return [_change(resource, None, "documented" if key in DOCUMENTATION_KEYS else "changed", key, old.get(key), new.get(key))]
    if len(location) == 1:  # the whole "fields" changed (every field gone, or none before): each field added or removed
        old_names, new_names = old["fields"].keys(), new["fields"].keys()
        return [_change(resource, name, "field-added" if name in new_names else "field-removed")
                for name in sorted(old_names ^ new_names, key=str)]
    field = location[1]
    old_field, new_field = old["fields"].get(field), new["fields"].get(field)
    if len(location) == 2:
        return [_change(resource, field, "field-added" if old_field is None else "field-removed")]
    key = location[2]
    if key == "constraints":
        old_constraints, new_constraints = old_field.get("constraints") or {}, new_field.get("constraints") or {}
        keys = [location[3]] if len(location) == 4 else sorted(old_constraints.keys() | new_constraints.keys())
        return [
            _change(resource, field, constraint_change(name, old_constraints.get(name), new_constraints.get(name)),
                    name, old_constraints.get(name), new_constraints.get(name))
            for name in keys if old_constraints.get(name) != new_constraints.get(name)
        ]
    if key in TYPE_KEYS:
        kind = "retyped"
    elif key in DOCUMENTATION_KEYS:
        kind = "documented"
    else:
        kind = "changed"
    return [_change(resource, field, kind, key, old_field.get(key), new_field.get(key))]


def constraint_change(name, old, new):
    """Whether data valid before may now fail (tightened), or data invalid before may now pass (loosened)."""
    if name in FLAGS:
        return "constraint-tightened" if new is True else "constraint-loosened"
    if old is None:
        return "constraint-tightened"
    if new is None:
        return "constraint-loosened"
    if name in LOWER_BOUNDS and _numbers(old, new):
        return "constraint-tightened" if new > old else "constraint-loosened"
    if name in UPPER_BOUNDS and _numbers(old, new):
        return "constraint-tightened" if new < old else "constraint-loosened"
    if name == "enum" and isinstance(old, list) and isinstance(new, list):
        if set(map(str, new)) <= set(map(str, old)):
            return "constraint-tightened"
        if set(map(str, new)) >= set(map(str, old)):
            return "constraint-loosened"
    return "constraint-changed"


def _numbers(*values):
    return all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in values)


def _change(resource, field, change, key=None, old=None, new=None):
    return {"resource": resource, "field": field, "change": change, "key": key, "old": old, "new": new}
