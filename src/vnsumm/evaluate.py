"""The evaluation harness: run the pipeline on articles with references and score what it wrote."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from vnsumm.io import load_jsonl, write_text_atomic
from vnsumm.pipeline import RECORDS_FILE, RunOptions, run
from vnsumm.scoring import join_on_id, score


@dataclass(frozen=True)
class EvalSet:
    """Articles to summarize and the references to score them against."""

    inputs: list[str]
    references: Path
    gold_fields: dict[str, str]  # language -> field of the reference record


def seed_set(root: Path = Path(".")) -> EvalSet:
    return EvalSet([str(root / "seeds")], root / "eval" / "references.jsonl",
                   {"vi": "summary_vi", "en": "summary_en"})


def dataset_set(path: Path) -> EvalSet:
    """A JSONL of {id, title, text, summary} records (the VietNews shape): Vietnamese references only."""
    return EvalSet([str(path)], path, {"vi": "summary"})


def evaluate(eval_set: EvalSet, options: RunOptions, compat: bool = False) -> dict[str, Any]:
    """Run, score each language the set has references for, write `eval_report.json` beside the records."""
    report = run(eval_set.inputs, replace(options, formats=["md"]))
    predictions = load_jsonl(Path(options.out) / RECORDS_FILE)
    references = load_jsonl(eval_set.references)
    result: dict[str, Any] = {"summarizer": options.summarizer, "failed": len(report.failed), "scores": {}}
    languages = ["vi", "en"] if options.lang == "en" else ["vi"]
    for lang in languages:
        if lang not in eval_set.gold_fields:
            continue
        ids, preds, golds, missing = join_on_id(predictions, references, f"summary_{lang}",
                                                eval_set.gold_fields[lang])
        scores = score(preds, golds, lang=lang, compat=compat)
        result["scores"][lang] = {
            **scores.as_dict(), "missing": missing,
            "per_article": [{"id": i, **{k: round(v, 2) for k, v in item.items()}}
                            for i, item in zip(ids, scores.per_item, strict=True)],
        }
    write_text_atomic(Path(options.out) / "eval_report.json", json.dumps(result, ensure_ascii=False, indent=2))
    return result
