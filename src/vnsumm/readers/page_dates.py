"""A saved page's publication date, by a cascade of general steps; the first that answers wins.

1. structured metadata: JSON-LD `datePublished`, published-time metas, `itemprop="datePublished"`, `dc.date`
   (an empty tag is skipped);
2. the canonical URL (`/2022/12/24/`, an article id that starts with a timestamp);
3. the visible date line nearest the headline (`Thứ năm, 20/12/2012, 08:00 GMT+7`, `24/12/12 11:05 tối`);
4. htmldate's own text heuristics (`original_date=True`) over the page without its pictures, comments and
   related items.
No step may give a date after the page was saved (the HTTP `Date` a browser kept, else today), nor read one from
a comment, a related item or an image path (pictures carry their upload dates).
"""

from __future__ import annotations

import copy
import re
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from vnsumm.lang.dates import DATE_PARTS, DateSource, iso_date, url_date, visible_date
from vnsumm.readers.rows import VIETNAM

_PUBLISHED = ("article:published_time", "datepublished", "pubdate", "publishdate", "dc.date.issued", "dc.date",
              "dcterms.created", "date", "og:published_time", "article:published", "publish-date",
              "parsely-pub-date", "sailthru.date")
# Containers of things that are not the article: comments, related or most-read items, sidebars.
_ASIDE_WORDS = ("comment", "binh-luan", "binhluan", "related", "relate", "lien-quan", "lienquan", "tin-khac",
                "xem-nhieu", "doc-nhieu", "footer", "cung-chuyen-muc", "readmore", "read-more")
ASIDE_XPATH = "|".join(
    f"//*[contains(translate(concat(@class, ' ', @id), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_', "
    f"'abcdefghijklmnopqrstuvwxyz-'), '{word}')][self::div or self::section or self::aside or self::ul or self::ol"
    f" or self::footer or self::table]"
    for word in _ASIDE_WORDS)  # blocks only: an inline link classed "relate" inside a sentence is article text
_NO_DATE_TAGS = {"figure", "figcaption", "aside", "nav", "footer", "a", "img", "picture", "script", "style"}
BYLINE_WINDOW = 60  # elements before or after the headline where its date line may sit
BYLINE_MAX_CHARS = 160  # a longer element is a paragraph, whose dates are about other things
HEADLINE_MIN_WORDS = 2  # an <h1> with fewer words is a logo or a label, not the headline
BYLINE_MAX_WORDS = 8  # words besides the date, time and weekday in a date line (a label, a section, an author)
_IMAGE = re.compile(r"\.(jpe?g|png|gif|webp|avif|svg)(\?|$)|/(images?|photos?|uploads?|media|thumbs?)/", re.I)


def _meta_iso(value: Any, latest: str) -> str | None:
    """An ISO timestamp's date (in Vietnam's time when the page gives UTC), or a printed date."""
    text = str(value or "").strip()
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]00:?00)?)?", text)
    if match is None:
        return visible_date(text, latest) if len(text) <= 40 else None
    if match[6]:  # a UTC stamp: the date Vietnamese readers saw
        try:
            moment = datetime(int(match[1]), int(match[2]), int(match[3]), int(match[4]), int(match[5]),
                              tzinfo=timezone.utc)
        except ValueError:  # WordPress's 0000-00-00T00:00:00+00:00, a month 13, ISO's 24:00
            return None
        return moment.astimezone(VIETNAM).date().isoformat()
    return iso_date(match[3], match[2], match[1], earliest=1990)


def saved_date(html: str) -> str:
    """The latest date the page can carry: the HTTP `Date:` header a browser kept in a comment, else today."""
    match = re.search(r"^\s*Date:\s*(\w{3},\s*\d{1,2}\s+\w{3}\s+\d{4}[^\n]*)$", html[-5_000:], re.MULTILINE)
    if match:
        try:
            return parsedate_to_datetime(match[1].strip()).astimezone(VIETNAM).date().isoformat()
        except (TypeError, ValueError):
            pass
    return date.today().isoformat()


def _structured(ld: list[dict[str, Any]], metas: dict[str, str], tree: Any, latest: str) -> str | None:
    values: list[Any] = [item.get("datePublished") or item.get("dateCreated") for item in ld]
    values += [metas.get(name) for name in _PUBLISHED]
    for element in tree.xpath('//*[@itemprop="datePublished"]'):
        values.append(element.get("content") or element.get("datetime") or element.text_content())
    for value in values:
        if value and (iso := _meta_iso(value, latest)) and iso <= latest:
            return iso
    return None


def _aside(element: Any) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in _NO_DATE_TAGS:
            return True
        label = f"{ancestor.get('class', '')} {ancestor.get('id', '')}".lower().replace("_", "-")
        if any(word in label for word in _ASIDE_WORDS):
            return True
    return False


def headline_element(tree: Any) -> Any | None:
    """The article's `<h1>`: the first one inside an article or main element, else the first of the page, that has
    a headline's words: many pages wrap their logo (an image, no text) or a one-word label in an `<h1>` of its own."""
    for path in ("//article//h1 | //main//h1", "//body//h1"):
        for element in tree.xpath(path):
            if len(element.text_content().split()) >= HEADLINE_MIN_WORDS:
                return element
    return None


def byline_date(tree: Any, latest: str) -> str | None:
    """The visible date line nearest the headline, outside comments, related items and pictures."""
    heading = headline_element(tree)
    if heading is None:
        return None
    elements = [e for e in tree.iter() if isinstance(e.tag, str)]
    position = elements.index(heading)
    nearest: tuple[int, str] | None = None
    for index in range(max(0, position - BYLINE_WINDOW), min(len(elements), position + BYLINE_WINDOW)):
        element = elements[index]
        if element.tag in _NO_DATE_TAGS or element is heading:
            continue
        text = " ".join(element.text_content().split())
        if not text or len(text) > BYLINE_MAX_CHARS or _aside(element):
            continue
        if len(DATE_PARTS.sub(" ", text).split()) > BYLINE_MAX_WORDS:
            continue  # a sentence of the article that mentions a date
        if (found := visible_date(text, latest)) and (nearest is None or abs(index - position) < nearest[0]):
            nearest = (abs(index - position), found)
    return nearest[1] if nearest else None


def heuristic_date(tree: Any, url: str | None, latest: str) -> str | None:
    """htmldate's text heuristics, on a copy of the page without pictures, comments, related items and article
    paragraphs."""
    import lxml.html
    from htmldate import find_date

    page = copy.deepcopy(tree)
    for element in page.xpath(f"//img | //picture | //source | //figure | {ASIDE_XPATH}"):
        if element.getparent() is not None:
            element.drop_tree()
    for element in page.xpath("//p | //td | //blockquote"):  # the article's sentences date other events
        if len(element.text_content()) > BYLINE_MAX_CHARS and element.getparent() is not None:
            element.drop_tree()
    for element in page.iter():  # image addresses in metas and attributes carry the pictures' upload dates
        for name, value in list(element.attrib.items()):
            if _IMAGE.search(value):
                if element.tag in ("meta", "link"):
                    element.drop_tree()
                    break
                del element.attrib[name]
    try:
        found = find_date(page, original_date=True, extensive_search=True, url=url, max_date=latest,
                          min_date="1995-01-01")
    except (ValueError, TypeError):  # htmldate raises on some malformed trees; the date stays unknown
        return None
    # htmldate falls back on January 1 of a year it saw (a copyright line): a date the page never prints is no date.
    return found if found and found <= latest and found in printed_dates(lxml.html.tostring(page, encoding="unicode")) \
        else None


def printed_dates(html: str) -> set[str]:
    """Every date a page's markup prints or encodes in full (d/m/y, y-m-d, y/m/d, yyyymmdd)."""
    found = {iso for m in re.finditer(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)", html)
             if (iso := iso_date(*m.groups(), earliest=1990))}
    found |= {iso for m in re.finditer(r"(?<!\d)(\d{4})[/.-]?(\d{2})[/.-]?(\d{2})(?!\d)", html)
              if (iso := iso_date(m[3], m[2], m[1], earliest=1990))}
    return found


def page_date(html: str, tree: Any, ld: list[dict[str, Any]], metas: dict[str, str],
              url: str | None) -> tuple[str | None, DateSource | None]:
    """The publication date and the cascade step that gave it."""
    latest = saved_date(html)
    if iso := _structured(ld, metas, tree, latest):
        return iso, DateSource.META
    if (iso := url_date(url)) and iso <= latest:
        return iso, DateSource.URL
    if iso := byline_date(tree, latest):
        return iso, DateSource.BYLINE
    if iso := heuristic_date(tree, url, latest):
        return iso, DateSource.TEXT
    return None, None
