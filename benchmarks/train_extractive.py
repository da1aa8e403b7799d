"""Fit the extractive summarizer on the VietNews train split and write src/vnsumm/models/extractive_weights.json.

    git --git-dir=/path/to/ThanhChinhBK/vietnews/.git archive HEAD data/train_tokenized data/val_tokenized \\
        | tar x -C /tmp/vietnews
    python benchmarks/train_extractive.py /tmp/vietnews/data/train_tokenized /tmp/vietnews/data/val_tokenized

1. Every train article's sentences get features (vnsumm.models.extractive_features) and a label: picked or not by a
   greedy oracle that adds the sentence raising ROUGE-1 + ROUGE-2 F1 against the abstract most, while it rises.
2. A listwise linear model (softmax over each article's sentences, fitted to a softmax of their own ROUGE by
   L-BFGS from zeros: deterministic) gives the weights; the oracle labels are reported, not fitted.
3. The length target (target syllables, sentence cap, redundancy) is the grid point with the best mean
   ROUGE-1 + ROUGE-2 + ROUGE-L F1 on `--length-docs` of the train articles, then the result is checked on val.
Articles are taken evenly spaced over each split's files: the files run in blocks by source site, and the
first N would all be one site's.
Never point it at data/test_tokenized: held-out figures come from there.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from multiprocessing import Pool
from pathlib import Path

import numpy as np
from extractive_data import Doc, _grams, cleaned, label, read_split, rouge12, rouge_l
from scipy.optimize import minimize  # type: ignore[import-untyped]

from vnsumm.lang.text import split_sentences, syllables
from vnsumm.models.extractive import ExtractiveParams, ExtractiveSummarizer, choose
from vnsumm.models.extractive_features import FEATURES

OUT = Path(__file__).resolve().parents[1] / "src" / "vnsumm" / "models" / "extractive_weights.json"
TARGETS = (20, 25, 30, 35, 40, 45, 50)
MAX_SENTENCES = (1, 2, 3)
REDUNDANCY = (0.3, 0.5)


def labelled(docs: Sequence[Doc], jobs: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Feature rows, oracle labels, each sentence's own ROUGE-1 + ROUGE-2 F1, and each row's article index."""
    with Pool(jobs) as pool:  # imap keeps the input order: the matrices do not depend on scheduling
        results = list(pool.imap(label, docs, chunksize=64))
    x = np.vstack([rows for rows, _, _ in results])
    y = np.array([v for _, labels, _ in results for v in labels], dtype=np.int8)
    g = np.array([v for _, _, gains in results for v in gains], dtype=np.float64)
    doc = np.repeat(np.arange(len(results)), [len(labels) for _, labels, _ in results])
    return x, y, g, doc


def fit(x: np.ndarray, g: np.ndarray, doc: np.ndarray, temperature: float, l2: float) -> dict[str, float]:
    """Listwise: a softmax over each article's sentence scores, fitted by cross-entropy to a softmax of the
    sentences' own ROUGE (temperature `temperature`). Only the ranking within an article matters to the
    summarizer, so the model spends nothing on explaining how ROUGE varies between articles."""
    starts = np.r_[0, np.cumsum(np.bincount(doc))][:-1]
    target = np.exp((g - np.maximum.reduceat(g, starts)[doc]) / temperature)
    target /= np.add.reduceat(target, starts)[doc]
    n = len(starts)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = x @ w
        s = s - np.maximum.reduceat(s, starts)[doc]
        z = np.add.reduceat(np.exp(s), starts)[doc]
        p = np.exp(s) / z
        return (float(-(target * (s - np.log(z))).sum() / n + l2 * (w @ w) / 2),
                -(x.T @ (target - p)) / n + l2 * w)

    w = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B").x
    return {name: round(float(v), 4) for name, v in zip(FEATURES, w, strict=True)}


def prepared(doc: Doc, summarizer: ExtractiveSummarizer) -> tuple[list[float], list[int], np.ndarray,
                                                                    list[list[str]], list[str]]:
    sentences = split_sentences(doc.text)
    tokens = [syllables(s) for s in sentences]
    score, similarity = summarizer.scores(sentences, doc.title, tokens)
    return score, [len(t) for t in tokens], similarity, tokens, syllables(doc.summary)


def length_grid(docs: Sequence[Doc], weights: dict[str, float]) -> dict[tuple[int, int, float], float]:
    """Mean ROUGE-1 + ROUGE-2 + ROUGE-L F1 of each (target syllables, sentence cap, redundancy) on `docs`."""
    summarizer = ExtractiveSummarizer(ExtractiveParams(weights=weights))
    cache = [prepared(d, summarizer) for d in docs]
    results = {}
    for target, cap, redundancy in itertools.product(TARGETS, MAX_SENTENCES, REDUNDANCY):
        total = 0.0
        for score, lengths, similarity, tokens, ref in cache:
            picked = choose(score, lengths, similarity, target, cap, redundancy)
            summary = [t for i in picked for t in tokens[i]]
            total += rouge12(summary, _grams(ref, 1), _grams(ref, 2)) + rouge_l(summary, ref)
        results[(target, cap, redundancy)] = total / len(cache)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("train", type=Path, help="folder of VietNews *.txt.seg (data/train_tokenized)")
    parser.add_argument("val", type=Path, help="folder of VietNews *.txt.seg (data/val_tokenized)")
    parser.add_argument("--limit", type=int, default=None,
                        help="N train articles, evenly spaced over the split (default: all)")
    parser.add_argument("--val-limit", type=int, default=2000, help="val articles, evenly spaced over the split")
    parser.add_argument("--length-docs", type=int, default=3000,
                        help="train articles the length grid runs on, evenly spaced over those read")
    parser.add_argument("--temperature", type=float, default=0.1, help="of the target softmax over sentence ROUGE")
    parser.add_argument("--l2", type=float, default=0.001, help="L2 penalty on the weights")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if "test" in args.train.name or "test" in args.val.name:
        sys.exit("refusing to fit or validate on a test split: held-out figures come from it")

    start = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="train_extractive-"))
    docs = list(cleaned(read_split(args.train, args.limit), scratch / "train.jsonl"))
    x, y, g, doc = labelled(docs, args.jobs)
    print(f"{len(docs)} train articles, {len(y)} sentences, {y.mean():.3f} picked by the oracle "
          f"({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    weights = fit(x, g, doc, args.temperature, args.l2)
    grid = length_grid(docs[:: max(1, len(docs) // args.length_docs)][: args.length_docs], weights)
    (target, cap, redundancy), best = max(grid.items(), key=lambda kv: (kv[1], -kv[0][0], -kv[0][1], kv[0][2]))
    print(f"length grid on {min(len(docs), args.length_docs)} train articles: best R1+R2+RL {best:.4f} at "
          f"target {target}, max {cap} sentences, redundancy {redundancy}", file=sys.stderr)
    val = list(cleaned(read_split(args.val, args.val_limit), scratch / "val.jsonl"))
    shutil.rmtree(scratch)
    val_grid = length_grid(val, weights)
    print(f"val ({len(val)} articles) R1+R2+RL at that point {val_grid[(target, cap, redundancy)]:.4f}; best on val "
          f"{max(val_grid.values()):.4f} at {max(val_grid, key=lambda k: val_grid[k])}", file=sys.stderr)
    model = {
        "features": list(FEATURES), "weights": weights,
        "params": {"target_syllables": target, "max_sentences": cap, "redundancy": redundancy},
        "trained_on": f"VietNews data/train_tokenized, {len(docs)} articles (ThanhChinhBK/vietnews)",
        "command": "python benchmarks/train_extractive.py TRAIN_DIR VAL_DIR" + (
            f" --limit {args.limit}" if args.limit else "")
        + f" --temperature {args.temperature} --l2 {args.l2} --length-docs {args.length_docs}"
        + f" --val-limit {args.val_limit}",
        "sentences": len(y), "oracle_rate": round(float(y.mean()), 4),
        "abstract_syllables_median": statistics.median(len(syllables(d.summary)) for d in docs),
    }
    body = json.dumps({k: model[k] for k in ("features", "weights", "params")}, sort_keys=True)
    model["version"] = hashlib.sha256(body.encode()).hexdigest()[:12]  # names the weights in summary records
    args.out.write_text(json.dumps(model, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({time.perf_counter() - start:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
