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
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@repo_option
@click.option("--edition", metavar="YYYY-MM", help="The edition PATH holds (default: the package's edition).")
@click.option("--source", type=click.Path(dir_okay=False, path_type=Path), help="Same as PATH.")
@click.option("--write", is_flag=True, help="Write what the report says (data/, links, source, descriptor); never the version.")
@format_option
def import_source(path, repo, edition, source, write, output_format):
    """Import an edition's extracted text, each row linked to its id; without PATH, check data/ against the source.

    Example: dutylist import-source sources/qitai-town-duty-list-2025-07.extracted.txt --edition 2025-07
    """
    from .importing import job

    if path and source and path != source:
        raise UserError("give the source once: as PATH or as --source")
    try:
        report = job.run_import(repo, path or source, write, edition)
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
    from .diff.compare import compare
    from .diff.sides import SideError, editions

    try:
        old_edition, new_edition = editions(repo, old, new)
    except SideError as error:
        raise UserError(str(error)) from None
    report = compare(old_edition, new_edition)
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


@cli.command("editions")
@repo_option
@format_option
def editions(repo, output_format):
    """List every version in the history of the current branch: edition, date, commit, counts, validity.

    Example: dutylist editions --format json
    """
    from .release.editions import ReleaseError, list_editions, render_text

    try:
        report = list_editions(repo)
    except ReleaseError as error:
        raise UserError(str(error)) from None
    echo_report(report, output_format, render_text)


@cli.command("changelog")
@repo_option
@click.option("--check", is_flag=True, help="Write nothing; exit 1 naming each file of changelog/ that does not match the history.")
@format_option
def changelog(repo, check, output_format):
    """Write changelog/ from the versions in git history: a report per version and CHANGELOG.md.

    Example: dutylist changelog --check
    """
    from .release import changelog as generated
    from .release.editions import ReleaseError

    try:
        report = generated.check(repo) if check else generated.update(repo)
    except ReleaseError as error:
        raise UserError(str(error)) from None
    except OSError as error:
        raise UserError(f"could not write changelog/ ({error}); nothing was changed") from None
    echo_report(report, output_format, generated.render_check if check else generated.render_update)
    sys.exit(0 if not check or report["ok"] else 1)


@cli.command("release")
@click.argument("bump", type=click.Choice(["auto", "major", "minor", "patch"]), default="auto")
@repo_option
@click.option("--dry-run", is_flag=True, help="Show what the release would do; write nothing.")
@format_option
def release(bump, repo, dry_run, output_format):
    """Prepare the next version: bump the version, validate, regenerate the changelog (you commit it).

    BUMP defaults to auto: the bump the changes since the previous version call for.

    Example: dutylist release auto --dry-run
    """
    from .release import making

    try:
        plan = making.plan_release(repo, bump)
        if not dry_run:
            making.apply(plan)
    except making.ReleaseError as error:
        raise UserError(str(error)) from None
    except OSError as error:
        raise UserError(f"could not write the release ({error}); nothing was changed") from None
    echo_report(making.public(plan), output_format, lambda plan: making.render_text(plan, dry_run))
