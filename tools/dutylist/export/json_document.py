"""The JSON export: the document of ``document.py``, described by schemas/export.json."""

import json

from .document import build_document


def export_json(edition, progress=None):
    document = build_document(edition, progress)
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
