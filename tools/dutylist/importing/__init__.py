"""Importing an edition from the text extracted from its PDF.

The pipeline, in order: ``parse`` splits the text into raw rows and cells (and refuses text that is
not this layout), ``rules`` applies the documented normalisations, ``link`` gives each row its
item's id (from the edition's links file, read and written by ``links``, or by name: exact, likely,
new; ``used_ids`` knows every id ever used), ``corrections`` applies the records of
data/corrections.csv (or carries them over to a new edition), ``anomalies`` lists what looks like
extraction damage, ``derive`` runs these steps, ``job`` compares the result with data/ and writes it
when asked, and ``render`` prints its report.
"""
