"""The dutylist command line: reads input, calls the core, chooses the output."""

import errno
import os
import signal
import sys
from contextlib import ExitStack
from pathlib import Path

import click

from .core.errors import DutylistError
from .core.kinds import RELEASE_BUMPS
from .core.package import LISTS, STEP_FIELDS
from .core.shown import json_text, visible

INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
TERMINATED = 143  # 128 + SIGTERM
BROKEN_PIPE = 141  # 128 + SIGPIPE, as shells report a reader that went away (`dutylist diff | head -1`)
OUTPUT_ERRORS = (errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT)  # the standard output cannot take what is written


class UserError(DutylistError, click.ClickException):
    """A DutylistError as click shows it: the message and exit code 2, never a traceback.

    With json=True (a command whose output is JSON) stdout gets the JSON error object
    {"error": {"code", "message", "file"}} as well, so that a program reading the JSON
    output always gets JSON. Group.invoke turns every DutylistError into one.
    """

    exit_code = 2

    def __init__(self, message, code=None, file=None, json=False):
        super().__init__(message, code=code, file=file)
        self.json = json

    def show(self, file=None):
        if self.json:
            try:
                click.echo(json_text(self.error_object(), indent=2))
            except OSError:  # the standard output is full or closed: the message on the standard error still says it
                _quiet_stdout()
        super().show(file)

    def format_message(self):
        """The message as printed: a path or value from the package may hold terminal escapes, shown visibly."""
        return visible(self.message)


def say(text, err=False, nl=True):
    """Print a message or a text report: every control or invisible character shown as ⟨U+XXXX⟩ (core/shown.py)."""
    click.echo(visible(str(text)), err=err, nl=nl)


JSON_OUTPUT = "dutylist.json-output"  # in the context's meta: the command's output is JSON, so are its errors


def json_output(output_format):
    """Note that the command writes JSON (a format chosen from -o's suffix, or by default), so that it fails as JSON."""
    if output_format == "json":
        click.get_current_context().meta[JSON_OUTPUT] = True


def lock_package(stack, repo, command):
    """Take the package's lock (core/lock.py) for the rest of the stack; a held or left-behind lock is exit 2 (Locked)."""
    from .core.lock import package_lock

    stack.enter_context(package_lock(repo, command))


class Group(click.Group):
    """The command group: Ctrl-C exits 130 and SIGTERM 143, both after the temporary files are removed."""

    def main(self, *args, **kwargs):
        previous = _on_sigterm(_terminate)
        try:
            return super().main(*args, **kwargs)
        finally:
            _on_sigterm(previous)

    def invoke(self, ctx):
        """Run the command; map every DutylistError, once, to exit 2 and its message (and the JSON error object)."""
        from .core.files import max_file_bytes

        arguments = list(ctx.args)  # the command's own arguments (click empties ctx.args as it invokes the command)
        try:
            try:
                max_file_bytes()  # a bad DUTYLIST_MAX_FILE_BYTES is a misuse, said before any work
                return super().invoke(ctx)
            finally:
                sys.stdout.flush()  # a full or closed standard output fails here, not in the interpreter's exit
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(INTERRUPTED)
        except MemoryError:
            raise UserError(f"dutylist {ctx.invoked_subcommand}: out of memory; this package needs more memory than the "
                            "machine (or its limit) gives: see 'Memory' in docs/safety.md for what each command keeps",
                            code="out-of-memory", json=_wants_json(ctx, arguments)) from None  # a JSON reader still gets JSON
        except UserError as error:
            error.json = error.json or _wants_json(ctx, arguments)  # every command whose output is JSON fails as JSON
            raise
        except DutylistError as error:
            raise UserError(str(error), code=error.code, file=error.file, json=_wants_json(ctx, arguments)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except OSError as error:
            if error.errno == errno.EPIPE:
                _quiet_stdout()
                ctx.exit(BROKEN_PIPE)  # the reader went away (`| head -1`): nothing to say, as cat and grep say nothing
            if error.errno not in OUTPUT_ERRORS:
                raise _internal_error(ctx, error, arguments) from None
            _quiet_stdout()
            raise UserError(f"dutylist {ctx.invoked_subcommand}: cannot write the output: {error.strerror or error}; free space on the device "
                            "it goes to, or write it elsewhere", code="cannot-write") from None
        except Exception as error:  # a bug: every input problem is caught where it is met, with its file and row
            raise _internal_error(ctx, error, arguments) from None


def _wants_json(ctx, arguments):
    """Whether the command's output is JSON (--format json, or json_output): it must be JSON even when it fails."""
    return ctx.meta.get(JSON_OUTPUT, False) or "--format=json" in arguments or any(first == "--format" and then == "json" for first, then in zip(arguments, arguments[1:]))


def _internal_error(ctx, error, arguments):
    """Exit 2 for an exception nothing caught: its type and first line, and a request to report it; never a traceback."""
    first = (str(error).splitlines() or [""])[0][:300]
    return UserError(f"internal error in dutylist {ctx.invoked_subcommand}: {type(error).__name__}: {first}; please report it "
                     "(with the command and, if you can, the input)", code="internal-error", json=_wants_json(ctx, arguments))


def _quiet_stdout():
    """Point the standard output at /dev/null, so that the interpreter's last flush of the failed output is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test's CliRunner): nothing to silence
        pass


def _terminate(signum, frame):
    raise SystemExit(TERMINATED)  # unwinds like an exception: write_atomic removes its temporary file


def _on_sigterm(handler):
    try:
        return signal.signal(signal.SIGTERM, handler)
    except (ValueError, TypeError):  # not the main thread, or no previous Python handler to restore
        return None


def format_option(function):
    return click.option(
        "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
        help="Output format.",
    )(function)


def repo_option(function):
    return click.option(
        "--repo", "repo", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
        help="Folder holding datapackage.json.",
    )(function)


def echo_report(report, output_format, render_text):
    """Print a report: JSON is the report itself, text is its rendering."""
    if output_format == "json":
        click.echo(json_text(report, indent=2))
    else:
        say(render_text(report))


@click.group(cls=Group)
@click.version_option(package_name="dutylist")
@click.option("--max-file-bytes", type=click.IntRange(min=1), metavar="BYTES",
              help="Limit on a file read whole (descriptor, schema, register) and on one CSV cell "
                   "[default: 8388608, or DUTYLIST_MAX_FILE_BYTES]; the lists validate and diff stream have no size limit.")
def cli(max_file_bytes):
    """Validate and diff the editions of the 奇台镇 duty list data package."""
    from .core.files import set_max_file_bytes

    set_max_file_bytes(max_file_bytes)  # None: the environment's or the default (a test runs many commands in one process)


@cli.command("import-source")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@repo_option
@click.option("--edition", metavar="YYYY-MM", help="The edition PATH holds (default: the package's edition).")
@click.option("--source", type=click.Path(dir_okay=False, path_type=Path), help="Same as PATH.")
@click.option("--write", is_flag=True, help="Write what the report says (data/, links, source, descriptor); never the version. "
              "While a link waits for review, the links file alone.")
@format_option
def import_source(path, repo, edition, source, write, output_format):
    """Import an edition's published PDF (or its extracted text), each row linked to its id; without PATH, check
    data/ against the source.

    Example: dutylist import-source sources/qitai-town-duty-list-2025-07.extracted.txt --edition 2025-07
    """
    from .importing import job

    if path and source and path != source:
        raise UserError("give the source once: as PATH or as --source")
    try:
        with ExitStack() as stack:
            if write:
                lock_package(stack, repo, "import-source --write")
            report = job.run_import(repo, path or source, write, edition)
    except job.WriteError as error:
        raise UserError(f"{error}; nothing was changed", code="cannot-write", json=output_format == "json") from None
    echo_report(report, output_format, job.render_text)
    sys.exit(0 if report["ok"] else 1)


@cli.command("extract")
@click.argument("pdf", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the text to this file (default: the standard output).")
def extract(pdf, output):
    """Extract the text of an edition's published PDF in the layout import-source reads.

    import-source reads a PDF itself; this command shows the text it reads.

    Example: dutylist extract tests/fixtures/rendered-edition.pdf -o ../rendered-edition.txt
    """
    from .core.files import FileRefused, read_package_file
    from .core.package import write_atomic
    from .importing.pdf import extract_text

    try:
        data = read_package_file(pdf.parent, pdf.name)  # a regular file, never a FIFO or a link leading away
    except FileRefused as error:
        raise UserError(f"{pdf}: {error.message}", code=error.code, file=pdf) from None
    if data is None:
        raise UserError(f"{pdf}: no such file (the edition's PDF)", file=pdf)
    warnings = []
    text = extract_text(data, pdf, warnings=warnings)
    for warning in warnings:
        say(f"warning: {warning}", err=True)
    if output:
        write_atomic(output, text)
        say(f"wrote {output}: {text.count(chr(10))} lines extracted from {pdf}")
    else:
        click.echo(text, nl=False)


@cli.command("data-dictionary")
@repo_option
@click.option("--update", "readme", type=click.Path(dir_okay=False, path_type=Path),
              help="Replace the generated section of this README instead of printing.")
def data_dictionary(repo, readme):
    """Print the data dictionary generated from the Table Schemas, as Markdown.

    Example: dutylist data-dictionary --update README.md
    """
    from .maintain.dictionary import render_dictionary, replace_in_readme
    from .core.edition import FolderReader, load_edition

    dictionary = render_dictionary(load_edition(FolderReader(repo)))
    if not readme:
        click.echo(dictionary, nl=False)
        return
    from .core.files import FileRefused, read_package_file
    from .core.package import write_atomic

    try:
        data = read_package_file(readme.parent, readme.name)  # a regular file, never a FIFO or a link leading away
        if data is None:
            raise UserError(f"{readme}: no such file", file=readme)
        updated = replace_in_readme(data.decode("utf-8"), dictionary)
    except FileRefused as error:
        raise UserError(f"{readme}: {error.message}", code=error.code, file=readme) from None
    except (OSError, ValueError) as error:
        raise UserError(f"{readme}: {error}", file=readme) from None
    write_atomic(readme, updated)
    say(f"updated the data dictionary in {readme}")


@cli.command("validate")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--against", "against", metavar="REV",
              help="Also check against an earlier edition: a git revision or a version like 1.0.0 (ids never reused; the version grew if the content changed).")
@click.option("--details", "-v", "details", is_flag=True, help="List every warning (by default warnings are counted per code).")
@format_option
def validate(path, against, details, output_format):
    """Check an edition end to end: descriptor, tables, duty-list rules; exit 1 on any error.

    Example: dutylist validate --against HEAD~1
    """
    from .core.progress import Progress
    from .core.memory import no_cycle_collection
    from .validate import run as validation

    compare = None
    if against:  # validate stands below diff: the comparison of the earlier edition with this one is passed in
        from .diff.compare import compare
    with Progress("dutylist validate") as progress:
        progress.stage("validating")
        with no_cycle_collection():  # core/memory.py: a large package is millions of acyclic objects
            report = validation.validate_package(path, against, compare=compare)
    echo_report(report, output_format, lambda found: validation.render_text(found, details=details))
    sys.exit(int(not report["valid"]))


DIFF_FORMATS = ("text", "markdown", "json", "html")
MIN_MAX_CHARS = 2000  # --max-chars: room for the summary and the line saying what was left out
FORMAT_OF_SUFFIX = {".md": "markdown", ".markdown": "markdown", ".json": "json", ".html": "html", ".htm": "html"}


@cli.command("diff")
@click.argument("old", required=False)
@click.argument("new", required=False)
@repo_option
@click.option("--format", "output_format", type=click.Choice(DIFF_FORMATS),
              help="Output format (default: from -o's suffix, else text on a terminal and markdown otherwise).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file, replacing it if it exists (atomically; its mode is kept). "
                   "The folder must exist; a symbolic link, FIFO, device or socket is refused.")
@click.option("--by", type=click.Choice(["department"]), help="Regroup the item changes by county department.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are differences, 0 when there are none.")
@click.option("--full", is_flag=True, help="Print every change even on a terminal, where a report longer than a screen shows its summary.")
@click.option("--summary", "summary_only", is_flag=True,
              help="Print the summary only (header, warnings, counts, bump) and where the rest is, wherever the output goes.")
@click.option("--max-chars", type=click.IntRange(min=MIN_MAX_CHARS), metavar="N",
              help="Markdown for a pull-request comment: the summary, then each section collapsed in <details>, "
                   "cut to at most N characters with a line saying what was left out (e.g. 65000).")
@click.option("--report-url", metavar="URL",
              help="With --max-chars: where the whole report is (e.g. the CI run holding it), named in the line that says what was cut.")
@click.option("--since-release", is_flag=True,
              help="Compare the working tree with the last released version, even when it holds that version unchanged.")
def diff(old, new, repo, output_format, output, by, exit_code, full, summary_only, max_chars, report_url, since_release):
    """Report what changed between two editions (revision, version like 1.0.0, or folder).

    NEW defaults to the working tree. OLD defaults to the last released version when the working
    tree differs from it, else to the version before (the report says which, and why). On a terminal,
    text or markdown longer than a screen shows its summary and says how to see the rest (--full, -o);
    written to a pipe or a file, the report is whole (--summary asks for the summary anywhere).

    Example: dutylist diff 1.0.0 HEAD --format markdown -o report.md
    """
    from .core.progress import Progress
    from .core.package import write_atomic
    from .core.memory import no_cycle_collection
    from .diff.baseline import compare_sides

    chosen = output_format or default_diff_format(output)
    json_output(chosen)
    if since_release and old is not None:
        raise UserError(f"--since-release chooses OLD (the last released version); give no OLD ({old}), or drop --since-release",
                        code="options-conflict")
    if full and summary_only:
        raise UserError("--full and --summary ask for opposite things; give one of them")
    if summary_only and chosen not in ("text", "markdown"):
        raise UserError(f"--summary shortens a text or Markdown report; {chosen} is always whole", json=chosen == "json")
    if max_chars is not None and chosen != "markdown":
        raise UserError(f"--max-chars cuts a Markdown report (a pull-request comment); add --format markdown, not {chosen}",
                        json=chosen == "json")
    if report_url is not None and max_chars is None:
        raise UserError("--report-url names where the whole report is in a report cut by --max-chars; add --max-chars N")
    with Progress("dutylist diff") as progress:
        progress.stage("reading and comparing the editions")
        with no_cycle_collection():
            report = compare_sides(repo, old, new, since_release)
        progress.stage("writing the report")
        if chosen == "json":  # written in pieces: memory grows with the changes, not with the report's text
            write_json_report(report, output)
            sys.exit(1 if exit_code and not report["summary"]["identical"] else 0)
        terminal = output is None and sys.stdout.isatty()
        if max_chars is not None:
            from .diff import render_markdown

            text = render_markdown.render_comment(report, by, max_chars, report_url or whole_report_command(old, new, by))
        elif summary_only and chosen in ("text", "markdown"):
            text = render_diff(report, chosen, by, colour=terminal, brief=True)
        else:
            text = render_diff(report, chosen, by, colour=terminal)
            if terminal and not full and chosen in ("text", "markdown") and text.count("\n") > SCREEN_LINES:
                text = render_diff(report, chosen, by, colour=terminal, brief=True)
    if output:
        write_atomic(output, text)
    else:
        click.echo(text, nl=False)
    sys.exit(1 if exit_code and not report["summary"]["identical"] else 0)


@cli.command("site")
@repo_option
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the site into (created if missing; files of the same name are replaced, all at once, and the "
                   "files an earlier build listed in dutylist-site-files.json and this one does not write are removed; other "
                   "files are kept; a symbolic link inside it is refused).")
def site(repo, output):
    """Build a static site: the current edition with search, and a page per item, version and department.

    Built from the versions in the git history of --repo plus its working tree.

    Example: dutylist site -o build/site
    """
    from .core.package import WriteError
    from .site.build import build_site

    try:
        summary = build_site(repo, output)
    except WriteError as error:
        raise UserError(f"{error}; the site was not written", code="cannot-write", file=output) from None
    except OSError as error:
        raise UserError(f"{output}: cannot write the site: {error.strerror or error}") from None
    history = "" if summary["in_git"] else " (not a git repository: the working tree only)"
    versions = len(summary["versions"])
    say(f"wrote {summary['files']} files to {summary['output']}: {summary['items']} items, "
        f"{versions} version{'s' if versions != 1 else ''} ({', '.join(summary['versions'])}){history}, "
        f"{summary['departments']} departments"
        + (f"; removed {summary['removed']} files an earlier build wrote and this one does not" if summary["removed"] else ""))
    say(f"open {output / 'index.html'}")


def default_diff_format(output):
    if output is not None:
        return FORMAT_OF_SUFFIX.get(output.suffix.lower(), "text")
    return "text" if sys.stdout.isatty() else "markdown"


SCREEN_LINES = 60  # a report printed on a terminal longer than this shows its summary first, and says how to see the rest


def whole_report_command(old, new, by):
    """The command that writes the whole report a --max-chars report was cut from (its sides as given)."""
    sides = " ".join(side for side in (old, new) if side)
    return " ".join(part for part in ("dutylist diff", sides, "--by department" if by else "", "--format html -o report.html") if part)


def write_json_report(report, output):
    """The diff report as JSON (render_diff's text, byte for byte), written to output (atomically) or printed, in pieces."""
    from .core.shown import json_pieces

    pieces = json_pieces(report, indent=2, allow_nan=False)
    if output:
        from .core.package import write_pieces_atomic

        write_pieces_atomic(output, _with_last_line_break(piece.encode("utf-8") for piece in pieces))
        return
    for piece in pieces:
        click.echo(piece, nl=False)
    click.echo("")


def _with_last_line_break(pieces):
    yield from pieces
    yield b"\n"


def render_diff(report, output_format, by, colour=False, brief=False):
    if output_format == "json":
        return json_text(report, indent=2, allow_nan=False) + "\n"
    if output_format == "markdown":
        from .diff import render_markdown

        return render_markdown.render(report, by, brief=brief)
    if output_format == "html":
        from .diff import render_html

        return render_html.render(report, by)
    from .diff import render_text

    return render_text.render(report, by, colour=colour, brief=brief)


@cli.command("editions")
@repo_option
@format_option
def editions(repo, output_format):
    """List every version in the history of the current branch: edition, date, commit, counts, validity.

    Example: dutylist editions --format json
    """
    from .release.editions import list_editions, render_text

    echo_report(list_editions(repo), output_format, render_text)


@cli.command("changelog")
@repo_option
@click.option("--check", is_flag=True, help="Write nothing; exit 1 naming each file of changelog/ that does not match the history.")
@format_option
def changelog(repo, check, output_format):
    """Write changelog/ from the versions in git history: a report per version and CHANGELOG.md.

    Example: dutylist changelog --check
    """
    from .core.package import WriteError
    from .release import changelog as generated

    try:
        with ExitStack() as stack:
            if not check:
                lock_package(stack, repo, "changelog")
            report = generated.check(repo) if check else generated.update(repo)
    except (WriteError, OSError) as error:
        raise UserError(f"could not write changelog/ ({error}); nothing was changed", code="cannot-write",
                        json=output_format == "json") from None
    echo_report(report, output_format, generated.render_check if check else generated.render_update)
    sys.exit(0 if not check or report["ok"] else 1)


@cli.command("release")
@click.argument("bump", type=click.Choice(["auto", *RELEASE_BUMPS]), default="auto")
@repo_option
@click.option("--dry-run", is_flag=True, help="Show what the release would do; write nothing.")
@click.option("--no-commit", is_flag=True, help="Write the files only; you commit them and tag the commit vX.Y.Z yourself.")
@format_option
def release(bump, repo, dry_run, no_commit, output_format):
    """Make the next version: bump the version, validate, regenerate the changelog, commit, tag vX.Y.Z.

    BUMP defaults to auto: the bump the changes since the previous version call for. Refused when
    the tag exists, or (unless --no-commit) when files outside the package have uncommitted changes.

    Example: dutylist release auto --dry-run
    """
    from .core.package import WriteError
    from .release import making

    try:
        with ExitStack() as stack:
            if not dry_run:
                lock_package(stack, repo, "release")
            plan = making.plan_release(repo, bump, commit=not no_commit)
            if not dry_run:
                making.apply(plan)
    except (WriteError, OSError) as error:
        raise UserError(f"could not write the release ({error}); nothing was changed", code="cannot-write",
                        json=output_format == "json") from None
    echo_report(making.public(plan), output_format, lambda plan: making.render_text(plan, dry_run, not no_commit))


EXPORT_FORMATS = ("json", "xlsx", "sqlite")
EXPORT_FORMAT_OF_SUFFIX = {".json": "json", ".xlsx": "xlsx", ".sqlite": "sqlite", ".sqlite3": "sqlite", ".db": "sqlite"}


@cli.command("export")
@repo_option
@click.option("--format", "output_format", type=click.Choice(EXPORT_FORMATS),
              help="Output format (default: from -o's suffix, else json).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the export to this file (atomically).")
@click.option("--from", "revision", metavar="REV", help="Export this git revision or version (like 1.0.0) instead of the working tree.")
def export(repo, output_format, output, revision):
    """Export an edition as JSON, an XLSX workbook or a SQLite database.

    Example: dutylist export --format xlsx -o qitai-duties.xlsx
    """
    from .core.package import write_bytes_atomic
    from .core.progress import Progress
    from .diff.sides import load, reader_for

    output_format = output_format or (EXPORT_FORMAT_OF_SUFFIX.get(output.suffix.lower(), "json") if output else "json")
    json_output(output_format)
    if output is None and output_format != "json" and sys.stdout.isatty():
        raise UserError(f"a {output_format} export is a binary file: give -o FILE (or redirect the output to a file)")
    with Progress("dutylist export") as progress:
        progress.stage("reading the edition")
        edition = load(reader_for(repo, revision, "REV"), "REV")
        if revision is None:  # the working tree: the commit it is, when its package files are that commit's
            from .core.history import clean_commit

            edition["revision"] = clean_commit(repo)
        progress.stage(f"writing {output_format}", total=len(edition["items"]))
        data = export_bytes(edition, output_format, progress)
    if output is None:
        if output_format == "json":
            click.echo(data.decode("utf-8"), nl=False)
        else:
            sys.stdout.buffer.write(data)
        return
    write_bytes_atomic(output, data)
    say(f"wrote {output} ({output_format}, {len(edition['items'])} items, {len(data)} bytes)", err=True)


def export_bytes(edition, output_format, progress=None):
    if output_format == "xlsx":
        from .export.xlsx_workbook import export_xlsx

        return export_xlsx(edition, progress)
    if output_format == "sqlite":
        from .export.sqlite_database import export_sqlite

        return export_sqlite(edition, progress)
    from .export.json_document import export_json

    return export_json(edition, progress)


@cli.command("fmt")
@repo_option
@click.option("--check", is_flag=True, help="Write nothing; exit 1 naming the files that are not in canonical form.")
def fmt(repo, check):
    """Rewrite the package's CSVs in the canonical form (column order, quoting, LF, UTF-8 without BOM).

    Example: dutylist fmt --check
    """
    from .core.progress import Progress
    from .maintain.canonical_csv import format_package, render_text

    with Progress("dutylist fmt") as progress, ExitStack() as stack:
        if not check:
            lock_package(stack, repo, "fmt")
        results = format_package(repo, write=not check, progress=progress)
    say(render_text(results, write=not check))
    sys.exit(1 if check and any(result.changed for result in results) else 0)


@cli.command("git-setup")
@repo_option
def git_setup(repo):
    """Make git diff, git log -p and git show print data/*.csv changes item by item and field by field.

    Example: dutylist git-setup
    """
    from .maintain.git_diff_driver import setup

    say("\n".join(setup(repo)))
    click.echo("git diff, git log -p and git show now print data/*.csv item by item; git diff --word-diff marks changed characters. "
               "Commit .gitattributes so that every clone marks the files (each clone runs dutylist git-setup once for .git/config, "
               "and again after upgrading dutylist).")


@cli.command("new-item")
@repo_option
@click.option("--list", "list_name", type=click.Choice(list(LISTS)), required=True, help="The list to add to.")
@click.option("--category", required=True, help="事项类别: a name in data/categories.csv.")
@click.option("--name", required=True, help="事项名称.")
@click.option("--page", type=int, required=True, help="The page of the published PDF on which the item's row starts.")
@click.option("--department", "departments", multiple=True, help="对应上级部门 / 承接部门: a name in data/departments.csv (repeatable).")
@click.option("--county-duty", "county_duties", multiple=True, help="上级部门职责: one numbered step (repeatable, in order).")
@click.option("--town-duty", "town_duties", multiple=True, help="乡镇配合职责: one numbered step (repeatable, in order).")
@click.option("--handling", "handling", multiple=True, help="工作方式: one numbered step (repeatable, in order).")
@click.option("--after", metavar="ID", help="Place the item after this item (the items after it move down one 序号).")
@click.option("--in-category", is_flag=True, help="Place the item at the end of its category's block (default: the end of the list).")
@click.option("--reason", default=None, help="Why the item is added, for its amendment records (a notice, a decision).")
@click.option("--authority", default="", help="The authority for it: a notice with its number and date, or the maintainers' decision.")
@click.option("--by", default=None, help="Who records it (default: git's user.name).")
def new_item(repo, list_name, category, name, page, departments, county_duties, town_duties, handling, after, in_category,
             reason, authority, by):
    """Add an item with the next free id (never a retired one); refuse what validate would; record the amendment.

    The item goes at the end of the list, after --after ID, or at the end of its category's block (--in-category);
    the items after it move down one 序号. data/amendments.csv records the item and every 序号 changed.

    Example: dutylist new-item --list basic --category 民生服务 --name 开展防范电信网络诈骗宣传 --page 10
    """
    from .core.progress import Progress
    from .maintain.new_item import ItemRefused, add_item

    values = {"category": category.strip(), "name": name.strip(), "page": page, "departments": departments,
              **dict(zip(STEP_FIELDS, (county_duties, town_duties, handling)))}
    with Progress("dutylist new-item") as progress:
        try:
            with ExitStack() as stack:
                lock_package(stack, repo, "new-item")
                from .maintain.new_item import DEFAULT_REASON

                record = (reason or DEFAULT_REASON, authority, git_user(repo) if by is None else by)
                added = add_item(repo, list_name, values, progress, after=after, in_category=in_category, record=record)
        except ItemRefused as refused:
            progress.finish()
            say("refused: dutylist validate would report", err=True)
            for finding in refused.findings:
                say(f"  {finding['field'] or '-'}  {finding['code']}: {finding['message']}", err=True)
            say("nothing was written", err=True)
            sys.exit(1)
    say(f"added {added['id']} to {added['file']} as {added['list_title']} 第 {added['seq']} 项")
    if added["amendments"]:
        pushed = sum(1 for record in added["amendments"] if record["item_id"] != added["id"])
        say(f"recorded {len(added['amendments'])} amendment(s) in {added['amendments_file']}"
            + (f" ({pushed} item(s) after it moved down one 序号)" if pushed else ""))
    if not added["history_checked"]:
        say("note: not a git repository, so only the ids in the current files were excluded", err=True)


def git_user(repo):
    """The git user.name of the repository holding repo (its config files only), or ""."""
    from .core.history import open_repo

    try:
        found = open_repo(repo, search_parents=True)
        name = found.get_config_stack().get(("user",), "name") if found is not None else b""
        return name.decode("utf-8", "replace") if isinstance(name, bytes) else (name or "")
    except (KeyError, OSError, ValueError, AttributeError):
        return ""


@cli.command("record")
@repo_option
@click.option("--reason", default="", help="Why data/ was edited: a sentence (the notice, the decision); needed when there is something to record.")
@click.option("--authority", default="", help="The authority: a notice with its number and date, or the maintainers' decision.")
@click.option("--by", default=None, help="Who records it (default: git's user.name).")
@click.option("--item", "items", multiple=True, metavar="ID", help="Record only this item's edits (repeatable).")
@click.option("--all", "include_damage", is_flag=True, help="Record as amendments also the changes that look like extraction damage.")
@click.option("--dry-run", is_flag=True, help="Show the records; write nothing.")
@format_option
def record(repo, reason, authority, by, items, include_damage, dry_run, output_format):
    """Record the edits made to data/ (with any tool) as amendments: data/amendments.csv, with reason and authority.

    A change that looks like extraction damage is shown with the correction record that would explain it instead,
    and left unrecorded unless --all. Exit 1 when such a change was left unrecorded.

    Example: dutylist record --reason "county notice 2026-3" --dry-run
    """
    from .maintain import record as recording

    json_output(output_format)
    by = git_user(repo) if by is None else by
    with ExitStack() as stack:
        if not dry_run:
            lock_package(stack, repo, "record")
        plan = recording.plan_record(repo, reason, authority, by, items, include_damage)
        if not dry_run:
            recording.write_plan(plan)
    echo_report(recording.public(plan), output_format, lambda found: recording.render_text(found, dry_run))
    sys.exit(1 if plan["suspected_damage"] else 0)



@cli.command("check")
@repo_option
@format_option
def check(repo, output_format):
    """Run exactly the data checks CI runs (changelog --check, frictionless, import-source, validate, fmt --check).

    Exit 0 when all pass, 1 when one fails. The pre-commit hook runs it, and .ci/run calls it before the tests.

    Example: dutylist check
    """
    from .core.edition import EditionError, FolderReader, read_descriptor
    from .core.progress import Progress
    from .maintain.check import render_text, run_checks

    json_output(output_format)
    try:
        read_descriptor(FolderReader(repo))  # outside a package, or a descriptor that cannot be read: exit 2, said once
    except EditionError as error:
        raise UserError(f"{Path(repo) / 'datapackage.json'}: {error.message}; dutylist check runs in a package's folder",
                        code=error.code, file=error.file) from None
    with Progress("dutylist check") as progress:
        report = run_checks(repo, progress)
    echo_report(report, output_format, render_text)
    sys.exit(0 if report["ok"] else 1)


def _show_edit(plan, dry_run, what):
    """The screen of a list edit: what was done, the notes on the cells, the amendment records."""
    from .maintain.record import screen_lines

    if not plan["records"]:
        say(f"{what}: nothing to change")
        return
    say(f"{what}{' (dry run: nothing written)' if dry_run else ''}")
    for note in plan["notes"]:
        say(f"  {note}")
    shown = plan["records"]
    say(f"{'would record' if dry_run else 'recorded'} {len(shown)} amendment(s):")
    for line in screen_lines(shown):
        say(f"  {line}")
    if not dry_run:
        say("next: dutylist check (what CI checks), then commit data/")


def edit_options(function):
    for option in reversed([
        click.option("--reason", required=True, help="Why: a sentence (the notice, the decision), for the amendment records."),
        click.option("--authority", default="", help="The authority: a notice with its number and date, or the maintainers' decision."),
        click.option("--by", default=None, help="Who records it (default: git's user.name)."),
        click.option("--dry-run", is_flag=True, help="Show the edit and its records; write nothing."),
    ]):
        function = option(function)
    return function


@cli.command("move-item")
@click.argument("item_id", metavar="ID")
@repo_option
@click.option("--to", "target", type=click.Choice(list(LISTS)), required=True, help="The list to move the item to.")
@click.option("--after", metavar="ID", help="Place it after this item of the target list (default: at its end).")
@click.option("--department", "departments", multiple=True, help="对应上级部门 / 承接部门 in the target list (repeatable).")
@click.option("--county-duty", "county_duties", multiple=True, help="上级部门职责 in the target list: one numbered step (repeatable).")
@click.option("--town-duty", "town_duties", multiple=True, help="乡镇配合职责 in the target list: one numbered step (repeatable).")
@click.option("--handling", "handling", multiple=True, help="工作方式 in the target list: one numbered step (repeatable).")
@edit_options
def move_item(item_id, repo, target, after, departments, county_duties, town_duties, handling, reason, authority, by, dry_run):
    """Move an item to another list, reshaping its cells for the target's columns; both lists renumbered; recorded.

    Cells the target list has no column for are emptied (the amendment record keeps their text); the county
    department's duties become the handling (and back); what the item cannot fill is left empty and said so.

    Example: dutylist move-item 652325100-0125 --to reclaimed --reason "county notice 2026-3" --dry-run
    """
    from .maintain import edit_lists

    given = {"departments": departments, **dict(zip(STEP_FIELDS, (county_duties, town_duties, handling)))}
    with ExitStack() as stack:
        if not dry_run:
            lock_package(stack, repo, "move-item")
        plan = edit_lists.move_item(repo, item_id, target, after, given)
        records = [] if dry_run else edit_lists.write(plan, reason, authority, git_user(repo) if by is None else by)
    _show_edit(plan, dry_run, f"moved {item_id} to the {target} list")


@cli.command("renumber")
@click.argument("list_name", metavar="LIST", type=click.Choice(list(LISTS)))
@repo_option
@edit_options
def renumber(list_name, repo, reason, authority, by, dry_run):
    """Number a list's items 1..N in the order of its file (after removing a row or reordering rows); recorded.

    Example: dutylist renumber basic --reason "item 652325100-0085 removed" --dry-run
    """
    from .maintain import edit_lists

    with ExitStack() as stack:
        if not dry_run:
            lock_package(stack, repo, "renumber")
        plan = edit_lists.renumber(repo, list_name)
        records = [] if dry_run else edit_lists.write(plan, reason, authority, git_user(repo) if by is None else by)
    _show_edit(plan, dry_run, f"renumbered the {list_name} list")

