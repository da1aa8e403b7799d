"""Sentence features of the embedded extractive summarizer, shared by the summarizer and its training script.

Computed with numpy over all of an article's sentences at once: each sentence is a TF-IDF vector of syllable
unigrams and bigrams (bigrams stand in for Vietnamese words: Hà Nội, Đảng ủy), and one sparse product gives every
cosine the features need (to the document's centroid, to the opening sentence, between any two sentences for the
redundancy check). Position and length enter as bins as well as values, so that a linear model fits their
non-linear effect; similarity to the title as a cosine, a recall and a rank within the article.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]

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

_JOIN_PAIRS = 1 << 20
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_UPPER = "".join(c for c in map(chr, range(0x2000)) if c.isupper())
_CAPITALIZED = re.compile(rf"\b[{_UPPER}]")
_UPPER_SET = frozenset(_UPPER)
# A line that names a photo or its source (Ảnh: ..., Nguồn: ...): the words a caption opens with, not a site.
_CAPTION = re.compile(r"^\s*(?:\(?ảnh|nguồn|video|clip)\b", re.IGNORECASE)


class ArticleFeatures(NamedTuple):
    rows: np.ndarray  # one row of FEATURES per sentence
    similarity: np.ndarray  # cosines of the sentences' TF-IDF vectors, n x n


def _ranks(values: np.ndarray) -> np.ndarray:
    """0 for the highest value, 1 for the lowest, ties in article order."""
    order = np.lexsort((np.arange(len(values)), -values))
    ranks = np.empty(len(values))
    ranks[order] = np.arange(len(values)) / max(1, len(values) - 1)
    return ranks


def _names(sentence: str, words: int) -> float:
    """Capitalized words after the first (names, places), over all `words` (the sentence's syllables)."""
    first = _WORD.search(sentence)
    if not first or not words:
        return 0.0
    return (len(_CAPITALIZED.findall(sentence)) - (sentence[first.start()] in _UPPER_SET)) / words


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.zeros_like(a, dtype=np.float64), where=b > 0)


def _gram(row: np.ndarray, col: np.ndarray, weight: np.ndarray, n: int, m: int) -> np.ndarray:
    """Dot products of the n sentence vectors given as (sentence, term, weight) entries sorted by sentence, then
    term. Not a dense BLAS product: BLAS spreads even an article-sized one over threads, several times slower on a
    busy machine. An article's few thousand co-occurring pairs are summed directly; past _JOIN_PAIRS, scipy."""
    population = np.bincount(col, minlength=m)
    if int(population @ population) > _JOIN_PAIRS:
        tfidf = sparse.csr_matrix((weight, col, np.searchsorted(row, np.arange(n + 1))), shape=(n, m))
        return np.asarray((tfidf @ tfidf.T).toarray())
    order = np.argsort(col, kind="stable")
    r, c, w = row[order], col[order], weight[order]
    k = population[c]  # each entry pairs with every entry of its term, itself included
    left = np.repeat(np.arange(len(r)), k)
    right = np.repeat((np.cumsum(population) - population)[c], k) + np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k)
    return np.bincount(r[left] * n + r[right], w[left] * w[right], minlength=n * n).reshape(n, n)


def sentence_features(sentences: Sequence[str], title: str | None = None,
                      tokens: Sequence[list[str]] | None = None) -> ArticleFeatures:
    """FEATURES for each sentence, and the sentences' pairwise TF-IDF cosines."""
    if tokens is None:
        tokens = [syllables(s) for s in sentences]
    n = len(sentences)
    if not n:
        return ArticleFeatures(np.zeros((0, len(FEATURES))), np.zeros((0, 0)))
    flat = list(itertools.chain.from_iterable(tokens))
    vocab = {t: i for i, t in enumerate(dict.fromkeys(flat))}  # numbered in order of first use
    ids = np.fromiter(map(vocab.__getitem__, flat), dtype=np.int64, count=len(flat))
    lengths = np.array([len(t) for t in tokens], dtype=np.int64)
    sent = np.repeat(np.arange(n), lengths)
    v = len(vocab)
    within = sent[1:] == sent[:-1]
    # Unigram ids below v, bigram (a, b) as v + a * v + b: one integer space for both.
    terms = np.concatenate([ids, v + ids[:-1][within] * v + ids[1:][within]])
    rows = np.concatenate([sent, sent[:-1][within]])
    key, count = np.unique(rows * (v * (v + 1) + 1) + terms, return_counts=True)
    row, term = np.divmod(key, v * (v + 1) + 1)
    cols, col = np.unique(term, return_inverse=True)
    m = len(cols)
    df = np.bincount(col, minlength=m)
    weight = (1 + np.log(count)) * np.log(1 + n / df[col])
    gram = _gram(row, col, weight, n, m)
    norms = np.sqrt(np.diag(gram))
    similarity = gram / np.maximum(np.outer(norms, norms), 1e-12)
    total = gram.sum(axis=1)  # each sentence's dot product with the centroid (the sum of all vectors)
    central = _ratio(total, norms * np.sqrt(max(total.sum(), 0.0)))

    title_tokens = syllables(title or "")
    title_ids = [vocab.get(t, -1) for t in title_tokens]
    title_terms = title_ids + [v + a * v + b for a, b in itertools.pairwise(title_ids) if a >= 0 and b >= 0]
    known, hits = np.unique(np.array([t for t in title_terms if t >= 0], dtype=np.int64), return_counts=True)
    at = np.searchsorted(cols, known)
    found = at < m
    found[found] = cols[at[found]] == known[found]
    title_count = np.zeros(m)
    title_count[at[found]] = hits[found]
    title_bag = Counter(itertools.chain(title_tokens, map(" ".join, itertools.pairwise(title_tokens))))
    title_norm = math.sqrt(sum(c * c for c in title_bag.values()))  # over all its terms, the article's or not
    count_norm = np.sqrt(np.bincount(row, count.astype(np.float64) ** 2, minlength=n))
    titular = _ratio(np.bincount(row, count * title_count[col], minlength=n), count_norm * title_norm)
    title_set = len(set(title_tokens))
    in_title = (title_count[col] > 0) & (term < v)
    shared = np.bincount(row, in_title, minlength=n)

    position = np.arange(n)
    size = lengths.astype(np.float64)
    central_rank, title_rank = _ranks(central), _ranks(titular)
    out = np.zeros((n, len(FEATURES)))
    out[:, 0] = 1.0
    out[:, 1:6] = position[:, None] == np.arange(5)
    out[:, 6] = (position >= 5) & (position < 10)
    out[:, 7] = position / n
    out[0, 8] = n <= 5
    out[:, 9:14] = (size[:, None] >= [0, 8, 15, 25, 40]) & (size[:, None] < [8, 15, 25, 40, 60])
    out[:, 14] = np.minimum(size, 100) / 40
    out[:, 15], out[:, 17] = central, central_rank
    out[np.argmin(central_rank), 16] = 1.0
    out[:, 18] = titular
    out[:, 19] = shared / title_set if title_set else 0.0
    out[np.argmin(title_rank), 20] = 1.0
    out[:, 21] = title_rank
    out[:, 22] = similarity[:, 0]
    out[0, 22] = 1.0
    tails = [s.rstrip(" \"'”’)") for s in sentences]
    out[:, 23] = [bool(_DIGIT.search(s)) for s in sentences]
    out[:, 24] = ['"' in s or "“" in s for s in sentences]
    out[:, 25] = [t.endswith("?") for t in tails]
    out[:, 26] = [t.endswith(":") for t in tails]
    out[:, 27] = [_names(s, len(t)) for s, t in zip(sentences, tokens, strict=True)]
    out[:, 28] = [bool(_CAPTION.match(s)) for s in sentences]
    return ArticleFeatures(out, similarity)
