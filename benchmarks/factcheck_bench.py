"""How well `vnsumm check` flags wrong facts and leaves right ones alone.

    python benchmarks/factcheck_bench.py ../shared/vietnews/dev.jsonl ../shared/translation/iwslt-tst2013-dev.jsonl

Vietnamese: sentences are copied from each article and checked against the article, unaltered, with one injected
error (a number or a date changed to a value the article lacks, a proper name swapped for one from another
article), and with one fact written another way (5.000/5000, 23/10 / ngày 23 tháng 10, tỷ/tỉ, %/phần trăm).
English: each reference translation is checked against its Vietnamese sentence, as it is and with one number
changed. Prints the share flagged per case and the time to check 10,000 records.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections import defaultdict
from pathlib import Path

from vnsumm.factcheck import Source, facts, unsupported
from vnsumm.jsonl import load_jsonl
from vnsumm.text import normalize, split_sentences

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


def vietnamese(path: Path, rng: random.Random) -> dict[str, list[bool]]:
    rows = load_jsonl(path)
    names = sorted({f.text for row in rows for f in facts(row["text"]) if f.kind == "name"})
    flagged: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        text = normalize(f"{row.get('title') or ''}\n{row['text']}")
        source = Source.of(text)
        for sentence in split_sentences(row["text"]):
            flagged["unaltered"].append(bool(unsupported(sentence, source)))
            for case, variant in (("number error", changed_number(sentence, rng, text)),
                                  ("date error", changed_date(sentence, rng, text)),
                                  ("name error", swapped_name(sentence, rng, text, names)),
                                  ("written another way", rewritten(sentence))):
                if variant is not None:
                    flagged[case].append(bool(unsupported(variant, source)))
    return flagged


def english(path: Path, rng: random.Random) -> dict[str, list[bool]]:
    flagged: dict[str, list[bool]] = defaultdict(list)
    for pair in load_jsonl(path):
        source = Source.of(pair["vi"])
        flagged["EN correct translation"].append(bool(unsupported(pair["en"], source, "en")))
        variant = changed_number(pair["en"], rng, pair["vi"])
        if variant is not None:
            flagged["EN number error"].append(bool(unsupported(variant, source, "en")))
    return flagged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("vietnews", type=Path)
    parser.add_argument("translation", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    results = {**vietnamese(args.vietnews, rng), **english(args.translation, rng)}
    for case, flags in results.items():
        print(f"{case:28s} {sum(flags):6d} of {len(flags):6d} flagged  {100 * sum(flags) / len(flags):6.1f}%")
    rows = load_jsonl(args.vietnews)
    start = time.perf_counter()
    for i in range(10_000):
        row = rows[i % len(rows)]
        unsupported(row["summary"], Source.of(row["text"]))
    print(f"10,000 abstracts checked against their articles in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
