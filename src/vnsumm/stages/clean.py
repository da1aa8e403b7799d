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

    def __call__(self, batch: list[Article]) -> list[Article]:
        # Story summaries select among an article's first sentences; they are kept even by a run that does not
        # group (`--no-group`), since a later run that groups reuses its records as they are.
        return [replace(a, first_sentences=leading_sentences(a.text, MultiDocParams.max_position)) if a.ok else a
                for a in clean_articles(batch, self.common)]
