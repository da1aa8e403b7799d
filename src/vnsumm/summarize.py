"""Summarization stage: every summarizer has one call, `summarize(texts, titles) -> summaries`, so they are
swappable; `summarize_stage` runs one over records."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, Protocol

from vnsumm.extractive import ExtractiveParams, ExtractiveSummarizer, Progress
from vnsumm.models.engine import Seq2SeqEngine
from vnsumm.records import Article
from vnsumm.registry import ModelSpec
from vnsumm.text import split_sentences


class Summarizer(Protocol):
    def identity(self) -> dict[str, Any]: ...

    def summarize(self, texts: Sequence[str], titles: Sequence[str | None] | None = None,
                  progress: Progress = None) -> list[str]: ...


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


def _extractive(spec: ModelSpec, device: str, token_budget: int | None, max_batch: int | None,
                force_conversion: bool) -> Summarizer:
    return ExtractiveSummarizer(ExtractiveParams(**spec.params), spec.name)


def _seq2seq(spec: ModelSpec, device: str, token_budget: int | None, max_batch: int | None,
             force_conversion: bool) -> Summarizer:
    return Seq2SeqSummarizer(Seq2SeqEngine(spec, device, token_budget, max_batch, force_conversion=force_conversion))


# Backend name -> summarizer factory.
SUMMARIZERS: dict[str, Callable[[ModelSpec, str, int | None, int | None, bool], Summarizer]] = {
    "extractive": _extractive,
    "transformers": _seq2seq,
    "ctranslate2": _seq2seq,
}


# Summary lengths a user picks (--length): a syllable target for the extractive summarizer (VietNews abstracts are
# about 33 syllables, one or two sentences; multi-outlet references about five sentences) and generation limits for
# seq2seq models (a minimum pushes a model tuned on one-sentence abstracts to say more).
LENGTHS: dict[str, tuple[dict[str, int], dict[str, int]]] = {
    "short": ({"target_syllables": 20, "max_sentences": 2}, {"max_new_tokens": 64}),
    "medium": ({"target_syllables": 60, "max_sentences": 4}, {"min_new_tokens": 48, "max_new_tokens": 160}),
    "long": ({"target_syllables": 120, "max_sentences": 7}, {"min_new_tokens": 96, "max_new_tokens": 256}),
}


def with_length(spec: ModelSpec, length: str | None) -> ModelSpec:
    """The entry with the length a user asked for; None keeps the registry's own settings."""
    if length is None:
        return spec
    params, generate = LENGTHS[length]
    if spec.backend == "extractive":
        return spec.model_copy(update={"params": {**spec.params, **params}})
    return spec.model_copy(update={"generate": {**spec.generate, **generate}})


def load_summarizer(spec: ModelSpec, device: str = "auto", token_budget: int | None = None,
                    max_batch: int | None = None, *, force_conversion: bool = False) -> Summarizer:
    return SUMMARIZERS[spec.backend](spec, device, token_budget, max_batch, force_conversion)


def summarize_stage(articles: Sequence[Article], summarizer: Summarizer, progress: Progress = None,
                    fallback: Summarizer | None = None) -> list[Article]:
    """New records with Vietnamese summaries; failed articles pass through, an empty summary fails its article.
    With a `fallback` (the `--unsupported fallback` policy), a summary stating a number, date or name that its
    article lacks is replaced by the fallback's summary of the article, and the record says so."""
    ok = [a for a in articles if a.ok]
    summaries = iter(summarizer.summarize([a.text for a in ok], [a.title for a in ok], progress))
    identity = summarizer.identity()
    done = []
    for article in articles:
        if not article.ok:
            done.append(article)
            continue
        summary = next(summaries)
        if summary.strip():
            done.append(replace(article, summary_vi=summary, summarizer=identity))
        else:
            done.append(replace(article, summarizer=identity).fail(
                f"{article.source}: the summarizer produced an empty summary"))
    return done if fallback is None else _fall_back(done, fallback)


def _fall_back(articles: list[Article], fallback: Summarizer) -> list[Article]:
    from vnsumm.factcheck import Source, unsupported

    done = []
    for article in articles:
        wrong = [f.text for f in unsupported(article.summary_vi, Source.of(f"{article.title or ''}\n{article.text}"))] \
            if article.ok and article.summary_vi else []
        if wrong:
            [summary] = fallback.summarize([article.text], [article.title])
            warning = (f"the {article.summarizer and article.summarizer['name']} summary stated what the article "
                       f"does not ({', '.join(wrong)}); replaced by the {fallback.identity()['name']} summary")
            article = replace(article, summary_vi=summary, summarizer=fallback.identity(),
                              warnings=[*article.warnings, warning])
        done.append(article)
    return done
