"""The shape every stage of a run has (transformers' pipeline and kedro's node, reduced to what vnsumm needs): a
name, whether it needs a model, a set-up that loads what it needs once per process or actor, and a call from a
batch of `Article`s to a batch of `Article`s. Failed articles pass through every stage untouched."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import ClassVar, Generic, TypeVar

from vnsumm.backends import ModelSpecBase
from vnsumm.records import Article
from vnsumm.runtime import Runtime

Model = TypeVar("Model")


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


@dataclass
class ModelStage(Stage, Generic[Model]):
    """A stage that runs what a registry entry describes (a summarizer, a translator), loaded once per process."""

    spec: ModelSpecBase
    runtime: Runtime = field(default_factory=Runtime)

    def __post_init__(self) -> None:
        self._model: Model | None = None

    @property
    def needs_model(self) -> bool:
        return self.spec.needs_weights  # the embedded summarizer needs no pool of its own

    def prepare(self) -> None:
        self.spec.locate()

    def on_device(self, device: str) -> Stage:
        return replace(self, runtime=replace(self.runtime, device=device))

    @abstractmethod
    def load(self) -> Model:
        """The model this stage runs, loaded from its entry."""

    def setup(self) -> None:
        if self._model is None:
            self._model = self.load()

    @property
    def model(self) -> Model:
        """The loaded model (loaded now if this process has not yet)."""
        self.setup()
        assert self._model is not None
        return self._model


def run_stages(stages: Sequence[Stage], batch: list[Article]) -> list[Article]:
    """A batch through every stage, in order: what each runner does with a batch, wherever it runs it."""
    for stage in stages:
        batch = stage(batch)
    return batch
