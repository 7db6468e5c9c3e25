"""A git diff driver for ``data/*.csv``: git compares the meaning of the CSVs, not their quoted records.

``render(data)`` turns a CSV into readable text, one block per item (sorted by id) or register
row: its key on a line of its own, then a line per field, each step of a step field on a line of
its own. git's textconv runs it on both sides of a change, so ``git diff``, ``git log -p`` and
``git show`` print a line diff of that text: the item, the field, the step that changed.
``git diff --word-diff`` narrows it to the characters (the driver's word regex makes each Chinese
character a word). It never fails: what it cannot parse it gives back as it is.

``setup(folder)`` (``dutylist git-setup``) installs it: a ``data/*.csv diff=dutylist`` line in
``.gitattributes`` (other lines kept) and the ``diff.dutylist`` section in ``.git/config``.
Run as ``python -m dutylist.maintain.git_diff_driver FILE`` by git.
"""

import csv
import io
import shlex
import stat
import subprocess
import sys
from pathlib import Path

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


def render(data):
    try:
        text = data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except (UnicodeDecodeError, csv.Error):
        return data.decode("utf-8", errors="replace")
    if not rows or not rows[0]:
        return text
    header = rows[0]
    lines = ["columns: " + ", ".join(header), ""]
    key = "id" if "id" in header else "name" if "name" in header else None
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        record = dict(zip(header, row))
        extra = row[len(header):]
        records.append((record.get(key, "") if key else "", number, record, extra))
    if key:
        records.sort(key=lambda entry: (entry[0], entry[1]))
    label_of = dict(LABELS, departments="承接部门" if "handling" in header else "对应上级部门")
    for record_key, number, record, extra in records:
        lines.append(f"== {record_key} ==" if key else f"== row {number} ==")
        for field in header:
            if field == key:
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
        if extra:
            lines.append("  (extra cells): " + " | ".join(extra))
        lines.append("")
    return "\n".join(lines)


def textconv_command():
    return f"{shlex.quote(sys.executable)} -m dutylist.maintain.git_diff_driver"


def setup(folder):
    """Install the driver in the repository at folder. Returns what was done, one line each."""
    folder = Path(folder)
    top = _git(folder, "rev-parse", "--show-toplevel").decode("utf-8").strip()
    done = []
    attributes = Path(top) / ".gitattributes"
    existing = attributes.read_text(encoding="utf-8") if attributes.is_file() else ""
    if any(line.split() == ATTRIBUTE_LINE.split() for line in existing.splitlines()):
        done.append(f"{attributes.name}: already has '{ATTRIBUTE_LINE}'")
    else:
        from ..core.package import write_bytes_atomic

        separator = "" if not existing or existing.endswith("\n") else "\n"
        mode = stat.S_IMODE(attributes.stat().st_mode) if attributes.is_file() else None
        write_bytes_atomic(attributes, (existing + separator + ATTRIBUTE_LINE + "\n").encode("utf-8"), mode=mode)
        done.append(f"{attributes.name}: added '{ATTRIBUTE_LINE}'")
    settings = [
        ("diff.dutylist.textconv", textconv_command()),
        ("diff.dutylist.xfuncname", BLOCK_START),
        ("diff.dutylist.wordRegex", WORD_REGEX),
    ]
    for name, value in settings:
        _git(folder, "config", "--local", name, value)
    done.append(".git/config: set " + ", ".join(name for name, _ in settings))
    return done


class SetupError(Exception):
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
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        sys.stderr.write("usage: python -m dutylist.maintain.git_diff_driver FILE  (git's textconv for data/*.csv)\n")
        return 2
    try:
        data = Path(argv[0]).read_bytes()
    except OSError as error:
        sys.stderr.write(f"{argv[0]}: {error.strerror}\n")
        return 2
    sys.stdout.buffer.write(render(data).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
