"""Tools for maintainers who edit the data by hand.

``canonical_csv.py`` is ``dutylist fmt`` (the one canonical layout of every CSV), ``new_item.py``
is ``dutylist new-item`` (an item with a fresh id), ``git_diff_driver.py`` is ``dutylist git-setup``
and the text git compares for ``data/*.csv`` (one block per item, a line per field and step), ``dictionary.py``
is ``dutylist data-dictionary`` (the data dictionary in README.md, rendered from the Table Schemas).
"""
