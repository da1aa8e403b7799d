"""The local engine: this machine cleans, summarizes and translates the pending articles, group by group."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Protocol

from vnsumm.clean import clean_articles
from vnsumm.extractive import ExtractiveParams, ExtractiveSummarizer
from vnsumm.options import RunOptions, Unsupported
from vnsumm.records import Article
from vnsumm.registry import ModelSpec
from vnsumm.summarize import LENGTHS, Summarizer, load_summarizer, summarize_stage
from vnsumm.translate import load_translator, translate_stage


class ProgressSink(Protocol):
    def start(self, total: int | None) -> None: ...

    def advance(self, count: int) -> None: ...


# What the pipeline asks of an engine (local_groups, ray_engine.ray_groups): given the pending articles (a stream,
# read as needed), the run's common lines, the model entries, the options and a progress sink, load (or check) the
# models now, then yield groups of finished records.
Engine = Callable[[Iterator[Article], frozenset[str], ModelSpec, ModelSpec | None, RunOptions, ProgressSink | None],
                  Iterator[list[Article]]]


def chunks(articles: Iterator[Article], size: int) -> Iterator[list[Article]]:
    while chunk := list(itertools.islice(articles, size)):
        yield chunk


def fallback_summarizer(summarizer_spec: ModelSpec, options: RunOptions) -> Summarizer | None:
    """The embedded extractive summarizer under `--unsupported fallback` (an extractive summary never needs one)."""
    if options.unsupported != Unsupported.fallback or summarizer_spec.backend == "extractive":
        return None
    params = LENGTHS[options.length.value][0] if options.length else {}  # the length the user asked for
    return ExtractiveSummarizer(ExtractiveParams(**params), name="extractive")


def local_groups(pending: Iterator[Article], common: frozenset[str], summarizer_spec: ModelSpec,
                 translator_spec: ModelSpec | None, options: RunOptions,
                 progress: ProgressSink | None) -> Iterator[list[Article]]:
    """Groups of `options.write_every` finished articles, in input order. Models load before the first group is
    asked for, so a missing model fails before the caller touches its output."""
    device = options.device.value
    summarizer = load_summarizer(summarizer_spec, device, options.token_budget, options.batch_size)
    fallback = fallback_summarizer(summarizer_spec, options)
    translator = None if translator_spec is None else load_translator(
        translator_spec, device, options.token_budget, options.batch_size)

    def groups() -> Iterator[list[Article]]:
        for chunk in chunks(pending, options.write_every):
            group = summarize_stage(clean_articles(chunk, common), summarizer, progress.advance if progress else None,
                                    fallback)
            yield translate_stage(group, translator) if translator is not None else group

    return groups()
