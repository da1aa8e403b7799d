"""URLs to articles: feeds, sitemaps and home pages expanded to their article links, pages fetched politely
(several hosts at once) or read from the page cache, and each read as a saved page is (pages.read_page)."""

from __future__ import annotations

import contextlib
import re
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from vnsumm.fetch.cache import PageCache
from vnsumm.fetch.client import Fetcher, FetchError, Politeness, check_scheme, host_key
from vnsumm.fetch.feeds import Item, Listing, home_feeds, is_newer, parse_listing, robots_sitemaps, since_date
from vnsumm.readers import UnreadableInput, decode
from vnsumm.readers.html import read_html
from vnsumm.readers.rows import make_safe as _cap
from vnsumm.records import Article
from vnsumm.urls import normalize_url, split_url, url_id

MAX_DEPTH = 3  # home page -> sitemap index -> sitemap -> articles
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)


class Progress(Protocol):
    """What vnsumm.progress.RichProgress offers: the number of pages once known, then one step per page."""

    def start(self, total: int | None) -> None: ...

    def advance(self, count: int) -> None: ...


@dataclass
class Target:
    url: str
    item: Item | None = None  # what a feed or sitemap said of the page
    fresh: bool = False  # fetched in this run already (an article URL given as an input)


@dataclass
class _Crawl:
    fetcher: Fetcher
    cache: PageCache
    since: date | None
    refetch: bool

    def get(self, url: str) -> tuple[bytes, str | None]:
        """A listing or an input page: asked for again, conditionally when the cache holds a copy."""
        entry = self.cache.lookup(url)
        kept = self.cache.body(entry) if entry else None
        response = self.fetcher.get(url, entry.conditional() if entry and kept is not None and not self.refetch
                                    else None)
        if response.status == 304 and kept is None:
            raise FetchError("HTTP 304 without a cached copy", 304)
        entry = self.cache.store(url, response)
        return (kept if response.status == 304 else response.body) or b"", entry.content_type

    def resolve(self, url: str, depth: int = 0, seen: set[str] | None = None) -> list[Target | Article]:
        """An input URL as the article pages it stands for, or an error record."""
        seen = set() if seen is None else seen
        if url in seen or depth > MAX_DEPTH:
            return []
        seen.add(url)
        try:
            check_scheme(url)
            entry = self.cache.lookup(url)
            kept = self.cache.body(entry) if entry and entry.status == 200 else None
            if kept is not None and not self.refetch and not _is_root(url) \
                    and parse_listing(url, kept, entry.content_type if entry else None) is None:
                return [Target(url)]  # an article page fetched by an earlier run
            body, content_type = self.get(url)
        except FetchError as exc:
            return [_failed(url, exc)]
        listing = parse_listing(url, body, content_type)
        if listing is not None:
            return self.expand(listing, depth, seen)
        if not _is_html(body, content_type):
            return [_failed(url, FetchError(f"not HTML, a feed or a sitemap ({content_type or 'no content type'})"))]
        if not _is_root(url):
            return [Target(url, fresh=True)]
        try:
            html = decode_page(body, content_type)
        except UnreadableInput as exc:
            return [_failed(url, FetchError(str(exc)))]
        found = home_feeds(url, html) or robots_sitemaps(url, self.fetcher.robots_text(url))
        if not found:
            return [_failed(url, FetchError("a home page that links to no feed, and robots.txt names no sitemap"))]
        return [t for link in found for t in self.resolve(link, depth + 1, seen)]

    def expand(self, listing: Listing, depth: int, seen: set[str]) -> list[Target | Article]:
        targets: list[Target | Article] = [Target(item.url, item) for item in listing.items
                                           if is_newer(item.date, self.since)]
        for sitemap in listing.sitemaps:
            if is_newer(sitemap.date, self.since):  # a sitemap last changed before `since` lists nothing newer
                targets.extend(self.resolve(sitemap.url, depth + 1, seen))
        return targets

    def article(self, target: Target) -> Article:
        ident = url_id(target.url)
        try:
            entry = self.cache.lookup(target.url)
            body = self.cache.body(entry) if entry and entry.status == 200 else None
            if body is None or entry is None or (self.refetch and not target.fresh):
                response = self.fetcher.get(target.url)
                entry, body = self.cache.store(target.url, response), response.body
            if not _is_html(body, entry.content_type):
                raise FetchError(f"not HTML ({entry.content_type or 'no content type'})")
            article = _cap(read_html(decode_page(body, entry.content_type), target.url, ident))
        except (FetchError, UnreadableInput) as exc:
            return _failed(target.url, exc)
        item = target.item
        if item is not None and article.ok:  # the listing fills what the page lacks
            article.title = article.title or item.title
            article.publisher = article.publisher or item.publisher
            if article.date is None and item.date:
                article.date, article.date_source = item.date, "meta"
        return article


def iter_url_articles(urls: Iterable[str], cache_dir: Path, *, since: date | datetime | str | None = None,
                      refetch: bool = False, known_ids: Iterable[str] = (), progress: Progress | None = None,
                      politeness: Politeness | None = None) -> Iterator[Article]:
    """One Article per article page that `urls` stand for (pages, feeds, sitemaps, home pages), duplicates
    dropped; a failure is an Article with `error` set. Fetched pages are kept in `cache_dir`: a page
    already there is not asked for again (unless `refetch`), listings are asked for conditionally. Pages whose id
    is in `known_ids` (records the store already has) are skipped when the cache lacks them, not fetched.
    `since` drops feed and sitemap entries dated before it. Feeds are read first (that sets the total for
    `progress`), then pages are fetched several at once, hosts in turn, and yielded in that order (each host's
    pages in input order)."""
    cache = PageCache(cache_dir)
    fetcher = Fetcher(politeness or Politeness(), cache)
    crawl = _Crawl(fetcher, cache, since_date(since), refetch)
    known = set(known_ids)
    pool = ThreadPoolExecutor(max_workers=fetcher.settings.workers, thread_name_prefix="vnsumm-fetch")
    try:
        # Inputs are resolved several at once (each may be a page, or a feed to read): hosts are fetched in
        # parallel, each within its own limit.
        inputs = [normalize_url(url) if _is_http(url) else url for url in urls]
        targets = _interleave(_unique([t for found in pool.map(crawl.resolve, inputs) for t in found], known,
                                      cache, refetch))
        if progress is not None:
            progress.start(len(targets))
        window: deque[Future[Article]] = deque()
        pending = iter(targets)

        def submit() -> None:
            for target in pending:
                if isinstance(target, Article):
                    done: Future[Article] = Future()
                    done.set_result(target)
                    window.append(done)
                else:
                    window.append(pool.submit(crawl.article, target))
                if len(window) >= 4 * fetcher.settings.workers:  # a bounded read-ahead: memory stays flat
                    return

        submit()
        while window:
            article = window.popleft().result()
            submit()
            if progress is not None:
                progress.advance(1)
            yield article
    finally:
        # Ctrl-C or an abandoned generator: queued pages are dropped, no new request starts, and requests on the
        # wire finish (within the timeout) and are cached, so the next run does not ask for them again.
        fetcher.stopping.set()
        pool.shutdown(wait=True, cancel_futures=True)
        fetcher.close()
        cache.close()


def _unique(targets: list[Target | Article], known: set[str], cache: PageCache,
            refetch: bool) -> list[Target | Article]:
    """First mention of each URL wins, a listing's details added from later mentions; known ids not in the cache
    are dropped (the store already has their records)."""
    first: dict[str, Target] = {}
    kept: list[Target | Article] = []
    for target in targets:
        if isinstance(target, Article):
            kept.append(target)
            continue
        if target.url in first:
            earlier = first[target.url]
            earlier.item = earlier.item or target.item
            earlier.fresh = earlier.fresh or target.fresh
            continue
        entry = cache.lookup(target.url)
        if not refetch and url_id(target.url) in known and (entry is None or cache.body(entry) is None):
            continue
        first[target.url] = target
        kept.append(target)
    return kept


def _interleave(targets: list[Target | Article]) -> list[Target | Article]:
    """Hosts in turn (each host's pages in their order): a feed's pages all come from one host, and a read-ahead
    window over them alone would leave every other host idle behind that host's limit."""
    hosts: dict[str, deque[Target | Article]] = {}
    for target in targets:
        hosts.setdefault(host_key(target.source if isinstance(target, Article) else target.url), deque()).append(
            target)
    turns, ordered = list(hosts.values()), list[Target | Article]()
    while turns:
        ordered.extend(queue.popleft() for queue in turns)
        turns = [queue for queue in turns if queue]
    return ordered


def decode_page(body: bytes, content_type: str | None) -> str:
    """A page's text in the charset it declares (HTTP header, then <meta>), else as io.decode guesses; NFC."""
    declared = re.search(r"charset=[\"']?([\w.:-]+)", content_type or "", re.I)
    meta = None if declared else _META_CHARSET.search(body[:4096])
    charset = declared.group(1) if declared else meta.group(1).decode("ascii") if meta else None
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        with contextlib.suppress(LookupError, UnicodeDecodeError):  # a wrong declaration: io.decode guesses
            body = body.decode(charset).encode("utf-8")
    return decode(body)


def _failed(url: str, exc: Exception) -> Article:
    return Article(id=url_id(url) if _is_http(url) else url, source=url).fail(f"{url}: {exc}")


def _is_http(url: str) -> bool:
    return split_url(url).scheme.lower() in ("http", "https")


def _is_root(url: str) -> bool:
    parts = split_url(url)
    return parts.path in ("", "/") and not parts.query


def _is_html(body: bytes, content_type: str | None) -> bool:
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        return True
    start = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return kind in ("", "text/plain", "application/octet-stream") and start.startswith((b"<!doctype html", b"<html"))
