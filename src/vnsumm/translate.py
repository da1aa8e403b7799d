"""Translation stage: Vietnamese summaries and titles to English, sentence by sentence, in batches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vnsumm.config import ModelSpec
from vnsumm.generate import Seq2SeqEngine
from vnsumm.summarize import Progress
from vnsumm.text import split_sentences


class Translator:
    """Splits every text into sentences (MT models are trained on sentences), translates all sentences of the
    call in one batched, de-duplicated pass, and rejoins them per text."""

    def __init__(self, engine: Seq2SeqEngine) -> None:
        self.engine = engine

    def identity(self) -> dict[str, Any]:
        return self.engine.identity()

    def translate(self, texts: Sequence[str | None], progress: Progress = None) -> list[str | None]:
        split = [split_sentences(t) if t else [] for t in texts]
        unique = list(dict.fromkeys(s for sentences in split for s in sentences))
        translated = dict(zip(unique, self.engine.generate(unique), strict=True)) if unique else {}
        if progress:
            progress(len(texts))
        return [" ".join(translated[s] for s in sentences) if sentences else None for sentences in split]


def load_translator(spec: ModelSpec, device: str = "auto", token_budget: int | None = None,
                    max_batch: int | None = None) -> Translator:
    return Translator(Seq2SeqEngine(spec, device, token_budget, max_batch))
