"""Feeds (RSS, Atom), sitemaps (index, news and text sitemaps included) and home pages as lists of article
links, each with what the listing says of it: title, date, publisher. Feed links on a home page and Sitemap lines
in robots.txt are found with trafilatura's helpers."""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from lxml import etree

from vnsumm.urls import join_url, normalize_url, site_name, split_url

MAX_HOME_FEEDS = 20  # a home page listing more feeds than this is read through its first ones


@dataclass
class Item:
    """One article link from a feed or a sitemap."""

    url: str
    title: str | None = None
    date: str | None = None  # ISO 8601 day
    publisher: str | None = None


@dataclass
class Listing:
    kind: str  # "feed", "sitemap" or "sitemapindex"
    items: list[Item] = field(default_factory=list)
    sitemaps: list[Item] = field(default_factory=list)  # a sitemap index's sitemaps (their lastmod as date)


_XML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*|<\?[^>]*>\s*|<!DOCTYPE[^>]*>\s*)*<([\w:.-]+)", re.S)


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child(element: etree._Element, *names: str) -> etree._Element | None:
    """The first child named `names[0]`, else `names[1]`...: the order says which is preferred."""
    for name in names:
        for child in element:
            if _local(child.tag) == name:
                return child
    return None


def _text(element: etree._Element, *names: str) -> str | None:
    child = _child(element, *names)
    text = " ".join("".join(child.itertext()).split()) if child is not None else ""
    return text or None


def iso_day(value: str | None) -> str | None:
    """A feed's or a sitemap's date (RFC 822 or ISO 8601) as an ISO day."""
    if not value:
        return None
    value = value.strip()
    if match := re.match(r"(\d{4})-(\d{2})-(\d{2})", value):
        try:
            return date(*map(int, match.groups())).isoformat()
        except ValueError:
            return None
    try:
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def parse_listing(url: str, body: bytes, content_type: str | None = None) -> Listing | None:
    """The links of a feed or a sitemap; None when `body` is neither (a page, or XML of another kind)."""
    match = _XML_START.match(body[:4096])
    if match is None:
        return _text_sitemap(url, body, content_type)
    if _local(match.group(3).decode("ascii", "replace")).lower() not in ("rss", "rdf", "feed", "urlset",
                                                                         "sitemapindex"):
        return None
    # No entities, no network: a listing is untrusted input.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    name = _local(root.tag).lower()
    if name in ("rss", "rdf"):
        channel = _child(root, "channel")
        publisher = _text(channel, "title") if channel is not None else None
        entries = root.iter("{*}item")
        items = [Item(_resolve(url, _text(e, "link") or _permalink(e)), _text(e, "title"),
                      iso_day(_text(e, "pubDate", "date", "published")), publisher) for e in entries]
        return Listing("feed", [i for i in items if i.url])
    if name == "feed":
        publisher = _text(root, "title")
        items = [Item(_resolve(url, _atom_link(e)), _text(e, "title"), iso_day(_text(e, "published", "updated")),
                      publisher) for e in root.iter("{*}entry")]
        return Listing("feed", [i for i in items if i.url])
    entries = [(e, _text(e, "loc")) for e in root if _local(e.tag) in ("url", "sitemap")]
    if name == "sitemapindex":
        return Listing("sitemapindex", sitemaps=[Item(_resolve(url, loc), date=iso_day(_text(e, "lastmod")))
                                                 for e, loc in entries if loc])
    items = []
    for element, loc in entries:
        news = _child(element, "news")
        publication = _child(news, "publication") if news is not None else None
        items.append(Item(_resolve(url, loc), _text(news, "title") if news is not None else None,
                          iso_day((_text(news, "publication_date") if news is not None else None)
                                  or _text(element, "lastmod")),
                          _text(publication, "name") if publication is not None else None))
    return Listing("sitemap", [i for i in items if i.url])


def _permalink(entry: etree._Element) -> str | None:
    guid = _child(entry, "guid")
    if guid is not None and guid.get("isPermaLink", "true") != "false":
        return _text(entry, "guid")
    return None


def _atom_link(entry: etree._Element) -> str | None:
    links = [e for e in entry if _local(e.tag) == "link" and e.get("href")]
    chosen = next((e for e in links if e.get("rel", "alternate") == "alternate"), links[0] if links else None)
    return chosen.get("href") if chosen is not None else None


def _resolve(base: str, link: str | None) -> str:
    if not link:
        return ""
    absolute = join_url(base, link.strip())
    return normalize_url(absolute) if split_url(absolute).scheme in ("http", "https") else ""


def _text_sitemap(url: str, body: bytes, content_type: str | None) -> Listing | None:
    """A text sitemap: a text/plain answer whose lines are all http(s) URLs."""
    if not (content_type or "").lower().startswith("text/plain"):
        return None
    lines = [line.strip() for line in body.decode("utf-8", errors="replace").splitlines() if line.strip()]
    if not lines or not all(re.match(r"https?://\S+$", line) for line in lines):
        return None
    return Listing("sitemap", [Item(normalize_url(line)) for line in lines])


def home_feeds(url: str, html: str) -> list[str]:
    """The feeds a home page links to on its own site (trafilatura's feed finder: <link rel=alternate>, else
    links that look like feeds), at most MAX_HOME_FEEDS."""
    from trafilatura.feeds import FeedParameters, determine_feed

    parts = split_url(url)
    base = f"{parts.scheme}://{parts.netloc}"
    found = determine_feed(html, FeedParameters(base, parts.hostname or "", url))
    own = [normalize_url(link) for link in found if _same_site(link, parts.hostname or "")]
    return list(dict.fromkeys(own))[:MAX_HOME_FEEDS]


def robots_sitemaps(url: str, robots_text: str | None) -> list[str]:
    from trafilatura.sitemaps import extract_robots_sitemaps

    parts = split_url(url)
    return [normalize_url(u) for u in extract_robots_sitemaps(robots_text, f"{parts.scheme}://{parts.netloc}")]


def _same_site(link: str, host: str) -> bool:
    other, own = site_name(link) or "", host.lower().removeprefix("www.")
    return other == own or other.endswith("." + own)


def is_newer(day: str | None, since: date | None) -> bool:
    """Whether a listed date is on or after `since`; undated entries are kept (nothing says they are old)."""
    return since is None or day is None or day >= since.isoformat()


def since_date(value: date | datetime | str | None) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(value[:10])
