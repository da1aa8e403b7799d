"""Command line: thin typed functions that parse options and call the library (same names, same behaviour).
One module per family of commands; this module holds the app, its error handling and the options they share."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from vnsumm.errors import ConfigError


class VnsummGroup(TyperGroup):
    """Handles a ConfigError (usage, registry, models, output folder) once, for every command: one line, exit 2;
    an interrupt is one line, exit 130."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            err.print(f"vnsumm: error: {exc}", markup=False)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            err.print("interrupted", markup=False)
            raise typer.Exit(130) from None


app = typer.Typer(
    cls=VnsummGroup, no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False,
    rich_markup_mode="rich",  # help text is rich markup in every typer version we allow (0.16 defaulted to plain)
    help="Summarize and translate Vietnamese news in bulk.",
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


def _print_version(value: bool) -> None:
    if value:
        from vnsumm.version import __version__

        out.print(f"vnsumm {__version__}", markup=False)
        raise typer.Exit(0)


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", is_eager=True, callback=_print_version,
                                                help="Print the version and exit.")] = False) -> None:
    """Summarize and translate Vietnamese news in bulk."""

Inputs = Annotated[list[str], typer.Argument(
    help="Files, folders, globs, - for standard input, or URLs (pages, feeds, sitemaps, home pages).")]
ModelsOpt = Annotated[Path | None, typer.Option("--models", help="Model registry (default: ./models.yaml).")]
TextField = Annotated[str, typer.Option("--text-field", help="JSONL/CSV/Parquet field holding the text.")]
IdField = Annotated[str, typer.Option("--id-field", help="Field holding the article id.")]
TitleField = Annotated[str, typer.Option("--title-field", help="Field holding the title.")]


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"vnsumm: error: {message}", markup=False)
    return typer.Exit(code)


def main() -> None:
    app()


# Each module registers its commands on `app` (imported last: they import `app` from here).
from vnsumm.commands import files, models, run, scores  # noqa: E402, F401
