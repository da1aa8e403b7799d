"""The evaluation harness: run the pipeline on articles with references and score what it wrote."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from vnsumm.evaluation.scoring import ScoreReport, score_files
from vnsumm.options import Lang, OutputFormat, RunOptions
from vnsumm.output.store import RECORDS_FILE, write_text_atomic
from vnsumm.pipeline import run

PROJECT_ROOT = Path(__file__).resolve().parents[3]  # seeds/ and eval/ of a source checkout


@dataclass(frozen=True)
class EvalSet:
    """Articles to summarize and the references to score them against."""

    inputs: list[str]
    references: Path
    gold_fields: dict[str, str]  # language -> field of the reference record


def seed_set(root: Path | None = None) -> EvalSet:
    """The seed articles and eval/references.jsonl: from `root`, else the current folder, else the checkout."""
    if root is None:
        root = Path(".") if (Path("eval") / "references.jsonl").is_file() else PROJECT_ROOT
    return EvalSet([str(root / "seeds")], root / "eval" / "references.jsonl",
                   {"vi": "summary_vi", "en": "summary_en"})


def dataset_set(path: Path, references: Path | None = None) -> EvalSet:
    """A JSONL of {id, title, text, summary} records (the VietNews shape): Vietnamese references only."""
    return EvalSet([str(path)], references or path, {"vi": "summary"})


@dataclass
class EvalReport:
    """`vnsumm eval`: which summarizer, how many articles failed, the scores per language scored."""

    summarizer: str | None
    failed: int
    scores: dict[str, ScoreReport] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"summarizer": self.summarizer, "failed": self.failed,
                "scores": {lang: report.to_json() for lang, report in self.scores.items()}}


def evaluate(eval_set: EvalSet, options: RunOptions, compat: bool = False,
             references: Path | None = None) -> EvalReport:
    """Run, score each language the set has references for, write `eval_report.json` beside the records.
    `references` replaces the set's own (their fields are then found as `vnsumm score` finds them)."""
    report = run(eval_set.inputs, replace(options, formats=(OutputFormat.md,)))
    result = EvalReport(options.summarizer, len(report.failed))
    languages = ["vi", "en"] if options.lang == Lang.en else ["vi"]
    for lang in languages:
        if lang in eval_set.gold_fields:
            result.scores[lang] = score_files(
                Path(options.out) / RECORDS_FILE, references or eval_set.references, lang=lang, compat=compat,
                gold_field=None if references else eval_set.gold_fields[lang])
    write_text_atomic(Path(options.out) / "eval_report.json",
                      json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    return result
