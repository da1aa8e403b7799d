"""Command line: thin typed functions that parse options and call the library (same names, same behaviour)."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from vnsumm.errors import ConfigError
from vnsumm.options import Device, EngineName, Lang, Length, OutputFormat, Unsupported
from vnsumm.progress import RichProgress
from vnsumm.readers import Fields
from vnsumm.registry import load_registry


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
models_app = typer.Typer(no_args_is_help=True, help="The model registry: list, download, check.")
app.add_typer(models_app, name="models")
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

Inputs = Annotated[list[str], typer.Argument(help="Files, folders, globs, or - for standard input.")]
ModelsOpt = Annotated[Path | None, typer.Option("--models", help="Model registry (default: ./models.yaml).")]
TextField = Annotated[str, typer.Option("--text-field", help="JSONL/CSV/Parquet field holding the text.")]
IdField = Annotated[str, typer.Option("--id-field", help="Field holding the article id.")]
TitleField = Annotated[str, typer.Option("--title-field", help="Field holding the title.")]


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"vnsumm: error: {message}", markup=False)
    return typer.Exit(code)


def _formats(value: str) -> tuple[OutputFormat, ...]:
    try:
        return tuple(OutputFormat(f.strip()) for f in value.split(",") if f.strip())
    except ValueError:
        raise typer.BadParameter(f"{value!r}: choose from md, html (summaries.jsonl is always written)") from None


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@app.command()
def run(
    inputs: Inputs,
    lang: Annotated[Lang, typer.Option(help="Digest language: en (translate) or vi.")] = Lang.en,
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder (a store: records accumulate).")] = Path("out"),
    summarizer: Annotated[str | None, typer.Option(help="Registry name (default: defaults.summarizer).")] = None,
    translator: Annotated[str | None, typer.Option(help="Registry name (default: defaults.translator).")] = None,
    models: ModelsOpt = None,
    device: Annotated[Device, typer.Option(help="Where models run.")] = Device.auto,
    batch_size: Annotated[int | None, typer.Option(min=1, help="Most sequences per batch.")] = None,
    batch_tokens: Annotated[int | None, typer.Option(min=1, help="Padded input tokens per batch.")] = None,
    output_format: Annotated[str, typer.Option("--format", help="Digests: md,html (summaries.jsonl always).")] =
        "md,html",
    length: Annotated[Length | None, typer.Option(help="Summary length (default: the model's own).")] = None,
    unsupported: Annotated[Unsupported, typer.Option(
        help="A model summary stating facts its article lacks: flag it, or fall back to the extractive one.")] =
        Unsupported.flag,
    force: Annotated[bool, typer.Option(help="Recompute articles already done.")] = False,
    prune: Annotated[bool, typer.Option(help="Drop stored records of articles not among these inputs.")] = False,
    group: Annotated[bool, typer.Option(help="Group articles that report the same story.")] = True,
    write_every: Annotated[int, typer.Option(min=1, help="Save records every N articles.")] = 16,
    engine: Annotated[EngineName, typer.Option(help=escape("ray needs pip install 'vnsumm[ray]'."))] =
        EngineName.local,
    ray_address: Annotated[str | None, typer.Option(help="Ray cluster address (default: start a local one).")] = None,
    ray_workers: Annotated[int | None, typer.Option(min=1, help="Model actors per stage on Ray.")] = None,
    text_field: TextField = "text", id_field: IdField = "id", title_field: TitleField = "title",
) -> None:
    """Clean, summarize and translate articles; add their records to summaries.jsonl and write the digest."""
    from vnsumm.pipeline import RunOptions
    from vnsumm.pipeline import run as run_pipeline
    from vnsumm.tuning import tune_process

    options = RunOptions(
        lang=lang, out=out_dir, summarizer=summarizer, translator=translator, models=models, device=device,
        batch_size=batch_size, token_budget=batch_tokens, length=length, unsupported=unsupported, force=force,
        prune=prune, group=group,
        write_every=write_every,
        engine=engine, ray_address=ray_address, ray_workers=ray_workers, formats=_formats(output_format),
        fields=Fields(text=text_field, id=id_field, title=title_field),
    )
    registry = load_registry(models)
    tune_process(device.value, models=lang == Lang.en or registry.summarizer(summarizer).backend != "extractive")
    progress = RichProgress("summarizing", err)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        report = run_pipeline(inputs, options, progress)
    finally:
        progress.stop()
    for article in report.failed:
        err.print(f"failed: {article.error}", markup=False)
    done = report.summarized + report.reused
    if report.interrupted and not report.outputs:
        err.print(f"interrupted while reading the inputs; {out_dir} was not touched", markup=False)
    elif report.interrupted:
        err.print(f"interrupted: {done} articles done and saved in {report.outputs[0]} ({report.total} read); "
                  "run the same command again to resume: the next run finishes the articles, the stories and the "
                  "digests", markup=False)
    else:
        reused = f" ({report.reused} reused from an earlier run)" if report.reused else ""
        failed = f", {len(report.failed)} failed" if report.failed else ""
        pruned = f"; dropped {report.pruned} stored records not among these inputs" if report.pruned else ""
        err.print(f"{done} of {report.total} articles summarized{reused}{failed}{pruned}; wrote "
                  + ", ".join(str(p) for p in report.outputs), markup=False)
    for warning, count in report.warnings.most_common():
        err.print(f"warning: {count} article{'s' if count > 1 else ''}: {warning}", markup=False)
    raise typer.Exit(report.exit_code)


@app.command()
def clean(
    inputs: Inputs,
    output: Annotated[Path, typer.Option("--out", help="Cleaned records (JSONL).")] = Path("out/cleaned.jsonl"),
    text_field: TextField = "text", id_field: IdField = "id", title_field: TitleField = "title",
) -> None:
    """Only the reading and cleaning stages: id, source, title, date, text (one paragraph per line)."""
    from vnsumm.clean import clean_stream, write_cleaned
    from vnsumm.readers import iter_inputs

    count, failed = write_cleaned(clean_stream(iter_inputs(inputs, Fields(text=text_field, id=id_field,
                                                                          title=title_field))), output)
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
    output: Annotated[Path, typer.Option("--out", help="Records with their `unsupported` lists.")] =
        Path("out/checked.jsonl"),
) -> None:
    """Check an output's numbers, dates, amounts, percentages and names against its source, record by record."""
    from vnsumm.factcheck import KINDS
    from vnsumm.factcheck import check as check_file

    if not records.is_file():
        raise fail(f"{records}: no such file")
    counts = check_file(records, source_field, output_field, lang.value, output)
    kinds = ", ".join(f"{counts[k]} {k}" for k in KINDS if counts[k])
    failed = f"; {counts['failed']} failed (see their `error`)" if counts["failed"] else ""
    err.print(f"{counts['flagged']} of {counts['records']} records state facts their source lacks"
              + (f" ({kinds})" if kinds else "") + f"{failed}; wrote {output}", markup=False)
    raise typer.Exit(1 if counts["failed"] else 0)


@app.command("group")
def group_command(
    records: Annotated[Path, typer.Argument(help="JSONL of articles: id, title, text (or lead, summary_vi), date.")],
    output: Annotated[Path, typer.Option("--out", help="The records with a `story` id each.")] =
        Path("out/grouped.jsonl"),
) -> None:
    """Group articles that report the same story: each record gets a `story` id (the grouping stage alone)."""
    from vnsumm.stories import group as group_file

    if not records.is_file():
        raise fail(f"{records}: no such file")
    count, stories, failed = group_file(records, output)
    failures = f"; {failed} lines could not be read (see their `error`)" if failed else ""
    err.print(f"{count} articles in {stories} stories{failures}; wrote {output}", markup=False)
    raise typer.Exit(1 if failed else 0)


def _score_table(title: str, scores: dict[str, Any]) -> Table:
    table = Table(title=title, caption=scores["signature"])
    for column in ("metric", "P", "R", "F", "95% CI (F)"):
        table.add_column(column, justify="right" if column != "metric" else "left")
    for metric in ("rouge1", "rouge2", "rougeL", "rougeLsum"):
        figure = scores[metric]
        table.add_row(metric, f"{figure['p']:.2f}", f"{figure['r']:.2f}", f"{figure['f']:.2f}",
                      f"{figure['ci'][0]:.2f}-{figure['ci'][1]:.2f}")
    for metric in ("chrf", "bleu"):
        if metric in scores:
            table.add_row(metric, "", "", f"{scores[metric]['score']:.2f}", "")
    return table


@app.command()
def score(
    predictions: Annotated[Path, typer.Argument(help="JSONL of predictions with `id`.")],
    references: Annotated[Path, typer.Argument(help="JSONL of references with `id`.")],
    pred_field: Annotated[str | None, typer.Option(help="Default: summary_<lang>.")] = None,
    gold_field: Annotated[str | None, typer.Option(help="Default: summary_<lang>, else summary.")] = None,
    lang: Annotated[Lang, typer.Option(help="vi (syllable ROUGE) or en (ROUGE, chrF, BLEU).")] = Lang.vi,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    compat: Annotated[bool, typer.Option(help="rouge-score's default tokenizer, for published figures.")] = False,
) -> None:
    """Score predictions against references, joined on `id`."""
    from vnsumm.scoring import score_files

    result = score_files(predictions, references, lang=lang.value, pred_field=pred_field, gold_field=gold_field,
                         compat=compat)
    for side, absent in result["missing"].items():
        if absent:
            err.print(f"warning: {len(absent)} ids have no {side[:-1]}: {', '.join(absent[:5])}"
                      + (" ..." if len(absent) > 5 else ""), markup=False)
    if as_json:
        out.print(json.dumps(result, ensure_ascii=False), markup=False)
    else:
        out.print(_score_table(f"{predictions} vs {references}", result))
        err.print(f"fields: {result['pred_field']} against {result['gold_field']}", markup=False)


@app.command("eval")
def evaluate(
    summarizer: Annotated[str | None, typer.Option(help="Registry name.")] = None,
    translator: Annotated[str | None, typer.Option(help="Registry name (with --lang en).")] = None,
    lang: Annotated[Lang, typer.Option(help="vi: score Vietnamese; en: also translate and score English.")] = Lang.vi,
    refs: Annotated[Path | None, typer.Option(help="References (default: eval/references.jsonl).")] = None,
    dataset: Annotated[Path | None, typer.Option(help="JSONL with id, title, text, summary (VietNews shape).")] = None,
    models: ModelsOpt = None,
    device: Annotated[Device, typer.Option(help="Where models run.")] = Device.auto,
    out_dir: Annotated[Path, typer.Option("--out", help="Where records and eval_report.json go.")] = Path("out/eval"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
    compat: Annotated[bool, typer.Option(help="rouge-score's default tokenizer, for published figures.")] = False,
) -> None:
    """Summarize the seeds (or a dataset) and score against references; writes eval_report.json."""
    from vnsumm.evaluate import dataset_set, seed_set
    from vnsumm.evaluate import evaluate as run_eval
    from vnsumm.pipeline import RunOptions
    from vnsumm.tuning import tune_process

    if dataset is not None and not dataset.is_file():
        raise fail(f"{dataset}: no such file")
    eval_set = dataset_set(dataset) if dataset else seed_set()
    options = RunOptions(lang=lang, out=out_dir, summarizer=summarizer, translator=translator, models=models,
                         device=device)
    tune_process(device.value)
    report = run_eval(eval_set, options, compat=compat, references=refs)
    if as_json:
        out.print(json.dumps(report, ensure_ascii=False), markup=False)
    else:
        for lang_code, scores in report["scores"].items():
            if len(scores["per_article"]) <= 50:
                table = Table(title=f"per article ({lang_code})")
                for column in ("id", "R1", "R2", "RL", "RLsum"):
                    table.add_column(column)
                for item in scores["per_article"]:
                    table.add_row(item["id"], *(f"{item[k]:.2f}" for k in ("rouge1", "rouge2", "rougeL",
                                                                            "rougeLsum")))
                out.print(table)
            out.print(_score_table(f"{lang_code}: {scores['n']} articles", scores))
        err.print(f"wrote {out_dir / 'eval_report.json'}", markup=False)
    raise typer.Exit(1 if report["failed"] else 0)


@app.command()
def bench(
    articles: Annotated[int, typer.Option(min=1, help="Articles to summarize.")] = 16,
    new_tokens: Annotated[int, typer.Option(min=1, help="Output tokens forced per article.")] = 64,
    dataset: Annotated[Path | None, typer.Option(help="JSONL of articles (text field) to draw inputs from.")] = None,
    workdir: Annotated[Path | None, typer.Option(help="Where the model and inputs are built (cached).")] = None,
) -> None:
    """Time the model card's per-article loop against vnsumm's backends on a ViT5-base-shaped random T5."""
    from vnsumm.bench import run_bench

    rows, size_mb = run_bench(articles, new_tokens, dataset, workdir)
    table = Table(title=f"{articles} articles, {new_tokens} forced output tokens, 1,024 input tokens, greedy",
                  caption=f"model on disk: {size_mb:.0f} MB; whole processes (start-up and loading included)")
    for column in ("engine", "wall s", "articles/s", "speed-up", "peak RSS MB"):
        table.add_column(column, justify="left" if column == "engine" else "right")
    for row in rows:
        table.add_row(row.name, f"{row.seconds:.1f}", f"{row.articles_per_second:.2f}", f"{row.speedup:.2f}x",
                      f"{row.peak_rss_mb:.0f}")
    out.print(table)


@models_app.command("list")
def models_list(models: ModelsOpt = None) -> None:
    """Show the registry: one line per entry, whole model ids (tab-separated, for copying and scripts)."""
    registry = load_registry(models)
    out.print(f"# models in {registry.path}", markup=False)
    out.print("\t".join(("role", "name", "backend", "model", "revision", "licence")), markup=False)
    for role in ("summarizer", "translator"):
        default = registry.default_summarizer if role == "summarizer" else registry.default_translator
        for name, spec in registry.entries(role).items():
            label = f"{name} (default)" if name == default else name
            row = (role, label, spec.backend, spec.model or "-", spec.revision or "-", spec.licence or "-")
            out.print("\t".join(row), markup=False)


def _selected(models: Path | None, names: list[str] | None) -> list[Any]:
    registry = load_registry(models)
    entries = {**registry.summarizers, **registry.translators}
    unknown = [n for n in names or [] if n not in entries]
    if unknown:
        raise ConfigError(f"unknown model name(s) {', '.join(unknown)}: see `vnsumm models list`")
    return [entries[n] for n in names] if names else list(entries.values())


@models_app.command("pull")
def models_pull(names: Annotated[list[str] | None, typer.Argument(help="Names (default: all).")] = None,
                models: ModelsOpt = None) -> None:
    """Download models into the Hugging Face cache (needs the network)."""
    from vnsumm.models.weights import locate_model

    for spec in _selected(models, names):
        if spec.backend == "extractive":
            out.print(f"{spec.name}: ships with vnsumm, nothing to download", markup=False)
            continue
        err.print(f"pulling {spec.name} ({spec.model}@{spec.revision or 'main'})", markup=False)
        out.print(f"{spec.name}: {locate_model(spec, download=True)}", markup=False)


@models_app.command("check")
def models_check(models: ModelsOpt = None) -> None:
    """Which entries run offline now, and what to do for the others. Exit 1 when some cannot."""
    from vnsumm.errors import ModelUnavailable
    from vnsumm.models.weights import locate_model

    missing = 0
    for spec in _selected(models, None):
        if spec.backend == "extractive":
            out.print(f"ok       {spec.name}: embedded in vnsumm, runs offline", markup=False)
            continue
        try:
            out.print(f"ok       {spec.name}: {locate_model(spec, download=False)}", markup=False)
        except ModelUnavailable as exc:
            missing += 1
            out.print(f"missing  {spec.name}: {exc}", markup=False)
    raise typer.Exit(1 if missing else 0)


@models_app.command("clear-conversions")
def models_clear_conversions() -> None:
    """Remove the cached CTranslate2 conversions (the next run converts again)."""
    from vnsumm.models.convert import clear_conversions, ct2_cache_dir

    out.print(f"removed {clear_conversions()} conversions from {ct2_cache_dir()}", markup=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
