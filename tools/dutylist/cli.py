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
def cli():
    """Validate and diff the editions of the 奇台镇 duty list data package."""


@cli.command("import-source")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@repo_option
@click.option("--edition", metavar="YYYY-MM", help="The edition PATH holds (default: the package's edition).")
@click.option("--source", type=click.Path(dir_okay=False, path_type=Path), help="Same as PATH.")
@click.option("--write", is_flag=True, help="Write what the report says (data/, links, source, descriptor); never the version.")
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
    text = extract_text(data, pdf)
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
@click.option("--full", is_flag=True, help="Print every change even when the report is longer than a screen (a file written with -o always has them all).")
def diff(old, new, repo, output_format, output, by, exit_code, full):
    """Report what changed between two editions (revision, version like 1.0.0, or folder).

    NEW defaults to the working tree, OLD to the previous version in history. Printed text or
    markdown longer than a screen shows its summary and says how to see the rest (--full, -o).

    Example: dutylist diff 1.0.0 HEAD --format markdown -o report.md
    """
    from .core.progress import Progress
    from .core.package import write_atomic
    from .diff.sides import readers
    from .core.memory import no_cycle_collection
    from .diff.stream import compare_readers

    chosen = output_format or default_diff_format(output)
    json_output(chosen)
    with Progress("dutylist diff") as progress:
        progress.stage("reading and comparing the editions")
        with no_cycle_collection():
            report = compare_readers(*readers(repo, old, new))
        progress.stage("writing the report")
        colour = output is None and sys.stdout.isatty()
        text = render_diff(report, chosen, by, colour=colour)
        if output is None and not full and chosen in ("text", "markdown") and text.count("\n") > SCREEN_LINES:
            text = render_diff(report, chosen, by, colour=colour, brief=True)
    if output:
        write_atomic(output, text)
    else:
        click.echo(text, nl=False)
    sys.exit(1 if exit_code and not report["summary"]["identical"] else 0)


@cli.command("site")
@repo_option
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the site into (created if missing; files of the same name are replaced, all at once; "
                   "a symbolic link inside it is refused).")
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
        f"{summary['departments']} departments")
    say(f"open {output / 'index.html'}")


def default_diff_format(output):
    if output is not None:
        return FORMAT_OF_SUFFIX.get(output.suffix.lower(), "text")
    return "text" if sys.stdout.isatty() else "markdown"


SCREEN_LINES = 60  # a printed report longer than this shows its summary first, and says how to see the rest


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
@format_option
def release(bump, repo, dry_run, output_format):
    """Prepare the next version: bump the version, validate, regenerate the changelog (you commit it).

    BUMP defaults to auto: the bump the changes since the previous version call for.

    Example: dutylist release auto --dry-run
    """
    from .core.package import WriteError
    from .release import making

    try:
        with ExitStack() as stack:
            if not dry_run:
                lock_package(stack, repo, "release")
            plan = making.plan_release(repo, bump)
            if not dry_run:
                making.apply(plan)
    except (WriteError, OSError) as error:
        raise UserError(f"could not write the release ({error}); nothing was changed", code="cannot-write",
                        json=output_format == "json") from None
    echo_report(making.public(plan), output_format, lambda plan: making.render_text(plan, dry_run))


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
def new_item(repo, list_name, category, name, page, departments, county_duties, town_duties, handling):
    """Add an item with the next free id (never a retired one) and the next 序号; refuse what validate would.

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
                added = add_item(repo, list_name, values, progress)
        except ItemRefused as refused:
            progress.finish()
            say("refused: dutylist validate would report", err=True)
            for finding in refused.findings:
                say(f"  {finding['field'] or '-'}  {finding['code']}: {finding['message']}", err=True)
            say("nothing was written", err=True)
            sys.exit(1)
    say(f"added {added['id']} to {added['file']} as {added['list_title']} 第 {added['seq']} 项")
    if not added["history_checked"]:
        say("note: not a git repository, so only the ids in the current files were excluded", err=True)
