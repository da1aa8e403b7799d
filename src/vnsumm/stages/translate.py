"""Translate stage: Vietnamese summaries and titles to English, in one batched call per batch."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from vnsumm.models.seq2seq import Translator
from vnsumm.records import Article
from vnsumm.stages.base import ModelStage


def translate_articles(articles: list[Article], translator: Translator) -> list[Article]:
    """New records with English summaries and titles."""
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


@dataclass
class TranslateStage(ModelStage[Translator]):
    name: ClassVar[str] = "translate"

    def load(self) -> Translator:
        return self.spec.load_translator(self.runtime)

    @property
    def translator(self) -> Translator:
        return self.model

    def __call__(self, batch: list[Article]) -> list[Article]:
        return translate_articles(batch, self.model)
