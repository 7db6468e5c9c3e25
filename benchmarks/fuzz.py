"""Random-damage fuzz: damage a copy of the real package at random and check that every command copes.

Each trial copies a git repository holding the clean package (built once, its first commit), damages
one to three files of the copy at random (bytes flipped, a cut at a random byte, lines deleted,
repeated or swapped, quotes, commas, newlines, NULs, BOMs or CRs inserted, invalid UTF-8, random
Unicode with control characters; in a CSV also cells emptied or set to huge numbers, ids repeated,
columns renamed, repeated or dropped, ragged rows; in datapackage.json and schemas/*.json also
JSON-aware changes: a key deleted, a value of another type, an element repeated or swapped), then
runs dutylist on it, each command in a new process under a timeout and an address-space limit:

    dutylist validate                 dutylist diff HEAD --format text --full --exit-code
    dutylist validate --format json   dutylist diff HEAD --format json
    dutylist export --format json     dutylist fmt --check

To keep a thousand trials within a quarter of an hour on two cores, a trial runs one of the two
formats of validate and of diff (chosen by the trial), export and fmt; --every runs all six.

`diff` compares the clean commit (HEAD) with the damaged working tree; in one trial of four the
damage is committed instead and `diff HEAD CLEAN` reads the damaged side from git objects.
Invariants: no traceback; no hang; every exit code a documented one (validate and fmt --check 0,
1 or 2; diff --exit-code 0, 1 or 2; diff and export 0 or 2); every --format json output parses as
strict JSON; and when only CSVs were damaged and every CSV of the package still decodes as UTF-8
CSV, `diff` reports (exit 0, or 1 with --exit-code), never refuses (exit 2).

A trial is reproducible from (seed, trial number): `--trial N` runs that one, `--keep DIR` keeps
the damaged package of each failing trial, `--damage-only` prints the damage without running.
Run by hand, never by the tests (tests/test_benchmark_fuzz.py only checks that it runs):

    .venv/bin/python benchmarks/fuzz.py --trials 1000 --seed 1 --jobs 2
    .venv/bin/python benchmarks/fuzz.py --seed 1 --trial 417 --keep /tmp/fuzz-417

The summary goes to stdout; each failing trial (seed, damage, command, first lines of output) and
the failures grouped by cause go to --details (default fuzz-failures.txt). Exit 0 when every
invariant held, 1 when one did not.
"""

import argparse
import concurrent.futures
import csv
import io
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ("datapackage.json", "data", "schemas", "sources")
DATA = ("data/basic-duties.csv", "data/coordinated-duties.csv", "data/reclaimed-duties.csv",
        "data/corrections.csv", "data/categories.csv", "data/departments.csv")
SCHEMAS = tuple(f"schemas/{Path(name).stem}.json" for name in DATA)
DESCRIPTOR = "datapackage.json"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Fuzz", "GIT_AUTHOR_EMAIL": "fuzz@example.org",
    "GIT_COMMITTER_NAME": "Fuzz", "GIT_COMMITTER_EMAIL": "fuzz@example.org",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+0000", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+0000",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
}

# ---------------------------------------------------------------------------------------------- damage

TOKENS = [b'"', b",", b"\n", b"\r", b"\r\n", b"\x00", b"\xef\xbb\xbf", b'""', b"\t", b"\\", b"{", b"}", b"[", b"]",
          b":", b'",\n', b"\n\n"]
INVALID_UTF8 = [b"\xff", b"\xfe", b"\xc3", b"\x80", b"\xed\xa0\x80", b"\xc0\xaf", b"\xe4\xb8", b"\xf4\x90\x80\x80"]
CHARACTERS = (
    [chr(c) for c in range(0x00, 0x20)] + ["\x7f", "\x85", "\x9b", "\u00a0", "\u2028", "\u2029", "\u200b", "\u200d",
                                          "\u202e", "\u2066", "\ufeff", "\ufffe", "\uffff", "\u0301", "\u3000"]
    + ["奇", "镇", "履", "（", "）", "、", "；", "１", "２", "٣", "Ⅻ", "😀", "\U0001f1e8\U0001f1f3", "𠀀", "ß", "İ", "ﬁ"]
    + ["\x1b[31m", "\x1b]0;pwned\x07", "`", "|", "<", ">", "&", "@", "*", "_", "#", "%s", "{}", "'", '"', ","])


def random_text(rng, length=None):
    length = rng.randint(1, 12) if length is None else length
    return "".join(rng.choice(CHARACTERS) for _ in range(length))


def huge_number(rng):
    digits = rng.choice([19, 20, 40, 400, 4300, 5000, 20000])
    return rng.choice("123456789") + "".join(rng.choice("0123456789") for _ in range(digits - 1))


def odd_value(rng, row_ids=()):
    """A cell value a careless or hostile edit could leave."""
    choices = [
        lambda: "", lambda: " ", lambda: huge_number(rng), lambda: "-" + huge_number(rng), lambda: "0", lambda: "-1",
        lambda: "1e309", lambda: "NaN", lambda: "inf", lambda: "１２", lambda: " 12 ", lambda: "12a", lambda: "0x10",
        lambda: "1_000", lambda: "12.0", lambda: random_text(rng), lambda: "长" * rng.choice([1000, 100_000]),
        lambda: '"a","b"\n"c', lambda: "1.\n2.\n3.", lambda: "\n", lambda: "\r\n", lambda: "a\x00b",
        lambda: rng.choice(row_ids) if row_ids else "x",
    ]
    return rng.choice(choices)()


def short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 20]}…({len(text)} characters)"


def byte_damage(rng, data):
    """(damaged bytes, description) for one raw byte-level change."""
    kind = rng.choice(["flip", "truncate", "delete-line", "duplicate-line", "swap-lines", "insert-token",
                       "invalid-utf8", "unicode", "bom-at-start", "crlf-everywhere"])
    size = len(data)
    at = rng.randrange(size + 1)
    if kind == "flip" and size:
        data = bytearray(data)
        positions = [rng.randrange(size) for _ in range(rng.randint(1, 4))]
        for position in positions:
            data[position] ^= 1 << rng.randrange(8)
        return bytes(data), f"flip bits at bytes {positions}"
    if kind == "truncate":
        return data[:at], f"truncate at byte {at} of {size}"
    if kind in ("delete-line", "duplicate-line", "swap-lines"):
        lines = data.splitlines(keepends=True) or [b""]
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        if kind == "delete-line":
            del lines[i]
            return b"".join(lines), f"delete line {i + 1}"
        if kind == "duplicate-line":
            lines.insert(i, lines[i])
            return b"".join(lines), f"duplicate line {i + 1}"
        lines[i], lines[j] = lines[j], lines[i]
        return b"".join(lines), f"swap lines {i + 1} and {j + 1}"
    if kind == "insert-token":
        token = rng.choice(TOKENS) * rng.choice([1, 1, 1, 2, 5])
        return data[:at] + token + data[at:], f"insert {token!r} at byte {at}"
    if kind == "invalid-utf8":
        token = rng.choice(INVALID_UTF8)
        return data[:at] + token + data[at:], f"insert invalid UTF-8 {token!r} at byte {at}"
    if kind == "unicode":
        text = random_text(rng)
        return data[:at] + text.encode("utf-8") + data[at:], f"insert {short(text)} at byte {at}"
    if kind == "bom-at-start":
        return b"\xef\xbb\xbf" + data, "BOM at the start"
    if kind == "crlf-everywhere":
        return data.replace(b"\n", b"\r\n"), "CRLF line endings"
    return data + b"\x00", "NUL at the end"


def csv_damage(rng, data):
    """(damaged bytes, description) for one CSV-aware change, or None when the file does not parse."""
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        return None
    if not rows:
        return None
    header = rows[0]
    body = range(1, len(rows))
    ids = [row[0] for row in rows[1:] if row]
    kind = rng.choice(["seq-page", "seq-page", "cell", "empty-cell", "duplicate-id", "duplicate-row", "rename-column",
                       "repeat-column", "drop-column", "add-column", "ragged-long", "ragged-short", "unicode-cell",
                       "header-only"])
    if kind == "header-only":
        rows = rows[:1]
        description = "keep only the header"
    elif kind in ("rename-column", "repeat-column", "drop-column", "add-column") or not body:
        column = rng.randrange(len(header)) if header else 0
        if kind == "rename-column" and header:
            name = rng.choice([random_text(rng), "", header[-1], header[column].upper(), " " + header[column]])
            description = f"rename column {header[column]!r} to {short(name)}"
            header[column] = name
        elif kind == "repeat-column" and header:
            other = rng.randrange(len(header))
            description = f"name column {column + 1} {header[other]!r} too"
            header[column] = header[other]
        elif kind == "drop-column" and header:
            description = f"drop column {header[column]!r}"
            for row in rows:
                if column < len(row):
                    del row[column]
        else:
            description = "add a column 'extra'"
            for number, row in enumerate(rows):
                row.insert(min(column, len(row)), "extra" if number == 0 else random_text(rng))
    else:
        number = rng.choice(body)
        row = rows[number]
        if kind == "seq-page" and any(name in header for name in ("seq", "page")):
            name = rng.choice([name for name in ("seq", "page") if name in header])
            column = header.index(name)
        else:
            column = rng.randrange(max(len(row), 1))
        while len(row) <= column:
            row.append("")
        if kind == "empty-cell":
            value = ""
        elif kind == "duplicate-id":
            column, value = 0, rng.choice(ids)
        elif kind == "unicode-cell":
            value = row[column] + random_text(rng)
        elif kind == "duplicate-row":
            rows.insert(rng.choice(body), list(row))
            value = None
        elif kind == "ragged-long":
            row.extend(odd_value(rng, ids) for _ in range(rng.randint(1, 3)))
            value = None
        elif kind == "ragged-short":
            del row[rng.randrange(len(row)):]
            value = None
        else:
            value = odd_value(rng, ids)
        name = header[column] if column < len(header) else f"#{column + 1}"
        if value is None:
            description = f"{kind} at row {number + 1}"
        else:
            row[column] = value
            description = f"row {number + 1} {name} = {short(value)}"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8"), description


def json_paths(node, path=()):
    """Every path to a value inside a parsed JSON document (the root aside)."""
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield (*path, key)
        yield from json_paths(child, (*path, key))


NESTED = json.loads("[" * 70 + "]" * 70)  # deeper than the 64 levels a descriptor may have


def odd_json(rng):
    """A JSON value of any type, some of them hostile."""
    return rng.choice([
        None, True, False, 0, -1, 1.5, 10 ** 400, 1e308, float("nan"), float("inf"), "", "x", random_text(rng),
        "../../outside", "/etc/hostname", "data", "data/missing.csv", "\ud800", "(", "[", "^(a+)+$", "0.0.0.0",
        [], {}, ["a", "b"], [None], {"a": 1}, {"name": "x"}, [{"name": "x", "type": "nonsense"}],
        "integer", "string", "number", "nonsense", NESTED,
    ])


def json_damage(rng, data):
    """(damaged bytes, description) for one JSON-aware change, or None when the file does not parse."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    paths = list(json_paths(document))
    if not paths:
        return None
    path = rng.choice(paths)
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    where = "/".join(map(str, path))
    kind = rng.choice(["delete", "replace", "replace", "replace", "repeat", "swap", "retype"])
    if kind == "delete":
        del parent[key]
        description = f"delete {where}"
    elif kind == "repeat" and isinstance(parent, list):
        parent.insert(key, json.loads(json.dumps(parent[key])))
        description = f"repeat {where}"
    elif kind == "swap" and isinstance(parent, list) and len(parent) > 1:
        other = rng.randrange(len(parent))
        parent[key], parent[other] = parent[other], parent[key]
        description = f"swap {where} with element {other}"
    elif kind == "retype" and isinstance(parent, dict) and "type" in parent:
        parent["type"] = rng.choice(["integer", "number", "string", "date", "boolean", "array", "object", "any",
                                     "year", "nonsense", 3, None])
        description = f"type at {where} = {parent['type']!r}"
    else:
        value = odd_json(rng)
        parent[key] = value
        description = f"{where} = {short(value)}"
    text = json.dumps(document, ensure_ascii=rng.random() < 0.5, indent=2)
    return text.encode("utf-8", "surrogatepass"), description


def damage(rng, package):
    """Damage one to three files of the package; return (descriptions, touched files)."""
    count = rng.choices([1, 2, 3], weights=[60, 25, 15])[0]
    pool = list(DATA) * 3 + [DESCRIPTOR] * 2 + list(SCHEMAS)
    files = []
    while len(files) < count:
        name = rng.choice(pool)
        if name not in files:
            files.append(name)
    descriptions = []
    for name in files:
        path = package / name
        data = path.read_bytes()
        for _ in range(rng.choices([1, 2, 3], weights=[60, 25, 15])[0]):
            aware = csv_damage if name.endswith(".csv") else json_damage
            result = aware(rng, data) if rng.random() < 0.55 else None
            if result is None:
                result = byte_damage(rng, data)
            data, description = result
            descriptions.append(f"{name}: {description}")
        path.write_bytes(data)
    return descriptions, files


def csv_still_decodes(package, touched):
    """True when only CSVs were damaged and every CSV of the package decodes as UTF-8 and parses as CSV."""
    if any(not name.endswith(".csv") for name in touched):
        return False
    for name in DATA:
        try:
            list(csv.reader(io.StringIO((package / name).read_bytes().decode("utf-8"), newline="")))
        except (UnicodeDecodeError, csv.Error):
            return False
    return True

# ---------------------------------------------------------------------------------------------- runs


@dataclass
class Command:
    label: str
    arguments: list
    codes: tuple
    json: bool = False
    diff: bool = False


@dataclass
class Run:
    command: Command
    code: object
    seconds: float
    kilobytes: int
    output: str
    problems: list = field(default_factory=list)


COMMANDS = {
    "validate": lambda old: Command("validate", ["validate", "."], (0, 1, 2)),
    "validate-json": lambda old: Command("validate --format json", ["validate", ".", "--format", "json"], (0, 1, 2),
                                         json=True),
    "diff": lambda old: Command("diff --format text --full --exit-code",
                                ["diff", *old, "--repo", ".", "--format", "text", "--full", "--exit-code"], (0, 1, 2),
                                diff=True),
    "diff-json": lambda old: Command("diff --format json", ["diff", *old, "--repo", ".", "--format", "json"], (0, 2),
                                     json=True, diff=True),
    "diff-markdown": lambda old: Command("diff --format markdown --full",
                                         ["diff", *old, "--repo", ".", "--format", "markdown", "--full"], (0, 2),
                                         diff=True),
    "diff-html": lambda old: Command("diff --format html", ["diff", *old, "--repo", ".", "--format", "html"], (0, 2),
                                     diff=True),
    "export-json": lambda old: Command("export --format json", ["export", "--repo", ".", "--format", "json"], (0, 2),
                                       json=True),
    "fmt-check": lambda old: Command("fmt --check", ["fmt", "--repo", ".", "--check"], (0, 1, 2)),
}
DEFAULT_COMMANDS = ["validate", "validate-json", "diff", "diff-json", "export-json", "fmt-check"]


def run(tools, command, cwd, timeout, memory_bytes):
    """Run one dutylist command in a new process; its exit code (or 'HANG'), time, peak memory and output."""
    program = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]),) * 2); "
               "sys.path.insert(0, sys.argv[2]); del sys.argv[1:3]; "
               "from dutylist.cli import cli; cli(prog_name='dutylist')")
    arguments = [sys.executable, "-c", program, str(memory_bytes), str(tools), *command.arguments]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(arguments, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                   start_new_session=True, env={**os.environ, **GIT_ENV, "PYTHONHASHSEED": "0"})
        hung = threading.Event()

        def kill():
            hung.set()
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    result = Run(command, "HANG" if hung.is_set() else process.returncode, seconds, usage.ru_maxrss, "")
    result.output = stdout + ("\n--- stderr ---\n" + stderr if stderr else "")
    result.stdout = stdout
    return result


def trim(result, keep=6000):
    """Drop what the report will not show, so that a thousand trials' outputs do not fill the memory."""
    if len(result.output) > 2 * keep:
        result.output = result.output[:keep] + "\n…\n" + result.output[-keep:]
    result.stdout = "" if not result.stdout.strip() else "(not shown)"


def reject_constant(name):
    raise ValueError(f"not strict JSON: {name}")


def judge(result, decodable):
    """The invariants one run broke."""
    command, problems = result.command, result.problems
    if "Traceback" in result.output:
        problems.append("traceback")
    if result.code == "HANG":
        problems.append("hang")
    elif result.code not in command.codes:
        problems.append("bad-exit")
    if command.json and result.code != "HANG":
        try:
            json.loads(result.stdout, parse_constant=reject_constant)
        except ValueError:
            problems.append("non-json")
    if command.diff and decodable and result.code not in ("HANG", 0, 1 if "--exit-code" in command.arguments else 0):
        problems.append("diff-refused-decodable")
    return problems


def git(folder, *arguments):
    subprocess.run(["git", *arguments], cwd=folder, env={**os.environ, **GIT_ENV}, check=True, capture_output=True)


def clean_repository(base):
    """A git repository holding the clean package, committed once: every trial copies it."""
    clean = base / "clean"
    clean.mkdir()
    for part in PACKAGE:
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, clean / part)
    git(clean, "init", "-q", "-b", "main")
    git(clean, "add", "-A")
    git(clean, "commit", "-q", "-m", "clean package")
    return clean


@dataclass
class Trial:
    number: int
    damage: list
    side: str
    decodable: bool
    runs: list


def trial_rng(seed, number):
    return random.Random(f"dutylist-fuzz:{seed}:{number}")


def chosen_commands(rng, names, every):
    """The commands of one trial: all of them with --every, else one of each command's formats, chosen at random."""
    if every:
        return list(names)
    families = {}
    for name in names:
        families.setdefault(name.split("-")[0], []).append(name)
    return [rng.choice(family) for family in families.values()]


def run_trial(args, clean, base, number):
    """Copy the clean repository, damage it, run every command, judge each run."""
    rng = trial_rng(args.seed, number)
    package = base / f"trial-{number}"
    shutil.copytree(clean, package, symlinks=True)
    try:
        descriptions, touched = damage(rng, package)
        decodable = csv_still_decodes(package, touched)
        side = "old" if rng.random() < 0.25 else "new"
        if side == "old":  # the damaged edition read from git objects: HEAD is damaged, the clean folder is NEW
            git(package, "add", "-A")
            git(package, "commit", "-q", "--allow-empty", "-m", "damage")
            old = ["HEAD", str(clean)]
        else:
            old = ["HEAD"]
        runs = []
        for name in chosen_commands(rng, args.commands, args.every):
            result = run(args.tools, COMMANDS[name](old), package, args.timeout, args.memory_limit << 30)
            judge(result, decodable)
            trim(result)
            runs.append(result)
        if args.keep and any(result.problems for result in runs):
            shutil.copytree(package, args.keep / f"trial-{number}", symlinks=True, dirs_exist_ok=True)
        return Trial(number, descriptions, side, decodable, runs)
    finally:
        shutil.rmtree(package, ignore_errors=True)

# ---------------------------------------------------------------------------------------------- report


def signature(result, problem):
    """What groups failures of one cause: the command, the problem, and the exception with its last dutylist frame."""
    lines = result.output.splitlines()
    where, error = "", ""
    if problem == "traceback":
        frames = [line.strip() for line in lines if line.strip().startswith("File ") and "dutylist" in line]
        if frames:
            parts = frames[-1].split('"')
            location = parts[1].split("dutylist/")[-1] if len(parts) > 1 else frames[-1]
            where = f"{location}, {frames[-1].rsplit(' in ', 1)[-1]}"
        error = next((line.strip() for line in reversed(lines) if line.strip() and not line.startswith(" ")
                      and ("Error" in line or "Exception" in line or ":" in line)), "")
        error = error.split(":", 1)[0]
    elif problem == "non-json":
        error = f"exit {result.code}, stdout {'empty' if not result.stdout.strip() else 'not strict JSON'}"
    elif problem in ("bad-exit", "diff-refused-decodable"):
        said = [line.strip() for line in lines if line.startswith("Error:")] or [
            line.strip() for line in lines if line.strip() and not line.startswith("---")]
        error = f"exit {result.code}: " + (said[0][:90] if said else "(no output)")
        error = "".join("N" if c.isdigit() else c for c in error)
    return (result.command.label.split(" ")[0], problem, error, where)


def first_lines(output, count=12):
    lines = output.splitlines()
    if "Traceback" in output and len(lines) > count:
        return lines[:4] + ["…"] + lines[-(count - 5):]
    return lines[:count]


def write_details(path, args, trials):
    groups = {}
    for trial in trials:
        for result in trial.runs:
            for problem in result.problems:
                groups.setdefault(signature(result, problem), []).append((trial, result))
    with open(path, "w", encoding="utf-8") as stream:
        stream.write(f"dutylist fuzz: seed {args.seed}, {len(trials)} trials, commands {' '.join(args.commands)}\n")
        stream.write(f"reproduce a trial: python benchmarks/fuzz.py --seed {args.seed} --trial N --keep DIR\n\n")
        stream.write(f"## Failures grouped by cause ({len(groups)} groups)\n\n")
        for key, members in sorted(groups.items(), key=lambda item: -len(item[1])):
            trial_numbers = sorted({trial.number for trial, _ in members})
            command, problem, error, where = key
            stream.write(f"- {len(members)} runs, {len(trial_numbers)} trials: {command} {problem}: {error} {where}\n"
                         f"    trials {', '.join(map(str, trial_numbers[:15]))}{' …' if len(trial_numbers) > 15 else ''}\n"
                         f"    e.g. trial {members[0][0].number}: {'; '.join(members[0][0].damage)[:300]}\n")
        stream.write("\n## Each failing trial\n")
        for trial in trials:
            failing = [result for result in trial.runs if result.problems]
            if not failing:
                continue
            stream.write(f"\n### seed {args.seed} trial {trial.number} (damaged side: {trial.side}, "
                         f"CSV still decodes: {'yes' if trial.decodable else 'no'})\n")
            stream.writelines(f"    damage: {description}\n" for description in trial.damage)
            for result in failing:
                stream.write(f"  {result.command.label}: {', '.join(result.problems)} (exit {result.code}, "
                             f"{result.seconds:.2f} s, {result.kilobytes // 1024} MB)\n")
                stream.writelines(f"      | {line[:200]}\n" for line in first_lines(result.output))


def summary(args, trials, seconds):
    """The one-screen summary."""
    runs = [result for trial in trials for result in trial.runs]
    labels = [COMMANDS[name](["HEAD"]).label for name in args.commands]
    problems = ["traceback", "hang", "bad-exit", "non-json", "diff-refused-decodable"]
    lines = [f"dutylist fuzz: {len(trials)} trials, seed {args.seed}, {len(runs)} runs, jobs {args.jobs}, "
             f"timeout {args.timeout:g} s, memory limit {args.memory_limit} GiB, {seconds:.0f} s",
             f"{'command':<40} {'runs':>5} {'trace':>6} {'hang':>5} {'exit':>5} {'json':>5} {'refuse':>6} "
             f"{'median':>7} {'max':>7} {'peak MB':>8}"]
    for label in labels + ["all"]:
        chosen = [result for result in runs if label in ("all", result.command.label)]
        if not chosen:
            continue
        counts = [sum(problem in result.problems for result in chosen) for problem in problems]
        times = [result.seconds for result in chosen]
        lines.append(f"{label:<40} {len(chosen):>5} {counts[0]:>6} {counts[1]:>5} {counts[2]:>5} {counts[3]:>5} "
                     f"{counts[4]:>6} {statistics.median(times):>6.2f}s {max(times):>6.2f}s "
                     f"{max(result.kilobytes for result in chosen) // 1024:>8}")
    decodable = [trial for trial in trials if trial.decodable]
    refused = [trial for trial in decodable if any("diff-refused-decodable" in result.problems for result in trial.runs)]
    failing = [trial for trial in trials if any(result.problems for result in trial.runs)]
    lines += [f"tracebacks {sum('traceback' in r.problems for r in runs)}, hangs {sum('hang' in r.problems for r in runs)}, "
              f"bad exit codes {sum('bad-exit' in r.problems for r in runs)}, non-JSON {sum('non-json' in r.problems for r in runs)}",
              f"diff refused {len(refused)} of {len(decodable)} trials whose CSVs still decode",
              f"trials with a failure: {len(failing)} of {len(trials)}"
              + (f" (details: {args.details})" if failing else "")]
    return "\n".join(lines)


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000, help="number of trials (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="seed: trial N of seed S always does the same damage")
    parser.add_argument("--trial", type=int, action="append", help="run only this trial number (repeatable)")
    parser.add_argument("--tools", type=Path, default=ROOT / "tools", help="folder holding the dutylist package to run")
    parser.add_argument("--jobs", type=int, default=1, choices=[1, 2], help="trials run at once (at most 2)")
    parser.add_argument("--timeout", type=float, default=20, help="seconds before a run counts as a hang")
    parser.add_argument("--memory-limit", type=int, default=4, help="address-space limit of each run, GiB")
    parser.add_argument("--commands", nargs="+", choices=sorted(COMMANDS), default=DEFAULT_COMMANDS,
                        help="the commands to choose from (default: %(default)s)")
    parser.add_argument("--every", action="store_true",
                        help="run every command in each trial (default: one format of each command, chosen by the trial)")
    parser.add_argument("--details", type=Path, default=Path("fuzz-failures.txt"), help="file for the failing trials")
    parser.add_argument("--keep", type=Path, help="copy each failing trial's damaged package into this folder")
    parser.add_argument("--damage-only", action="store_true", help="print each trial's damage; run nothing")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_arguments(argv)
    args.tools = args.tools.resolve()
    numbers = args.trial or list(range(args.trials))
    with tempfile.TemporaryDirectory(prefix="dutylist-fuzz-") as folder:
        base = Path(folder)
        clean = clean_repository(base)
        if args.damage_only:
            for number in numbers:
                package = base / f"trial-{number}"
                shutil.copytree(clean, package, symlinks=True)
                descriptions, _ = damage(trial_rng(args.seed, number), package)
                print(f"trial {number}: " + "; ".join(descriptions))
                shutil.rmtree(package)
            return 0
        start = time.perf_counter()
        trials = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = [pool.submit(run_trial, args, clean, base, number) for number in numbers]
            for done, future in enumerate(concurrent.futures.as_completed(futures), start=1):
                try:
                    trials.append(future.result())
                except BaseException:  # a fault of the fuzz itself: stop now, not after every other trial
                    pool.shutdown(wait=False, cancel_futures=True)
                    raise
                if done % 50 == 0:
                    print(f"… {done} of {len(numbers)} trials, {time.perf_counter() - start:.0f} s", file=sys.stderr,
                          flush=True)
        trials.sort(key=lambda trial: trial.number)
        seconds = time.perf_counter() - start
    write_details(args.details, args, trials)
    print(summary(args, trials, seconds))
    return 1 if any(result.problems for trial in trials for result in trial.runs) else 0


if __name__ == "__main__":
    sys.exit(main())
