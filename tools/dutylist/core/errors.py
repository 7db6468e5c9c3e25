"""One error contract: every exception dutylist raises is a ``DutylistError``.

A ``DutylistError`` carries

- ``code``: a stable kebab-case string (``input-unreadable`` unless the class or the raise says another,
  e.g. ``file-refused``, ``cannot-write``, ``package-locked``, ``version-refused``);
- the message: ``str(error)``, one line naming the file (and the row and field where there is one) and
  saying what to do;
- ``file``: the file it is about, when there is one; ``row`` and ``field`` where there are;
- ``fix``: what to do, when a caller wants it apart from the message (the message says it too).

The command line maps it once, in the click group (cli.py ``Group.invoke``): exit 2, ``Error: <message>`` on the
standard error and, when the command's output is JSON, ``{"error": {"code", "message", "file"}}`` on the standard
output (``error_object``). A command catches one only to add context or to choose another exit code.
"""

DEFAULT_CODE = "input-unreadable"


class DutylistError(Exception):
    """The base of every exception of dutylist: a problem with the input or the output, never a bug."""

    code = DEFAULT_CODE
    file = None
    row = None
    field = None
    fix = None

    def __init__(self, message="", code=None, file=None, fix=None, row=None, field=None):
        super().__init__(message)
        for name, value in (("code", code), ("file", file), ("fix", fix), ("row", row), ("field", field)):
            if value is not None:  # None keeps the class's default
                setattr(self, name, value)

    def error_object(self):
        """The JSON error object a command given --format json prints: {"error": {"code", "message", "file"}}."""
        return {"error": {"code": self.code, "message": str(self), "file": None if self.file is None else str(self.file)}}
