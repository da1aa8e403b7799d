"""Score the shipped extractive summarizer on a VietNews-shaped JSONL and compare with peers.

    python benchmarks/tune_extractive.py ../shared/vietnews/dev.jsonl

The shipped weights (src/vnsumm/models/extractive_weights.json) were fitted on the VietNews train split by
benchmarks/train_extractive.py, never on this file: their figures here are held-out. Printed beside them: the
spread over 5 disjoint folds of the articles, the speed (articles a second, one process), a ridge regression
over the same features fitted on this file itself (2-fold cross-validated: weights fitted on one half, scored
on the other), Lead-1/2/3, and sumy's LexRank/TextRank/LSA/Luhn. Articles go through vnsumm's own reading and
cleaning stages, as `vnsumm run` does.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

import numpy as np
from rouge_score import rouge_scorer

from vnsumm import ExtractiveSummarizer, clean_articles, read_inputs, split_sentences, syllables
from vnsumm.evaluation.scoring import SyllableTokenizer, rouge
from vnsumm.jsonl import load_jsonl
from vnsumm.models.extractive import FEATURES, ExtractiveParams, fitted, sentence_features


def sumy_summarizer(name: str) -> Callable[[str], str]:
    from sumy.nlp.stemmers import null_stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

    class VietnameseTokenizer:  # sumy's extension point: our sentence splitter and syllables
        language = "vietnamese"

        def to_sentences(self, paragraph: str) -> list[str]:
            return split_sentences(paragraph)

        def to_words(self, sentence: str) -> list[str]:
            return syllables(sentence)

    classes = {"lexrank": LexRankSummarizer, "textrank": TextRankSummarizer, "lsa": LsaSummarizer,
               "luhn": LuhnSummarizer}
    summarizer = classes[name](null_stemmer)

    def summarize(text: str) -> str:
        parser = PlaintextParser.from_string(text, VietnameseTokenizer())
        return " ".join(str(s) for s in summarizer(parser.document, 2))

    return summarize


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", help="JSONL with id, title, text, summary")
    parser.add_argument("--ridge", type=float, default=1.0)
    parser.add_argument("--no-sumy", action="store_true", help="skip the sumy peers (slow: ~1 min)")
    args = parser.parse_args()

    gold = {r["id"]: r["summary"] for r in load_jsonl(__import__("pathlib").Path(args.dataset))}
    articles = [a for a in clean_articles(read_inputs([args.dataset])) if a.ok and a.id in gold]
    ids = [a.id for a in articles]
    references = [gold[i] for i in ids]

    def figures(outputs: list[str], refs: list[str]) -> list[float]:
        scores = rouge(outputs, refs)
        return [scores.rouge[t].f for t in ("rouge1", "rouge2", "rougeL")]

    def report(label: str, outputs: list[str], note: str = "") -> None:
        print(f"{label:<40} {' / '.join(f'{f:.2f}' for f in figures(outputs, references))}{note}")

    print(f"{len(ids)} articles; R1 / R2 / RL F1, {rouge([], []).signature}".replace("n:0", f"n:{len(ids)}"))
    shipped = ExtractiveSummarizer()
    begin = time.perf_counter()
    outputs = shipped.summarize([a.text for a in articles], [a.title for a in articles])
    speed = len(articles) / (time.perf_counter() - begin)
    order = list(range(len(ids)))
    random.Random(0).shuffle(order)
    per_fold = [figures([outputs[i] for i in order[k::5]], [references[i] for i in order[k::5]]) for k in range(5)]
    spread = " (5 folds: sd " + " / ".join(f"{statistics.stdev(col):.2f}" for col in zip(*per_fold, strict=True)) + ")"
    report(f"vnsumm extractive, shipped {fitted()['version']}", outputs, f"{spread}, {speed:.0f} articles/s")

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], tokenizer=SyllableTokenizer())
    docs = []
    for article in articles:
        sentences = split_sentences(article.text)
        rows = sentence_features(sentences, article.title).rows
        target = [sum(s.fmeasure for s in scorer.score(gold[article.id], x).values()) for x in sentences]
        docs.append((article, sentences, rows, np.array(target)))

    def fit(indices: list[int]) -> dict[str, float]:
        x = np.vstack([docs[i][2] for i in indices])
        y = np.concatenate([docs[i][3] for i in indices])
        w = np.linalg.solve(x.T @ x + args.ridge * np.eye(x.shape[1]), x.T @ y)
        return {name: round(float(v), 3) for name, v in zip(FEATURES, w, strict=True)}

    folds = [order[::2], order[1::2]]
    predictions: dict[str, str] = {}
    for train, test in ((folds[0], folds[1]), (folds[1], folds[0])):
        params = ExtractiveParams(weights=fit(train), target_syllables=20, max_sentences=3,
                                  redundancy=0.3)
        summarizer = ExtractiveSummarizer(params)
        for i in test:
            article, sentences = docs[i][0], docs[i][1]
            predictions[article.id] = "\n".join(sentences[j] for j in summarizer.select(sentences, article.title))
    report("ridge fitted on this file (2-fold CV)", [predictions[i] for i in ids])
    texts = {a.id: a.text for a in articles}
    for k in (1, 2, 3):
        report(f"Lead-{k}", [" ".join(split_sentences(texts[i])[:k]) for i in ids])
    if not args.no_sumy:
        for name in ("lexrank", "textrank", "lsa", "luhn"):
            summarize = sumy_summarizer(name)
            report(f"sumy {name} (2 sentences)", [summarize(texts[i]) for i in ids])


if __name__ == "__main__":
    main()
