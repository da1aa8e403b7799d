"""The fact check: the numbers, dates, amounts, percentages and names an output states must be in its source.

Rule-based, offline and fast. Each side is read in its own language's conventions before comparing (facts_vi,
facts_en): Vietnamese writes `1.000` for a thousand and `2,8` for two point eight, English the other way round;
`2,8 tỷ` and `2.8 billion` are both 2,800,000,000; `23/10`, `ngày 23 tháng 10` and `October 23` are one date;
`tỷ`/`tỉ`, `nghìn`/`ngàn` and tone-mark placement (`Thuỷ`/`Thủy`) are spelling, not facts. A figure is supported
when the source states its value (in digits or words, or within an approximate range such as `hàng chục nghìn`);
in a Vietnamese output, with the same counted noun when it has one (`6 người` is not supported by `6 tháng`). A
name is supported when its syllables occur in the source in that order.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from vnsumm.factcheck import en as facts_en
from vnsumm.factcheck import vi as facts_vi
from vnsumm.factcheck.facts import (
    MONTH_FIRST,
    WORD,
    Fact,
    FactKind,
    UnsupportedFact,
    bare,
    bare_cased,
    capital_runs,
    dates,
    fold_name,
)
from vnsumm.lang.text import normalize
from vnsumm.records import Article

KINDS = tuple(FactKind)


def facts(text: str, lang: str = "vi", *, names: bool = True) -> list[Fact]:
    """The facts `text` states: dates, figures in digits (numbers, amounts, percentages), and (unless `names` is
    false) names."""
    text = normalize(text)
    found, rest = dates(text, lang)
    found += facts_vi.figures(rest) if lang == "vi" else facts_en.figures(rest)
    if names:
        found += [Fact(FactKind.NAME, name, name) for name in capital_runs(text)]
    return found


class Source:
    """What one or more source texts support, read once and checked against many outputs."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = [normalize(t) for t in texts]
        self.figures: dict[float, list[Fact]] = defaultdict(list)
        self.ranges: list[Fact] = []
        found_dates: set[tuple[int, int]] = set()
        for text in self.texts:
            in_dates, rest = dates(text, "vi")
            found_dates |= {f.value for f in in_dates if f.kind is FactKind.DATE}
            for fact in [f for f in in_dates if f.kind is not FactKind.DATE] + facts_vi.supporting(rest):
                if fact.high is not None:
                    self.ranges.append(fact)
                else:
                    self.figures[fact.value].append(fact)
        # A day or a month alone ("ngày 8", "tháng 12") is supported by a date that has it.
        self.dates = frozenset(found_dates | {(d, 0) for d, _ in found_dates} | {(0, m) for _, m in found_dates})
        self.single = len(self.texts) == 1

    @classmethod
    def of(cls, text: str, lang: str = "vi") -> Source:
        """One source text (Vietnamese: `lang` is kept for callers that name it)."""
        return cls([text])

    @classmethod
    def of_many(cls, texts: Iterable[str]) -> Source:
        """Several sources at once (a story summary against all the story's articles): a fact is supported when
        any of them states it."""
        return cls(list(texts))

    @functools.cached_property
    def names(self) -> str:
        """The sources' words, folded, space-separated, padded with spaces (a name never spans two sources)."""
        return " " + " \x00 ".join(" ".join(WORD.findall(fold_name(t))) for t in self.texts) + " "

    def has_name(self, words: list[str]) -> bool:
        """The words in this order in a source."""
        return f" {' '.join(words)} " in self.names

    @functools.cached_property
    def bare(self) -> str:
        """The sources' letters without marks or spaces (for names in an English output)."""
        return "\x00".join(re.sub(r"[^a-z0-9]", "", bare(t)) for t in self.texts)

    @functools.cached_property
    def latin_names(self) -> list[str]:
        """Names a single source writes as any language would (no Vietnamese marks, not of Vietnamese syllables,
        not all capitals): a translation keeps them. A summary of several sources leaves names out by design."""
        if not self.single:
            return []
        return sorted({name for name in capital_runs(self.texts[0]) if name == bare_cased(name)
                       and not facts_en.vietnamese_shaped(name) and not name.isupper()})

    def supports_figure(self, fact: Fact, lang: str) -> bool:
        """The value stated (in a Vietnamese output: counting the same thing); for a translation, also a figure
        stated exactly inside a range the source says in words ("hàng chục nghìn": 10 thousand)."""
        candidates = self.figures.get(fact.value, [])
        if lang != "vi" and fact.label == facts_en.YEAR_SHORT:  # '71: a year of the source ending in 71
            return bool(candidates) or any(1000 <= value < 3000 and value % 100 == fact.value for value in self.figures)
        if lang != "vi":
            # A year the source says with its last two digits (năm 71) supports the year in full (1971).
            return bool(candidates) or (not fact.approx and any(
                r.value <= fact.value <= (r.high or r.value) for r in self.ranges)) or (
                1000 <= fact.value < 3000 and fact.value == int(fact.value) and
                any(c.label == "năm" and c.value < 100 for c in self.figures.get(fact.value % 100, [])))
        if fact.unit is None and fact.label is None:
            return bool(candidates)
        # The same counted noun, or the same noun naming the figure ("quốc lộ 53 xin" as "quốc lộ 53 Long Hồ").
        return any((fact.unit is not None and c.unit == fact.unit) or (fact.label is not None and c.label == fact.label)
                   for c in candidates)


def unsupported(output: str, source: Source | str, lang: str = "vi") -> list[Fact]:
    """Facts of `output` (written in `lang`; the source is Vietnamese) that the source does not support."""
    if isinstance(source, str):
        source = Source.of(source)
    missing = []
    for fact in facts(output, lang):
        if fact.kind is FactKind.DATE:
            supported = fact.value in source.dates or (fact.label == MONTH_FIRST and fact.value[::-1] in source.dates)
        elif fact.kind is FactKind.NAME:
            if lang == "vi":
                supported = source.has_name(WORD.findall(fold_name(fact.text)))
            else:
                letters = re.sub(r"[^a-z0-9]", "", bare(fact.text))
                supported = not facts_en.vietnamese_shaped(fact.text) or len(letters) < 4 or letters in source.bare
        else:
            supported = source.supports_figure(fact, lang)
        if not supported:
            missing.append(fact)
    if lang == "en" and source.latin_names:
        said, capitals = facts_en.said_words(normalize(output))
        missing += [Fact(FactKind.MISSING_NAME, name, name) for name in source.latin_names
                    if not facts_en.survives(name.split(), said, capitals)]
    return missing


# Which source each output field is checked against: the article for the Vietnamese summary, the Vietnamese
# summary and title for the English ones.
CHECKS = {"summary_vi": ("vi", ("title", "text")), "summary_en": ("en", ("title", "summary_vi")),
          "title_en": ("en", ("title", "summary_vi"))}


def unsupported_in(record: Any, fields: Iterable[str]) -> list[UnsupportedFact]:
    """Per output field of `fields` that `record` has (an Article, a story summary: anything with the fields of
    CHECKS), the facts it states that its source fields lack."""
    found: list[UnsupportedFact] = []
    sources: dict[tuple[str, ...], Source] = {}
    for field in fields:
        lang, source_fields = CHECKS[field]
        output = getattr(record, field)
        if not output:
            continue
        if source_fields not in sources:
            sources[source_fields] = Source.of("\n".join(getattr(record, f) or "" for f in source_fields))
        found += [UnsupportedFact(field, f.kind, f.text) for f in unsupported(output, sources[source_fields], lang)]
    return found


def check_article(article: Article, fields: Iterable[str] = tuple(CHECKS)) -> Article:
    """A new record whose `unsupported` lists, per output field of `fields` it has, the facts its source lacks
    (what earlier checks found for other fields is kept)."""
    if not article.ok:
        return article
    fields = tuple(fields)
    kept = [fact for fact in article.unsupported if fact.field not in fields]
    return replace(article, unsupported=kept + unsupported_in(article, fields))


def check(path: Path, source_field: str, output_field: str, lang: str, out: Path) -> Counter[str]:
    """`vnsumm check`: each JSONL record of `path` written to `out` with the `unsupported` facts of its
    `output_field` against its `source_field`. A malformed line or a record without a text source gets `error`
    instead (the others go on). Returns counts: `records`, `flagged`, `failed` and one per kind of fact."""
    from vnsumm.jsonl import dump_line, jsonl_values
    from vnsumm.output.files import write_output

    counts: Counter[str] = Counter()

    def checked(lineno: int, record: Any, problem: str | None) -> dict[str, Any]:
        if problem:
            counts["failed"] += 1
            return {"error": f"{path}:{lineno}: {problem}"}
        if not isinstance(record, dict) or not isinstance(record.get(source_field), str):
            counts["failed"] += 1
            fields = ", ".join(sorted(record)[:12]) if isinstance(record, dict) else "not an object"
            return {**(record if isinstance(record, dict) else {}),
                    "error": f"{path}:{lineno}: no text in field {source_field!r} (fields: {fields})"}
        output = record.get(output_field)
        found = unsupported(output, Source.of(record[source_field]), lang) if isinstance(output, str) else []
        record["unsupported"] = [UnsupportedFact(output_field, f.kind, f.text).to_json() for f in found]
        counts["flagged"] += bool(found)
        counts.update(f.kind.value for f in found)
        return record

    def lines() -> Iterator[str]:
        for lineno, record, problem in jsonl_values(path):
            counts["records"] += 1
            yield dump_line(checked(lineno, record, problem))

    write_output(out, lines())
    return counts
