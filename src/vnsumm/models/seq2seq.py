"""Summarizer and translator over the batched seq2seq generator (ViT5, EnViT5 and the other registry models)."""

from __future__ import annotations

from collections.abc import Sequence

from vnsumm.lang.text import split_sentences
from vnsumm.models.generator import Seq2SeqGenerator
from vnsumm.models.summarizer import Progress
from vnsumm.records import ModelIdentity


class Seq2SeqSummarizer:
    """ViT5 and friends through the shared generator. Inputs longer than the model's window are truncated, or with
    `long_input: chunk`, summarized chunk by chunk and the joined chunk summaries summarized again."""

    def __init__(self, generator: Seq2SeqGenerator) -> None:
        self.generator = generator
        self.spec = generator.spec

    def identity(self) -> ModelIdentity:
        return self.generator.identity()

    def chunks(self, text: str) -> list[str]:
        """Sentence-aligned pieces that each fit the input window (with room for the prefix and end token)."""
        budget = self.spec.max_input_tokens - len(self.generator.encode([""])[0]) - 1
        sentences = split_sentences(text)
        pieces: list[str] = []
        current: list[str] = []
        used = 0
        for sentence, size in zip(sentences, self.generator.count_tokens(sentences), strict=True):
            if current and used + size > budget:
                pieces.append(" ".join(current))
                current, used = [], 0
            current.append(sentence)
            used += size
        if current:
            pieces.append(" ".join(current))
        return pieces or [text]

    def summarize(self, texts: Sequence[str], titles: Sequence[str | None] | None = None,
                  progress: Progress = None) -> list[str]:
        """Titles are not part of ViT5's input convention, so they are not used."""
        if self.spec.long_input != "chunk":
            return self.generator.generate(texts, progress)
        pieces = [self.chunks(t) for t in texts]
        flat = [piece for chunks in pieces for piece in chunks]
        partial = iter(self.generator.generate(flat))
        joined = [" ".join(next(partial) for _ in chunks) for chunks in pieces]
        # Single-chunk texts were summarized once already; only the joined multi-chunk summaries are reduced.
        multi = [i for i, chunks in enumerate(pieces) if len(chunks) > 1]
        for i, summary in zip(multi, self.generator.generate([joined[i] for i in multi]), strict=True):
            joined[i] = summary
        if progress:
            progress(len(texts))
        return joined


class Translator:
    """Splits every text into sentences (MT models are trained on sentences), translates all sentences of the
    call in one batched, de-duplicated pass, and rejoins them per text."""

    def __init__(self, generator: Seq2SeqGenerator) -> None:
        self.generator = generator

    def identity(self) -> ModelIdentity:
        return self.generator.identity()

    def translate(self, texts: Sequence[str | None], progress: Progress = None) -> list[str | None]:
        split = [split_sentences(t) if t else [] for t in texts]
        unique = list(dict.fromkeys(s for sentences in split for s in sentences))
        translated = dict(zip(unique, self.generator.generate(unique), strict=True)) if unique else {}
        if progress:
            progress(len(texts))
        return [" ".join(translated[s] for s in sentences) if sentences else None for sentences in split]
