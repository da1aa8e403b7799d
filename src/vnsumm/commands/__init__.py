"""Command line: thin typed functions that parse options and call the library (same names, same behaviour).
One module per family of commands; this module holds the app, its error handling and the options they share."""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import traceback
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core
from rich.console import Console
from typer.core import TyperGroup

from vnsumm.errors import ConfigError, RunFailed


class VnsummGroup(TyperGroup):
    """Handles a ConfigError (usage, registry, models, output folder) and a usage error once, for every command:
    one line, exit 2; an interrupt is one line, exit 130."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        standalone_mode = kwargs.get("standalone_mode", True)
        kwargs["standalone_mode"] = False  # errors come back here, to be said in one line
        try:
            code = super().main(*args, **kwargs)
        except _NO_ARGS_IS_HELP as exc:  # `vnsumm run` alone: the help, as click prints it
            exc.show()
            code = exc.exit_code
        except _click.exceptions.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "vnsumm"
            err.print(f"{command}: error: {exc.format_message()} (see '{command} --help')", markup=False)
            code = 2
        except _click.exceptions.ClickException as exc:
            err.print(f"vnsumm: error: {exc.format_message()}", markup=False)
            code = exc.exit_code
        except typer.Abort:
            err.print("interrupted", markup=False)
            code = 130
        except BrokenPipeError:  # while parsing: `vnsumm --version | ...`
            code = _output_closed()
        if not standalone_mode:
            return code
        raise SystemExit(code or 0)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _hide_flag_metavars(command, ctx)
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _hide_flag_metavars(self, ctx)
        super().format_help(ctx, formatter)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (ConfigError, RunFailed) as exc:
            err.print(f"vnsumm: error: {exc}", markup=False)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            err.print("interrupted", markup=False)
            raise typer.Exit(130) from None
        except BrokenPipeError:
            raise typer.Exit(_output_closed()) from None
        except (typer.Exit, typer.Abort, _click.exceptions.ClickException):
            raise
        except Exception as exc:  # a bug: its traceback for the report, and not exit 1 ("some inputs failed")
            traceback.print_exc()
            err.print(f"vnsumm: error: unexpected {type(exc).__name__} (a bug, please report it with the traceback "
                      "above); records finished before it are kept", markup=False)
            raise typer.Exit(2) from None


def _output_closed() -> int:
    """`vnsumm ... | head`: the reader of standard output left. What is still buffered must not fail again at exit,
    and the line saying so is given up when standard error is closed too."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    with contextlib.suppress(OSError):
        err.print("vnsumm: error: standard output was closed before all of it was written", markup=False)
    return 2


# The click typer runs on: its own copy from typer 0.22 on, the click package before.
_click: Any = getattr(typer.core, "_click", None) or importlib.import_module("click")
# click 8.2+ signals `no_args_is_help` with this usage error; older click prints the help itself.
_NO_ARGS_IS_HELP: tuple[type[Any], ...] = tuple(
    getattr(_click.exceptions, name) for name in ("NoArgsIsHelpError",) if hasattr(_click.exceptions, name))


def _hide_flag_metavars(command: Any, ctx: Any) -> None:
    """An on/off flag takes no value: recent typer versions print `<bool>` beside it in the help, as if it did."""
    for param in command.get_params(ctx):
        if param.param_type_name == "option" and getattr(param, "is_flag", False):
            param.metavar = ""


app = typer.Typer(
    cls=VnsummGroup, no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False,
    rich_markup_mode="rich",  # help text is rich markup in every typer version we allow (0.16 defaulted to plain)
    help="Summarize and translate Vietnamese news in bulk.",
)


class _Console(Console):
    def on_broken_pipe(self) -> None:
        raise BrokenPipeError  # said and exited as above; rich's own exit 1 would read "some inputs failed"


err = _Console(stderr=True, highlight=False, soft_wrap=True)
out = _Console(highlight=False, soft_wrap=True)


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
FileInputs = Annotated[list[str], typer.Argument(help="Files, folders, globs, or - for standard input.")]
ModelsOpt = Annotated[Path | None, typer.Option("--models", help="Model registry (default: ./models.yaml).")]
TextField = Annotated[str, typer.Option("--text-field", help="JSONL/CSV/Parquet field holding the text.")]
IdField = Annotated[str, typer.Option("--id-field", help="Field holding the article id.")]
TitleField = Annotated[str, typer.Option("--title-field", help="Field holding the title.")]
DateField = Annotated[str, typer.Option("--date-field", help="Field holding the publication date.")]


def output_path(value: str | Path) -> Path:
    if isinstance(value, Path):  # the default
        return value
    if not value.strip():  # Path("") is the current folder: an empty --out (an unset variable) must not write there
        raise typer.BadParameter("is empty")
    return Path(value)


def output_option(help: str) -> Any:
    """`--out`, never empty."""
    return typer.Option("--out", parser=output_path, metavar="<path>", help=help)


OutputFolder = Annotated[Path, output_option("Output folder (a store: records accumulate).")]


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"vnsumm: error: {message}", markup=False)
    return typer.Exit(code)


def main() -> None:
    app(prog_name="vnsumm")  # not "python -m vnsumm.cli" in messages


# Each module registers its commands on `app` (imported last: they import `app` from here).
from vnsumm.commands import files, models, run, scores  # noqa: E402, F401
