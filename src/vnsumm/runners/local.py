"""The local runner: this process runs every stage over each group of `options.group_size` articles, in input order."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TypeVar

from vnsumm.options import RunOptions
from vnsumm.records import Article
from vnsumm.runners import ProgressSink
from vnsumm.stages.base import Stage, run_stages

T = TypeVar("T")


def batches(items: Iterator[T], size: int) -> Iterator[list[T]]:
    """`items` in lists of `size` (the last may be shorter), read as they are taken."""
    while batch := list(itertools.islice(items, size)):
        yield batch


def run_local(stages: list[Stage], pending: Iterator[Article], options: RunOptions,
              progress: ProgressSink | None) -> Iterator[list[Article]]:
    for stage in stages:
        stage.setup()

    def finished() -> Iterator[list[Article]]:
        for batch in batches(pending, options.group_size):
            batch = run_stages(stages, batch)
            if progress:
                progress.advance(len(batch))
            yield batch

    return finished()
