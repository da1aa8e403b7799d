"""Clean stage: boilerplate out, text normalized, page metadata in (see vnsumm.clean for the rules)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from vnsumm.clean import clean_articles
from vnsumm.records import Article
from vnsumm.stages.base import Stage


@dataclass
class CleanStage(Stage):
    name: ClassVar[str] = "clean"
    common: frozenset[str] = frozenset()  # lines repeated across the run's first articles: site furniture

    def __call__(self, batch: list[Article]) -> list[Article]:
        return clean_articles(batch, self.common)
