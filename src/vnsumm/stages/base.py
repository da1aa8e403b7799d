"""The shape every stage of a run has (transformers' pipeline and kedro's node, reduced to what vnsumm needs): a
name, whether it needs a model, a set-up that loads what it needs once per process or actor, and a call from a
batch of `Article`s to a batch of `Article`s. Failed articles pass through every stage untouched."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from vnsumm.records import Article


class Stage(ABC):
    name: ClassVar[str]

    @property
    def needs_model(self) -> bool:
        """Whether the stage loads a model: runners give such stages a pool of long-lived workers."""
        return False

    def prepare(self) -> None:  # noqa: B027  (most stages need nothing)
        """Fail now, where the run starts, if what `setup` needs is missing (a model not available offline)."""

    def on_device(self, device: str) -> Stage:
        """The stage as it should run on `device` (stages without a model run anywhere)."""
        return self

    def setup(self) -> None:  # noqa: B027  (most stages load nothing)
        """Load what the stage needs (models), once per process or actor, before the first batch."""

    @abstractmethod
    def __call__(self, batch: list[Article]) -> list[Article]:
        """New records for the batch, in its order; failed articles untouched."""
