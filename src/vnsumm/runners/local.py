"""The local runner: this process runs every stage over each group of `options.group_size` articles, in input order."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from vnsumm.options import RunOptions
from vnsumm.records import Article
from vnsumm.runners import ProgressSink
from vnsumm.stages.base import Stage


def batches(articles: Iterator[Article], size: int) -> Iterator[list[Article]]:
    while batch := list(itertools.islice(articles, size)):
        yield batch


def run_local(stages: list[Stage], pending: Iterator[Article], options: RunOptions,
              progress: ProgressSink | None) -> Iterator[list[Article]]:
    for stage in stages:
        stage.setup()

    def finished() -> Iterator[list[Article]]:
        for batch in batches(pending, options.group_size):
            for stage in stages:
                batch = stage(batch)
            if progress:
                progress.advance(len(batch))
            yield batch

    return finished()
