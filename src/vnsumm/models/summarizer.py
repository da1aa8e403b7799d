"""The one call every summarizer has, so that they are swappable (sumy's shape): texts (and titles) in, one
summary per text out, one sentence per line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from vnsumm.records import ModelIdentity

Progress = Callable[[int], None] | None  # told how many texts were just finished


class Summarizer(Protocol):
    def identity(self) -> ModelIdentity: ...

    def summarize(self, texts: Sequence[str], titles: Sequence[str | None] | None = None,
                  progress: Progress = None) -> list[str]: ...
