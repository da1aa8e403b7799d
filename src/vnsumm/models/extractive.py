"""The embedded extractive summarizer: no download, deterministic, hundreds of articles a second.

Sentence weights and the length target were fitted on the VietNews train split by
`python benchmarks/train_extractive.py` and ship as `extractive_weights.json` beside this module.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from vnsumm.cleaning.rules import is_furniture
from vnsumm.lang.text import split_sentences, syllables
from vnsumm.models.extractive_features import FEATURES, sentence_features
from vnsumm.records import ModelIdentity

Progress = Callable[[int], None] | None

WEIGHTS_FILE = "extractive_weights.json"


@cache
def fitted() -> dict[str, Any]:
    """The shipped model: `weights` (one per feature), `params` (length target), `version`, `trained_on`."""
    weights = resources.files("vnsumm.models").joinpath(WEIGHTS_FILE)
    model: dict[str, Any] = json.loads(weights.read_text(encoding="utf-8"))
    if list(model["weights"]) != list(FEATURES):
        raise RuntimeError(f"{WEIGHTS_FILE} was fitted on other features: run benchmarks/train_extractive.py")
    return model


DEFAULT_WEIGHTS: dict[str, float] = dict(fitted()["weights"])
_FITTED_PARAMS: dict[str, Any] = fitted()["params"]

Feature = Literal[FEATURES]  # type: ignore[valid-type]


class ExtractiveParams(BaseModel):
    """The summarizer's parameters, as `params:` of a registry entry (unknown keys are errors).

    Defaults are those fitted with the weights on the VietNews train split."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    target_syllables: int = Field(_FITTED_PARAMS["target_syllables"], ge=1, le=2000,
                                  description="summary length aimed at, in syllables")
    max_sentences: int = Field(_FITTED_PARAMS["max_sentences"], ge=1, le=100)
    redundancy: float = Field(_FITTED_PARAMS["redundancy"], ge=0.0, le=1.0,
                              description="skip a sentence this similar to a chosen one")
    weights: dict[Feature, float] = Field(default_factory=dict, description="overrides of DEFAULT_WEIGHTS")


SELECTION = 2  # the rules choosing among scored sentences (reads_alone): a new number redoes stored summaries


def reads_alone(sentence: str) -> bool:
    """Whether a sentence makes sense taken out of its article: not one that announces what follows (`... sau:`),
    nor one holding half a quotation (a quote the splitter cut at a full stop inside it), nor one holding page
    furniture (a photo credit, a related-items list)."""
    text = sentence.rstrip()
    return not text.endswith(":") and text.count('"') % 2 == 0 and text.count("“") == text.count("”") \
        and not is_furniture(text)


def choose(score: Sequence[float], lengths: Sequence[int], similarity: np.ndarray,
           target: int, max_sentences: int, redundancy: float) -> list[int]:
    """Best-scored sentences up to `target` syllables, skipping near-duplicates (MMR), in article order."""
    length = 0
    chosen: list[int] = []
    for i in sorted(range(len(score)), key=lambda i: (-score[i], i)):
        if chosen and (
            length + lengths[i] - target > target - length  # overshoots the target more than it fills it
            or similarity[i, chosen].max() > 1 - redundancy
        ):
            continue
        chosen.append(i)
        length += lengths[i]
        if length >= target or len(chosen) >= max_sentences:
            break
    return sorted(chosen)


class ExtractiveSummarizer:
    """Scores sentences with a linear model over position, length, TF-IDF centrality, similarity to the title
    and to the opening (fitted on VietNews train to rank each article's sentences by their own ROUGE against the
    abstract), then picks the best ones up to a length target near that of news abstracts, skipping
    near-duplicates, in article order.

    Parameters: `ExtractiveParams` (models.yaml `params`).
    """

    def __init__(self, params: ExtractiveParams | None = None, name: str = "extractive") -> None:
        self.params = params or ExtractiveParams()
        weights = {**DEFAULT_WEIGHTS, **self.params.weights}
        self.weights = np.array([float(weights[feature]) for feature in FEATURES])
        self.name = name

    def identity(self) -> ModelIdentity:
        # The weights' version as the revision: summaries made with other weights are not reused.
        return ModelIdentity(self.name, "extractive", revision=fitted()["version"])

    def scores(self, sentences: Sequence[str], title: str | None = None,
               tokens: Sequence[list[str]] | None = None) -> tuple[list[float], np.ndarray]:
        """Each sentence's score (only their order within the article matters), and their pairwise cosines."""
        features = sentence_features(sentences, title, tokens)
        return (features.rows @ self.weights).tolist(), features.similarity

    def select(self, sentences: Sequence[str], title: str | None = None) -> list[int]:
        """Indices, in article order, of the sentences that make the summary."""
        if not sentences:
            return []
        tokens = [syllables(s) for s in sentences]
        score, similarity = self.scores(sentences, title, tokens)
        alone = [reads_alone(s) for s in sentences]
        if any(alone) and not all(alone):  # a sentence that needs its neighbours comes after every other
            span = max(score) - min(score) + 1.0
            score = [value if fit else value - span for value, fit in zip(score, alone, strict=True)]
        p = self.params
        return choose(score, [len(t) for t in tokens], similarity, p.target_syllables, p.max_sentences,
                      p.redundancy)

    def summarize(self, texts: Sequence[str], titles: Sequence[str | None] | None = None,
                  progress: Progress = None) -> list[str]:
        summaries = []
        for text, title in zip(texts, titles or [None] * len(texts), strict=True):
            sentences = split_sentences(text)
            # One sentence per line: a sentence without a final stop (a sub-heading) does not run into the next.
            summaries.append("\n".join(sentences[i] for i in self.select(sentences, title)))
            if progress:
                progress(1)
        return summaries
