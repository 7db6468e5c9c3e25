"""Importing an edition from the text extracted from its PDF.

The pipeline, in order: ``parse`` splits the text into raw rows and cells, ``rules`` applies the
documented normalisations, ``corrections`` applies the records of data/corrections.csv,
``anomalies`` lists what looks like extraction damage, ``derive`` runs these steps, and ``job``
compares the result with data/ and writes it when asked.
"""
