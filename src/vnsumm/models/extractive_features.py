"""Sentence features of the embedded extractive summarizer, shared by the summarizer and its training script.

Position and length enter as bins (a linear model over bins fits their non-linear effect); similarity to the
title, to the document's TF-IDF centroid and to the opening sentence as cosines and as ranks within the article.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence

from vnsumm.lang.text import syllables

FEATURES = (
    "bias",
    "pos_0", "pos_1", "pos_2", "pos_3", "pos_4", "pos_5_9", "relative_position", "first_of_short_doc",
    "len_lt8", "len_8_15", "len_15_25", "len_25_40", "len_40_60", "length",
    "centrality", "most_central", "centrality_rank",
    "title_similarity", "title_recall", "most_title_like", "title_rank",
    "lead_similarity", "has_number", "has_quote", "ends_question", "ends_colon", "names",
    "caption_like",
)

_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"\w+")
# A line that names a photo or its source (Ảnh: ..., Nguồn: ...): the words a caption opens with, not a site.
_CAPTION = re.compile(r"^\s*(?:\(?ảnh|nguồn|video|clip)\b", re.IGNORECASE)


def bag(tokens: Sequence[str]) -> Counter[str]:
    """Syllable unigrams and bigrams: bigrams stand in for Vietnamese words (Hà Nội, Đảng ủy)."""
    return Counter(itertools.chain(tokens, map(" ".join, itertools.pairwise(tokens))))


def norm(a: Mapping[str, float]) -> float:
    return math.hypot(*a.values())


def cosine(a: Mapping[str, float], b: Mapping[str, float], norm_a: float | None = None,
           norm_b: float | None = None) -> float:
    """Cosine of two sparse vectors; pass norms already known (a centroid's) to save recomputing them."""
    n = (norm(a) if norm_a is None else norm_a) * (norm(b) if norm_b is None else norm_b)
    if not n:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[k] for k, v in a.items() if k in b) / n


def _ranks(values: Sequence[float]) -> list[float]:
    """0 for the highest value, 1 for the lowest, ties in article order."""
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    ranks = [0.0] * len(values)
    for rank, i in enumerate(order):
        ranks[i] = rank / max(1, len(values) - 1)
    return ranks


def sentence_features(sentences: Sequence[str], title: str | None = None,
                      tokens: Sequence[list[str]] | None = None) -> tuple[list[list[float]], list[dict[str, float]]]:
    """One row of FEATURES per sentence, and each sentence's TF-IDF vector (for redundancy checks)."""
    if tokens is None:
        tokens = [syllables(s) for s in sentences]
    bags = [bag(t) for t in tokens]
    df = Counter(term for b in bags for term in b)
    n = len(sentences)
    idf = {t: math.log(1 + n / d) for t, d in df.items()}
    vectors = [{t: (1 + math.log(c)) * idf[t] if c > 1 else idf[t] for t, c in b.items()} for b in bags]
    norms = [norm(v) for v in vectors]
    centroid: Counter[str] = Counter()
    for vector in vectors:
        centroid.update(vector)
    title_tokens = syllables(title or "")
    title_bag, title_set = bag(title_tokens), set(title_tokens)
    centroid_norm, title_norm = norm(centroid), norm(title_bag)
    central = [cosine(v, centroid, nv, centroid_norm) for v, nv in zip(vectors, norms, strict=True)]
    titular = [cosine(b, title_bag, norm_b=title_norm) for b in bags]
    central_rank, title_rank = _ranks(central), _ranks(titular)
    top_central, top_title = central_rank.index(0.0), title_rank.index(0.0)
    rows = []
    for i, (sentence, toks) in enumerate(zip(sentences, tokens, strict=True)):
        size = len(toks)
        words = _WORD.findall(sentence)
        capitals = sum(1 for w in words[1:] if w[0].isupper())
        tail = sentence.rstrip(" \"'”’)")
        rows.append([
            1.0,
            float(i == 0), float(i == 1), float(i == 2), float(i == 3), float(i == 4), float(5 <= i < 10),
            i / n, float(i == 0 and n <= 5),
            float(size < 8), float(8 <= size < 15), float(15 <= size < 25), float(25 <= size < 40),
            float(40 <= size < 60), min(size, 100) / 40,
            central[i], float(i == top_central), central_rank[i],
            titular[i], len(title_set.intersection(toks)) / len(title_set) if title_set else 0.0,
            float(i == top_title), title_rank[i],
            cosine(vectors[i], vectors[0], norms[i], norms[0]) if i else 1.0,
            float(bool(_DIGIT.search(sentence))), float('"' in sentence or "“" in sentence),
            float(tail.endswith("?")), float(tail.endswith(":")), capitals / max(1, len(words)),
            float(bool(_CAPTION.match(sentence))),
        ])
    return rows, vectors
