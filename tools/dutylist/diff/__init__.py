"""Semantic change reports between two editions of the package: ``compare(old, new)`` and its renderings."""
