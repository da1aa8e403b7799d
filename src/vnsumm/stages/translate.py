"""Translate stage: Vietnamese summaries and titles to English, in one batched call per batch."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import ClassVar

from vnsumm.backends import ModelSpecBase
from vnsumm.models.seq2seq import Translator
from vnsumm.records import Article
from vnsumm.runtime import Runtime
from vnsumm.stages.base import Stage


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
class TranslateStage(Stage):
    name: ClassVar[str] = "translate"
    spec: ModelSpecBase
    runtime: Runtime = field(default_factory=Runtime)

    def __post_init__(self) -> None:
        self._translator: Translator | None = None

    @property
    def needs_model(self) -> bool:
        return True

    def prepare(self) -> None:
        self.spec.locate()

    def on_device(self, device: str) -> Stage:
        return replace(self, runtime=replace(self.runtime, device=device))

    def setup(self) -> None:
        if self._translator is None:
            self._translator = self.spec.load_translator(self.runtime)

    @property
    def translator(self) -> Translator:
        """The loaded translator (loaded now if this process has not yet)."""
        self.setup()
        assert self._translator is not None
        return self._translator

    def __call__(self, batch: list[Article]) -> list[Article]:
        return translate_articles(batch, self.translator)
