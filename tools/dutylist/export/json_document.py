"""The JSON export: the document of ``document.py``, described by schemas/export.json."""

from ..core.shown import json_safe, json_text
from .document import build_document


def export_json(edition, progress=None):
    document = build_document(edition, progress)
    return (json_text(json_safe(document), indent=2) + "\n").encode("utf-8")
