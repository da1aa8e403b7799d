"""Summarization stage: every summarizer has one call, `summarize(texts) -> summaries`, so they are swappable."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from vnsumm.config import ModelSpec
from vnsumm.generate import Seq2SeqEngine
from vnsumm.text import split_sentences, syllables

Progress = Callable[[int], None] | None


class Summarizer(Protocol):
    def identity(self) -> dict[str, Any]: ...

    def summarize(self, texts: Sequence[str], progress: Progress = None) -> list[str]: ...


def _features(tokens: list[str]) -> Counter[str]:
    """Syllable unigrams and bigrams: bigrams stand in for Vietnamese words (Hà Nội, Đảng ủy)."""
    return Counter(tokens) + Counter(f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False))


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


class ExtractiveSummarizer:
    """Picks article sentences by a lead-position prior plus TF-IDF centrality, with MMR against redundancy,
    up to a length target near that of news abstracts; keeps them in article order. No model, deterministic.

    Parameters (models.yaml `params`): target_syllables, position_weight, position_decay, centrality_weight,
    redundancy, min_sentence_syllables, max_sentences.
    """

    def __init__(self, spec: ModelSpec | None = None, **overrides: float) -> None:
        params: dict[str, Any] = {
            "target_syllables": 40, "position_weight": 1.0, "position_decay": 1.0, "centrality_weight": 0.4,
            "redundancy": 0.5, "min_sentence_syllables": 6, "max_sentences": 3,
        }
        params.update(spec.params if spec else {})
        params.update(overrides)
        self.params = params
        self.name = spec.name if spec else "extractive"

    def identity(self) -> dict[str, Any]:
        return {"name": self.name, "backend": "extractive", "model": None, "revision": None, "params": self.params}

    def select(self, sentences: list[str]) -> list[int]:
        """Indices (in article order) of the sentences that make the summary."""
        p = self.params
        tokens = [syllables(s) for s in sentences]
        candidates = [i for i, t in enumerate(tokens) if len(t) >= p["min_sentence_syllables"]] or \
            [i for i, t in enumerate(tokens) if t]
        if not candidates:
            return []
        bags = [_features(t) for t in tokens]
        df = Counter(term for i in candidates for term in bags[i])
        n = len(candidates)
        vectors = {
            i: {t: (1 + math.log(c)) * math.log(1 + n / df[t]) for t, c in bags[i].items()} for i in candidates
        }
        centroid: Counter[str] = Counter()
        for i in candidates:
            centroid.update(vectors[i])
        score = {
            i: p["position_weight"] / (1 + rank) ** p["position_decay"]
            + p["centrality_weight"] * _cosine(vectors[i], centroid)
            for rank, i in enumerate(candidates)
        }
        chosen: list[int] = []
        length = 0
        pool = list(candidates)
        while pool and length < p["target_syllables"] and len(chosen) < p["max_sentences"]:
            def mmr(i: int) -> float:
                overlap = max((_cosine(vectors[i], vectors[j]) for j in chosen), default=0.0)
                return score[i] - p["redundancy"] * overlap

            best = max(pool, key=lambda i: (mmr(i), -i))
            pool.remove(best)
            # A sentence that would overshoot the target by more than it fills is skipped, unless nothing is chosen.
            if chosen and length + len(tokens[best]) - p["target_syllables"] > p["target_syllables"] - length:
                continue
            chosen.append(best)
            length += len(tokens[best])
        return sorted(chosen)

    def summarize(self, texts: Sequence[str], progress: Progress = None) -> list[str]:
        summaries = []
        for text in texts:
            sentences = split_sentences(text)
            summaries.append(" ".join(sentences[i] for i in self.select(sentences)))
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

    def summarize(self, texts: Sequence[str], progress: Progress = None) -> list[str]:
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
