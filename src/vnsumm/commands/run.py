"""`vnsumm run`: the whole job."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from vnsumm.commands import DateField, IdField, Inputs, ModelsOpt, OutputFolder, TextField, TitleField, app, err, fail
from vnsumm.options import Device, EngineName, Lang, Length, OutputFormat, RunOptions, Unsupported
from vnsumm.progress import RichProgress
from vnsumm.readers import Fields

DEFAULTS = RunOptions()  # the library's defaults are the command's


def _formats(value: str) -> tuple[OutputFormat, ...]:
    try:
        return tuple(OutputFormat(f.strip()) for f in value.split(",") if f.strip())
    except ValueError:
        raise typer.BadParameter(f"{value!r}: choose from md, html (summaries.jsonl is always written)") from None


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


FAILED_SAID = 20  # failed inputs said one by one; a bad --text-field must not print a line per row


@app.command()
def run(
    inputs: Inputs,
    lang: Annotated[Lang, typer.Option(help="Digest language: en (translate) or vi.")] = DEFAULTS.lang,
    out_dir: OutputFolder = DEFAULTS.out,
    summarizer: Annotated[str | None, typer.Option(help="Registry name (default: defaults.summarizer).")] = None,
    translator: Annotated[str | None, typer.Option(help="Registry name (default: defaults.translator).")] = None,
    models: ModelsOpt = None,
    device: Annotated[Device, typer.Option(help="Where models run.")] = DEFAULTS.device,
    batch_size: Annotated[int | None, typer.Option(min=1, help="Most sequences per batch.")] = None,
    batch_tokens: Annotated[int | None, typer.Option(min=1, help="Padded input tokens per batch.")] = None,
    output_format: Annotated[str, typer.Option("--format", help="Digests: md,html (summaries.jsonl always).")] =
        ",".join(f.value for f in DEFAULTS.formats),
    length: Annotated[Length | None, typer.Option(help="Summary length (default: the model's own).")] = None,
    unsupported: Annotated[Unsupported, typer.Option(
        help="A model summary stating facts its article lacks: flag it, or fall back to the extractive one.")] =
        DEFAULTS.unsupported,
    since: Annotated[str | None, typer.Option(
        help="URL inputs: feed and sitemap entries from this day on (YYYY-MM-DD); files are read whole.")] \
        = DEFAULTS.since,
    refetch: Annotated[bool, typer.Option(help="URL inputs: fetch pages again, even those already fetched.")] = \
        DEFAULTS.refetch,
    force: Annotated[bool, typer.Option(help="Recompute articles already done.")] = DEFAULTS.force,
    prune: Annotated[bool, typer.Option(help="Drop stored records of articles not among these inputs.")] = \
        DEFAULTS.prune,
    group: Annotated[bool, typer.Option(help="Group articles that report the same story.")] = DEFAULTS.group,
    write_every: Annotated[int | None, typer.Option(
        min=1, help="Save records every N articles (default: 16 with a model on a CPU, 256 on a GPU, 64 without "
                    "a model).")] = None,
    engine: Annotated[EngineName, typer.Option(help=escape("ray needs pip install 'vnsumm[ray]'."))] =
        DEFAULTS.engine,
    ray_address: Annotated[str | None, typer.Option(help="Ray cluster address (default: start a local one).")] = None,
    ray_workers: Annotated[int | None, typer.Option(min=1, help="Model actors per stage on Ray.")] = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Processes for the extractive summarizer (default: one per core, at most 8).")] = None,
    text_field: TextField = "text", id_field: IdField = "id", title_field: TitleField = "title",
    date_field: DateField = "date",
) -> None:
    """Clean, summarize and translate articles; add their records to summaries.jsonl and write the digest."""
    from vnsumm.errors import ModelUnavailable, RunFailed
    from vnsumm.pipeline import PAGES_FOLDER
    from vnsumm.pipeline import run as run_pipeline

    options = RunOptions(
        lang=lang, out=out_dir, summarizer=summarizer, translator=translator, models=models, device=device,
        batch_size=batch_size, batch_tokens=batch_tokens, length=length, unsupported=unsupported, since=since,
        refetch=refetch, force=force, prune=prune, group=group, write_every=write_every, workers=workers,
        engine=engine, ray_address=ray_address, ray_workers=ray_workers, formats=_formats(output_format),
        fields=Fields(text=text_field, id=id_field, title=title_field, date=date_field),
    )
    progress, fetching = RichProgress("summarizing", err), RichProgress("fetching", err)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        report = run_pipeline(inputs, options, progress, fetching=fetching, own_process=True)
    except ModelUnavailable as exc:
        raise fail(f"{exc}; `--lang vi --summarizer extractive` runs with no model at all") from None
    except RunFailed as exc:
        raise fail(f"{exc}; the articles finished before it are saved in {out_dir}: run the same command again to "
                   "resume") from None
    finally:
        fetching.stop()
        progress.stop()
    for article in report.failed[:FAILED_SAID]:
        err.print(f"failed: {article.error}", markup=False)
    if len(report.failed) > FAILED_SAID:
        err.print(f"failed: {len(report.failed) - FAILED_SAID} more inputs (each has its error record in "
                  f"{Path(out_dir) / 'summaries.jsonl'})", markup=False)
    done = report.summarized + report.reused
    if report.interrupted and not report.outputs:
        cached = " (the pages fetched stay in its page cache)" if (Path(out_dir) / PAGES_FOLDER).is_dir() else ""
        err.print(f"interrupted while reading the inputs; no article was stored in {out_dir}{cached}", markup=False)
    elif report.interrupted:
        again = ("run the same command again without --force to resume (articles this run had not reached keep "
                 "their earlier records)" if force else "run the same command again to resume")
        err.print(f"interrupted: {done} articles done and saved in {report.outputs[0]} ({report.total} read); "
                  f"{again}: the next run finishes the articles, the stories and the digests", markup=False)
    else:
        reused = f" ({report.reused} reused from an earlier run)" if report.reused else ""
        failed = f", {len(report.failed)} failed" if report.failed else ""
        pruned = f"; dropped {report.pruned} stored records not among these inputs" if report.pruned else ""
        err.print(f"{done} of {report.total} articles summarized{reused}{failed}{pruned}; wrote "
                  + ", ".join(str(p) for p in report.outputs), markup=False)
    for line in report.warning_lines():
        err.print(f"warning: {line}", markup=False)
    raise typer.Exit(report.exit_code)


