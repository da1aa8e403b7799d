"""Clean stage: boilerplate out, text normalized, page metadata in (see vnsumm.cleaning.rules for the rules)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from vnsumm.cleaning.rules import clean_articles
from vnsumm.records import Article
from vnsumm.stages.base import Stage
from vnsumm.stories.multidoc import MultiDocParams, leading_sentences


@dataclass
class CleanStage(Stage):
    name: ClassVar[str] = "clean"
    common: frozenset[str] = frozenset()  # lines repeated across the run's first articles: site furniture
    # Kept for story summaries, which select among an article's first sentences; 0 keeps none.
    first_sentences: int = MultiDocParams.max_position

    def __call__(self, batch: list[Article]) -> list[Article]:
        cleaned = clean_articles(batch, self.common)
        if not self.first_sentences:
            return cleaned
        return [replace(a, first_sentences=leading_sentences(a.text, self.first_sentences)) if a.ok else a
                for a in cleaned]
