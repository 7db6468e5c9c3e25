"""The dutylist command line: reads input, calls the core, chooses the output."""

import json
import sys
from pathlib import Path

import click



class UserError(click.ClickException):
    """A problem with the user's input: a message and exit code 2, never a traceback."""

    exit_code = 2


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


@click.group()
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
        raise UserError(str(error)) from None
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
    from .core.package import write_atomic

    try:
        dictionary = render_dictionary(load_edition(FolderReader(repo)))
    except EditionError as error:
        raise UserError(str(error)) from None
    if not readme:
        click.echo(dictionary, nl=False)
        return
    try:
        updated = replace_in_readme(readme.read_text(encoding="utf-8"), dictionary)
    except (OSError, ValueError) as error:
        raise UserError(f"{readme}: {error}") from None
    write_atomic(readme, updated)
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
        raise UserError(str(error)) from None
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
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file (atomically).")
@click.option("--by", type=click.Choice(["department"]), help="Regroup the item changes by county department.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are differences, 0 when there are none.")
def diff(old, new, repo, output_format, output, by, exit_code):
    """Report what changed between two editions (revision, version like 1.0.0, or folder).

    NEW defaults to the working tree, OLD to the previous version in history.

    Example: dutylist diff 1.0.0 HEAD --format markdown -o changelog/1.1.0.md
    """
    from .diff.sides import SideError, readers
    from .diff.stream import compare_readers

    try:
        report = compare_readers(*readers(repo, old, new))
    except SideError as error:
        raise UserError(str(error)) from None
    text = render_diff(report, output_format or default_diff_format(output), by, colour=output is None and sys.stdout.isatty())
    if output:
        from .core.package import write_atomic

        write_atomic(output, text)
    else:
        click.echo(text, nl=False)
    sys.exit(1 if exit_code and not report["summary"]["identical"] else 0)


@cli.command("site")
@repo_option
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the site into (created if missing; files of the same name are replaced).")
def site(repo, output):
    """Build a static site: the current edition with search, and a page per item, version and department.

    Built from the versions in the git history of --repo plus its working tree.

    Example: dutylist site -o build/site
    """
    from .site.build import build_site
    from .site.collect import SiteInputError

    try:
        summary = build_site(repo, output)
    except SiteInputError as error:
        raise UserError(str(error)) from None
    except OSError as error:
        raise UserError(f"{output}: cannot write the site: {error.strerror or error}") from None
    history = "" if summary["in_git"] else " (not a git repository: the working tree only)"
    versions = len(summary["versions"])
    click.echo(f"wrote {summary['files']} files to {summary['output']}: {summary['items']} items, "
               f"{versions} version{'s' if versions != 1 else ''} ({', '.join(summary['versions'])}){history}, "
               f"{summary['departments']} departments")
    click.echo(f"open {output / 'index.html'}")


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
