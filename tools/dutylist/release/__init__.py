"""Releases: the versions of the package found in git history, the generated changelog, and ``dutylist release``."""
