"""Story-grouping candidates side by side, cross-validated over stories (issue 25).

    python benchmarks/stories_compare.py ../shared/stories/dev.jsonl [--folds 5] [--seeds 0 1 2]
        [--distractors ../shared/vietnews/dev.jsonl] [--only NAME ...]

Each candidate is a similarity between articles (and a link rule) with a few settings and a threshold. For every
fold of every seed, the setting with the best pairwise F1 on the training stories' pairs is chosen, and scored on the
pairs that involve a held-out article (so a held-out article wrongly joined to a training story counts against it).
A learned merge decision (logistic regression on pair features) is fitted on the training stories' pairs only.
All articles are clustered together, as a run groups its store; the gold stories are read only for scoring and
fitting. The table prints each candidate's held-out F1 (mean, standard deviation and range over folds) beside its
best figure on all development stories (chosen on them: optimistic).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import itertools
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage  # type: ignore[import-untyped]
from scipy.spatial.distance import squareform  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from vnsumm.cleaning.rules import clean_articles
from vnsumm.jsonl import load_jsonl
from vnsumm.lang.text import fold_tones, syllables
from vnsumm.records import Article

THRESHOLDS = np.round(np.arange(0.03, 0.96, 0.01), 2)
_NAME = re.compile(r"(?<![\w.!?…:]\s)(?<!^)\b([A-ZĐÀ-Ỹ][\w]*(?:\s+[A-ZĐÀ-Ỹ][\w]*)*)")
_FIGURE = re.compile(r"\d+(?:[.,/]\d+)*")


def grams(text: str) -> list[str]:
    tokens = syllables(fold_tones(text))
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


def names(text: str) -> list[str]:
    """Capitalized syllable runs not opening a sentence (persons, places, organizations), tone-folded."""
    return [fold_tones(m.group(1)).lower() for m in _NAME.finditer(text) if " " in m.group(1) or len(m.group(1)) > 2]


def figures(text: str) -> list[str]:
    return [m.group(0).replace(",", ".") for m in _FIGURE.finditer(text) if len(m.group(0)) > 1]


def cosine(docs: list[list[str]], max_df: float = 1.0) -> Any:
    vectorizer = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True, max_df=max_df, min_df=1)
    try:
        matrix = vectorizer.fit_transform(docs)
    except ValueError:  # every term cut
        return np.zeros((len(docs), len(docs)))
    sim = (matrix @ matrix.T).toarray()
    np.fill_diagonal(sim, 1.0)
    return sim


_LABELS: dict[tuple[str, float, bytes], Any] = {}  # a similarity is clustered once per threshold, not per fold


def cluster(sim: Any, threshold: float, method: str) -> Any:
    key = (method, float(threshold), hashlib.sha1(np.ascontiguousarray(sim).tobytes()).digest())
    if key not in _LABELS:
        if method.startswith("floor"):
            _LABELS[key] = floored_average(sim, threshold, float(method[5:]))
        else:
            distance = squareform(np.clip(1 - sim, 0, None), checks=False)
            _LABELS[key] = fcluster(linkage(distance, method=method), t=1 - threshold, criterion="distance")
    return _LABELS[key]


def floored_average(sim: Any, threshold: float, floor: float) -> Any:
    """Average link that merges two groups only when every pair of their articles is at least `floor` alike."""
    n = len(sim)
    total, least, size = sim.astype(float).copy(), sim.astype(float).copy(), np.ones(n)
    active = np.ones(n, dtype=bool)
    labels = np.arange(n)
    while True:
        average = total / np.outer(size, size)
        allowed = (least >= floor) & (average >= threshold) & np.outer(active, active)
        np.fill_diagonal(allowed, False)
        if not allowed.any():
            return labels
        i, j = np.unravel_index(np.argmax(np.where(allowed, average, -1.0)), average.shape)
        total[i] += total[j]
        total[:, i] = total[i]
        least[i] = np.minimum(least[i], least[j])
        least[:, i] = least[i]
        size[i] += size[j]
        active[j] = False
        labels[labels == j] = i


def pair_f1(labels: Any, gold: Any, mask: Any) -> tuple[float, float, float]:
    same_pred, same_gold = labels[:, None] == labels[None, :], gold[:, None] == gold[None, :]
    tp = (same_pred & same_gold & mask).sum()
    p = tp / max((same_pred & mask).sum(), 1)
    r = tp / max((same_gold & mask).sum(), 1)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


class Data:
    def __init__(self, path: Path, distractors: Path | None = None) -> None:
        rows = load_jsonl(path)
        if distractors:  # unrelated articles, each its own story, undated
            rows += [{**r, "id": f"other-{r['id']}", "source": "other", "story": f"other-{r['id']}", "date": None}
                     for r in load_jsonl(distractors)]
        articles = clean_articles([Article(id=r["id"], source=r["source"], text=r["text"], title=r.get("title"),
                                           date=r.get("date")) for r in rows])
        self.gold = np.array([r["story"] for r in rows])
        titles, texts = [a.title or "" for a in articles], [a.text for a in articles]
        days = np.array([datetime.date.fromisoformat(a.date[:10]).toordinal() if a.date else np.nan
                         for a in articles])
        self.apart: Any = np.nan_to_num(np.abs(days[:, None] - days[None, :]))  # a date unknown: no distance
        words = [t.split() for t in texts]
        opening = {n: [" ".join(w[:n]) for w in words] for n in (150, 300, 500, 100_000)}
        self.sims: dict[str, Any] = {}
        for n, lead in opening.items():
            for cap in (1.0, 0.1, 0.05):
                docs = [grams(t) * 2 + grams(o) for t, o in zip(titles, lead, strict=True)]
                self.sims[f"title+{n}/df{cap}"] = cosine(docs, cap)
        self.sims["title"] = cosine([grams(t) for t in titles])
        for n, lead in opening.items():
            self.sims[f"open{n}"] = cosine([grams(o) for o in lead])
            self.sims[f"names{n}"] = cosine([names(t) + names(o) for t, o in zip(titles, lead, strict=True)])
            self.sims[f"figures{n}"] = cosine([figures(t) + figures(o) for t, o in zip(titles, lead, strict=True)])
        self.n = len(rows)


def folds(gold: Any, k: int, seed: int) -> Iterator[Any]:
    stories = sorted(set(gold))
    np.random.default_rng(seed).shuffle(stories)
    for f in range(k):
        held = set(stories[f::k])
        yield np.array([g in held for g in gold])


Candidate = Callable[[Data, Any], Iterator[tuple[str, Any, str]]]  # (setting, similarity, link) per setting


def tfidf(base: str, caps: tuple[float, ...] = (1.0, 0.1, 0.05)) -> Candidate:
    def settings(data: Data, train: Any) -> Iterator[tuple[str, Any, str]]:
        for cap in caps:
            yield f"df{cap}", data.sims[f"{base}/df{cap}"], "average"
    return settings


def linked(base: str, method: str) -> Candidate:
    def settings(data: Data, train: Any) -> Iterator[tuple[str, Any, str]]:
        for cap in (1.0, 0.1, 0.05):
            yield f"df{cap}", data.sims[f"{base}/df{cap}"], method
    return settings


def with_names(n: int, method: str = "average") -> Candidate:
    def settings(data: Data, train: Any) -> Iterator[tuple[str, Any, str]]:
        for weight in (0.0, 0.1, 0.2, 0.3):
            for cap in (1.0, 0.1):
                sim = data.sims[f"title+{n}/df{cap}"]
                extra = (data.sims[f"names{n}"] + data.sims[f"figures{n}"]) / 2
                yield f"w{weight} df{cap}", (1 - weight) * sim + weight * extra, method
    return settings


def date_soft(n: int, method: str = "average") -> Candidate:
    def settings(data: Data, train: Any) -> Iterator[tuple[str, Any, str]]:
        for tau in (2.0, 5.0, 10.0, 1e9):
            for cap in (1.0, 0.1):
                yield f"tau{tau:g} df{cap}", data.sims[f"title+{n}/df{cap}"] * np.exp(-data.apart / tau), method
    return settings


def pair_features(data: Data, n: int) -> Any:
    feats = [data.sims["title"], data.sims["open150"], data.sims[f"open{n}"], data.sims[f"names{n}"],
             data.sims[f"figures{n}"], np.minimum(data.apart, 30) / 30]
    return np.stack(feats, axis=-1)


def learned(n: int, method: str = "average") -> Candidate:
    def settings(data: Data, train: Any) -> Iterator[tuple[str, Any, str]]:
        x = pair_features(data, n)
        same = data.gold[:, None] == data.gold[None, :]
        upper = np.triu(np.ones((data.n, data.n), dtype=bool), 1)
        fit = upper & train[:, None] & train[None, :]
        for c in (0.1, 1.0, 10.0):
            model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
            model.fit(x[fit], same[fit])
            prob = model.predict_proba(x.reshape(-1, x.shape[-1]))[:, 1].reshape(data.n, data.n)
            prob = (prob + prob.T) / 2
            np.fill_diagonal(prob, 1.0)
            yield f"C{c}", prob, method
    return settings


def floored(base: str) -> Candidate:
    def settings(data: Data, train: Any) -> Iterator[tuple[str, Any, str]]:
        for floor in (0.0, 0.04, 0.06, 0.08):
            yield f"floor{floor}", data.sims[f"{base}/df1.0"], f"floor{floor}"
    return settings


CANDIDATES: dict[str, Candidate] = {
    "title+150, average, pair floor": floored("title+150"),
    "today: title+150, average": tfidf("title+150", (1.0,)),
    "title+150, df cap": tfidf("title+150"),
    "title+300, df cap": tfidf("title+300"),
    "title+500, df cap": tfidf("title+500"),
    "title+whole text, df cap": tfidf("title+100000"),
    "title+150, complete": linked("title+150", "complete"),
    "title+300, complete": linked("title+300", "complete"),
    "title+whole text, complete": linked("title+100000", "complete"),
    "title+150 + names/figures": with_names(150),
    "title+300 + names/figures": with_names(300),
    "title+150, date soft": date_soft(150),
    "title+300, date soft": date_soft(300),
    "title+150 + names, complete": with_names(150, "complete"),
    "title+150, date soft, complete": date_soft(150, "complete"),
    "logistic, pairs 150": learned(150),
    "logistic, pairs 150, complete": learned(150, "complete"),
    "logistic, pairs 300": learned(300),
    "logistic, pairs whole text": learned(100000),
}


def evaluate(data: Data, candidate: Candidate, k: int, seeds: list[int]) -> tuple[list[float], float, str]:
    """Held-out F1 per fold, and the best F1 on all stories (setting and threshold chosen on them)."""
    everything = np.ones(data.n, dtype=bool)
    upper = np.triu(np.ones((data.n, data.n), dtype=bool), 1)
    best_all = (-1.0, "")
    for setting, sim, method in candidate(data, everything):
        for t in THRESHOLDS:
            f1 = pair_f1(cluster(sim, t, method), data.gold, upper)[2]
            best_all = max(best_all, (f1, f"{setting} t{t}"))
    held_out: list[float] = []
    for seed in seeds:
        for test in folds(data.gold, k, seed):
            train = ~test
            train_pairs = upper & train[:, None] & train[None, :]
            test_pairs = upper & (test[:, None] | test[None, :])
            best = (-1.0, 0.0)
            for _, sim, method in candidate(data, train):
                for t in THRESHOLDS:
                    labels = cluster(sim, t, method)
                    best = max(best, (pair_f1(labels, data.gold, train_pairs)[2],
                                      pair_f1(labels, data.gold, test_pairs)[2]))
            held_out.append(best[1])
    return held_out, best_all[0], best_all[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stories", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2])
    parser.add_argument("--only", nargs="*", help="candidates whose name contains one of these")
    parser.add_argument("--distractors", type=Path, help="JSONL of unrelated articles, each its own story")
    args = parser.parse_args()
    data = Data(args.stories, args.distractors)
    print(f"{'candidate':32s} {'held-out F1':>11s} {'sd':>6s} {'min':>6s} {'max':>6s}   all dev (chosen on it)")
    for name, candidate in CANDIDATES.items():
        if args.only and not any(word in name for word in args.only):
            continue
        scores, dev, setting = evaluate(data, candidate, args.folds, args.seeds)
        print(f"{name:32s} {np.mean(scores):11.3f} {np.std(scores):6.3f} {min(scores):6.3f} {max(scores):6.3f}   "
              f"{dev:.3f} ({setting})", flush=True)


if __name__ == "__main__":
    main()
