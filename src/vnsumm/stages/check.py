"""Check stage: the facts an output states must be in its source (see vnsumm.factcheck.check). With a fallback (the
`--unsupported fallback` policy) a Vietnamese summary that states what its article does not is replaced by the
fallback's summary, and the record says so: check, then re-summarize, in one place."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from vnsumm.backends import ExtractiveSpec
from vnsumm.factcheck.check import check_article
from vnsumm.models.summarizer import Summarizer
from vnsumm.records import Article
from vnsumm.stages.base import Stage


@dataclass
class CheckStage(Stage):
    name: ClassVar[str] = "check"
    fields: tuple[str, ...] = ("summary_vi",)  # output fields checked here (see factcheck.CHECKS for their sources)
    fallback: ExtractiveSpec | None = None

    def __post_init__(self) -> None:
        self._fallback: Summarizer | None = None

    def setup(self) -> None:
        if self.fallback is not None and self._fallback is None:
            self._fallback = self.fallback.load_summarizer()

    def __call__(self, batch: list[Article]) -> list[Article]:
        self.setup()
        checked = [check_article(a, self.fields) for a in batch]
        return checked if self._fallback is None else [self._fall_back(a, self._fallback) for a in checked]

    @staticmethod
    def _fall_back(article: Article, fallback: Summarizer) -> Article:
        wrong = [f.text for f in article.unsupported if f.field == "summary_vi"]
        if not wrong:
            return article
        [summary] = fallback.summarize([article.text], [article.title])
        made_by = article.summarizer.name if article.summarizer else "model"
        warning = (f"the {made_by} summary stated what the article does not ({', '.join(wrong)}); replaced by the "
                   f"{fallback.identity().name} summary")
        # The fallback's sentences are the article's own: nothing of them is unsupported.
        return replace(article, summary_vi=summary, summarizer=fallback.identity(),
                       warnings=[*article.warnings, warning],
                       unsupported=[f for f in article.unsupported if f.field != "summary_vi"])
