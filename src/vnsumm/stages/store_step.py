"""The shape of a store-level step: run after the article stages, over the whole store (compaction, grouping,
story summaries, digests), each sharing the run's `StoreState`. Each runs only when the store changed, so a rerun
that found nothing new rewrites nothing."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from vnsumm.options import RunOptions, RunReport
from vnsumm.output.store import Done, OutputStore


@dataclass
class StoreState:
    """What the store-level steps share: the store, this run's options and report, the ids this run read and the
    store's index as the run found it."""

    store: OutputStore
    options: RunOptions
    report: RunReport
    seen: set[str]
    index: dict[str, Done]
    outputs: list[Path] = field(default_factory=list)
    story_sizes: Counter[str] | None = None  # articles per story, when grouping ran in this run
    workers: int = 1  # processes a CPU-bound, model-free step may use (the run's choice: pipeline.processes_for)

    def spread(self, step: Any, batches: Iterator[list[Any]], units: int) -> Iterator[list[Any]]:
        """`step` over `batches` where the runner decides (see runners.processes.spread): `units` says how much
        work there is."""
        from vnsumm.runners.processes import spread

        return spread(step, batches, self.workers, units)

    @property
    def changed(self) -> bool:
        return bool(self.store.changed or self.report.pruned) or \
            any(done.ok and not done.grouped for done in self.index.values())


class StoreStep(ABC):
    name: ClassVar[str]

    @abstractmethod
    def __call__(self, state: StoreState) -> None: ...
