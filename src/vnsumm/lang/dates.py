"""Publication dates in text: ISO helper, the date forms Vietnamese pages print, bylines, ledes and URLs.

Pages print dates as `Thứ năm, 20/12/2012, 08:00 GMT+7`, `24/12/12 11:05 tối`, `20-12-2012`, `ngày 20 tháng 12
năm 2012` or ISO `2018-07-19 15:18`; a lede opens with `Chiều 12/11, ...` and leaves the year to the reader.
"""

from __future__ import annotations

import re
from datetime import date
from enum import Enum

from vnsumm.lang.text import split_sentences
from vnsumm.urls import split_url

_I = re.IGNORECASE


class DateSource(str, Enum):
    """Which step of the cascade gave an article its date; records keep the string value."""

    META = "meta"  # structured metadata: JSON-LD, published-time metas, itemprop, dc.date, the input's date field
    URL = "url"  # the canonical URL
    BYLINE = "byline"  # a visible date line of the page (near the headline) or a text page's date line / counter
    TEXT = "text"  # htmldate's own text heuristics over the page
    LEDE = "lede"  # the first sentences of the article ("Chiều 12/11, ...")
    NONE = "none"


_WEEKDAY = r"(?:(?:thứ\s*(?:[2-7]|hai|ba|tư|năm|sáu|bảy)|chủ\s*nhật|cn)\s*[,-]?\s*)"
_TIME = r"(?:\d{1,2}\s*[:h]\s*\d{2}(?::\d{2})?(?:\s*(?:am|pm|sáng|chiều|tối|trưa|đêm))?)"
_ZONE = r"(?:\(?\s*(?:gmt|utc)\s*[+]\s*0?7(?::00)?\s*\)?)"
# Day, month and a four- or two-digit year; slashes, dashes or dots.
_DMY = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4}|\d{2})(?![\d/])"
_DATE = re.compile(r"(?<!\d)(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?!\d)")
_DATE_WORDS = re.compile(r"ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})", _I)
_VISIBLE = re.compile(rf"(?<![\d/.]){_DMY}", _I)
_VISIBLE_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{1,2}:\d{2})?(?!\d)")
# Everything of a byline that is not a name or a label: dates, times, weekdays, zones, separators.
DATE_PARTS = re.compile(rf"{_WEEKDAY}|{_TIME}|{_ZONE}|{_DMY}|\d{{4}}-\d{{2}}-\d{{2}}|ngày|tháng|năm|\d+|[|,:/()-]", _I)
# A whole line that is only a date (with weekday, time, zone, a view counter): page furniture in the body.
DATE_LINE = re.compile(
    rf"^{_WEEKDAY}?(ngày\s*)?\d{{1,2}}[/-]\d{{1,2}}[/-](\d{{4}}|\d{{2}})(\s*[-–,|]?\s*{_TIME})?(\s*{_ZONE})?"
    rf"(\s*\|\s*\d+)?$|^{_TIME}\s*[-–,|]?\s*{_WEEKDAY}?\d{{1,2}}[/-]\d{{1,2}}[/-](\d{{4}}|\d{{2}})(\s*{_ZONE})?$",
    _I,
)
# Date and view counter, possibly glued to the first body sentence: "28/05/2020 | 1165Sáng 28/5/2020, ..."
COUNTER_PREFIX = re.compile(r"^(\d{1,2}/\d{1,2}/\d{4})(\s*[-–,]?\s*\d{1,2}:\d{2})?\s*\|\s*\d+(?=\D|$)\s*")
# A lead that opens with its own date ("Sáng 28/5/2020, ..."); other dates in the body are about other things.
LEAD_DATE = re.compile(r"^(sáng|chiều|tối|trưa|đêm|ngày|hôm)?\s*(ngày|nay|qua)?\s*\d{1,2}[/-]\d{1,2}[/-]\d{4}", _I)
# A day and month said as a lede says when its event happened: after a time of day or "ngày" ("chiều 12/11",
# "hôm qua ngày 1-7", "ngày 12-3"), with no year after it.
_WHEN = r"(?:(?:sáng|chiều|tối|trưa|đêm|hôm)\s+(?:nay\s+|qua\s+)?(?:ngày\s+)?|ngày\s+)"
_DAY_MONTH = _WHEN + r"(\d{1,2})[/-](\d{1,2})(?![/-]?\d)"
# A lede sentence that opens with a day and month but no year ("Chiều 12/11, ...", "- Ngày 1-7, ...").
_LEDE_DAY_MONTH = re.compile(rf"^[-–—]?\s*{_DAY_MONTH}", _I)
# The same anywhere in a sentence, or with a year ("Sáng 28/5/2020"); a range of counts ("ngày 2-3 lần") is no day.
_EVENT_DAY_MONTH = re.compile(rf"(?<!\w){_WHEN}(\d{{1,2}})[/-](\d{{1,2}})([/-]\d{{4}})?(?![/-]?\d)"
                              r"(?!\s*(?:lần|người|giờ|tiếng|ngày|tuần|tháng|năm|%))", _I)
_YEAR_WORDS = re.compile(r"(?<!\d)năm (\d{4})(?!\d)", _I)
LEDE_SENTENCES = 4
EVENT_CHARS = 300  # an opening says its event's day this early; a day said later is often an earlier step's
LEDE_YEAR_DAYS = 90  # a full date this near the lede's day and month gives it its year
# Dates in a canonical URL: /2022/12/24/, -2022-12-24-, or an article id that starts with a timestamp
# (dantri.com.vn: ...-20221224152117143.htm).
_URL_DATES = [re.compile(p) for p in (
    r"/(20\d{2}|19\d{2})/(\d{1,2})/(\d{1,2})/",
    r"[-_/](20\d{2})-(\d{2})-(\d{2})(?:[-_/.]|$)",
    r"-(20\d{2})(\d{2})(\d{2})\d{6,}\.html?$",
)]


def iso_date(day: str, month: str, year: str, *, earliest: int = 1900) -> str | None:
    """Day, month and year as ISO 8601, or None when they cannot be a date (of `earliest` to 2100)."""
    d, m, y = int(day), int(month), int(year)
    if 1 <= d <= 31 and 1 <= m <= 12 and earliest <= y <= 2100:
        try:
            return date(y, m, d).isoformat()
        except ValueError:  # 31/02
            return None
    return None


def full_year(year: str, latest: str | None = None) -> str:
    """A two-digit year in the century that does not put it after `latest` (ISO; today by default)."""
    if len(year) != 2:
        return year
    ceiling = int((latest or date.today().isoformat())[:4])
    return str(2000 + int(year) if 2000 + int(year) <= ceiling else 1900 + int(year))


def find_date(text: str) -> str | None:
    """First plausible date in `text` as ISO 8601 (dd/mm/yyyy, dd-mm-yyyy, 'ngày d tháng m năm y')."""
    for pattern in (_DATE, _DATE_WORDS):
        for match in pattern.finditer(text):
            if iso := iso_date(*match.groups()):
                return iso
    return None


def visible_date(text: str, latest: str | None = None) -> str | None:
    """The date a visible byline prints (`Thứ năm, 20/12/2012, 08:00 GMT+7`, `24/12/12 11:05 tối`,
    `2018-07-19 15:18`, `ngày 20 tháng 12 năm 2012`); None after `latest` or when there is none."""
    found: list[str] = []
    for match in _VISIBLE.finditer(text):
        day, month, year = match.groups()
        if iso := iso_date(day, month, full_year(year, latest), earliest=1990):
            found.append(iso)
    found += [iso for m in _VISIBLE_ISO.finditer(text) if (iso := iso_date(m[3], m[2], m[1], earliest=1990))]
    found += [iso for m in _DATE_WORDS.finditer(text) if (iso := iso_date(*m.groups(), earliest=1990))]
    return next((iso for iso in found if latest is None or iso <= latest), None)


def url_date(url: str | None) -> str | None:
    """The date a canonical article URL encodes, if it encodes one."""
    path = split_url(url or "").path
    for pattern in _URL_DATES:
        if (match := pattern.search(path)) and (iso := iso_date(match[3], match[2], match[1], earliest=1990)):
            return iso
    return None


def lede_date(lines: list[str], latest: str | None = None) -> str | None:
    """The date a lede opens with when it names only day and month ("Chiều 12/11, ..."), in the year that puts it
    nearest a full date the article gives within LEDE_YEAR_DAYS of it (the meeting of 31/10/2019 the article of
    12/11 reports on), else in the year the lede sentence states ("Ngày 1-7, ... năm 2020"). None when nothing ties
    it to a year (a year the article mentions elsewhere is no evidence: "đến năm 2045"), or when the date would come
    after `latest` (ISO; today by default)."""
    sentences = [s for line in lines[:LEDE_SENTENCES] for s in split_sentences(line)][:LEDE_SENTENCES]
    match = next((m for m in map(_LEDE_DAY_MONTH.match, sentences) if m), None)
    if match is None:
        return None
    day, month = match.group(1), match.group(2)
    nearest: tuple[int, int] | None = None  # (days apart, -year): the nearest, the later on a tie
    found: str | None = None
    text = "\n".join(lines)
    for full in [*_DATE.finditer(text), *_DATE_WORDS.finditer(text)]:
        if (iso := iso_date(*full.groups())) is None:
            continue
        said = date.fromisoformat(iso)
        for year in (said.year - 1, said.year, said.year + 1):
            if (candidate := iso_date(day, month, str(year))) is None:
                continue
            apart = abs((date.fromisoformat(candidate) - said).days)
            if apart <= LEDE_YEAR_DAYS and (nearest is None or (apart, -year) < nearest):
                nearest, found = (apart, -year), candidate
    if found is None and (stated := _YEAR_WORDS.findall(match.string)):
        found = iso_date(day, month, stated[0])
    return found if found is not None and found <= (latest or date.today().isoformat()) else None


def event_day(text: str, within: int = EVENT_CHARS) -> tuple[int, int] | None:
    """The day and month an article's opening says its event happened on, when no year goes with them: the first
    said after a time of day or "ngày" in its first `within` characters, at a sentence's start or not ("Chiều 29/8,
    ôtô khách...", "Chủ tịch nước chiều 29/6 có cuộc gặp...", "Các quan chức ngày 16/5 cho biết..."). None when
    it says none, or none that can be a day (31/2 can be no year's), or when the first it says has a year: that
    full date is the article's own (text_date), and a day said after it is an earlier step's, not the event's."""
    for match in _EVENT_DAY_MONTH.finditer(text[:within]):
        if match[3]:
            return None
        day, month = int(match[1]), int(match[2])
        if iso_date(str(day), str(month), "2000"):  # a leap year: 29/2 is a day
            return day, month
    return None


def text_date(lines: list[str], dated_line: str | None) -> tuple[str | None, DateSource | None]:
    """A text page's date: its date line or counter (`dated_line`), else the date its lede opens with."""
    if dated_line is not None and (found := find_date(dated_line)):
        return found, DateSource.BYLINE
    if lines and (lead := LEAD_DATE.match(lines[0])) and (found := find_date(lead.group(0))):
        return found, DateSource.LEDE
    if lines and (found := lede_date(lines)):
        return found, DateSource.LEDE
    return None, None
