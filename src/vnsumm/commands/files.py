"""Commands over files of records, one stage each: `clean`, `check`, `group`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vnsumm.commands import DateField, FileInputs, IdField, ModelsOpt, TextField, TitleField, app, err, output_option
from vnsumm.options import Device, Lang, Length
from vnsumm.readers import Fields
from vnsumm.readers.paths import require_regular_file


@app.command()
def clean(
    inputs: FileInputs,
    output: Annotated[Path, output_option("Cleaned records (JSONL).")] = Path("out/cleaned.jsonl"),
    text_field: TextField = "text", id_field: IdField = "id", title_field: TitleField = "title",
    date_field: DateField = "date",
) -> None:
    """Only the reading and cleaning stages: id, source, title, date, date_source, publisher, text (one paragraph
    per line), error, warnings."""
    from vnsumm.cleaning.rules import clean_stream, write_cleaned
    from vnsumm.readers import iter_inputs

    count, failed = write_cleaned(clean_stream(iter_inputs(inputs, Fields(
        text=text_field, id=id_field, title=title_field, date=date_field))), output)
    for article in failed:
        err.print(f"failed: {article.error}", markup=False)
    err.print(f"{count - len(failed)} of {count} articles cleaned; wrote {output}", markup=False)
    raise typer.Exit(1 if failed else 0)


@app.command()
def check(
    records: Annotated[Path, typer.Argument(help="JSONL with a source and an output field per record.")],
    source_field: Annotated[str, typer.Option(help="Field holding the Vietnamese source.")] = "text",
    output_field: Annotated[str, typer.Option(help="Field holding the output to check.")] = "summary_vi",
    lang: Annotated[Lang, typer.Option(help="Language of the output (the source is Vietnamese).")] = Lang.vi,
    output: Annotated[Path, output_option("Records with their `unsupported` lists.")] =
        Path("out/checked.jsonl"),
) -> None:
    """Check an output's numbers, dates, amounts, percentages and names against its source, record by record."""
    from vnsumm.factcheck.check import KINDS
    from vnsumm.factcheck.check import check as check_file

    require_regular_file(records)
    counts = check_file(records, source_field, output_field, lang.value, output)
    kinds = ", ".join(f"{counts[k]} {k}" for k in KINDS if counts[k])
    failed = f"; {counts['failed']} failed (see their `error`)" if counts["failed"] else ""
    err.print(f"{counts['flagged']} of {counts['records']} records state facts their source lacks"
              + (f" ({kinds})" if kinds else "") + f"{failed}; wrote {output}", markup=False)
    raise typer.Exit(1 if counts["failed"] else 0)


@app.command("group")
def group_command(
    records: Annotated[Path, typer.Argument(help="JSONL of articles: id, title, text (or lead, summary_vi), date.")],
    output: Annotated[Path, output_option("The records with a `story` id each.")] =
        Path("out/grouped.jsonl"),
    workers: Annotated[int | None, typer.Option(
        min=1, help="Threads for finding candidate pairs (default: one per core, at most 8).")] = None,
) -> None:
    """Group articles that report the same story: each record gets a `story` id (the grouping stage alone)."""
    from vnsumm.stories.grouping import group as group_file

    require_regular_file(records)
    count, stories, failed = group_file(records, output, workers)
    failures = f"; {failed} lines could not be read (see their `error`)" if failed else ""
    err.print(f"{count} articles in {stories} stories{failures}; wrote {output}", markup=False)
    raise typer.Exit(1 if failed else 0)




@app.command("summarize-stories")
def summarize_stories_command(
    records: Annotated[Path, typer.Argument(help="JSONL of articles whose story is given (id, title, text, story).")],
    story_field: Annotated[str, typer.Option(help="Field holding the story id.")] = "story",
    text_field: TextField = "text", id_field: IdField = "id", title_field: TitleField = "title",
    date_field: DateField = "date",
    lang: Annotated[Lang, typer.Option(help="vi, or en: also translate the summaries.")] = Lang.vi,
    summarizer: Annotated[str | None, typer.Option(
        help="Registry name (default: the embedded multi-document selection).")] = None,
    translator: Annotated[str | None, typer.Option(help="Registry name (with --lang en).")] = None,
    length: Annotated[Length, typer.Option(help="Summary length.")] = Length.medium,
    models: ModelsOpt = None,
    device: Annotated[Device, typer.Option(help="Where models run.")] = Device.auto,
    output: Annotated[Path, output_option("One record per story.")] = Path("out/stories.jsonl"),
) -> None:
    """One summary per story, drawn from all its articles, each sentence citing the articles it comes from."""
    from vnsumm.stories.summaries import load_story_models, summarize_stories_file

    loaded, english = load_story_models(lang.value, summarizer, translator, models, device.value)
    articles, stories, failed = summarize_stories_file(
        records, output, story_field=story_field, lang=lang.value, summarizer=loaded, translator=english,
        length=length.value, fields=Fields(text=text_field, id=id_field, title=title_field, date=date_field))
    failures = f"; {failed} lines could not be read (see their `error`)" if failed else ""
    err.print(f"{articles} articles in {stories} stories summarized{failures}; wrote {output}", markup=False)
    raise typer.Exit(1 if failed else 0)
