"""Check stage: the numbers, dates, amounts, percentages and names an output states must be in its source.

Rule-based, offline and fast. Each side is read in its own language's conventions before comparing: Vietnamese
writes `1.000` for a thousand and `2,8` for two point eight, English the other way round; `2,8 tỷ` and
`2.8 billion` are both 2,800,000,000; `23/10`, `ngày 23 tháng 10` and `October 23` are one date; `tỷ`/`tỉ`,
`nghìn`/`ngàn` and tone-mark placement (`Thuỷ`/`Thủy`) are spelling, not facts. A fact is supported when its value
occurs among the source's values (any kind: a percentage may be a number in the source), a name when its syllables
occur in the source in that order.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from vnsumm.records import Article
from vnsumm.text import fold_tones, normalize

# "missing_name": a name the source writes in Latin script (Samsung, Trump) that an English output lost.
KINDS = ("number", "amount", "percent", "date", "name", "missing_name")

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
     "december"], start=1)}
MONTHS.update({name[:3]: i for name, i in list(MONTHS.items())})
MONTHS["sept"] = 9
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

# Scale words after a number. "nghìn tỷ" (a thousand billion) is matched before "nghìn".
SCALES_VI = {"nghìn tỷ": 1e12, "nghìn tỉ": 1e12, "ngàn tỷ": 1e12, "ngàn tỉ": 1e12, "tỷ": 1e9, "tỉ": 1e9,
             "triệu": 1e6, "nghìn": 1e3, "ngàn": 1e3, "vạn": 1e4}
SCALES_EN = {"trillion": 1e12, "billion": 1e9, "bn": 1e9, "million": 1e6, "mn": 1e6, "thousand": 1e3}
PERCENT_VI = r"\s*(?:%|phần trăm)"
PERCENT_EN = r"\s*(?:%|percent\b|per cent\b|percentage points?\b)"

# Numbers as each language writes them: Vietnamese groups thousands with "." and writes decimals with ","
# (a dot before one, two or four-plus digits is a decimal point, as some outlets write it); English the reverse.
_NUMBER_VI = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?(?!\.?\d)|\d+,\d+|\d+\.\d{1,2}(?!\d)|\d+\.\d{4,}|\d+"
_NUMBER_EN = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!,?\d)|\d+\.\d+|\d+"

_DATE_NUMERIC = re.compile(r"(?<![\w.,/-])(\d{1,2})[/-](\d{1,2})(?:[/-](\d{4}))?(?![\w/-]|[.,]\d)")
_DATE_VI_WORDS = re.compile(r"(?<!\w)ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?(?!\w)", re.I)
_MONTH_YEAR = re.compile(r"(?<![\w.,/-])(\d{1,2})[/-](\d{4})(?![\w/-]|[.,]\d)")  # "4/2014": a month, not a 4
_DAY_OR_MONTH_VI = re.compile(r"(?<!\w)(ngày|tháng)\s+(\d{1,2})(?![\w/-]|[.,]\d)", re.I)  # "ngày 8", "tháng 12"
_DATE_EN = re.compile(
    rf"(?<!\w)(?:({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?"
    rf"|(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\.?(?:,?\s+(\d{{4}}))?)(?!\w)", re.I)

# Vietnamese syllable shape (tone and vowel marks removed): how an English text's name is told to be a Vietnamese
# one (Nguyen Xuan Phuc, Da Nang) that must come from the source, rather than a translated word (Ministry).
_SYLLABLE_SHAPE = re.compile(r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}"
                             r"(ch|ng|nh|[cmnpt])?$")
_ENGLISH_CAPITALS = {"the", "a", "an", "in", "on", "at", "to", "of", "and", "he", "she", "we", "they", "it", "i",
                     "mr", "mrs", "ms", "dr", "no", "so", "do", "me", "my", "be", "by", "or", "up", "us"}


@dataclass(frozen=True)
class Fact:
    kind: str
    text: str
    value: Any  # a number (float), (day, month), or a folded name


def _value(number: str, lang: str) -> float:
    if lang == "vi":
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", number):
            number = number.replace(".", "").replace(",", ".")
        else:
            number = number.replace(",", ".")
    else:
        number = number.replace(",", "")
    return float(number)


def _key(value: float) -> float:
    return float(f"{value:.6g}")


def _dates(text: str, lang: str) -> tuple[list[Fact], str]:
    """Dates in `text`, and the text with them blanked out (so their parts are not read again as numbers)."""
    facts: list[Fact] = []
    patterns = [_DATE_VI_WORDS, _DATE_NUMERIC, _MONTH_YEAR, _DAY_OR_MONTH_VI] if lang == "vi" \
        else [_DATE_EN, _DATE_NUMERIC, _MONTH_YEAR]

    def take(match: re.Match[str]) -> str:
        groups = match.groups()
        if match.re is _DAY_OR_MONTH_VI:  # a day or a month alone: supported by a source date that has it
            number = int(groups[1])
            facts.append(Fact("date", match.group(0), (number, 0) if groups[0].lower() == "ngày" else (0, number)))
            return " " * len(match.group(0))
        if match.re is _MONTH_YEAR:
            if not 1 <= int(groups[0]) <= 12:
                return match.group(0)
            facts.append(Fact("date", match.group(0), (0, int(groups[0]))))
            facts.append(Fact("number", groups[1], float(groups[1])))
            return " " * len(match.group(0))
        if len(groups) == 6:  # English: month-day or day-month
            month_name, day = (groups[0], groups[1]) if groups[0] else (groups[4], groups[3])
            day_month = (int(day), MONTHS[month_name.lower().rstrip(".")])
        else:
            day_month = (int(groups[0]), int(groups[1]))
        if not (1 <= day_month[0] <= 31 and 1 <= day_month[1] <= 12):
            return match.group(0)  # not a date (a score, a range): its numbers are read as numbers
        facts.append(Fact("date", match.group(0), day_month))
        year = groups[-1] if len(groups) != 6 else (groups[2] or groups[5])
        if year:
            facts.append(Fact("number", year, float(year)))
        return " " * len(match.group(0))

    for pattern in patterns:
        text = pattern.sub(take, text)
    return facts, text


def _numbers(text: str, lang: str) -> list[Fact]:
    scales = SCALES_VI if lang == "vi" else SCALES_EN
    scale_words = "|".join(sorted(map(re.escape, scales), key=len, reverse=True))
    number = _NUMBER_VI if lang == "vi" else _NUMBER_EN
    percent = PERCENT_VI if lang == "vi" else PERCENT_EN
    # A figure glued to letters (10h40, 1m70, G20) is a time, a measure or a name, not checked as a number.
    pattern = re.compile(rf"(?<![\w.,])({number})(?:\s*({scale_words})(?!\w)|({percent}))?(?!\w)", re.I)
    facts = []
    for match in pattern.finditer(text):
        value = _value(match.group(1), lang)
        if match.group(2):
            facts.append(Fact("amount", match.group(0), _key(value * scales[match.group(2).lower()])))
        elif match.group(3):
            facts.append(Fact("percent", match.group(0), _key(value)))
        else:
            facts.append(Fact("number", match.group(0), _key(value)))
    return facts


def _fold_name(text: str) -> str:
    """Names compared with tone marks in one placement, any case, i and y as one letter (Lý/Lí, tỷ/tỉ)."""
    return fold_tones(text).lower().replace("y", "i").replace("ỳ", "ì").replace("ý", "í").replace("ỷ", "ỉ") \
        .replace("ỹ", "ĩ").replace("ỵ", "ị")


def _bare(text: str) -> str:
    """Lowercase letters without any marks (Hà Nội -> hanoi once spaces go), đ as d."""
    return _bare_cased(text).lower()


def _bare_cased(text: str) -> str:
    """The text without any marks, case kept (Latin-script names have none to lose)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_WORD = re.compile(r"\w+")
_OPENERS = set(".!?…:;\"“”([\n-")


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in _OPENERS


def _capital_runs(text: str) -> Iterator[str]:
    """Runs of capitalized words (no digits), without a sentence's first word: that one is capitalized anyway."""
    run: list[str] = []
    end = 0
    for match in _WORD.finditer(text):
        word = match.group(0)
        capital = word[0].isupper() and not any(ch.isdigit() for ch in word)
        joined = run and text[end:match.start()] == " "
        if capital and joined:
            run.append(word)
        else:
            if run:
                yield " ".join(run)
            run = [word] if capital and not _sentence_initial(text, match.start()) else []
        end = match.end()
    if run:
        yield " ".join(run)


def _vietnamese_shaped(name: str) -> bool:
    words = _bare(name).split()
    return all(_SYLLABLE_SHAPE.match(w) for w in words) and not any(w in _ENGLISH_CAPITALS or w in MONTHS
                                                                     for w in words)


def facts(text: str, lang: str = "vi", *, names: bool = True) -> list[Fact]:
    """The facts `text` states: dates, numbers, amounts, percentages, and (unless `names` is false) names."""
    text = normalize(text)
    found, rest = _dates(text, lang)
    found += _numbers(rest, lang)
    if names:
        found += [Fact("name", name, name) for name in _capital_runs(text)]
    return found


class Source:
    """What a source supports, read once and checked against many outputs."""

    def __init__(self, values: frozenset[float], dates: frozenset[tuple[int, int]], text: str) -> None:
        self.values, self.dates, self.text = values, dates, text

    @functools.cached_property
    def names(self) -> str:
        """The source's words, folded, space-separated, padded with spaces."""
        return f" {' '.join(_WORD.findall(_fold_name(self.text)))} "

    def has_name(self, words: list[str]) -> bool:
        """The words in this order in the source."""
        return f" {' '.join(words)} " in self.names

    @functools.cached_property
    def bare(self) -> str:
        """The source's letters without marks or spaces (for names in an English output)."""
        return re.sub(r"[^a-z0-9]", "", _bare(self.text))

    @functools.cached_property
    def latin_names(self) -> list[str]:
        """Names the source writes as any language would (no Vietnamese marks, not of Vietnamese syllables, not
        all capitals): a translation keeps them as they are."""
        return sorted({name for name in _capital_runs(self.text)
                       if name == _bare_cased(name) and not _vietnamese_shaped(name) and not name.isupper()})

    @classmethod
    def of(cls, text: str, lang: str = "vi") -> Source:
        text = normalize(text)
        found = facts(text, lang, names=False)
        values = {f.value for f in found if f.kind in ("number", "amount", "percent")}
        # A scaled amount also supports its bare figure ("2,8 tỷ" supports "2,8"), and a date its parts.
        values |= {_key(_value(m.group(1), lang)) for m in re.finditer(
            rf"(?<![\w.,])({_NUMBER_VI if lang == 'vi' else _NUMBER_EN})(?!\w)", text)}
        dates = {f.value for f in found if f.kind == "date"}
        # A day or a month alone ("ngày 8", "tháng 12") is supported by a date that has it.
        dates |= {(d, 0) for d, _ in dates} | {(0, m) for _, m in dates}
        return cls(frozenset(values), frozenset(dates), text)


def unsupported(output: str, source: Source | str, lang: str = "vi") -> list[Fact]:
    """Facts of `output` (written in `lang`; the source is Vietnamese) that the source does not support."""
    if isinstance(source, str):
        source = Source.of(source)
    missing = []
    for fact in facts(output, lang):
        if fact.kind == "date":
            supported = fact.value in source.dates
        elif fact.kind == "name":
            if lang == "vi":
                supported = source.has_name(_WORD.findall(_fold_name(fact.text)))
            else:
                bare = re.sub(r"[^a-z0-9]", "", _bare(fact.text))
                supported = not _vietnamese_shaped(fact.text) or len(bare) < 4 or bare in source.bare
        else:
            supported = fact.value in source.values
        if not supported:
            missing.append(fact)
    if lang == "en":  # a name survives when one of its words does ("Donald Trump" as "Mr Trump")
        said = set(_WORD.findall(_bare(output)))
        missing += [Fact("missing_name", name, name) for name in source.latin_names
                    if not any(word in said for word in _WORD.findall(_bare(name)) if len(word) > 2)]
    return missing


# Which source each output field is checked against: the article for the Vietnamese summary, the Vietnamese
# summary and title for the English ones.
CHECKS = {"summary_vi": ("vi", ("title", "text")), "summary_en": ("en", ("title", "summary_vi")),
          "title_en": ("en", ("title", "summary_vi"))}


def check_article(article: Article, fields: Iterable[str] = tuple(CHECKS)) -> Article:
    """A new record whose `unsupported` lists, per output field of `fields` it has, the facts its source lacks
    (what earlier checks found for other fields is kept)."""
    if not article.ok:
        return article
    found = [f for f in article.unsupported if f["field"] not in fields]
    sources: dict[tuple[str, ...], Source] = {}
    for field in fields:
        lang, source_fields = CHECKS[field]
        output = getattr(article, field)
        if not output:
            continue
        if source_fields not in sources:
            sources[source_fields] = Source.of("\n".join(getattr(article, f) or "" for f in source_fields))
        found += [{"field": field, "kind": f.kind, "text": f.text}
                  for f in unsupported(output, sources[source_fields], lang)]
    return replace(article, unsupported=found)


def check(path: Path, source_field: str, output_field: str, lang: str, out: Path) -> Counter[str]:
    """`vnsumm check`: each JSONL record of `path` written to `out` with the `unsupported` facts of its
    `output_field` against its `source_field`. A malformed line or a record without a text source gets `error`
    instead (the others go on). Returns counts: `records`, `flagged`, `failed` and one per kind of fact."""
    from vnsumm.jsonl import jsonl_values
    from vnsumm.store import write_output as write_lines_atomic

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
        record["unsupported"] = [{"field": output_field, "kind": f.kind, "text": f.text} for f in found]
        counts["flagged"] += bool(found)
        counts.update(f.kind for f in found)
        return record

    def lines() -> Iterator[str]:
        for lineno, record, problem in jsonl_values(path):
            counts["records"] += 1
            yield json.dumps(checked(lineno, record, problem), ensure_ascii=False) + "\n"

    write_lines_atomic(out, lines())
    return counts
