"""Story grouping against hand-made story clusters: pairwise precision, recall and F1 of "same story" decisions.

    python benchmarks/stories_bench.py ../shared/stories/dev.jsonl [--folds 5] [--seeds 0 1 2]
        [--distractors ../shared/vietnews/dev.jsonl] [--no-dates] [--event-days 1 3 5 7 14 1000]

Articles are cleaned and grouped as `vnsumm run` groups them (headline and the opening of the cleaned text), all
together as a run groups its store. Printed:
- the shipped threshold on all development stories, in the file's order and in three shuffled orders (the result
  must not depend on order);
- the threshold cross-validated over stories: for each of `--folds` folds of the stories (repeated for each seed),
  the threshold with the best F1 on the training stories' pairs is scored on the pairs that involve a held-out
  article (a held-out article wrongly joined to a training story counts against it); mean, spread and range over
  the folds, beside the best figure on all stories (chosen on them: optimistic);
- with `--event-days`: the limit on event days said apart (grouping.EVENT_DAYS_APART) and the threshold chosen
  together the same way, and each limit's figure on all stories at the shipped threshold.
`benchmarks/stories_compare.py` compares other similarities and link rules the same way.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from vnsumm.cleaning.rules import clean_articles
from vnsumm.jsonl import load_jsonl
from vnsumm.records import Article
from vnsumm.stories.grouping import EVENT_DAYS_APART, THRESHOLD, pairwise_f1, story_ids

GRID = [round(0.04 + 0.01 * i, 2) for i in range(27)]  # 0.04 to 0.30


def pair_f1(predicted: list[str], gold: list[str], counted: set[tuple[int, int]]) -> float:
    """Pairwise F1 over the article pairs in `counted`."""
    same_pred = {p for p in counted if predicted[p[0]] == predicted[p[1]]}
    same_gold = {p for p in counted if gold[p[0]] == gold[p[1]]}
    hits = len(same_pred & same_gold)
    precision, recall = hits / max(len(same_pred), 1), hits / max(len(same_gold), 1)
    return 2 * precision * recall / (precision + recall) if hits else 0.0


def cross_validated(articles: list[Article], gold: list[str], folds: int, seeds: list[int],
                    smooth: bool) -> tuple[list[float], list[float]]:
    """Held-out F1 of each fold, and the threshold chosen on its training stories: the best there, or (`smooth`)
    the best by the mean F1 of it and its two neighbours on the grid (a threshold at the edge of a cliff loses)."""
    labels = {t: story_ids(articles, t) for t in GRID}  # grouping reads no gold: one run per threshold serves all
    pairs = list(itertools.combinations(range(len(articles)), 2))
    scores, chosen = [], []
    for seed in seeds:
        stories = sorted(set(gold))
        random.Random(seed).shuffle(stories)
        for fold in range(folds):
            held = set(stories[fold::folds])
            train = {p for p in pairs if gold[p[0]] not in held and gold[p[1]] not in held}
            test = set(pairs) - train
            f1 = [pair_f1(labels[t], gold, train) for t in GRID]
            if smooth:
                f1 = [sum(f1[max(i - 1, 0):i + 2]) / len(f1[max(i - 1, 0):i + 2]) for i in range(len(f1))]
            best = GRID[f1.index(max(f1))]  # ties: the lowest
            scores.append(pair_f1(labels[best], gold, test))
            chosen.append(best)
    return scores, chosen


def event_days_validated(articles: list[Article], gold: list[str], folds: int, seeds: list[int],
                         limits: list[float]) -> tuple[list[float], list[tuple[float, float]], dict[float, float]]:
    """Held-out F1 of each fold with the (event days limit, threshold) best on its training stories (ties: the
    lower limit, then the lower threshold), the settings chosen, and each limit's F1 on all stories at THRESHOLD."""
    import numpy as np

    first, second = np.triu_indices(len(articles), 1)
    truth = np.array(gold)
    same_gold = truth[first] == truth[second]

    def f1(same: Any, counted: Any) -> float:
        hits = int((same & same_gold & counted).sum())
        return 2 * hits / int((same & counted).sum() + (same_gold & counted).sum()) if hits else 0.0

    same = {}
    for limit in limits:
        for t in GRID:
            labels = np.array(story_ids(articles, t, event_days=limit))
            same[limit, t] = labels[first] == labels[second]
    everything = np.ones(len(first), dtype=bool)
    scores, chosen = [], []
    for seed in seeds:
        stories = sorted(set(gold))
        random.Random(seed).shuffle(stories)
        for fold in range(folds):
            held = np.isin(truth, stories[fold::folds])
            test = held[first] | held[second]
            best = max(same, key=lambda s: (f1(same[s], ~test), -s[0], -s[1]))
            scores.append(f1(same[best], test))
            chosen.append(best)
    return scores, chosen, {limit: f1(same[limit, THRESHOLD], everything) for limit in limits}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stories", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2])
    parser.add_argument("--distractors", type=Path, help="JSONL of unrelated articles (id, title, text), each "
                        "its own story: grouped with the stories, as a store holds mostly articles of no story")
    parser.add_argument("--no-dates", action="store_true", help="drop the stories' dates, as inputs without a "
                        "date field (text files, bare JSONL or CSV rows) give them")
    parser.add_argument("--event-days", type=float, nargs="*", help="limits on the event days two openings say "
                        f"apart to choose from with the threshold (shipped: {EVENT_DAYS_APART})")
    args = parser.parse_args()
    rows = load_jsonl(args.stories)
    if args.no_dates:
        rows = [{**r, "date": None} for r in rows]
    if args.distractors:
        rows += [{**r, "id": f"other-{r['id']}", "source": "other", "story": f"other-{r['id']}", "date": None}
                 for r in load_jsonl(args.distractors)]
    articles = clean_articles([Article(id=r["id"], source=r["source"], text=r["text"], title=r.get("title"),
                                       date=r.get("date")) for r in rows])
    gold = {r["id"]: r["story"] for r in rows}
    print(f"{len(rows)} articles, {len(set(gold.values()))} stories")
    for seed in (None, 1, 2, 3):
        order = list(articles)
        if seed is not None:
            random.Random(seed).shuffle(order)
        start = time.perf_counter()
        predicted = story_ids(order)
        seconds = time.perf_counter() - start
        figures = pairwise_f1(predicted, [gold[a.id] for a in order])
        label = "file order" if seed is None else f"shuffled ({seed})"
        print(f"all stories, threshold {THRESHOLD:.2f}, {label:13s}: P {figures['precision']:.3f} "
              f"R {figures['recall']:.3f} F1 {figures['f1']:.3f}  ({len(set(predicted))} stories, {seconds:.2f} s)")
    truth = [gold[a.id] for a in articles]
    for smooth in (False, True):
        scores, chosen = cross_validated(articles, truth, args.folds, args.seeds, smooth)
        rule = "best with its neighbours" if smooth else "best"
        print(f"cross-validated ({args.folds} folds over stories x {len(args.seeds)} seeds, threshold: {rule} on "
              f"the training stories): held-out F1 {statistics.mean(scores):.3f} (sd {statistics.pstdev(scores):.3f},"
              f" min {min(scores):.3f}, max {max(scores):.3f}); thresholds chosen {min(chosen):.2f} to "
              f"{max(chosen):.2f} (median {statistics.median(chosen):.2f})")
    every = list(itertools.combinations(range(len(articles)), 2))
    best = max(GRID, key=lambda t: pair_f1(story_ids(articles, t), truth, set(every)))
    print(f"best on all stories (chosen on them): threshold {best:.2f}, F1 "
          f"{pair_f1(story_ids(articles, best), truth, set(every)):.3f}")
    if args.event_days:
        scores, settings, all_dev = event_days_validated(articles, truth, args.folds, args.seeds, args.event_days)
        limits = ", ".join(f"{limit:g}: {f1:.3f}" for limit, f1 in all_dev.items())
        print(f"event days apart, all stories at threshold {THRESHOLD:.2f} (chosen on them): F1 {limits}")
        counts = ", ".join(f"{limit:g} x{n}" for limit, n in sorted(Counter(s[0] for s in settings).items()))
        print(f"cross-validated (event days and threshold best on the training stories): held-out F1 "
              f"{statistics.mean(scores):.3f} (sd {statistics.pstdev(scores):.3f}, min {min(scores):.3f}, max "
              f"{max(scores):.3f}); event days chosen {counts}; thresholds chosen {min(s[1] for s in settings):.2f} "
              f"to {max(s[1] for s in settings):.2f}")


if __name__ == "__main__":
    main()
