"""How well `vnsumm check` flags wrong facts and leaves right ones alone.

    python benchmarks/factcheck_bench.py ../shared/vietnews/dev.jsonl ../shared/translation/iwslt-tst2013-dev.jsonl

Vietnamese: sentences are copied from each article and checked against the article, unaltered, with one injected
error (a number or a date changed to a value the article lacks, a proper name swapped for one from another
article), and with one fact written another way (5.000/5000, 23/10 / ngày 23 tháng 10, tỷ/tỉ, %/phần trăm).
English: each reference translation is checked against its Vietnamese sentence, as it is, with one number
changed, and with each of its numbers changed in turn (more cases, the same kind of error). Prints, per language,
the share flagged per case with its spread over folds of articles (pairs), the false alarms still raised, and the
time `vnsumm check` takes on 10,000 records. Nothing in the check is fitted to these figures (its rules are word
lists and suffixes, not weights or thresholds); the folds show how much the figures move between samples.
`--pairs FILE` checks another file of pairs as the English ones and prints its false alarms; `--held FILE`
prints only a held-out file's figures and its false alarms' kinds, never the alarms themselves.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from vnsumm.factcheck.check import Source, check, facts, unsupported
from vnsumm.jsonl import load_jsonl
from vnsumm.lang.text import normalize, split_sentences

NUMBER = re.compile(r"(?<![\w.,/-])\d+(?:[.,]\d+)*(?![\w/-])")
DATE = re.compile(r"(?<![\w./-])(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\w/-])")


def changed_number(sentence: str, rng: random.Random, source_text: str) -> str | None:
    matches = [m for m in NUMBER.finditer(sentence) if not DATE.fullmatch(m.group(0))]
    if not matches:
        return None
    match = rng.choice(matches)
    digits = [i for i, ch in enumerate(match.group(0)) if ch.isdigit()]
    for _ in range(20):
        text = list(match.group(0))
        i = rng.choice(digits)
        text[i] = str((int(text[i]) + rng.randint(1, 9)) % 10)
        new = "".join(text)
        # An error only if the source states no such figure anywhere (any grouping: 6.000, 6,000, 6000).
        if re.sub(r"[.,]", "", new) not in {re.sub(r"[.,]", "", n) for n in NUMBER.findall(source_text)}:
            return sentence[:match.start()] + new + sentence[match.end():]
    return None


def changed_date(sentence: str, rng: random.Random, source_text: str) -> str | None:
    match = DATE.search(sentence)
    if not match or not (1 <= int(match.group(1)) <= 31 and 1 <= int(match.group(2)) <= 12):
        return None
    month = int(match.group(2))
    stated = {(int(d), int(m)) for d, m, _ in DATE.findall(source_text)}
    stated |= {(int(d), int(m)) for d, m in re.findall(r"ngày (\d{1,2}) tháng (\d{1,2})", source_text)}
    days = [d for d in range(1, 29) if (d, month) not in stated]
    new = f"{rng.choice(days)}/{match.group(2)}" + (f"/{match.group(3)}" if match.group(3) else "")
    return sentence[:match.start()] + new + sentence[match.end():]


def swapped_name(sentence: str, rng: random.Random, source_text: str, names: list[str]) -> str | None:
    own = [f.text for f in facts(sentence) if f.kind == "name"]
    if not own:
        return None
    name = rng.choice(own)
    for _ in range(50):
        other = rng.choice(names)
        if other.lower() not in source_text.lower() and len(other.split()) == len(name.split()):
            return sentence.replace(name, other, 1)
    return None


def rewritten(sentence: str) -> str | None:
    """The same fact written another way, as another outlet or a model would."""
    rules = [
        (r"(?<![\d.,])(\d{1,3})\.(\d{3})(?![\d.,])", r"\1\2"),  # 5.000 -> 5000
        (r"(?<![\d.,])(\d)(\d{3})(?![\d.,])", r"\1.\2"),  # 5000 -> 5.000
        (r"(?<![\w/])([1-9]|[12]\d|3[01])/([1-9]|1[0-2])(?![\w/])", r"ngày \1 tháng \2"),
        (r"ngày (\d{1,2}) tháng (\d{1,2})", r"\1/\2"),
        (r"(\d)\s*%", r"\1 phần trăm"),
        (r"(\d) tỷ", r"\1 tỉ"), (r"(\d) tỉ", r"\1 tỷ"), (r"(\d) nghìn", r"\1 ngàn"),
    ]
    for pattern, replacement in rules:
        new = re.sub(pattern, replacement, sentence, count=1)
        if new != sentence and not new.startswith("ngày ngày"):
            return new.replace("ngày ngày", "ngày")
    return None


# Per case, (fold, flagged) for each checked text; false alarms as lines to print.
Results = dict[str, list[tuple[int, bool]]]


def vietnamese(path: Path, rng: random.Random, folds: int, alarms: list[str]) -> Results:
    rows = load_jsonl(path)
    names = sorted({f.text for row in rows for f in facts(row["text"]) if f.kind == "name"})
    flagged: Results = defaultdict(list)
    for index, row in enumerate(rows):
        fold = index % folds
        text = normalize(f"{row.get('title') or ''}\n{row['text']}")
        source = Source.of(text)
        for sentence in split_sentences(row["text"]):
            found = unsupported(sentence, source)
            flagged["VI unaltered copied sentence"].append((fold, bool(found)))
            alarms += [f"VI unaltered {row.get('id', index)}: {f.kind.value} {f.text!r} | {sentence}" for f in found]
            for case, variant in (("VI number changed", changed_number(sentence, rng, text)),
                                  ("VI date changed", changed_date(sentence, rng, text)),
                                  ("VI name swapped", swapped_name(sentence, rng, text, names)),
                                  ("VI written another way", rewritten(sentence))):
                if variant is not None:
                    found = unsupported(variant, source)
                    flagged[case].append((fold, bool(found)))
                    if case == "VI written another way":
                        alarms += [f"VI rewritten {row.get('id', index)}: {f.kind.value} {f.text!r} | {variant}"
                                   for f in found]
    return flagged


def english(path: Path, rng: random.Random, folds: int, alarms: list[str], label: str = "EN",
            kinds: Counter[str] | None = None) -> Results:
    flagged: Results = defaultdict(list)
    for index, pair in enumerate(load_jsonl(path)):
        fold = index % folds
        source = Source.of(pair["vi"])
        found = unsupported(pair["en"], source, "en")
        flagged[f"{label} correct translation"].append((fold, bool(found)))
        alarms += [f"{label} {pair.get('id', index)}: {f.kind.value} {f.text!r} | {pair['vi']} | {pair['en']}"
                   for f in found]
        if kinds is not None:
            kinds.update(f.kind.value for f in found)
        variant = changed_number(pair["en"], rng, pair["vi"])
        if variant is not None:
            flagged[f"{label} number changed (one a pair)"].append((fold, bool(unsupported(variant, source, "en"))))
        for variant in every_number_changed(pair["en"], rng, pair["vi"]):
            flagged[f"{label} number changed (each figure)"].append((fold,
                                                                      bool(unsupported(variant, source, "en"))))
    return flagged


def every_number_changed(sentence: str, rng: random.Random, source_text: str) -> list[str]:
    """The sentence with each of its figures changed in turn (as `changed_number` changes one)."""
    variants = []
    for match in NUMBER.finditer(sentence):
        if DATE.fullmatch(match.group(0)):
            continue
        head, tail = sentence[:match.start()], sentence[match.end():]
        variant = changed_number(match.group(0), rng, source_text)
        if variant is not None:
            variants.append(head + variant + tail)
    return variants


def report(results: Results, folds: int) -> None:
    print(f"{'case':34s} {'flagged':>16s} {'share':>7s}   per fold (min-max of {folds})")
    for case, flags in results.items():
        shares = [100 * sum(f for k, f in flags if k == fold) / max(1, sum(1 for k, _ in flags if k == fold))
                  for fold in range(folds)]
        total = sum(f for _, f in flags)
        print(f"{case:34s} {total:6d} of {len(flags):6d} {100 * total / len(flags):6.1f}%   "
              f"{min(shares):5.1f}-{max(shares):5.1f}%")


def check_speed(rows: list[dict[str, str]], count: int) -> tuple[float, float]:
    """Wall and CPU seconds `vnsumm check` (the library call behind it) takes on `count` records."""
    with tempfile.TemporaryDirectory() as folder:
        feed = Path(folder) / "records.jsonl"
        with feed.open("w", encoding="utf-8") as out:
            for i in range(count):
                row = rows[i % len(rows)]
                out.write(json.dumps({"id": i, "text": row["text"], "summary_vi": row["summary"]},
                                     ensure_ascii=False) + "\n")
        wall, cpu = time.perf_counter(), time.process_time()
        check(feed, "text", "summary_vi", "vi", Path(folder) / "checked.jsonl")
        return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("vietnews", type=Path)
    parser.add_argument("translation", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folds", type=int, default=5, help="folds of articles (pairs) for the spread")
    parser.add_argument("--records", type=int, default=10_000,
                        help="records for the `vnsumm check` timing (0: no timing)")
    parser.add_argument("--pairs", type=Path, action="append", default=[], metavar="JSONL",
                        help="another file of pairs (`vi`, `en`) checked as the development pairs are, reported "
                             "apart under its file name, its false alarms printed (repeatable)")
    parser.add_argument("--held", type=Path, action="append", default=[], metavar="JSONL",
                        help="a held-out file of pairs: its figures and false alarms by kind are printed, never "
                             "the alarms themselves, so that reading them cannot shape the rules (repeatable)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    alarms: list[str] = []
    report({**vietnamese(args.vietnews, rng, args.folds, alarms), **english(args.translation, rng, args.folds,
                                                                            alarms)}, args.folds)
    print(f"\nFalse alarms still raised on these development texts: {len(alarms)}")
    for line in alarms:
        print("  " + line)
    for path, shown in [(p, True) for p in args.pairs] + [(p, False) for p in args.held]:
        # Each file with its own generator: its injected errors do not depend on which files come before it.
        extra: list[str] = []
        kinds: Counter[str] = Counter()
        label = f"EN[{path.stem}]"
        print()
        report(english(path, random.Random(args.seed), args.folds, extra, label, kinds), args.folds)
        print(f"False alarms on {path} ({'shown' if shown else 'held out: not shown'}): {len(extra)}, by kind: "
              + (", ".join(f"{kind} {count}" for kind, count in kinds.most_common()) or "none"))
        for line in extra if shown else []:
            print("  " + line)
    if args.records <= 0:
        return
    wall, cpu = check_speed(load_jsonl(args.vietnews), args.records)
    print(f"\n`vnsumm check` on {args.records:,} VietNews abstracts against their articles: {wall:.1f} s "
          f"({cpu:.1f} s of CPU)")


if __name__ == "__main__":
    main()
