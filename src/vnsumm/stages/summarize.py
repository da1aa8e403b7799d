"""Summarize stage: a Vietnamese summary of each article by the summarizer the registry entry names."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from vnsumm.models.summarizer import Summarizer
from vnsumm.records import Article
from vnsumm.stages.base import ModelStage


def summarize_articles(articles: list[Article], summarizer: Summarizer) -> list[Article]:
    """New records with Vietnamese summaries; failed articles pass through, an empty summary fails its article."""
    ok = [a for a in articles if a.ok]
    summaries = iter(summarizer.summarize([a.text for a in ok], [a.title for a in ok]))
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
    return done


@dataclass
class SummarizeStage(ModelStage[Summarizer]):
    name: ClassVar[str] = "summarize"

    def load(self) -> Summarizer:
        return self.spec.load_summarizer(self.runtime)

    @property
    def summarizer(self) -> Summarizer:
        return self.model

    def __call__(self, batch: list[Article]) -> list[Article]:
        return summarize_articles(batch, self.model)
