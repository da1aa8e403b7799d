"""Grouping stage: articles that report the same story share a `story` id.

What identifies a story is what its headline and lead say: their tone-folded syllables and syllable pairs, hashed
and weighted by TF-IDF over the run (scikit-learn). Candidate pairs come from a sparse product of those vectors over
the terms found in a few articles (each article meets only the articles it shares such a term with; a term in many
articles is a topic, not a story), pairs published far apart are cut, and so are pairs whose openings say event
days far apart ("Chiều 29/8, ôtô khách..." and "Chiều 4/5, ôtô khách...": two events of one kind, dated or not;
the day and month are read as lang.dates reads a lede's). Clusters are merged by average link with a floor
(stories/links.py): two groups join when their articles are alike on average and every pair of them is at least
somewhat alike, so neither a shared topic word nor a chain of follow-ups joins different events. The link rule won
over longer openings, names and figures as extra terms, a soft date factor and a learned pair decision,
cross-validated over stories, with and without unrelated articles among them
(benchmarks/stories_compare.py); names as a condition for joining (a pair must share a capitalised name) cut the
stories' recall from 0.95 to 0.68 (README). Exact copies (the same headline, lead and date) are one node.
Deterministic: no randomness, and ties are broken by article id, so the input order never matters.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vnsumm.cleaning.rules import opening
from vnsumm.lang.dates import event_day
from vnsumm.records import Article
from vnsumm.stories.links import floored_average_link
from vnsumm.stories.terms import term_counts

THRESHOLD = 0.15  # average cosine at which two groups are one story (chosen per fold: benchmarks/stories_bench.py)
PAIR_FLOOR = 0.08  # every pair of a story at least this alike (complete link's choice on every fold)
MAX_DAYS_APART = 30  # articles dated further apart report different events, however alike
EVENT_DAYS_APART = 5  # openings that say their event's day and month further apart report different events
STORY_TERM_ARTICLES = 50  # terms in more articles than this find no candidates (a topic, not a story)
PREFILTER = 30  # pairs per article scored in full (those sharing the most story terms): bounds time
NEIGHBOURS = 20  # most similar pairs kept per article: bounds memory; a story of more articles may split
_BLOCK = 1_000  # rows per block of the sparse product
_PAIRS = 200_000  # candidate pairs scored at a time


def _lead(article: Article) -> str:
    """The article's opening: kept in records (`lead`), else taken from the text, else the summary."""
    return article.lead or opening(article.text) or article.summary_vi or ""


def _day(date: str | None) -> int | None:
    try:
        return datetime.date.fromisoformat((date or "")[:10]).toordinal()
    except ValueError:
        return None


_YEAR_START = datetime.date(2000, 1, 1).toordinal()  # a leap year: every day and month has its day of the year


def _event_day(lead: str) -> int | None:
    """The day of the year (0 to 365) an opening says its event happened on, if it says (lang.dates.event_day)."""
    found = event_day(lead)
    return None if found is None else datetime.date(2000, found[1], found[0]).toordinal() - _YEAR_START


@dataclass
class _Node:
    """Articles with the same headline, lead and date (copies), grouped as one."""

    members: list[int]
    day: int | None
    event: int | None  # the day of the year its opening says its event happened on (`_event_day`)
    first_id: str  # the smallest id of its articles: ties are broken by it, never by input order


def story_ids(articles: Iterable[Article], threshold: float = THRESHOLD, workers: int = 1,
              event_days: float = EVENT_DAYS_APART) -> list[str]:
    """A story id per article: the id of the story's first article (by date, then id), whatever the input order.
    `articles` may be a stream (the store's records, read once): memory holds ids, dates and the term matrix,
    never the articles. Candidate pairs are found in `workers` threads (the sparse products run outside the GIL);
    the result never depends on it. Articles whose openings say event days more than `event_days` apart (day and
    month: "Chiều 29/8, ..." and "Chiều 4/5, ...") are never one story, dated or not."""
    import numpy as np

    ids: list[str] = []
    dates: list[str] = []
    keys: dict[str, int] = {}
    nodes: list[_Node] = []

    def texts_of_new_nodes() -> Iterator[tuple[str | None, str]]:
        for index, article in enumerate(articles):
            ids.append(article.id)
            dates.append(article.date or "9999")
            lead = _lead(article)
            key = hashlib.sha1(json.dumps([article.title, lead, article.date]).encode()).hexdigest()
            if key in keys:
                node = nodes[keys[key]]
                node.members.append(index)
                node.first_id = min(node.first_id, article.id)
                continue
            keys[key] = len(nodes)
            nodes.append(_Node([index], _day(article.date), _event_day(lead), article.id))
            yield article.title, lead

    # Terms are made a chunk of articles at a time and hashed: only the sparse matrix is held, never the term lists.
    # Its parts are held once: the full TF-IDF matrix is let go as soon as it is split.
    rare, common = _split(_tf_idf(term_counts(texts_of_new_nodes())))
    if not nodes:
        return []  # no articles
    clusters = [[i] for i in range(len(nodes))]
    if len(nodes) > 1:
        rank = np.argsort(np.argsort(np.array([node.first_id for node in nodes], dtype=object)))
        floor = min(PAIR_FLOOR, threshold)
        pairs = _candidates(rare, common, nodes, rank, floor, workers, event_days)
        del rare, common
        clusters = floored_average_link(len(nodes), pairs, threshold, floor, rank)
    story = [""] * len(ids)
    for cluster in clusters:
        members = sorted((m for node in cluster for m in nodes[node].members), key=lambda m: (dates[m], ids[m]))
        for member in members:
            story[member] = ids[members[0]]
    return story


def _tf_idf(counts: Any) -> Any:
    """Sublinear TF-IDF, rows of unit length (as scikit-learn's TfidfTransformer(sublinear_tf=True) computes it),
    in place: the run's largest matrix is never copied."""
    import numpy as np

    counts = counts.tocsr()
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
    np.log(counts.data, out=counts.data)
    counts.data += 1
    counts.data *= idf[counts.indices]
    norms = np.sqrt(np.add.reduceat(counts.data ** 2, counts.indptr[:-1])) if counts.nnz else np.zeros(0)
    counts.data /= np.repeat(np.where(norms > 0, norms, 1), np.diff(counts.indptr)).astype(np.float32)
    return counts


def _split(vectors: Any) -> tuple[Any, Any]:
    """The unit TF-IDF rows cut in two by term: story terms (in 2 to STORY_TERM_ARTICLES articles) and common terms
    (in more: topics, function words). A term of one article adds nothing to any dot product: dropped. A cosine is
    the sum of the two parts' dot products."""
    import numpy as np

    df = np.bincount(vectors.indices, minlength=vectors.shape[1])
    rare = vectors[:, np.flatnonzero((df >= 2) & (df <= STORY_TERM_ARTICLES))].tocsr()
    common = vectors[:, np.flatnonzero(df > STORY_TERM_ARTICLES)].tocsr()
    return rare, common


def _candidates(rare: Any, common: Any, nodes: list[_Node], rank: Any, floor: float, workers: int,
                event_days: float = EVENT_DAYS_APART) -> tuple[Any, Any, Any]:
    """Cosine of node pairs that share story terms, at least `floor`, not too far apart in time (dated at most
    MAX_DAYS_APART apart, event days said at most `event_days` apart, on the year's circle): each node's
    PREFILTER pairs sharing the most such terms are scored and its NEIGHBOURS most similar kept (a pair is kept
    when either node picks it, so the set never depends on node numbering). Rows, columns (row < column) and
    cosines, each pair once."""
    import numpy as np

    n = rare.shape[0]
    rare_columns = rare.T.tocsr()  # the product's right side, made once (a CSC operand is converted per block)
    days = np.array([np.nan if node.day is None else node.day for node in nodes])
    events = np.array([np.nan if node.event is None else node.event for node in nodes])

    def block(start: int) -> tuple[Any, Any, Any]:
        shared = (rare[start:start + _BLOCK] @ rare_columns).tocoo()  # the pairs sharing story terms, their dot
        rows, cols, story_part = shared.row + start, shared.col, shared.data
        apart = np.abs(days[rows] - days[cols])  # NaN (a date unknown) compares False: kept
        said = np.abs(events[rows] - events[cols])  # no year said: 30/12 and 2/1 are 3 days apart
        said = np.minimum(said, 366 - said)
        keep = (rows != cols) & ~(apart > MAX_DAYS_APART) & ~(said > event_days)
        rows, cols, story_part = _best_per_row(rows[keep], cols[keep], story_part[keep], PREFILTER, rank)
        common_part = np.concatenate([np.asarray(common[rows[i:i + _PAIRS]].multiply(common[cols[i:i + _PAIRS]])
                                                 .sum(axis=1)).ravel() for i in range(0, len(rows), _PAIRS)]
                                     or [np.zeros(0, dtype=np.float32)])
        scores = (story_part + common_part).astype(np.float32)
        keep = scores >= floor
        rows, cols, scores = _best_per_row(rows[keep], cols[keep], scores[keep], NEIGHBOURS, rank)
        return np.minimum(rows, cols), np.maximum(rows, cols), scores

    starts = range(0, n, _BLOCK)
    if workers > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(workers) as pool:
            found = list(pool.map(block, starts))  # in order: the same pairs as in one thread
    else:
        found = [block(start) for start in starts]
    low, high, scores = (np.concatenate(parts) for parts in zip(*found, strict=True))
    # A pair both nodes kept appears twice, with one cosine: once is enough.
    first = np.unique(low.astype(np.int64) * n + high, return_index=True)[1]
    return low[first], high[first], scores[first]


def _best_per_row(rows: Any, cols: Any, scores: Any, count: int, rank: Any) -> tuple[Any, Any, Any]:
    """The `count` highest-scoring (row, col) pairs of each row (ties: the col of lower rank first)."""
    import numpy as np

    if len(rows) == 0:
        return rows, cols, scores
    # One sort on a 63-bit key (row, then score falling, then rank) instead of a three-key lexsort: the scores are
    # nonnegative float32, whose bits order as they do; a block's rows and the ranks take the rest.
    local = (rows - rows.min()).astype(np.int64)
    rank_bits, row_bits = len(rank).bit_length(), int(local.max()).bit_length()
    if row_bits + rank_bits > 32 or scores.dtype != np.float32:
        order = np.lexsort((rank[cols], -scores, rows))
        rows, cols, scores = rows[order], cols[order], scores[order]
    else:
        falling = 0x7FFFFFFF - scores.view(np.int32).astype(np.int64)
        # The key holds the whole pair (a rank names its node): sorting the keys themselves is faster than
        # sorting their order, and the pairs are read back from them.
        key = np.sort((local << (31 + rank_bits)) | (falling << rank_bits) | rank[cols])
        node_of_rank = np.empty(len(rank), dtype=np.int64)
        node_of_rank[rank] = np.arange(len(rank))
        rows = (key >> (31 + rank_bits)) + rows.min()
        cols = node_of_rank[key & ((1 << rank_bits) - 1)]
        scores = (0x7FFFFFFF - ((key >> rank_bits) & 0x7FFFFFFF)).astype(np.int32).view(np.float32)
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])  # where each row's pairs begin (rows sorted)
    best = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)])) < count
    return rows[best], cols[best], scores[best]


def group(path: Path, out: Path, workers: int | None = None) -> tuple[int, int, int]:
    """`vnsumm group`: the JSONL records of `path` written to `out` with a `story` id each; returns how many
    articles, stories and failed lines. Records need `id` and `text` (or `lead` or `summary_vi`); `title` and `date`
    help. A malformed line or a record that is not an object is written as an `error` record in its place.
    `workers`: threads for the candidate pairs (story_ids); by default one per core, as a run's workers."""
    from vnsumm.jsonl import dump_line, jsonl_values
    from vnsumm.output.files import write_output
    from vnsumm.runners.processes import worker_count

    records: list[dict[str, Any]] = []
    failed: set[int] = set()
    for lineno, record, problem in jsonl_values(path):
        if problem or not isinstance(record, dict):
            failed.add(len(records))
            record = {"error": f"{path}:{lineno}: {problem or 'the line is not a JSON object'}"}
        records.append(record)

    def text(record: dict[str, Any], name: str) -> str | None:
        value = record.get(name)
        return str(value) if value not in (None, "") else None

    articles = [(i, Article(id=text(r, "id") or f"{path.stem}:{i + 1}", source=str(path), text=text(r, "text") or "",
                            title=text(r, "title"), date=text(r, "date"), summary_vi=text(r, "summary_vi"),
                            lead=text(r, "lead")))
                for i, r in enumerate(records) if i not in failed]
    stories = dict(zip((i for i, _ in articles), story_ids((a for _, a in articles), workers=worker_count(workers)),
                       strict=True))
    write_output(out, (dump_line({**r, "story": stories[i]} if i in stories else r) for i, r in enumerate(records)))
    return len(articles), len(set(stories.values())), len(failed)


def pairwise_f1(predicted: Iterable[str], gold: Iterable[str]) -> dict[str, float]:
    """Precision, recall and F1 of "same story" decisions over all pairs of articles."""
    pred, truth = list(predicted), list(gold)

    def pairs(labels: list[str]) -> set[tuple[int, int]]:
        by_label: dict[str, list[int]] = {}
        for index, label in enumerate(labels):
            by_label.setdefault(label, []).append(index)
        return {pair for members in by_label.values() for pair in itertools.combinations(members, 2)}

    p, g = pairs(pred), pairs(truth)
    precision = len(p & g) / len(p) if p else 1.0
    recall = len(p & g) / len(g) if g else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}
