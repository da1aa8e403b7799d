"""VietNews articles and sentence labels for training the extractive summarizer (benchmarks/train_extractive.py).

A VietNews `*.txt.seg` file (ThanhChinhBK/vietnews `data/*_tokenized`) holds blocks separated by blank lines:
title, abstract, body (one sentence a line), then photo captions; words are joined with underscores and
punctuation is spaced out. `read_seg` undoes both, so features see the plain syllables that `vnsumm run` sees.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vnsumm.lang.text import split_sentences, syllables
from vnsumm.models.extractive_features import sentence_features

_SPACE_BEFORE = re.compile(r" ([,.;:!?…%)\]}”’])")
_SPACE_AFTER = re.compile(r"([(\[{“‘]) ")


@dataclass
class Doc:
    id: str
    title: str
    summary: str
    text: str


def detokenize(line: str) -> str:
    """`Hà_Nội , ngày 5/9 ( SN 1989 )` -> `Hà Nội, ngày 5/9 (SN 1989)`."""
    line = line.replace("_", " ")
    return _SPACE_AFTER.sub(r"\1", _SPACE_BEFORE.sub(r"\1", " ".join(line.split())))


def read_seg(path: Path) -> Doc | None:
    blocks = [b for b in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()) if b.strip()]
    if len(blocks) < 3:
        return None
    title, summary = detokenize(blocks[0]), detokenize(" ".join(blocks[1].split("\n")))
    # The body only: the blocks after it are photo captions, which VietNews-shaped articles (dev) do not carry.
    text = "\n".join(detokenize(line) for line in blocks[2].splitlines() if line.strip())
    return Doc(path.name.split(".")[0], title, summary, text)


def read_split(folder: Path, limit: int | None = None) -> Iterator[Doc]:
    """At most `limit` of the split's articles, evenly spaced over its files in name order (deterministic).

    The files run in blocks by source site, so the first N would be one site's articles; spacing them covers all."""
    paths = sorted(folder.glob("*.seg"))
    if limit is not None and limit < len(paths):
        paths = [paths[i * len(paths) // limit] for i in range(limit)]
    for path in paths:
        doc = read_seg(path)
        if doc and doc.text:
            yield doc


def cleaned(docs: Iterable[Doc], scratch: Path) -> Iterator[Doc]:
    """The articles as `vnsumm run` sees them: through vnsumm's own reading and cleaning stages (which drop
    captions and bylines and rejoin split paragraphs, so sentence positions match those at run time)."""
    from vnsumm import clean_articles, read_inputs

    summaries = {}
    with scratch.open("w", encoding="utf-8") as out:
        for doc in docs:
            summaries[doc.id] = doc.summary
            out.write(json.dumps({"id": doc.id, "title": doc.title, "text": doc.text}, ensure_ascii=False) + "\n")
    for article in clean_articles(read_inputs([str(scratch)])):
        if article.ok and article.text:
            yield Doc(article.id, article.title or "", summaries[article.id], article.text)


def _grams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(zip(*(tokens[i:] for i in range(n)), strict=False))


def rouge12(candidate: Sequence[str], ref1: Counter[tuple[str, ...]], ref2: Counter[tuple[str, ...]]) -> float:
    """ROUGE-1 F1 + ROUGE-2 F1 of syllable tokens against a reference's unigram and bigram counts."""
    total = 0.0
    for n, ref in ((1, ref1), (2, ref2)):
        cand = _grams(candidate, n)
        hits = sum((cand & ref).values())
        if hits:
            p, r = hits / sum(cand.values()), hits / sum(ref.values())
            total += 2 * p * r / (p + r)
    return total


def rouge_l(candidate: Sequence[str], reference: Sequence[str]) -> float:
    """ROUGE-L F1 (longest common subsequence) of syllable tokens."""
    previous = [0] * (len(reference) + 1)
    for token in candidate:
        current = [0]
        for j, other in enumerate(reference):
            current.append(previous[j] + 1 if token == other else max(previous[j + 1], current[j]))
        previous = current
    hits = previous[-1]
    return 2 * hits / (len(candidate) + len(reference)) if hits else 0.0


def oracle(tokens: Sequence[list[str]], summary: str, max_sentences: int = 3) -> list[int]:
    """Greedy oracle: add the sentence that most raises ROUGE-1 + ROUGE-2 F1 with the abstract, while it rises."""
    ref = syllables(summary)
    ref1, ref2 = _grams(ref, 1), _grams(ref, 2)
    chosen: list[int] = []
    best = 0.0
    while len(chosen) < max_sentences:
        gains = []
        for i in range(len(tokens)):
            if i not in chosen:
                picked = sorted([*chosen, i])
                gains.append((rouge12(list(itertools.chain(*(tokens[j] for j in picked))), ref1, ref2), -i))
        if not gains or max(gains)[0] <= best:
            break
        best, i = max(gains)[0], -max(gains)[1]
        chosen.append(i)
    return sorted(chosen)


def label(doc: Doc) -> tuple[np.ndarray, list[int], list[float]]:
    """Feature rows, oracle membership and each sentence's own ROUGE-1 + ROUGE-2 F1, for one article."""
    sentences = split_sentences(doc.text)
    tokens = [syllables(s) for s in sentences]
    rows = sentence_features(sentences, doc.title, tokens).rows
    picked = set(oracle(tokens, doc.summary))
    ref = syllables(doc.summary)
    ref1, ref2 = _grams(ref, 1), _grams(ref, 2)
    return rows, [int(i in picked) for i in range(len(sentences))], [rouge12(t, ref1, ref2) for t in tokens]
