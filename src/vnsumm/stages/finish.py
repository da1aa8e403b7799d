"""Store-level steps, run after the article stages over the whole store: compaction and digests (the story
steps are in `stages.stories`).
Each runs only when the store changed, so a rerun that found nothing new rewrites nothing."""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from vnsumm.options import RunOptions, RunReport
from vnsumm.output.digest import digest_name, shown, write_digests
from vnsumm.output.store import Done, OutputStore, write_text_atomic
from vnsumm.version import __version__

DIGEST_STAMP = ".vnsumm.digest"


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

    @property
    def changed(self) -> bool:
        return bool(self.store.changed or self.report.pruned) or \
            any(done.ok and not done.grouped for done in self.index.values())


class StoreStep(ABC):
    name: ClassVar[str]

    @abstractmethod
    def __call__(self, state: StoreState) -> None: ...


class CompactStore(StoreStep):
    """One record per id (dropping ids this run did not read, with --prune); only when the file repeats an id."""

    name = "compact"

    def __call__(self, state: StoreState) -> None:
        state.store.note_failures()  # failures that left a finished record in place; checks the file is the same
        prune = state.options.prune  # an interrupted run never gets here
        if state.store.repeats or prune:
            state.report.pruned = state.store.compact((lambda key: key in state.seen) if prune else None)


class WriteDigests(StoreStep):
    """The digests of every record in the store, left as they are when they were made from this very store file
    with these options (a stamp of both says so)."""

    name = "digest"

    def _stamp(self, state: StoreState) -> str:
        options = state.options
        digest = hashlib.sha256(json.dumps([__version__, options.lang.value,
                                            [f.value for f in options.formats]]).encode())
        for path in (state.store.path, self._stories(state)):  # the digest shows both
            if path.exists():
                with path.open("rb") as handle:
                    for chunk in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(chunk)
        return digest.hexdigest()

    @staticmethod
    def _stories(state: StoreState) -> Path:
        from vnsumm.stories.record import STORIES_FILE

        return Path(state.options.out) / STORIES_FILE

    def __call__(self, state: StoreState) -> None:
        options = state.options
        out = Path(options.out)
        paths = [out / digest_name(fmt, options.lang.value) for fmt in options.formats]
        stamp, stamp_file = self._stamp(state), out / DIGEST_STAMP
        if all(p.exists() for p in paths) and stamp_file.exists() and stamp_file.read_text() == stamp:
            state.outputs += paths
            return
        from vnsumm.stories.record import read_story_summaries

        summaries = {s.story: s for s in read_story_summaries(self._stories(state)) if len(s.articles) > 1}
        state.outputs += write_digests([shown(r) for r in state.store.iter_records()], out, options.formats,
                                       options.lang.value, summaries)
        write_text_atomic(stamp_file, stamp)
