"""The hashed term counts of articles for story grouping (see grouping.py), made with numpy a chunk at a time.

An article's terms are the tone-folded syllables and syllable pairs of its headline (counted twice) and opening.
No term is ever a Python string: each distinct syllable is folded and hashed once (MurmurHash3, as scikit-learn's
HashingVectorizer hashes a term), and a pair's column mixes its two syllables' hashes with integer arithmetic, so
the per-term work is numpy's. Only the sparse matrix is held, never the term lists or a vocabulary of terms (the
syllables seen, a few tens of thousands, are held while the matrix is made).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from vnsumm.cleaning.rules import opening
from vnsumm.lang.text import fold_tones, syllables
from vnsumm.runners.local import batches

HASHED_TERMS = 2**22  # terms are hashed into this many columns: no vocabulary of terms held in memory
CHUNK = 4_000  # articles whose terms are gathered before numpy hashes them: bounds the Python lists held
_MIX = 0x9E3779B97F4A7C15  # odd 64-bit constants of splitmix64's finalizer: every input bit moves every output bit
_MIX1, _MIX2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB


class _Syllables(dict[str, int]):
    """Syllable (as tokenized, lowercased) -> its number; `hashes[number]` is the MurmurHash3 of its folded form."""

    def __init__(self) -> None:
        from sklearn.utils import murmurhash3_32  # scikit-learn is imported only by runs that group

        super().__init__()
        self.hashes: list[int] = []
        self.murmurhash = murmurhash3_32

    def __missing__(self, syllable: str) -> int:
        number = self[syllable] = len(self.hashes)
        self.hashes.append(self.murmurhash(fold_tones(syllable), seed=0))
        return number


def _column(signed: Any, n: int) -> Any:
    """The column scikit-learn's HashingVectorizer gives a signed 32-bit hash (its abs, -2**31 included)."""
    import numpy as np

    wide = signed.astype(np.int64)
    return np.where(wide == -(2**31), (2**31 - 1 - (n - 1)) % n, np.abs(wide) % n)


def _pair_column(left: Any, right: Any, n: int) -> Any:
    """A column for the syllable pair (left, right) from the two syllables' 32-bit hashes: splitmix64's finalizer
    over both, so that (a, b) and (b, a) differ and any change to either moves the column."""
    import numpy as np

    with np.errstate(over="ignore"):  # wrapping multiplication is the point
        x = (left.astype(np.uint64) << np.uint64(32)) | (right.astype(np.uint64) & np.uint64(0xFFFFFFFF))
        x = x * np.uint64(_MIX)
        x ^= x >> np.uint64(30)
        x *= np.uint64(_MIX1)
        x ^= x >> np.uint64(27)
        x *= np.uint64(_MIX2)
        x ^= x >> np.uint64(31)
    return (x % np.uint64(n)).astype(np.int64)


def term_counts(texts: Iterable[tuple[str | None, str | None]], n_features: int = HASHED_TERMS) -> Any:
    """A CSR matrix (float32) of term counts, one row per (headline, opening) of `texts` (a stream, read once),
    `n_features` hashed columns. The headline's terms count twice: it says what the story is."""
    import numpy as np
    from scipy import sparse  # type: ignore[import-untyped]

    vocabulary = _Syllables()
    parts = []
    for chunk in batches(iter(texts), CHUNK):
        numbers: list[int] = []
        lengths: list[int] = []  # syllables per text: two texts per article, headline first
        for title, lead in chunk:
            for text in (title or "", opening(lead or "")):
                tokens = syllables(text)
                numbers += map(vocabulary.__getitem__, tokens)
                lengths.append(len(tokens))
        parts.append(_chunk_matrix(np.array(vocabulary.hashes, dtype=np.int64).astype(np.int32),
                                   np.array(numbers, dtype=np.int64), np.array(lengths, dtype=np.int64),
                                   len(chunk), n_features))
    if not parts:
        return sparse.csr_matrix((0, n_features), dtype=np.float32)
    return sparse.vstack(parts, format="csr", dtype=np.float32)


def _chunk_matrix(hashes: Any, numbers: Any, lengths: Any, rows: int, n: int) -> Any:
    """The counts of one chunk: each text's syllables and the pairs within it (never across its end), weighted 2
    for a headline, 1 for an opening."""
    import numpy as np
    from scipy import sparse

    text_of = np.repeat(np.arange(len(lengths)), lengths)  # which text each syllable belongs to
    signed = hashes[numbers]
    within = text_of[1:] == text_of[:-1]  # a pair's two syllables are in one text
    cols = np.concatenate([_column(signed, n), _pair_column(signed[:-1][within], signed[1:][within], n)])
    texts = np.concatenate([text_of, text_of[1:][within]])
    weight = np.where(texts % 2 == 0, 2, 1).astype(np.float32)  # even texts are headlines
    counts = sparse.csr_matrix((weight, (texts // 2, cols)), shape=(rows, n), dtype=np.float32)
    counts.sum_duplicates()  # also sorts the indices
    return counts
