"""Progress on stderr for commands that can run long, shown only when stderr is a terminal.

Never written to a pipe or a file, so it can never end up in a report or in JSON output. The line
is redrawn at most ten times a second and erased when the work is done.
"""

import sys
import time


class Progress:
    def __init__(self, command, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _is_terminal(self.stream)
        self.command = command
        self.label, self.done, self.total = "", 0, None
        self.drawn_at = 0.0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.finish()
        return False

    def stage(self, label, total=None):
        self.label, self.done, self.total = label, 0, total
        self.draw(force=True)

    def advance(self, count=1):
        self.done += count
        self.draw()

    def draw(self, force=False):
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self.drawn_at < 0.1:
            return
        self.drawn_at = now
        count = f" {self.done}/{self.total}" if self.total else (f" {self.done}" if self.done else "")
        self.stream.write(f"\r\x1b[K{self.command}: {self.label}{count}")
        self.stream.flush()

    def finish(self):
        if self.enabled and self.drawn_at:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn_at = 0.0


def _is_terminal(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
