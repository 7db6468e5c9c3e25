"""Python's cyclic garbage collector, paused while a command builds millions of acyclic objects.

Reading a large package makes hundreds of thousands of rows, items and findings: dicts, lists and
strings that never form reference cycles, which reference counting frees on its own. Python's cyclic
collector still walks all of them again and again as they accumulate (a third of ``validate``'s time
on a million items, measured with benchmarks/run.py). ``no_cycle_collection()`` pauses it around our
own code; ``cycle_collection()`` turns it back on around third-party code that may make cycles (the
frictionless row pass), so that nothing is left uncollected for long.
"""

import gc
from contextlib import contextmanager


@contextmanager
def no_cycle_collection():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def cycle_collection():
    disabled = not gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if disabled:
            gc.disable()
