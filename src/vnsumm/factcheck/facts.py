"""What the fact check compares: kinds of facts, a fact as read from a text, an unsupported fact as recorded, and
the helpers both languages' readers share (dates, name folding, capitalized runs).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

from vnsumm.lang.text import fold_tones


class FactKind(str, Enum):
    """The kinds of fact checked; the values are what records store."""

    NUMBER = "number"
    AMOUNT = "amount"  # a figure with a scale word: 2,8 tỷ, 2.8 billion
    PERCENT = "percent"
    DATE = "date"
    NAME = "name"
    MISSING_NAME = "missing_name"  # a name the source writes in Latin script (Samsung) that an English output lost

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Fact:
    """A fact as read from a text. `unit` is the counted noun or unit after a figure (`người` in `6 người`),
    `label` the noun before one that names rather than counts (`lớp` in `lớp 7`), `approx` a figure said
    approximately (`khoảng 50`, `about 50`), `high` the top of a range (`hàng chục nghìn`: 10,000 to 99,999)."""

    kind: FactKind
    text: str
    value: Any  # a number (float), (day, month), or a name
    unit: str | None = None
    label: str | None = None
    approx: bool = False
    high: float | None = None


@dataclass(frozen=True)
class UnsupportedFact:
    """One fact an output states that its source does not: which output field, what kind, as written."""

    field: str
    kind: FactKind
    text: str

    def to_json(self) -> dict[str, str]:
        return {"field": self.field, "kind": self.kind.value, "text": self.text}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> UnsupportedFact:
        return cls(data["field"], FactKind(data["kind"]), data["text"])


def key(value: float) -> float:
    """A figure as compared: float noise (2.8 * 1e9) rounded away, every written digit kept."""
    return float(f"{value:.12g}")


MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
     "december"], start=1)}
MONTHS.update({name[:3]: i for name, i in list(MONTHS.items())})
MONTHS["sept"] = 9
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

# A year is sometimes written with a thousands dot (8/3/2.014).
_DATE_NUMERIC = re.compile(r"(?<![\w.,/-])(\d{1,2})[/-](\d{1,2})(?:[/-](\d{4}|\d\.\d{3}))?(?![\w/-]|[.,]\d)")
_DATE_VI_WORDS = re.compile(r"(?<!\w)ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?(?!\w)", re.I)
_MONTH_YEAR = re.compile(r"(?<![\w.,/-])(\d{1,2})[/-](\d{4}|\d\.\d{3})(?![\w/-]|[.,]\d)")  # "4/2014": a month, not a 4
_DAY_OR_MONTH_VI = re.compile(r"(?<!\w)(ngày|tháng)\s+(\d{1,2})(?![\w/-]|[.,]\d)", re.I)  # "ngày 8", "tháng 12"
_DATE_EN = re.compile(
    rf"(?<!\w)(?:({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?"
    rf"|(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\.?(?:,?\s+(\d{{4}}))?)(?!\w)", re.I)


# The label of an English numeric date that reads as day/month and as month/day (9/11, 3/4): either reading is
# supported by a source date that has it.
MONTH_FIRST = "month/day"


def _valid(day_month: tuple[int, int]) -> bool:
    return 1 <= day_month[0] <= 31 and 1 <= day_month[1] <= 12


def dates(text: str, lang: str) -> tuple[list[Fact], str]:
    """Dates in `text`, and the text with them blanked out (so their parts are not read again as numbers)."""
    found: list[Fact] = []
    patterns = [_DATE_VI_WORDS, _DATE_NUMERIC, _MONTH_YEAR, _DAY_OR_MONTH_VI] if lang == "vi" \
        else [_DATE_EN, _DATE_NUMERIC, _MONTH_YEAR]

    def take(match: re.Match[str]) -> str:
        groups = match.groups()
        if match.re is _DAY_OR_MONTH_VI:  # a day or a month alone: supported by a source date that has it
            number = int(groups[1])
            if not 1 <= number <= (31 if groups[0].lower() == "ngày" else 12):
                return match.group(0)
            found.append(Fact(FactKind.DATE, match.group(0), (number, 0) if groups[0].lower() == "ngày"
                              else (0, number)))
            return " " * len(match.group(0))
        if match.re is _MONTH_YEAR:
            if not 1 <= int(groups[0]) <= 12:
                return match.group(0)
            found.append(Fact(FactKind.DATE, match.group(0), (0, int(groups[0]))))
            found.append(Fact(FactKind.NUMBER, groups[1], float(groups[1].replace(".", "")), label="năm"))
            return " " * len(match.group(0))
        label = None
        if len(groups) == 6:  # English: month-day or day-month
            month_name, day = (groups[0], groups[1]) if groups[0] else (groups[4], groups[3])
            day_month = (int(day), MONTHS[month_name.lower().rstrip(".")])
        else:
            day_month = (int(groups[0]), int(groups[1]))
            if lang != "vi" and _valid(day_month[::-1]):
                # English writes a numeric date either way (9/11 is September 11; 23/10 is October 23).
                day_month, label = (day_month, MONTH_FIRST) if _valid(day_month) else (day_month[::-1], None)
        if not _valid(day_month):
            return match.group(0)  # not a date (a score, a range): its numbers are read as numbers
        found.append(Fact(FactKind.DATE, match.group(0), day_month, label=label))
        year = groups[-1] if len(groups) != 6 else (groups[2] or groups[5])
        if year:
            found.append(Fact(FactKind.NUMBER, year, float(year.replace(".", "")), label="năm"))
        return " " * len(match.group(0))

    for pattern in patterns:
        text = pattern.sub(take, text)
    return found, text


def fold_name(text: str) -> str:
    """Names compared with tone marks in one placement, any case, i and y as one letter (Lý/Lí, tỷ/tỉ)."""
    return fold_tones(text).lower().replace("y", "i").replace("ỳ", "ì").replace("ý", "í").replace("ỷ", "ỉ") \
        .replace("ỹ", "ĩ").replace("ỵ", "ị")


def bare(text: str) -> str:
    """Lowercase letters without any marks (Hà Nội -> hà nội -> ha noi), đ as d."""
    return bare_cased(text).lower()


def bare_cased(text: str) -> str:
    """The text without any marks, case kept (Latin-script names have none to lose)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


WORD = re.compile(r"\w+")
_OPENERS = set(".!?…:;\"“”([\n-")


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in _OPENERS


def capital_runs(text: str) -> Iterator[str]:
    """Runs of capitalized words (no digits), without a sentence's first word: that one is capitalized anyway."""
    run: list[str] = []
    end = 0
    for match in WORD.finditer(text):
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
