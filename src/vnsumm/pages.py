"""Reading a saved news page: the body through trafilatura, the metadata from the page's own markup.

Structured metadata comes first, text heuristics after: the date from JSON-LD `datePublished` or a published-time
meta tag, else from the canonical URL where the site encodes it (never from image or asset paths, which hold the
upload date of a picture); the headline from og:title or JSON-LD, without the site and section names sites append;
the publisher from JSON-LD, og:site_name or the domain. The lead (sapo), which extractors often drop as
page furniture, is taken back from the element that holds the page's description; photo stories, whose text lives
in figure captions, keep their captions.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from vnsumm.clean import iso_date
from vnsumm.records import Article
from vnsumm.text import fold_tones, normalize

_PUBLISHED = ("article:published_time", "datepublished", "pubdate", "publishdate", "dc.date.issued", "dc.date",
              "date", "og:published_time", "article:published")
# Dates in a canonical URL: /2022/12/24/, -2022-12-24-, or an article id that starts with a timestamp
# (dantri.com.vn: ...-20221224152117143.htm).
_URL_DATES = [re.compile(p) for p in (
    r"/(20\d{2}|19\d{2})/(\d{1,2})/(\d{1,2})/",
    r"[-_/](20\d{2})-(\d{2})-(\d{2})(?:[-_/.]|$)",
    r"-(20\d{2})(\d{2})(\d{2})\d{6,}\.html?$",
)]
# Class names Vietnamese (and other) news sites give the lead: sapo (dantri, tuoitre, vietnamnet), summary (znews),
# description (vnexpress), lead, intro.
_LEAD_CLASSES = " | ".join(
    f"//body//*[contains(concat(' ', translate(@class, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_', 'abcdefghijklmnopqrstuvwxyz-'),"
    f" ' '), '{name}')][not(ancestor::nav)][not(ancestor::footer)]"
    for name in ("sapo", "summary", "description", "lead", "intro"))
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—:]\s+")
SECTION_WORDS = 4  # a title segment this short after the headline, next to the site's name, is a section name
PHOTO_STORY_CHARS = 1_000  # a body shorter than its captions is a photo story


def _iso(year: str, month: str, day: str) -> str | None:
    return iso_date(day, month, year, earliest=1990)  # older "dates" in a page's markup or URL are other numbers


def _iso_prefix(value: Any) -> str | None:
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", str(value or ""))
    return _iso(*match.groups()) if match else None


def _json_ld(tree: Any) -> list[dict[str, Any]]:
    """JSON-LD objects of the page (graphs and lists flattened); broken blocks are skipped."""
    found: list[dict[str, Any]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except json.JSONDecodeError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                stack.extend(v for k, v in item.items() if k == "@graph")
    return found


def _metas(tree: Any) -> dict[str, str]:
    """meta tags by lowercased property, name or itemprop (the first non-empty of each)."""
    metas: dict[str, str] = {}
    for meta in tree.xpath("//meta[@content]"):
        content = (meta.get("content") or "").strip()
        for key in ("property", "name", "itemprop"):
            name = (meta.get(key) or "").strip().lower()
            if name and content and name not in metas:
                metas[name] = content
    return metas


def url_date(url: str | None) -> str | None:
    """The date a canonical article URL encodes, if it encodes one."""
    path = urlsplit(url or "").path
    for pattern in _URL_DATES:
        if (match := pattern.search(path)) and (iso := _iso(*match.groups())):
            return iso
    return None


def page_date(ld: list[dict[str, Any]], metas: dict[str, str], url: str | None) -> tuple[str | None, str | None]:
    """The publication date and where it was read ("meta" or "url")."""
    for item in ld:
        if iso := _iso_prefix(item.get("datePublished") or item.get("dateCreated")):
            return iso, "meta"
    for name in _PUBLISHED:
        if iso := _iso_prefix(metas.get(name)):
            return iso, "meta"
    if iso := url_date(url):
        return iso, "url"
    return None, None


def _folded(text: str) -> str:
    return " ".join(fold_tones(normalize(text)).lower().split())


def strip_site_suffix(title: str, site_names: list[str]) -> str:
    """`Headline - Chính trị - Xã hội - Tuổi Trẻ Online` -> `Headline`: a last segment naming the site goes, and
    then the short section names before it."""
    names = [_folded(n) for n in site_names if n and n.strip()]
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2 or not names:
        return title
    last = _folded(parts[-1]).replace(" ", "")
    if not any(name.replace(" ", "") in last or last in name.replace(" ", "") for name in names if len(last) > 2):
        return title
    parts.pop()
    while len(parts) > 1 and len(parts[-1].split()) <= SECTION_WORDS and not re.search(r"[.!?\"”]$", parts[-1]):
        parts.pop()
    # Rejoin what is left with its own separators.
    kept = title[: title.index(parts[-1]) + len(parts[-1])] if parts[-1] in title else " - ".join(parts)
    return kept.strip()


def _publisher(ld: list[dict[str, Any]], metas: dict[str, str], sitename: str | None, url: str | None) -> str | None:
    for item in ld:
        publisher = item.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str) and publisher["name"].strip():
            return normalize(publisher["name"]).strip()
    for candidate in (metas.get("og:site_name"), sitename):
        if candidate and candidate.strip() and not candidate.strip().startswith("http"):
            return normalize(candidate).strip()
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.") or None


def _element_text(element: Any) -> str:
    return " ".join(element.text_content().split())


def _lead(tree: Any, description: str | None, body: str) -> str | None:
    """The page's lead when the body lacks it: the element whose text begins like the page's description."""
    if not description or len(description) < 40:
        return None
    start = _folded(description)[:40]
    if start in _folded(body):
        return None
    candidates = [_element_text(e) for e in tree.xpath(
        "//body//*[self::p or self::h2 or self::div or self::span or self::h3]")]
    candidates = [t for t in candidates if 40 <= len(t) <= 2_000]
    # The element that holds the description's text; else an element that sites name for their lead.
    for text in candidates:
        if _folded(text).startswith(start):
            return normalize(text)
    for element in tree.xpath(_LEAD_CLASSES):
        text = _element_text(element)
        if 40 <= len(text) <= 2_000 and _folded(text)[:40] not in _folded(body):
            return normalize(text)
    return None


def _captions(tree: Any) -> list[str]:
    seen: set[str] = set()
    captions = []
    for element in tree.xpath("//figcaption"):
        text = normalize(_element_text(element))
        if len(text) >= 40 and text not in seen:
            seen.add(text)
            captions.append(text)
    return captions


def read_page(html: str, path: str, stem: str) -> Article:
    """One saved page as an Article: body text, headline, date (with `date_source`) and publisher."""
    import lxml.html
    import trafilatura

    article = Article(id=stem, source=path)
    document = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True)
    body = normalize(getattr(document, "text", None) or "")  # None too when trafilatura found no document
    try:
        # A page that declares its encoding (<?xml ... encoding=...?>) is parsed from bytes: lxml refuses the str.
        tree = lxml.html.fromstring(html.encode("utf-8") if html.lstrip().startswith("<?xml") else html)
    except (ValueError, lxml.etree.ParserError):
        tree = None
    if tree is None:
        if not body.strip():
            return article.fail(f"{path}: no article text found in the HTML page")
        title = getattr(document, "title", None)
        return Article(id=stem, source=path, text=body, title=normalize(title).strip() if title else None)
    ld, metas = _json_ld(tree), _metas(tree)
    canonical = next(iter(tree.xpath('//link[@rel="canonical"]/@href')), None) or metas.get("og:url") \
        or getattr(document, "url", None)
    captions = _captions(tree)
    if len(body) < PHOTO_STORY_CHARS and sum(map(len, captions)) > len(body):
        body = "\n".join([*(line for line in body.splitlines() if line not in captions), *captions])
    description = metas.get("og:description") or metas.get("description") or getattr(document, "description", None)
    if lead := _lead(tree, description, body):
        body = f"{lead}\n{body}"
    if not body.strip():
        return article.fail(f"{path}: no article text found in the HTML page")
    publisher = _publisher(ld, metas, getattr(document, "sitename", None), canonical)
    headline = next((normalize(i["headline"]) for i in ld if isinstance(i.get("headline"), str)), None)
    title = metas.get("og:title") or headline or getattr(document, "title", None)
    if title:
        title = strip_site_suffix(normalize(title).strip(),
                                  [publisher or "", urlsplit(canonical or "").hostname or "",
                                   getattr(document, "sitename", None) or ""])
    date, date_source = page_date(ld, metas, canonical)
    article.text, article.title, article.date, article.date_source = body, title or None, date, date_source
    article.publisher = publisher
    return article
