"""A git diff driver for ``data/*.csv``: git compares the meaning of the CSVs, not their quoted records.

``render(data)`` turns a CSV into readable text, one block per item (sorted by id) or register
row: its key on a line of its own, then a line per field, each step of a step field on a line of
its own. git's textconv runs it on both sides of a change, so ``git diff``, ``git log -p`` and
``git show`` print a line diff of that text: the item, the field, the step that changed.
``git diff --word-diff`` narrows it to the characters (the driver's word regex makes each Chinese
character a word).

Two choices keep a review short and its hunk headers right:

- **序号 is not in the blocks.** A list's order comes last, in a section ``== 序号 order ==`` of one
  line per run of items whose 序号 and id numbers both go up by one (``序号 11–86: 652325100-0010 …
  652325100-0085``): an item inserted, removed or moved splits or shortens a run, so a renumbering
  is a few changed lines, not a hunk per renumbered item.
- **Each block opens with three lines that never change** (a blank line, the key, a blank line)
  before its fields. git names a hunk after the last line matching ``xfuncname`` *above* the hunk's
  leading context (3 lines by default), so with this head a change in any field of an item is
  named after that item, not after the item before it (with ``-U`` above 3 a change in the first
  fields may again be named after the item before).

It never fails a ``git diff``: a file over the size limit, one that is not UTF-8 or not a CSV, one
whose text would cost more memory than ``BUDGET_FACTOR`` times its size (a million one-character
rows, a header of a thousand columns over short rows), and any other error give back the bytes as
they are (``main``), exit 0.

``setup(folder)`` (``dutylist git-setup``) installs it: a ``data/*.csv diff=dutylist`` line in
``.gitattributes`` (other lines kept), a copy of this file in ``.git/dutylist/`` and the
``diff.dutylist`` section in ``.git/config``. git runs the copy with the absolute path of the
interpreter and ``-I -S`` (``textconv_command``): no folder of the working tree, no site-packages
(an editable install puts the clone's own ``tools/`` there) and no ``PYTHON*`` variable is on the
import path, so no file a pull request adds or changes is imported; the copy uses the standard
library only. If that interpreter is gone, the command shows the file as it is.
"""

import csv
import re
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

try:
    from ..core.errors import DutylistError
except ImportError:  # the copy git runs is a lone script of the standard library (see above): its errors never leave main
    class DutylistError(Exception):
        """The stand-in for core/errors.py's base in the copy git runs."""

ATTRIBUTE_LINE = "data/*.csv diff=dutylist"
STEP_FIELDS = ("county_duties", "town_duties", "handling")
LABELS = {
    "id": "事项标识", "seq": "序号", "category": "事项类别", "name": "事项名称", "county_duties": "上级部门职责",
    "town_duties": "乡镇配合职责", "handling": "工作方式", "page": "页码",
}
# every non-space character is a word: character-level word diffs (git matches characters, not bytes, in a
# UTF-8 locale; kept ASCII so that .git/config stays UTF-8 for every tool that reads it)
WORD_REGEX = "[^[:space:]]"
BLOCK_START = "^(== .* ==)$"  # hunk headers name the item a change is in
SCRIPT = Path("dutylist") / "git_diff_driver.py"  # the copy git runs, inside the git folder
# memory: what render keeps (rows, cells, output lines) is estimated as OBJECT_COST bytes an object plus the
# characters at the width of the text (1, 2 or 4 bytes); over BUDGET_FACTOR times the file's size plus
# BUDGET_SLACK it stops and the file is shown as it is. The real package costs about 2 times its size.
OBJECT_COST = 64
BUDGET_FACTOR = 8
BUDGET_SLACK = 4 * 1024 * 1024
CHUNK = 1024 * 1024
# a line with its line break: a CSV record may span lines, csv.reader joins them (as io.StringIO(newline="") splits)
LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


class CannotRender(DutylistError, ValueError):
    """The text would cost more memory than the budget allows."""


class _Budget:
    """Counts the bytes render keeps, estimated; raises CannotRender past the limit."""

    def __init__(self, limit, text):
        self.left = limit
        self.width = 1 if text.isascii() else 4 if max(text) > "\uffff" else 2

    def spend(self, objects, characters):
        self.left -= objects * OBJECT_COST + characters * self.width
        if self.left < 0:
            raise CannotRender("the text would cost more memory than the budget")


class _Lines(list):
    """The lines of one record, each counted as it is added: a wide header or a cell of many lines stops early."""

    def __init__(self, meter, first):
        super().__init__()
        self.meter = meter
        self.append(first)

    def append(self, line):
        self.meter.spend(1, len(line))
        super().append(line)

    def extend(self, lines):
        for line in lines:
            self.append(line)


def render(data, budget=None):
    """The text git compares for the CSV bytes data (see the module's docstring).

    Raises UnicodeDecodeError (not UTF-8), csv.Error (not a CSV) or CannotRender (what it keeps
    estimated at more than budget bytes, by default BUDGET_FACTOR times the size plus BUDGET_SLACK);
    the caller then shows data as it is.
    """
    return "\n".join(render_parts(data, budget))


def render_parts(data, budget=None):
    """render's text in parts, to be joined by line breaks: the columns, then one part per record.

    Reads the rows one by one and turns each record into one string as it goes, so that it keeps
    the cells of the records and the text of those done, not a string per line.
    """
    text = data.decode("utf-8-sig")
    meter = _Budget(BUDGET_FACTOR * len(data) + BUDGET_SLACK if budget is None else budget, text)
    rows = csv.reader(match.group() for match in LINE.finditer(text))
    header = next(rows, None)
    if not header:
        return [text]
    key = "id" if "id" in header else "name" if "name" in header else None
    records = _records(rows, header, key, meter)
    del rows, text  # the cells are strings of their own
    label_of = dict(LABELS, departments="承接部门" if "handling" in header else "对应上级部门")
    order = _order_lines(records, header, meter) if key == "id" and "seq" in header else None
    if key:
        records.sort(key=lambda entry: (entry[0], entry[1]))
    parts = ["columns: " + ", ".join(header), ""]
    for index, (record_key, number, row) in enumerate(records):
        records[index] = None  # done: its cells may go
        left = meter.left
        lines = _Lines(meter, f"== {record_key} ==" if key else f"== row {number} ==")
        lines.extend(["", f"  {label_of.get(key, key)}: {record_key}" if key else f"  row: {number}", ""])  # the head: see above
        _record_lines(lines, header, row, key, label_of)
        parts.append("\n".join(lines))
        meter.left = left  # the lines go, their text stays
        meter.spend(1, len(parts[-1]))
    if order:
        parts.append("\n".join(order))
    parts.append("")  # the text ends with a line break
    return parts


def _order_lines(records, header, meter):
    """The section ``== 序号 order ==``: one line per run of records (in file order) whose 序号 and id number
    both go up by one from the record before, so that a renumbering changes a line per run, not per item."""
    column = header.index("seq")
    lines = _Lines(meter, "== 序号 order ==")
    lines.extend(["", "  序号: one line per run of items numbered in step with their ids", ""])
    run = []  # [(seq, id)] of the current run
    for record_key, _, row in records:
        seq = row[column] if column < len(row) else ""
        if run and not _follows(run[-1], (seq, record_key)):
            lines.append(_run_line(run))
            run = []
        run.append((seq, record_key))
    if run:
        lines.append(_run_line(run))
    return lines


def _follows(before, after):
    """Whether (seq, id) after comes right after before: both 序号 and the id's number one more, same id prefix."""
    (seq, item_id), (next_seq, next_id) = before, after
    prefix, _, number = item_id.rpartition("-")
    next_prefix, _, next_number = next_id.rpartition("-")
    return (_whole(seq) is not None and _whole(next_seq) == _whole(seq) + 1 and prefix == next_prefix
            and len(number) == len(next_number) and _whole(number) is not None and _whole(next_number) == _whole(number) + 1)


def _whole(text):
    """The number ASCII digits write (at most 18 of them), else None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _run_line(run):
    """'  序号 1–84: A … B' for a run of several items, '  序号 85: A' for one."""
    (first_seq, first_id), (last_seq, last_id) = run[0], run[-1]
    if len(run) == 1:
        return f"  序号 {first_seq}: {first_id}"
    return f"  序号 {first_seq}–{last_seq}: {first_id} … {last_id}"


def _records(rows, header, key, meter):
    """The rows that are not blank, as (key, row number, cells), in file order."""
    records = []
    for number, row in enumerate(rows, start=2):
        if not any(map(str.strip, row)):
            continue
        meter.spend(3 + len(row), sum(map(len, row)))
        records.append((dict(zip(header, row)).get(key, "") if key else "", number, row))
    return records


def _record_lines(lines, header, row, key, label_of):
    """Append to lines a line per field of one record (a line per step), then its extra cells."""
    record = dict(zip(header, row))
    for field in header:
        if field == key or (key == "id" and field == "seq"):  # the key heads the block, 序号 is in the order section
            continue
        value = record.get(field)
        label = label_of.get(field, field) if key == "id" else field
        if value is None:
            lines.append(f"  {label}: (missing cell)")
        elif field in STEP_FIELDS or "\n" in value or "\r" in value:
            lines.append(f"  {label}:")
            lines.extend(f"    {line.rstrip()}" for line in value.replace("\r\n", "\n").split("\n") if line.strip())
        else:
            lines.append(f"  {label}: {value}")
    extra = row[len(header):]
    if extra:
        lines.append("  (extra cells): " + " | ".join(extra))


def textconv_command(script, limit):
    """The shell command git runs, the file's path appended: the copy of the driver, else the file as it is."""
    driver = f"{shlex.quote(sys.executable)} -I -S {shlex.quote(str(script))} --max-bytes {int(limit)}"
    return f'dutylist_textconv() {{ {driver} "$1" 2>/dev/null || cat -- "$1"; }}; dutylist_textconv'


def setup(folder):
    """Install the driver in the repository at folder. Returns what was done, one line each.

    Writes .gitattributes (if the line is missing), the copy of this file that git runs (always, so
    that a re-run brings it up to date) and the diff.dutylist section of .git/config (the textconv
    replaces any older one, such as the ``python -m`` of earlier versions that imported the working
    folder's modules). Raises SetupError.
    """
    from ..core.files import FileRefused, max_file_bytes
    from ..core.package import WriteError, write_bytes_atomic

    folder = Path(folder)
    top = Path(_git(folder, "rev-parse", "--show-toplevel").decode("utf-8").strip())
    common = folder / _git(folder, "rev-parse", "--git-common-dir").decode("utf-8").strip()
    try:
        limit = max_file_bytes()
        done = [_add_attribute(top / ".gitattributes", write_bytes_atomic)]
        script = common.resolve() / SCRIPT
        script.parent.mkdir(exist_ok=True)
        write_bytes_atomic(script, Path(__file__).read_bytes(), mode=0o644)
    except (FileRefused, WriteError, OSError) as error:
        raise SetupError(str(error)) from None
    done.append(f"{script}: the driver git runs (python -I -S, the standard library only)")
    old = _git(folder, "config", "--local", "--default", "", "--get", "diff.dutylist.textconv").decode("utf-8").strip()
    settings = [
        ("diff.dutylist.textconv", textconv_command(script, limit)),
        ("diff.dutylist.xfuncname", BLOCK_START),
        ("diff.dutylist.wordRegex", WORD_REGEX),
    ]
    for name, value in settings:
        _git(folder, "config", "--local", name, value)
    done.append(".git/config: set " + ", ".join(name for name, _ in settings)
                + (" (replaced an older textconv)" if old and old != settings[0][1] else ""))
    return done


def _add_attribute(attributes, write_bytes_atomic):
    """Add ATTRIBUTE_LINE to the .gitattributes file unless it is there; other lines and the mode kept."""
    existing = attributes.read_text(encoding="utf-8") if attributes.is_file() else ""
    if any(line.split() == ATTRIBUTE_LINE.split() for line in existing.splitlines()):
        return f"{attributes.name}: already has '{ATTRIBUTE_LINE}'"
    separator = "" if not existing or existing.endswith("\n") else "\n"
    mode = stat.S_IMODE(attributes.stat().st_mode) if attributes.is_file() else None
    write_bytes_atomic(attributes, (existing + separator + ATTRIBUTE_LINE + "\n").encode("utf-8"), mode=mode)
    return f"{attributes.name}: added '{ATTRIBUTE_LINE}'"


class SetupError(DutylistError):
    """The folder is not in a git repository, or git failed."""


def _git(folder, *args):
    try:
        result = subprocess.run(["git", *args], cwd=folder, capture_output=True, check=False)
    except OSError as error:
        raise SetupError(f"cannot run git: {error}") from None
    if result.returncode != 0:
        raise SetupError(f"{folder}: git {args[0]} failed: {result.stderr.decode('utf-8', 'replace').strip()}"
                         + ("; run dutylist git-setup inside a git repository" if args[0] == "rev-parse" else ""))
    return result.stdout


def main(argv=None):
    """git's textconv: ``[--max-bytes N] FILE``; prints the text of FILE, or FILE as it is. Always exit 0 once FILE is open.

    Without --max-bytes (``python -m dutylist.maintain.git_diff_driver FILE``) the limit is the
    package's per-file limit, ``max_file_bytes()``. Over the limit, or on any error, the bytes are
    copied unchanged, a chunk at a time past the limit.
    """
    argv = sys.argv[1:] if argv is None else argv
    limit = int(argv[1]) if len(argv) == 3 and argv[0] == "--max-bytes" and argv[1].isdigit() else None
    if len(argv) != 1 and limit is None:
        sys.stderr.write("usage: python -m dutylist.maintain.git_diff_driver [--max-bytes N] FILE  (git's textconv for data/*.csv)\n")
        return 2
    try:
        limit = _package_limit() if limit is None else limit
        stream = open(argv[-1], "rb")
    except Exception as error:  # ImportError outside the package, a bad DUTYLIST_MAX_FILE_BYTES, OSError
        sys.stderr.write(f"{argv[-1]}: {getattr(error, 'strerror', None) or error}\n")
        return 2
    with stream:
        data = _read_at_most(stream, limit + 1)
        parts = _rendered(data) if len(data) <= limit else None
        if parts is None:
            sys.stdout.buffer.write(data)
            shutil.copyfileobj(stream, sys.stdout.buffer, CHUNK)
            return 0
        for index, part in enumerate(parts):
            sys.stdout.buffer.write(b"\n" + part.encode("utf-8") if index else part.encode("utf-8"))
    return 0


def _read_at_most(stream, count):
    """Up to count bytes of stream, read a chunk at a time (one read of count bytes would take that much memory first)."""
    chunks = []
    while count > 0:
        chunk = stream.read(min(count, CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def _package_limit():
    """The package's per-file limit (only when this module runs as part of the package)."""
    from ..core.files import max_file_bytes

    return max_file_bytes()


def _rendered(data):
    """render_parts(data), or None when data is to be shown as it is."""
    try:
        return render_parts(data)
    except Exception:  # MemoryError included: the driver never breaks a git diff, it shows the bytes as they are
        return None

if __name__ == "__main__":
    sys.exit(main())
