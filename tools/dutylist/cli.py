"""The dutylist command line: reads input, calls the core, chooses the output."""

import json
import signal
import sys
from pathlib import Path

import click

INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
TERMINATED = 143  # 128 + SIGTERM


class UserError(click.ClickException):
    """A problem with the user's input: a message and exit code 2, never a traceback.

    With json=True (a command's --format json) stdout gets a JSON error object
    {"error": {"code", "message", "file"}} as well, so that a program reading the JSON
    output always gets JSON.
    """

    exit_code = 2

    def __init__(self, message, code="input-unreadable", file=None, json=False):
        super().__init__(message)
        self.code, self.file, self.json = code, file, json

    def show(self, file=None):
        if self.json:
            error = {"code": self.code, "message": self.message, "file": None if self.file is None else str(self.file)}
            click.echo(json.dumps({"error": error}, ensure_ascii=False, indent=2))
        super().show(file)


def input_error(error, output_format, code="input-unreadable"):
    """A UserError from an exception that carries the file it is about (EditionError, FileRefused, ...)."""
    return UserError(str(error), code=getattr(error, "code", None) or code, file=getattr(error, "file", None),
                     json=output_format == "json")


def write_output(path, text, output_format=None):
    """Write a file atomically; a file that cannot be written is exit 2 with a message, never a traceback."""
    from .core.package import WriteError, write_atomic

    try:
        write_atomic(path, text)
    except WriteError as error:
        raise UserError(str(error), code="cannot-write", file=path, json=output_format == "json") from None


class Group(click.Group):
    """The command group: Ctrl-C exits 130 and SIGTERM 143, both after the temporary files are removed."""

    def main(self, *args, **kwargs):
        previous = _on_sigterm(_terminate)
        try:
            return super().main(*args, **kwargs)
        finally:
            _on_sigterm(previous)

    def invoke(self, ctx):
        from .core.files import FileRefused, max_file_bytes

        try:
            max_file_bytes()  # a bad DUTYLIST_MAX_FILE_BYTES is a misuse, said before any work
        except FileRefused as error:
            raise UserError(str(error), code=error.code) from None
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(INTERRUPTED)


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
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(report))


@click.group(cls=Group)
@click.version_option(package_name="dutylist")
def cli():
    """Validate and diff the editions of the 奇台镇 duty list data package."""


@cli.command("import-source")
@repo_option
@click.option("--source", type=click.Path(dir_okay=False, path_type=Path), help="Extracted text to import (default: the package's source).")
@click.option("--write", is_flag=True, help="Write the three lists in data/ (never the curated registers or corrections).")
@format_option
def import_source(repo, source, write, output_format):
    """Derive the three lists from the extracted source and list every anomaly met.

    Example: dutylist import-source --write
    """
    from .importing import job

    try:
        report = job.run_import(repo, source, write)
    except job.ImportInputError as error:
        raise input_error(error, output_format) from None
    except job.WriteError as error:
        raise UserError(str(error), code="cannot-write", json=output_format == "json") from None
    echo_report(report, output_format, job.render_text)
    sys.exit(0 if report["ok"] else 1)


@cli.command("data-dictionary")
@repo_option
@click.option("--update", "readme", type=click.Path(dir_okay=False, path_type=Path),
              help="Replace the generated section of this README instead of printing.")
def data_dictionary(repo, readme):
    """Print the data dictionary generated from the Table Schemas, as Markdown.

    Example: dutylist data-dictionary --update README.md
    """
    from .dictionary import render_dictionary, replace_in_readme
    from .core.edition import EditionError, FolderReader, load_edition

    try:
        dictionary = render_dictionary(load_edition(FolderReader(repo)))
    except EditionError as error:
        raise input_error(error, "text") from None
    if not readme:
        click.echo(dictionary, nl=False)
        return
    from .core.files import FileRefused, read_package_file

    try:
        data = read_package_file(readme.parent, readme.name)  # a regular file, never a FIFO or a link leading away
        if data is None:
            raise UserError(f"{readme}: no such file", file=readme)
        updated = replace_in_readme(data.decode("utf-8"), dictionary)
    except FileRefused as error:
        raise UserError(f"{readme}: {error.message}", code=error.code, file=readme) from None
    except (OSError, ValueError) as error:
        raise UserError(f"{readme}: {error}", file=readme) from None
    write_output(readme, updated)
    click.echo(f"updated the data dictionary in {readme}")


@cli.command("validate")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--against", "against", metavar="REV", help="Also check against the edition at this git revision (ids never reused, version grew).")
@format_option
def validate(path, against, output_format):
    """Check an edition end to end: descriptor, tables, duty-list rules; exit 1 on any error.

    Example: dutylist validate --against HEAD~1
    """
    from .validate import run as validation

    try:
        report = validation.validate_package(path, against)
    except validation.PackageUnreadable as error:
        raise input_error(error, output_format) from None
    echo_report(report, output_format, validation.render_text)
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
                   "The folder must exist; a symbolic link is refused.")
@click.option("--by", type=click.Choice(["department"]), help="Regroup the item changes by county department.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are differences, 0 when there are none.")
def diff(old, new, repo, output_format, output, by, exit_code):
    """Report what changed between two editions (revision, version like 1.0.0, or folder).

    NEW defaults to the working tree, OLD to the previous version in history.

    Example: dutylist diff 1.0.0 HEAD --format markdown -o changelog/1.1.0.md
    """
    from .diff.compare import compare
    from .diff.sides import SideError, editions

    chosen_format = output_format or default_diff_format(output)
    try:
        old_edition, new_edition = editions(repo, old, new)
    except SideError as error:
        raise input_error(error, chosen_format) from None
    report = compare(old_edition, new_edition)
    text = render_diff(report, chosen_format, by, colour=output is None and sys.stdout.isatty())
    if output:
        write_output(output, text, chosen_format)
    else:
        click.echo(text, nl=False)
    sys.exit(1 if exit_code and not report["summary"]["identical"] else 0)


def default_diff_format(output):
    if output is not None:
        return FORMAT_OF_SUFFIX.get(output.suffix.lower(), "text")
    return "text" if sys.stdout.isatty() else "markdown"


def render_diff(report, output_format, by, colour=False):
    if output_format == "json":
        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    if output_format == "markdown":
        from .diff import render_markdown

        return render_markdown.render(report, by)
    if output_format == "html":
        from .diff import render_html

        return render_html.render(report, by)
    from .diff import render_text

    return render_text.render(report, by, colour=colour)
