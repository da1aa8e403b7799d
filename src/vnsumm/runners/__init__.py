"""Runners decide only where a plan's stages run: a loop in this process (`local`), worker processes for plans
that load no model (`processes`), or a Ray cluster (`ray`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from vnsumm.options import RunOptions
from vnsumm.records import Article
from vnsumm.stages.base import Stage


class ProgressSink(Protocol):
    def start(self, total: int | None) -> None: ...

    def advance(self, count: int) -> None: ...


# What a runner is: given the planned stages, the pending articles (a stream, read as needed), the options and a
# progress sink, set the stages up now (models load or are found missing before the caller touches its output),
# then yield batches of finished records.
Runner = Callable[[list[Stage], Iterator[Article], RunOptions, ProgressSink | None], Iterator[list[Article]]]
