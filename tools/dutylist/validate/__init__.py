"""Validating an edition end to end: ``run.validate_package`` runs the ``checks`` and collects their ``findings``."""
