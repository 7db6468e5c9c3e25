"""``dutylist site``: a static site built from the versions in history plus the working tree.

``collect.py`` reads the versions and compares each with the one before, ``slugs.py`` names the
files, ``markup.py`` holds the page frame, ``pages.py`` renders each kind of page, ``build.py`` writes
them; ``assets/`` holds the one stylesheet and the one script (the search box).
"""
