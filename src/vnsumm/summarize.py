"""Summarization stage: every summarizer has one call, `summarize(texts) -> summaries`, so they are swappable."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from vnsumm.config import ConfigError, ModelSpec
from vnsumm.generate import Seq2SeqEngine
from vnsumm.text import split_sentences, syllables

Progress = Callable[[int], None] | None


class Summarizer(Protocol):
    def identity(self) -> dict[str, Any]: ...

    def summarize(self, texts: Sequence[str], titles: Sequence[str | None] | None = None,
                  progress: Progress = None) -> list[str]: ...


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


def _bag(tokens: list[str]) -> Counter[str]:
    """Syllable unigrams and bigrams: bigrams stand in for Vietnamese words (Hà Nội, Đảng ủy)."""
    return Counter(tokens) + Counter(f"{a} {b}" for a, b in itertools.pairwise(tokens))


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


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
    vectors = [{t: (1 + math.log(c)) * math.log(1 + n / df[t]) for t, c in bag.items()} for bag in bags]
    centroid: Counter[str] = Counter()
    for vector in vectors:
        centroid.update(vector)
    title_bag = _bag(syllables(title or ""))
    rows = []
    for i, (sentence, toks) in enumerate(zip(sentences, tokens, strict=True)):
        length = min(len(toks), 80) / 40
        rows.append([
            1.0, 1 / (1 + i), float(i == 0), float(i == 1), float(i == 2), i / n, length, length**2,
            float(len(toks) < 8), _cosine(vectors[i], centroid), _cosine(bags[i], title_bag),
            float(any(ch.isdigit() for ch in sentence)), float('"' in sentence or "“" in sentence),
        ])
    return rows, vectors


class ExtractiveSummarizer:
    """Scores sentences with a linear model over position, length, centrality and similarity to the title,
    then picks the best ones up to a length target near that of news abstracts, skipping near-duplicates (MMR),
    and keeps them in article order. No model download, deterministic, thousands of articles a second.

    Parameters (models.yaml `params`): target_syllables, max_sentences, redundancy, weights (per FEATURES).
    """

    def __init__(self, spec: ModelSpec | None = None, **overrides: Any) -> None:
        params: dict[str, Any] = {"target_syllables": 20, "max_sentences": 3, "redundancy": 0.3}
        params.update(spec.params if spec else {})
        params.update(overrides)
        params["weights"] = {**DEFAULT_WEIGHTS, **params.get("weights", {})}
        unknown = set(params["weights"]) - set(FEATURES)
        if unknown:
            raise ConfigError(f"extractive weights: unknown features {sorted(unknown)}; known: {', '.join(FEATURES)}")
        self.params = params
        self.weights = [float(params["weights"][name]) for name in FEATURES]
        self.name = spec.name if spec else "extractive"

    def identity(self) -> dict[str, Any]:
        return {"name": self.name, "backend": "extractive", "model": None, "revision": None}

    def select(self, sentences: Sequence[str], title: str | None = None) -> list[int]:
        """Indices, in article order, of the sentences that make the summary."""
        if not sentences:
            return []
        rows, vectors = sentence_features(sentences, title)
        score = [sum(w * x for w, x in zip(self.weights, row, strict=True)) for row in rows]
        lengths = [len(syllables(s)) for s in sentences]
        target, chosen, length = self.params["target_syllables"], [], 0
        for i in sorted(range(len(sentences)), key=lambda i: (-score[i], i)):
            if chosen and (
                length + lengths[i] - target > target - length  # overshoots the target more than it fills it
                or max(_cosine(vectors[i], vectors[j]) for j in chosen) > 1 - self.params["redundancy"]
            ):
                continue
            chosen.append(i)
            length += lengths[i]
            if length >= target or len(chosen) >= self.params["max_sentences"]:
                break
        return sorted(chosen)

    def summarize(self, texts: Sequence[str], titles: Sequence[str | None] | None = None,
                  progress: Progress = None) -> list[str]:
        summaries = []
        for text, title in zip(texts, titles or [None] * len(texts), strict=True):
            sentences = split_sentences(text)
            summaries.append(" ".join(sentences[i] for i in self.select(sentences, title)))
            if progress:
                progress(1)
        return summaries


class Seq2SeqSummarizer:
    """ViT5 and friends through the shared engine. Inputs longer than the model's window are truncated, or with
    `long_input: chunk`, summarized chunk by chunk and the joined chunk summaries summarized again."""

    def __init__(self, engine: Seq2SeqEngine) -> None:
        self.engine = engine
        self.spec = engine.spec

    def identity(self) -> dict[str, Any]:
        return self.engine.identity()

    def chunks(self, text: str) -> list[str]:
        """Sentence-aligned pieces that each fit the input window (with room for the prefix and end token)."""
        budget = self.spec.max_input_tokens - len(self.engine.encode([""])[0]) - 1
        sentences = split_sentences(text)
        pieces: list[str] = []
        current: list[str] = []
        used = 0
        for sentence, size in zip(sentences, self.engine.count_tokens(sentences), strict=True):
            if current and used + size > budget:
                pieces.append(" ".join(current))
                current, used = [], 0
            current.append(sentence)
            used += size
        if current:
            pieces.append(" ".join(current))
        return pieces or [text]

    def summarize(self, texts: Sequence[str], titles: Sequence[str | None] | None = None,
                  progress: Progress = None) -> list[str]:
        """Titles are not part of ViT5's input convention, so they are not used."""
        if self.spec.long_input != "chunk":
            return self.engine.generate(texts, progress)
        pieces = [self.chunks(t) for t in texts]
        flat = [piece for chunks in pieces for piece in chunks]
        partial = iter(self.engine.generate(flat))
        joined = [" ".join(next(partial) for _ in chunks) for chunks in pieces]
        # Single-chunk texts were summarized once already; only the joined multi-chunk summaries are reduced.
        multi = [i for i, chunks in enumerate(pieces) if len(chunks) > 1]
        for i, summary in zip(multi, self.engine.generate([joined[i] for i in multi]), strict=True):
            joined[i] = summary
        if progress:
            progress(len(texts))
        return joined


def load_summarizer(spec: ModelSpec, device: str = "auto", token_budget: int | None = None,
                    max_batch: int | None = None) -> Summarizer:
    if spec.backend == "extractive":
        return ExtractiveSummarizer(spec)
    return Seq2SeqSummarizer(Seq2SeqEngine(spec, device, token_budget, max_batch))
