"""Compact step: one record per id in the store."""

from __future__ import annotations

from vnsumm.stages.store_step import StoreState, StoreStep


class CompactStore(StoreStep):
    """One record per id (dropping ids this run did not read, with --prune); only when the file repeats an id."""

    name = "compact"

    def __call__(self, state: StoreState) -> None:
        state.store.note_failures()  # failures that left a finished record in place; checks the file is the same
        prune = state.options.prune  # an interrupted run never gets here
        if state.store.repeats or prune:
            state.report.pruned = state.store.compact((lambda key: key in state.seen) if prune else None)
