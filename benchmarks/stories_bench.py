"""Story grouping against hand-made story clusters: pairwise precision, recall and F1 of "same story" decisions.

    python benchmarks/stories_bench.py ../shared/stories/dev.jsonl [--thresholds 0.12 0.14 0.16]

Articles are cleaned and grouped as `vnsumm run` groups them (headline and the opening of the cleaned text), in
the file's order and in three shuffled orders (the result must not depend on order).
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from vnsumm.clean import clean_articles
from vnsumm.jsonl import load_jsonl
from vnsumm.records import Article
from vnsumm.stories import THRESHOLD, pairwise_f1, story_ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stories", type=Path)
    parser.add_argument("--thresholds", type=float, nargs="*", default=[THRESHOLD])
    args = parser.parse_args()
    rows = load_jsonl(args.stories)
    articles = clean_articles([Article(id=r["id"], source=r["source"], text=r["text"], title=r.get("title"),
                                       date=r.get("date")) for r in rows])
    gold = {r["id"]: r["story"] for r in rows}
    print(f"{len(rows)} articles, {len(set(gold.values()))} stories")
    for threshold in args.thresholds:
        for seed in (None, 1, 2, 3):
            order = list(articles)
            if seed is not None:
                random.Random(seed).shuffle(order)
            start = time.perf_counter()
            predicted = story_ids(order, threshold)
            seconds = time.perf_counter() - start
            figures = pairwise_f1(predicted, [gold[a.id] for a in order])
            label = "file order" if seed is None else f"shuffled ({seed})"
            print(f"threshold {threshold:.2f}, {label:13s}: P {figures['precision']:.3f} R {figures['recall']:.3f} "
                  f"F1 {figures['f1']:.3f}  ({len(set(predicted))} stories, {seconds:.2f} s)")


if __name__ == "__main__":
    main()
