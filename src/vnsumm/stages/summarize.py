"""Summarize stage: a Vietnamese summary of each article by the summarizer the registry entry names."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import ClassVar

from vnsumm.backends import ModelSpecBase
from vnsumm.records import Article
from vnsumm.runtime import Runtime
from vnsumm.stages.base import Stage
from vnsumm.summarizer import Summarizer


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
class SummarizeStage(Stage):
    name: ClassVar[str] = "summarize"
    spec: ModelSpecBase
    runtime: Runtime = field(default_factory=Runtime)

    def __post_init__(self) -> None:
        self._summarizer: Summarizer | None = None

    @property
    def needs_model(self) -> bool:
        return self.spec.needs_weights  # the embedded summarizer needs no pool of its own

    def prepare(self) -> None:
        self.spec.locate()

    def on_device(self, device: str) -> Stage:
        return replace(self, runtime=replace(self.runtime, device=device))

    def setup(self) -> None:
        if self._summarizer is None:
            self._summarizer = self.spec.load_summarizer(self.runtime)

    @property
    def summarizer(self) -> Summarizer:
        """The loaded summarizer (loaded now if this process has not yet)."""
        self.setup()
        assert self._summarizer is not None
        return self._summarizer

    def __call__(self, batch: list[Article]) -> list[Article]:
        return summarize_articles(batch, self.summarizer)
