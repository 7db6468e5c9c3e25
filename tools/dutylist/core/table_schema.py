"""The shape of a Table Schema that every reader may rely on, checked once where a schema is read.

A schema comes from the package, so from whoever wrote the pull request. The readers (validate's
passes, diff's schema comparison, export, fmt, the site) index it as a Table Schema: ``fields`` a
list of objects each with a text ``name``, ``constraints`` an object, ``primaryKey`` a name or a
list of names, ``foreignKeys`` a list of objects whose ``reference`` names a resource. A schema of
another shape (``"fields": "x"``, a field ``[]``, ``"foreignKeys": true``, a name that is a list,
...) is refused where it is read, naming the schema file and the place, instead of reaching code
that would fail on it. What the values mean (types, patterns) is validate's to check.
"""


def shape_problem(schema):
    """(place, problem) for the first part of schema that is not shaped as a Table Schema, else None."""
    if not isinstance(schema, dict):
        return None, "is not a JSON object; a Table Schema is an object with a list of fields"
    fields = schema.get("fields")
    if not isinstance(fields, list):
        return "fields", "is not a list of fields"
    found = _first_problem(fields, "fields", _field_problem)
    if found:
        return found
    if not _names(schema.get("primaryKey", []), allow_empty=True):
        return "primaryKey", "is neither a field name nor a list of field names"
    if not _texts(schema.get("missingValues", [""])):
        return "missingValues", "is not a list of texts"
    foreign_keys = schema.get("foreignKeys", [])
    if not isinstance(foreign_keys, list):
        return "foreignKeys", "is not a list"
    return _first_problem(foreign_keys, "foreignKeys", _foreign_key_problem)


def _first_problem(entries, place, problem_of):
    """(place[index], problem) of the first entry problem_of finds a problem in, else None."""
    for index, entry in enumerate(entries):
        problem = problem_of(entry)
        if problem:
            return f"{place}[{index}]", problem
    return None


def _field_problem(field):
    if not isinstance(field, dict):
        return "is not an object with a name"
    if not isinstance(field.get("name"), str):
        return "has no text name"
    for key in ("type", "format", "title", "description"):
        if key in field and not isinstance(field[key], str):
            return f"has a {key} that is not a text"
    constraints = field.get("constraints", {})
    if not isinstance(constraints, dict):
        return "has constraints that are not an object"
    for key, kinds in CONSTRAINT_KINDS.items():
        value = constraints.get(key)
        if key in constraints and (not isinstance(value, kinds) or isinstance(value, bool) and bool not in kinds):
            return f"has a constraint {key} that is not {CONSTRAINT_WORDS[key]}"
    if field.get("type") in ("integer", "number"):
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if key in constraints and (isinstance(constraints[key], bool) or not isinstance(constraints[key], (int, float))):
                return f"has a constraint {key} that is not a number"
    return None


# The constraints whose kind does not depend on the field's type, and what each must be. A pattern is validate's
# (validate/patterns.py reports one that is no text or could backtrack, and leaves the rest of the schema in force).
CONSTRAINT_KINDS = {"required": (bool,), "unique": (bool,), "minLength": (int,), "maxLength": (int,), "enum": (list,)}
CONSTRAINT_WORDS = {"required": "true or false", "unique": "true or false", "minLength": "a whole number",
                    "maxLength": "a whole number", "enum": "a list"}


def _foreign_key_problem(foreign):
    if not isinstance(foreign, dict):
        return "is not an object"
    reference = foreign.get("reference")
    if not _names(foreign.get("fields")):
        return "has fields that are neither a field name nor a list of field names"
    if not isinstance(reference, dict) or not isinstance(reference.get("resource"), str):
        return "has no reference naming a resource"
    if not _names(reference.get("fields")):
        return "has a reference whose fields are neither a field name nor a list of field names"
    return None


def _names(value, allow_empty=False):
    """A field name, or a list of field names (empty only where allowed)."""
    if isinstance(value, str):
        return True
    return isinstance(value, list) and (allow_empty or bool(value)) and _texts(value)


def _texts(value):
    return isinstance(value, list) and all(isinstance(item, str) for item in value)
