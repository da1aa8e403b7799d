"""The embedded extractive summarizer: no download, deterministic, thousands of articles a second."""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from vnsumm.records import ModelIdentity
from vnsumm.text import split_sentences, syllables

Progress = Callable[[int], None] | None

FEATURES = (
    "bias", "inverse_position", "first", "second", "third", "relative_position", "length", "length_squared",
    "short", "centrality", "title_similarity", "has_number", "has_quote",
)
# Ridge regression of each sentence's ROUGE-1 + ROUGE-2 F1 against the abstract, fitted on
# ../shared/vietnews/dev.jsonl by `python benchmarks/tune_extractive.py` (2-fold cross-validated there).
DEFAULT_WEIGHTS = {
    "bias": -0.012, "inverse_position": -0.022, "first": 0.092, "second": 0.024, "third": 0.026,
    "relative_position": -0.057, "length": 0.036, "length_squared": -0.032, "short": -0.003, "centrality": 0.679,
    "title_similarity": 0.638, "has_number": 0.005, "has_quote": -0.011,
}


Feature = Literal[FEATURES]  # type: ignore[valid-type]


class ExtractiveParams(BaseModel):
    """The summarizer's parameters, as `params:` of a registry entry (unknown keys are errors)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    target_syllables: int = Field(20, ge=1, le=2000, description="summary length aimed at, in syllables")
    max_sentences: int = Field(3, ge=1, le=100)
    redundancy: float = Field(0.3, ge=0.0, le=1.0, description="skip a sentence this similar to a chosen one")
    weights: dict[Feature, float] = Field(default_factory=dict, description="overrides of DEFAULT_WEIGHTS")



_DIGIT = re.compile(r"\d")


def _bag(tokens: list[str]) -> Counter[str]:
    """Syllable unigrams and bigrams: bigrams stand in for Vietnamese words (Hà Nội, Đảng ủy)."""
    return Counter(itertools.chain(tokens, map(" ".join, itertools.pairwise(tokens))))


def _norm(a: Mapping[str, float]) -> float:
    return math.hypot(*a.values())


def _cosine(a: Mapping[str, float], b: Mapping[str, float], norm_a: float | None = None,
            norm_b: float | None = None) -> float:
    """Cosine of two sparse vectors; pass norms already known (a centroid's) to save recomputing them."""
    norm = (_norm(a) if norm_a is None else norm_a) * (_norm(b) if norm_b is None else norm_b)
    if not norm:
        return 0.0
    return sum(a[k] * b[k] for k in a.keys() & b.keys()) / norm


def sentence_features(sentences: Sequence[str], title: str | None = None) -> tuple[list[list[float]],
                                                                                     list[dict[str, float]]]:
    """One row of FEATURES per sentence, and each sentence's TF-IDF vector (for redundancy checks).

    Centrality is the cosine to the document's TF-IDF centroid; title similarity the cosine of unigram+bigram
    bags with the headline, which news abstracts tend to restate.
    """
    tokens = [syllables(s) for s in sentences]
    bags = [_bag(t) for t in tokens]
    df = Counter(term for bag in bags for term in bag)
    n = len(sentences)
    idf = {t: math.log(1 + n / d) for t, d in df.items()}
    vectors = [{t: (1 + math.log(c)) * idf[t] if c > 1 else idf[t] for t, c in bag.items()} for bag in bags]
    centroid: Counter[str] = Counter()
    for vector in vectors:
        centroid.update(vector)
    title_bag = _bag(syllables(title or ""))
    centroid_norm, title_norm = _norm(centroid), _norm(title_bag)
    rows = []
    for i, (sentence, toks) in enumerate(zip(sentences, tokens, strict=True)):
        length = min(len(toks), 80) / 40
        rows.append([
            1.0, 1 / (1 + i), float(i == 0), float(i == 1), float(i == 2), i / n, length, length**2,
            float(len(toks) < 8), _cosine(vectors[i], centroid, norm_b=centroid_norm),
            _cosine(bags[i], title_bag, norm_b=title_norm),
            float(bool(_DIGIT.search(sentence))), float('"' in sentence or "“" in sentence),
        ])
    return rows, vectors


class ExtractiveSummarizer:
    """Scores sentences with a linear model over position, length, centrality and similarity to the title,
    then picks the best ones up to a length target near that of news abstracts, skipping near-duplicates (MMR),
    and keeps them in article order. No model download, deterministic, thousands of articles a second.

    Parameters: `ExtractiveParams` (models.yaml `params`).
    """

    def __init__(self, params: ExtractiveParams | None = None, name: str = "extractive") -> None:
        self.params = params or ExtractiveParams()
        weights = {**DEFAULT_WEIGHTS, **self.params.weights}
        self.weights = [float(weights[feature]) for feature in FEATURES]
        self.name = name

    def identity(self) -> ModelIdentity:
        return ModelIdentity(self.name, "extractive")

    def select(self, sentences: Sequence[str], title: str | None = None) -> list[int]:
        """Indices, in article order, of the sentences that make the summary."""
        if not sentences:
            return []
        rows, vectors = sentence_features(sentences, title)
        score = [sum(w * x for w, x in zip(self.weights, row, strict=True)) for row in rows]
        lengths = [len(syllables(s)) for s in sentences]
        norms = [_norm(v) for v in vectors]
        target, length = self.params.target_syllables, 0
        chosen: list[int] = []
        for i in sorted(range(len(sentences)), key=lambda i: (-score[i], i)):
            if chosen and (
                length + lengths[i] - target > target - length  # overshoots the target more than it fills it
                or max(_cosine(vectors[i], vectors[j], norms[i], norms[j]) for j in chosen) > 1 - self.params.redundancy
            ):
                continue
            chosen.append(i)
            length += lengths[i]
            if length >= target or len(chosen) >= self.params.max_sentences:
                break
        return sorted(chosen)

    def summarize(self, texts: Sequence[str], titles: Sequence[str | None] | None = None,
                  progress: Progress = None) -> list[str]:
        summaries = []
        for text, title in zip(texts, titles or [None] * len(texts), strict=True):
            sentences = split_sentences(text)
            # One sentence per line: a sentence without a final stop (a sub-heading) does not run into the next.
            summaries.append("\n".join(sentences[i] for i in self.select(sentences, title)))
            if progress:
                progress(1)
        return summaries
