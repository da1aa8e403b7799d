"""Commands that measure: `score`, `eval`, `bench`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from vnsumm.commands import ModelsOpt, app, err, fail, out, output_option
from vnsumm.options import Device, Lang
from vnsumm.readers.paths import require_regular_file

if TYPE_CHECKING:
    from vnsumm.evaluation.scoring import Scores


def _score_table(title: str, scores: Scores) -> Table:
    table = Table(title=title, caption=str(scores.signature))
    for column in ("metric", "P", "R", "F", "95% CI (F)"):
        table.add_column(column, justify="right" if column != "metric" else "left")
    for metric, figure in scores.rouge.items():
        table.add_row(metric, f"{figure.p:.2f}", f"{figure.r:.2f}", f"{figure.f:.2f}",
                      f"{figure.ci[0]:.2f}-{figure.ci[1]:.2f}")
    for metric, extra in scores.extra.items():
        table.add_row(metric, "", "", f"{extra.score:.2f}", "")
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
    from vnsumm.evaluation.scoring import score_files

    result = score_files(predictions, references, lang=lang.value, pred_field=pred_field, gold_field=gold_field,
                         compat=compat)
    for warning in result.warnings:
        err.print(f"warning: {warning}", markup=False)
    for side, absent in result.missing.items():
        if absent:
            err.print(f"warning: {len(absent)} ids have no {side[:-1]}: {', '.join(absent[:5])}"
                      + (" ..." if len(absent) > 5 else ""), markup=False)
    if as_json:
        out.print(json.dumps(result.to_json(), ensure_ascii=False), markup=False)
    else:
        out.print(_score_table(f"{predictions} vs {references}", result.scores))
        err.print(f"fields: {result.pred_field} against {result.gold_field}", markup=False)


@app.command("eval")
def evaluate(
    summarizer: Annotated[str | None, typer.Option(help="Registry name.")] = None,
    translator: Annotated[str | None, typer.Option(help="Registry name (with --lang en).")] = None,
    lang: Annotated[Lang, typer.Option(help="vi: score Vietnamese; en: also translate and score English.")] = Lang.vi,
    refs: Annotated[Path | None, typer.Option(help="References (default: eval/references.jsonl).")] = None,
    dataset: Annotated[Path | None, typer.Option(help="JSONL with id, title, text, summary (VietNews shape).")] = None,
    models: ModelsOpt = None,
    device: Annotated[Device, typer.Option(help="Where models run.")] = Device.auto,
    out_dir: Annotated[Path, output_option("Where records and eval_report.json go.")] = Path("out/eval"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
    compat: Annotated[bool, typer.Option(help="rouge-score's default tokenizer, for published figures.")] = False,
) -> None:
    """Summarize the seeds (or a dataset) and score against references; writes eval_report.json."""
    from vnsumm.evaluation.evaluate import dataset_set, seed_set
    from vnsumm.evaluation.evaluate import evaluate as run_eval
    from vnsumm.options import RunOptions
    from vnsumm.tuning import tune_process

    if dataset is not None:
        require_regular_file(dataset)
    eval_set = dataset_set(dataset) if dataset else seed_set()
    options = RunOptions(lang=lang, out=out_dir, summarizer=summarizer, translator=translator, models=models,
                         device=device)
    tune_process(device.value)
    report = run_eval(eval_set, options, compat=compat, references=refs)
    if as_json:
        out.print(json.dumps(report.to_json(), ensure_ascii=False), markup=False)
    else:
        for lang_code, scored in report.scores.items():
            if len(scored.ids) <= 50:
                table = Table(title=f"per article ({lang_code})")
                for column in ("id", "R1", "R2", "RL", "RLsum"):
                    table.add_column(column)
                for item in scored.per_article():
                    table.add_row(item["id"], *(f"{item[k]:.2f}" for k in ("rouge1", "rouge2", "rougeL",
                                                                            "rougeLsum")))
                out.print(table)
            out.print(_score_table(f"{lang_code}: {scored.scores.signature.n} articles", scored.scores))
        err.print(f"wrote {out_dir / 'eval_report.json'}", markup=False)
    raise typer.Exit(1 if report.failed else 0)


@app.command()
def bench(
    articles: Annotated[int, typer.Option(min=1, help="Articles to summarize.")] = 16,
    new_tokens: Annotated[int, typer.Option(min=1, help="Output tokens forced per article.")] = 64,
    dataset: Annotated[Path | None, typer.Option(help="JSONL of articles (text field) to draw inputs from.")] = None,
    workdir: Annotated[Path | None, typer.Option(help="Where the model and inputs are built (cached).")] = None,
    device: Annotated[Device, typer.Option(help="Where the models run (auto: CUDA when there is a GPU).")] = Device.cpu,
    budgets: Annotated[str, typer.Option(
        help="Padded input tokens per batch to time besides the default, comma-separated (e.g. 16384,262144).")] = "",
) -> None:
    """Time the model card's per-article loop against vnsumm's backends on a ViT5-base-shaped random T5."""
    from vnsumm.evaluation.bench import bench_device, run_bench

    try:
        token_budgets = [int(b) for b in budgets.split(",") if b.strip()]
    except ValueError:
        raise fail(f"--budgets must be whole numbers separated by commas, not {budgets!r}") from None
    where = bench_device(device.value)
    rows, size_mb = run_bench(articles, new_tokens, dataset, workdir, where, token_budgets)
    table = Table(title=f"{articles} articles on {where}, {new_tokens} forced output tokens, 1,024 input tokens, "
                        "greedy",
                  caption=f"model on disk: {size_mb:.0f} MB; whole processes (start-up and loading included)")
    for column in ("engine", "wall s", "articles/s", "speed-up", "peak RSS MB"):
        table.add_column(column, justify="left" if column == "engine" else "right")
    for row in rows:
        table.add_row(row.name, f"{row.seconds:.1f}", f"{row.articles_per_second:.2f}", f"{row.speedup:.2f}x",
                      f"{row.peak_rss_mb:.0f}")
    out.print(table)


