"""The command line: a thin wrapper over the library.

Exit codes: 0 success; 1 some documents were refused (``build``); 2 usage or input error (the message
names the file and, where it applies, the line)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__, authority
from .build import build as run_build
from .config import load_settings
from .errors import InputError
from .facts import card, dumps
from .parse import parse_file


class _Group(click.Group):
    def main(self, *args, **kwargs):  # one place turns input errors into exit code 2
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except InputError as exc:
            click.echo(f"unkg: error: {exc}", err=True)
            sys.exit(2)
        except click.exceptions.Abort:
            click.echo("unkg: aborted", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            exc.show()
            sys.exit(2)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="unkg")
@click.option("--project", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder (default: the nearest folder above with [tool.unkg] in pyproject.toml).")
@click.pass_context
def main(ctx: click.Context, project: Path | None) -> None:
    """UN communications as linked data."""
    ctx.obj = project


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def facts(ctx: click.Context, file: Path) -> None:
    """Print the facts card of FILE (a document's text) as JSON."""
    settings = load_settings(ctx.obj)
    auth = authority.load(settings.authorities_dir, settings.base)
    doc = parse_file(file, auth)
    click.echo(dumps(card(doc)), nl=False)


@main.command()
@click.pass_context
def build(ctx: click.Context) -> None:
    """Run the pipeline on every document under source/documents into build/."""
    settings = load_settings(ctx.obj)
    report = run_build(settings)
    for path in report.written:
        click.echo(f"wrote {path.relative_to(settings.project) if path.is_relative_to(settings.project) else path}")
    for exc in report.failed:
        click.echo(f"unkg: refused: {exc}", err=True)
    click.echo(f"{len(report.written)} document(s) built, {len(report.failed)} refused, "
               f"{report.warnings} warning(s)")
    if report.failed:
        sys.exit(1)
