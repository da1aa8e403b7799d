"""Scoring: ROUGE that is correct for Vietnamese, plus chrF and BLEU for English, each with a signature.

rouge-score's default tokenizer keeps only [a-z0-9], so `Đảng` becomes `ng` and Vietnamese scores inflate (README,
"Evaluation"). Here ROUGE runs rouge-score's own n-gram, LCS and bootstrap code over Unicode syllables of
NFC, lowercased text; `compat=True` reproduces the default tokenizer for comparison with published figures.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from vnsumm.errors import ConfigError
from vnsumm.jsonl import load_jsonl
from vnsumm.lang.text import split_sentences, syllables
from vnsumm.readers.paths import printable, require_regular_file
from vnsumm.version import __version__

_TOKEN = re.compile(r"\w+")
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 12345


class SyllableTokenizer:
    """Vietnamese syllables: NFC, lowercase, Unicode `\\w+` (so `Đảng` stays `đảng`). rouge-score asks a tokenizer
    for `tokenize` alone; rouge-score itself is imported when scoring (it imports nltk, scipy and scikit-learn:
    a `vnsumm run` does not need them)."""

    def tokenize(self, text: str) -> list[str]:
        return syllables(text)


@dataclass(frozen=True)
class Signature:
    """How a figure was made, printed beside it (as sacrebleu does)."""

    lang: str = "vi"
    compat: bool = False
    n: int = 0

    def __str__(self) -> str:
        if self.compat:
            tok = "tok:rouge-score-default|COMPAT(not valid for Vietnamese)"
        elif self.lang == "vi":
            tok = "tok:syllable|nfc|lc"
        else:
            tok = "tok:rouge-score-default|stem:porter"
        return (f"{tok}|rougeLsum:vnsplit|ci:bootstrap{BOOTSTRAP_SAMPLES}@95|seed:{BOOTSTRAP_SEED}|n:{self.n}|"
                f"version:vnsumm-{__version__}")


@dataclass(frozen=True)
class RougeFigure:
    """One ROUGE type over a corpus, 0-100: precision, recall, F1 (means over articles), the F1's 95% interval."""

    p: float
    r: float
    f: float
    ci: tuple[float, float]

    def to_json(self) -> dict[str, Any]:
        return {"p": self.p, "r": self.r, "f": self.f, "ci": list(self.ci)}


@dataclass(frozen=True)
class CorpusMetric:
    """A sacrebleu figure (chrF, BLEU) with its own signature."""

    score: float
    signature: str


@dataclass
class Scores:
    """Corpus figures on a 0-100 scale: per ROUGE type, per-article F1, and chrF and BLEU for English."""

    signature: Signature
    rouge: dict[str, RougeFigure]
    per_item: list[dict[str, float]]
    extra: dict[str, CorpusMetric] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The figures as JSON (what `vnsumm score --json` prints)."""
        return {**{t: f.to_json() for t, f in self.rouge.items()},
                **{name: {"score": m.score, "signature": m.signature} for name, m in self.extra.items()},
                "n": self.signature.n, "signature": str(self.signature)}


@dataclass
class ScoreReport:
    """`vnsumm score`: the scores of two files joined on `id`, the fields compared, the ids either side lacks."""

    scores: Scores
    pred_field: str
    gold_field: str
    missing: dict[str, list[str]]  # "predictions" / "references": ids the other side has and this one lacks
    ids: list[str]
    warnings: list[str] = field(default_factory=list)

    def per_article(self) -> list[dict[str, Any]]:
        return [{"id": i, **{k: round(v, 2) for k, v in item.items()}}
                for i, item in zip(self.ids, self.scores.per_item, strict=True)]

    def to_json(self) -> dict[str, Any]:
        return {**self.scores.as_dict(), "missing": self.missing, "pred_field": self.pred_field,
                "gold_field": self.gold_field, "per_article": self.per_article()}


def _scorer(lang: str, compat: bool) -> Any:
    from rouge_score import rouge_scorer

    if compat or lang != "vi":
        return rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=lang != "vi")
    return rouge_scorer.RougeScorer(list(ROUGE_TYPES), tokenizer=SyllableTokenizer())


def _lsum_ready(text: str) -> str:
    """ROUGE-Lsum reads sentences from newlines: split with the Vietnamese-aware splitter first."""
    return "\n".join(split_sentences(text or ""))


def rouge(predictions: Sequence[str], references: Sequence[str], *, lang: str = "vi",
          compat: bool = False) -> Scores:
    """ROUGE-1/2/L/Lsum of aligned prediction and reference lists."""
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions but {len(references)} references")
    from rouge_score import scoring

    scorer = _scorer(lang, compat)
    aggregator = scoring.BootstrapAggregator(confidence_interval=0.95, n_samples=BOOTSTRAP_SAMPLES)
    totals = {t: np.zeros(3) for t in ROUGE_TYPES}
    per_item = []
    for prediction, reference in zip(predictions, references, strict=True):
        result = scorer.score(_lsum_ready(reference), _lsum_ready(prediction))
        aggregator.add_scores(result)
        per_item.append({t: 100 * result[t].fmeasure for t in ROUGE_TYPES})
        for t in ROUGE_TYPES:
            totals[t] += np.array(result[t])
    n = len(predictions)
    figures: dict[str, RougeFigure] = {}
    if n:
        state = np.random.get_state()
        np.random.seed(BOOTSTRAP_SEED)  # rouge-score resamples with numpy's global generator: fixed, restored
        try:
            bounds = aggregator.aggregate()
        finally:
            np.random.set_state(state)
        for t in ROUGE_TYPES:
            p, r, f = (100 * totals[t] / n).tolist()
            ci = (round(100 * bounds[t].low.fmeasure, 2), round(100 * bounds[t].high.fmeasure, 2))
            figures[t] = RougeFigure(round(p, 2), round(r, 2), round(f, 2), ci)
    return Scores(Signature(lang=lang, compat=compat, n=n), figures, per_item)


def english_extras(predictions: Sequence[str], references: Sequence[str]) -> dict[str, CorpusMetric]:
    """chrF and BLEU (sacrebleu, its own signatures) for English outputs."""
    import sacrebleu

    chrf = sacrebleu.metrics.CHRF()
    bleu = sacrebleu.metrics.BLEU()
    refs = [list(references)]
    chrf_score = chrf.corpus_score(list(predictions), refs)
    bleu_score = bleu.corpus_score(list(predictions), refs)
    return {"chrf": CorpusMetric(round(chrf_score.score, 2), str(chrf.get_signature())),
            "bleu": CorpusMetric(round(bleu_score.score, 2), str(bleu.get_signature()))}


def score(predictions: Sequence[str], references: Sequence[str], *, lang: str = "vi",
          compat: bool = False) -> Scores:
    """ROUGE, and for English also chrF and BLEU."""
    result = rouge(predictions, references, lang=lang, compat=compat)
    if lang == "en" and predictions:
        result.extra = english_extras(predictions, references)
    return result


def join_on_id(predictions: Sequence[dict[str, Any]], references: Sequence[dict[str, Any]], pred_field: str,
               gold_field: str) -> tuple[list[str], list[str], list[str], dict[str, list[str]]]:
    """Align records by `id`. Returns ids, predictions, references and the ids missing on either side.
    A prediction that failed (no text in pred_field) scores as empty, never silently dropped."""
    gold = {str(r["id"]): r for r in references if r.get(gold_field)}
    pred = {str(r["id"]): r for r in predictions if "id" in r}
    ids = [i for i in gold if i in pred]
    missing = {"predictions": [i for i in gold if i not in pred], "references": [i for i in pred if i not in gold]}
    return ids, [_text(pred[i].get(pred_field)) for i in ids], [_text(gold[i][gold_field]) for i in ids], missing


MAX_TOKENS = 5_000  # syllables of one text compared: LCS is quadratic, and no summary is this long


def _text(value: Any) -> str:
    """A field as text: a number or a list in a JSON record is compared as it is written, never a crash."""
    return "" if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _capped(texts: list[str]) -> tuple[list[str], int]:
    """The texts cut at MAX_TOKENS syllables, and how many were cut."""
    cut = 0
    for i, text in enumerate(texts):
        tokens = list(_TOKEN.finditer(text))
        if len(tokens) > MAX_TOKENS:
            texts[i] = text[: tokens[MAX_TOKENS - 1].end()]
            cut += 1
    return texts, cut


def gold_field_for(references: Sequence[dict[str, Any]], lang: str) -> str:
    """`summary_<lang>` where the references have it (vnsumm's eval/ files), else `summary` (the VietNews shape)."""
    return f"summary_{lang}" if any(f"summary_{lang}" in r for r in references) else "summary"


def score_files(predictions: Path, references: Path, *, lang: str = "vi", pred_field: str | None = None,
                gold_field: str | None = None, compat: bool = False) -> ScoreReport:
    """`vnsumm score`: two JSONL files joined on `id`; the scores, the fields used and the ids missing either side."""
    for path in (predictions, references):
        require_regular_file(path)
    preds, golds = load_jsonl(Path(predictions)), load_jsonl(Path(references))
    gold_field = gold_field or gold_field_for(golds, lang)
    pred_field = pred_field or f"summary_{lang}"
    if not any(pred_field in record for record in preds):  # scoring would print zeros as if they were figures
        raise ConfigError(f"{printable(str(predictions))}: no record has the field {pred_field!r} "
                          "(--pred-field names another)")
    ids, pred_texts, gold_texts, missing = join_on_id(preds, golds, pred_field, gold_field)
    if not ids:
        raise ConfigError(f"no ids in common between {predictions} and {references} (gold field {gold_field!r})")
    (pred_texts, pred_cut), (gold_texts, gold_cut) = _capped(pred_texts), _capped(gold_texts)
    warnings = [f"{n} {side} longer than {MAX_TOKENS:,} syllables compared on their first {MAX_TOKENS:,}"
                for side, n in (("predictions", pred_cut), ("references", gold_cut)) if n]
    return ScoreReport(score(pred_texts, gold_texts, lang=lang, compat=compat), pred_field, gold_field, missing, ids,
                       warnings)
