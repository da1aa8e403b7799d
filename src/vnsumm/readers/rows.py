"""What every reader shares: the fields of a row, and the one pass that makes an article safe to store and show
(surrogates replaced, NUL and control characters removed, titles and ids capped, dates parsed or dropped)."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from vnsumm.jsonl import SURROGATES
from vnsumm.lang.text import normalize
from vnsumm.readers.markup import field_line, field_text
from vnsumm.readers.text import MAX_ARTICLE_CHARS
from vnsumm.records import Article
from vnsumm.urls import web_url

MAX_TITLE_CHARS = 300  # a headline is rarely over 150; a longer "title" is a mislabelled field
MAX_ID_CHARS = 200
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # keeps tab and newline
_LINE_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # titles and ids are one line
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")  # explicit embeddings and overrides: they reorder what follows
_ISO = re.compile(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T\s])")
_DMY = re.compile(r"\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:$|\s)")
_OFFSET = re.compile(r"\d[T ]\d{1,2}:\d{2}.*(?:[zZ]|[+-]\d{2}:?\d{2})\s*$")  # a timestamp with a UTC offset
_OFFSET_SPACE = re.compile(r"\s+(?=(?:[zZ]|[+-]\d{2}:?\d{2})$)")  # `20:30:00 +00:00`, as some exports write
VIETNAM = dt.timezone(dt.timedelta(hours=7))  # where rows and pages are dated (page_dates too)
EARLIEST, LATEST = 1900, 2100
URL_FIELDS = ("url", "link", "source")
MAX_URL_CHARS = 2_000
_NOT_IN_URL = re.compile("[\\s\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@dataclass(frozen=True)
class Fields:
    """Which fields of JSONL/CSV/Parquet rows hold the text, id and title."""

    text: str = "text"
    id: str = "id"
    title: str = "title"
    date: str = "date"
    url: str = "url"  # else `link` or `source`, when either holds a web address (scrapers' usual names)
    publisher: str = "publisher"  # else a source tag in the text, else the url's host (cleaning.rules)


def safe_text(value: str) -> str:
    return _CONTROLS.sub("", SURROGATES.sub("\ufffd", value))


def safe_line(value: str, cap: int) -> str:
    line = " ".join(_BIDI.sub("", _LINE_CONTROLS.sub(" ", SURROGATES.sub("\ufffd", value))).split())
    return line if len(line) <= cap else line[:cap - 1].rstrip() + "…"


def parse_date(value: Any) -> str | None:
    """An ISO date (YYYY-MM-DD) from what a row or page gives: an ISO date or timestamp, dd/mm/yyyy, or a date
    object (Parquet); None for anything else (a word, a number, a mapping, a boolean). A timestamp with a UTC
    offset (`Z`, `+00:00`) is dated in Vietnam time, as pages are; a naive one or a bare date as written."""
    if isinstance(value, str) and _OFFSET.search(value):
        with contextlib.suppress(ValueError):  # not ISO: read as a date below
            value = dt.datetime.fromisoformat(_OFFSET_SPACE.sub("", value.strip()))
    if isinstance(value, dt.datetime | dt.date):
        if isinstance(value, dt.datetime) and value.utcoffset() is not None:
            value = value.astimezone(VIETNAM)
        day = value.date() if isinstance(value, dt.datetime) else value
        return day.isoformat() if EARLIEST <= day.year <= LATEST else None
    if not isinstance(value, str):
        return None
    if match := _ISO.match(value):
        year, month, day_ = match.groups()
    elif match := _DMY.match(value):
        day_, month, year = match.groups()
    else:
        return None
    try:
        parsed = dt.date(int(year), int(month), int(day_))
    except ValueError:
        return None
    return parsed.isoformat() if EARLIEST <= parsed.year <= LATEST else None


def _not_a_date(value: Any) -> str:
    return f"date dropped: not a date ({safe_line(repr(value), 40)})"


def make_safe(article: Article) -> Article:
    """The one pass every article of every reader goes through before it leaves the readers."""
    article.id = safe_line(article.id, MAX_ID_CHARS) or "unnamed"
    article.text = safe_text(article.text)
    if article.title is not None:
        title = safe_line(article.title, MAX_TITLE_CHARS)
        if len(article.title) > MAX_TITLE_CHARS and len(title) >= MAX_TITLE_CHARS:
            article.warnings.append(f"title cut to {MAX_TITLE_CHARS} characters")
        article.title = title or None
    if article.publisher is not None:
        article.publisher = safe_line(article.publisher, MAX_TITLE_CHARS) or None
    if article.url is not None and (len(article.url) > MAX_URL_CHARS or _NOT_IN_URL.search(article.url)):
        article.url = None  # no link to show
    if article.date is not None:
        date = parse_date(article.date)
        if date is None:
            article.warnings.append(_not_a_date(article.date))
            article.date_source = None
        article.date = date
    if article.error is not None:
        article.error = safe_line(article.error, 2_000)
    if len(article.text) > MAX_ARTICLE_CHARS:
        article.warnings.append(f"article too long: only the first {MAX_ARTICLE_CHARS:,} characters are used "
                                f"(it has {len(article.text):,})")
        article.text = article.text[:MAX_ARTICLE_CHARS]
    return article


def row_article(row: Any, source: str, fallback_id: str, fields: Fields) -> Article:
    """One JSONL/CSV/Parquet row as an Article; a row that cannot be one is an Article with `error` set."""
    if not isinstance(row, dict):
        return Article(id=fallback_id, source=source).fail(
            f"{source}: row is {type(row).__name__}, not an object")
    raw_id = row.get(fields.id)
    usable_id = isinstance(raw_id, str | int) and not isinstance(raw_id, bool) and str(raw_id).strip()
    article = Article(id=str(raw_id) if usable_id else fallback_id, source=source)
    text = row.get(fields.text)
    if not isinstance(text, str) or not text.strip():
        if fields.text not in row:  # most likely the wrong field name: say which fields there are
            names = ", ".join(sorted(map(str, row))[:12]) or "none"
            return article.fail(f"{source}: no field {fields.text!r} (fields: {names}); choose one with --text-field")
        if text is not None and not isinstance(text, str):
            return article.fail(f"{source}: field {fields.text!r} holds {type(text).__name__}, not text")
        return article.fail(f"{source}: no text in field {fields.text!r}")
    converted = field_text(text)
    if not converted.strip():  # the field held tags, scripts or entities of spaces, and no text
        return article.fail(f"{source}: no text in field {fields.text!r} (only markup)")
    article.text = normalize(safe_text(converted))
    title = row.get(fields.title)
    article.title = normalize(safe_text(field_line(title))).strip() or None if isinstance(title, str) else None
    article.url = next(filter(None, (web_url(row.get(name)) for name in dict.fromkeys((fields.url, *URL_FIELDS)))),
                       None)
    publisher = row.get(fields.publisher)
    article.publisher = normalize(safe_text(publisher)).strip() or None if isinstance(publisher, str) else None
    date = row.get(fields.date)
    if date not in (None, ""):
        article.date = parse_date(date)
        if article.date is None:
            article.warnings.append(_not_a_date(date))
        else:
            article.date_source = "meta"
    return article
