"""The embedded multi-document summarizer: sentences picked across a story's articles, each citing its articles.

A greedy, budgeted maximum-coverage selection (Gillick and Favre's concept coverage, with a position prior):
a sentence is worth the syllable bigrams it covers that are not covered yet, each weighted by how many of the
story's articles state it (what several outlets repeat is what the story says), divided by a power of its length,
plus a prior for sentences near an article's top and for sentences sharing the headlines' words. A sentence whose
bigrams are mostly covered already is redundant and skipped (MMR-style). The chosen sentences are put in reading
order: openings first, then seconds, article by article, as a reader meets them. Every sentence is verbatim from
the articles it cites; one printed by several outlets cites them all.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from vnsumm.cleaning.rules import is_furniture
from vnsumm.lang.text import normalize, split_sentences, syllables

Bigram = tuple[str, str]


@dataclass(frozen=True)
class MultiDocParams:
    """Knobs of the selection; the defaults are those `benchmarks/story_summaries_bench.py` chose on the
    development clusters (and reports cross-validated)."""

    target_syllables: int = 180  # stop once the summary is this long (at --length medium)
    max_position: int = 12  # only an article's first sentences are candidates
    min_syllables: int = 6  # shorter lines are captions, bylines, sub-heads
    position_weight: float = 4.0  # the prior for an article's opening sentences ...
    position_decay: float = 2.0  # ... decays as exp(-position / decay)
    title_weight: float = 2.0  # the share of a sentence's bigrams that the headlines hold, times this
    single_weight: float = 0.2  # a bigram only one article states still counts a little (two-article stories)
    length_power: float = 0.5  # coverage divided by length ** power: long sentences pay for their room
    redundancy: float = 0.5  # skip a sentence more than this share of whose bigrams are covered already


_SENTENCE_CHARS = 250  # about twice a news sentence: how far into a line `count` sentences reach, as a rule


def leading_sentences(text: str, count: int) -> list[str]:
    """The first `count` sentences of `text`, splitting no further than needed (articles run to hundreds)."""
    sentences: list[str] = []
    reach = count * _SENTENCE_CHARS
    for line in text.split("\n"):
        if not line.strip():
            continue
        cut = len(line) > reach
        pieces = split_sentences(line[:reach] if cut else line)
        sentences += pieces[:-1] if cut and len(pieces) > 1 else pieces  # the last piece of a cut line may be torn
        if len(sentences) >= count:
            return sentences[:count]
    return sentences


@dataclass(frozen=True)
class Doc:
    """One article as the selector sees it: an id, its text (NFC, as read) and its headline."""

    id: str
    text: str
    title: str | None = None
    sentences: tuple[str, ...] | None = None  # its leading sentences, when the caller has them split already


@dataclass
class _Candidate:
    sentence: str
    position: int  # the earliest position it has in any article
    first_doc: int  # the first article (in story order) holding it at that position
    length: int
    bigrams: frozenset[Bigram]
    prior: float
    cites: list[int]


def _bigrams(tokens: Sequence[str]) -> frozenset[Bigram]:
    return frozenset(itertools.pairwise(tokens))


_SYLLABLE = re.compile(r"\w+")


def _sentence_tokens(doc: Doc) -> list[list[str]] | None:
    """The syllables of each of the doc's sentences when its text is just those sentences, one a line, in NFC: the
    text's syllables are then theirs in order (no syllable spans a line break, and lowercasing a line is
    lowercasing it within the text), so the text is not tokenized a second time. None otherwise."""
    if doc.sentences is None or doc.text != "\n".join(doc.sentences) or not unicodedata.is_normalized("NFC", doc.text):
        return None
    return [_SYLLABLE.findall(sentence.lower()) for sentence in doc.sentences]


def _candidates(docs: Sequence[Doc], params: MultiDocParams) -> tuple[list[_Candidate], Counter[Bigram]]:
    """Candidate sentences (a sentence several articles print is one candidate citing them all) and, per bigram,
    how many articles state it anywhere in their text."""
    df: Counter[Bigram] = Counter()
    titles: set[Bigram] = set()
    by_text: dict[str, _Candidate] = {}
    for d, doc in enumerate(docs):
        tokenized = _sentence_tokens(doc)
        # One pass over the whole text counts the article's bigrams (normalize is a no-op on NFC text).
        df.update(_bigrams(list(itertools.chain.from_iterable(tokenized)) if tokenized is not None else
                           _SYLLABLE.findall(normalize(doc.text).lower())))
        titles |= _bigrams(syllables(doc.title or ""))
        leading = doc.sentences[:params.max_position] if doc.sentences is not None else \
            leading_sentences(doc.text, params.max_position)
        for i, sentence in enumerate(leading):
            known = by_text.get(sentence)
            if known is None:
                tokens = tokenized[i] if tokenized is not None else _SYLLABLE.findall(sentence.lower())
                if len(tokens) >= params.min_syllables:
                    by_text[sentence] = _Candidate(sentence, i, d, len(tokens), _bigrams(tokens), 0.0, [d])
            elif d not in known.cites:
                known.cites.append(d)
                if i < known.position:
                    known.position, known.first_doc = i, d
    # A sentence holding page furniture (a photo credit, a related-items list) is a candidate only when no other is.
    candidates = [c for c in by_text.values() if not is_furniture(c.sentence)] or list(by_text.values())
    for c in candidates:
        in_title = len(c.bigrams & titles) / len(c.bigrams) if c.bigrams else 0.0
        c.prior = params.position_weight * math.exp(-c.position / params.position_decay) \
            + params.title_weight * in_title
    return candidates, df


def select(docs: Sequence[Doc], params: MultiDocParams = MultiDocParams()) -> list[tuple[str, list[str]]]:
    """The summary: (sentence, ids of the articles that print it) in reading order."""
    candidates, df = _candidates(docs, params)
    if not candidates and params.min_syllables > 1:  # nothing but short lines: better those than nothing
        return select(docs, replace(params, min_syllables=1))
    n = len(docs)
    # Weight of a bigram: the share of the other articles that state it too, plus a floor for unshared ones.
    share, floor = (1 / (n - 1), params.single_weight) if n > 1 else (0.0, 1.0)
    covered: set[Bigram] = set()

    def gain(k: int) -> float:
        c = candidates[k]
        fresh = c.bigrams - covered if covered else c.bigrams
        # Sums of integers (article counts): exact, so the order a set of bigrams iterates in (it varies by
        # process) never moves a choice.
        stated = sum(map(df.__getitem__, fresh)) - len(fresh)
        return (stated * share + len(fresh) * floor) / c.length ** params.length_power + c.prior

    # Lazy greedy: a gain only falls as coverage grows, so a stale gain is an upper bound (heap of negated gains).
    heap = [(-gain(k), k) for k in range(len(candidates))]
    heapq.heapify(heap)
    chosen: list[_Candidate] = []
    length = 0
    while heap and length < params.target_syllables:
        _, k = heapq.heappop(heap)
        c = candidates[k]
        if c.bigrams and len(c.bigrams & covered) > params.redundancy * len(c.bigrams):
            continue  # covered only grows: once redundant, always redundant
        fresh = gain(k)
        if heap and fresh < -heap[0][0]:
            heapq.heappush(heap, (-fresh, k))
            continue
        chosen.append(c)
        covered |= c.bigrams
        length += c.length
    chosen.sort(key=lambda c: (c.position, c.first_doc))
    return [(c.sentence, [docs[d].id for d in sorted(c.cites)]) for c in chosen]
