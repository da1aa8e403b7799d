"""The embedded extractive summarizer as a registry backend: it ships with vnsumm (no weights to locate) and only
summarizes (it selects Vietnamese sentences, so it cannot translate)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, Field, field_validator

from vnsumm.backends.base import ModelSpecBase, Role
from vnsumm.models import extractive
from vnsumm.models.extractive import ExtractiveParams

if TYPE_CHECKING:
    from typing_extensions import Self

    from vnsumm.models.summarizer import Summarizer
    from vnsumm.options import Length
    from vnsumm.runtime import Runtime

# --length for the extractive summarizer: a syllable target (VietNews abstracts are about 33 syllables, one or two
# sentences; multi-outlet references about five sentences).
EXTRACTIVE_LENGTHS: dict[str, dict[str, int]] = {
    "short": {"target_syllables": 20, "max_sentences": 2},
    "medium": {"target_syllables": 60, "max_sentences": 4},
    "long": {"target_syllables": 120, "max_sentences": 7},
}


class ExtractiveSpec(ModelSpecBase):
    roles: ClassVar[tuple[Role, ...]] = ("summarizer",)
    needs_weights: ClassVar[bool] = False
    copies_source: ClassVar[bool] = True
    nested: ClassVar[dict[str, type[BaseModel]]] = {"params": ExtractiveParams}

    backend: Literal["extractive"] = "extractive"
    params: dict[str, Any] = Field(default_factory=dict, description="ExtractiveParams")

    @field_validator("params")
    @classmethod
    def _params(cls, value: dict[str, Any]) -> dict[str, Any]:
        return ExtractiveParams(**value).model_dump(exclude_unset=True)

    def shaping(self) -> dict[str, Any]:
        # The shipped weights and the selection rules shape every summary: a change of either redoes the summaries
        # made before it.
        return {**super().shaping(), "weights_version": extractive.fitted()["version"],
                "selection": extractive.SELECTION}

    def with_length(self, length: Length | None) -> Self:
        if length is None:
            return self
        return self.model_copy(update={"params": {**self.params, **EXTRACTIVE_LENGTHS[length.value]}})

    def load_summarizer(self, runtime: Runtime | None = None) -> Summarizer:
        from vnsumm.models.extractive import ExtractiveSummarizer

        return ExtractiveSummarizer(ExtractiveParams(**self.params), self.name)


def fallback_spec(length: Length | None) -> ExtractiveSpec:
    """The embedded summarizer that replaces a model summary stating what its article does not
    (`--unsupported fallback`), at the length the user asked for."""
    return ExtractiveSpec(name="extractive").with_length(length)
