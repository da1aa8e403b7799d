"""Translation stage: Vietnamese summaries and titles to English, sentence by sentence, in batches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from vnsumm.extractive import Progress
from vnsumm.models.engine import Seq2SeqEngine
from vnsumm.records import Article
from vnsumm.registry import ModelSpec
from vnsumm.text import split_sentences


class Translator:
    """Splits every text into sentences (MT models are trained on sentences), translates all sentences of the
    call in one batched, de-duplicated pass, and rejoins them per text."""

    def __init__(self, engine: Seq2SeqEngine) -> None:
        self.engine = engine

    def identity(self) -> dict[str, Any]:
        return self.engine.identity()

    def translate(self, texts: Sequence[str | None], progress: Progress = None) -> list[str | None]:
        split = [split_sentences(t) if t else [] for t in texts]
        unique = list(dict.fromkeys(s for sentences in split for s in sentences))
        translated = dict(zip(unique, self.engine.generate(unique), strict=True)) if unique else {}
        if progress:
            progress(len(texts))
        return [" ".join(translated[s] for s in sentences) if sentences else None for sentences in split]


def load_translator(spec: ModelSpec, device: str = "auto", token_budget: int | None = None,
                    max_batch: int | None = None, *, force_conversion: bool = False) -> Translator:
    return Translator(Seq2SeqEngine(spec, device, token_budget, max_batch, force_conversion=force_conversion))


def translate_stage(articles: Sequence[Article], translator: Translator) -> list[Article]:
    """New records with English summaries and titles, in one batched call for the whole group."""
    ok = [a for a in articles if a.ok]
    if not ok:
        return list(articles)
    english = translator.translate([a.summary_vi for a in ok] + [a.title for a in ok])
    pairs = iter(zip(english[: len(ok)], english[len(ok):], strict=True))  # (summary, title) per ok article
    identity = translator.identity()
    done = []
    for article in articles:
        if article.ok:
            summary_en, title_en = next(pairs)
            article = replace(article, summary_en=summary_en, title_en=title_en, translator=identity)
        done.append(article)
    return done
