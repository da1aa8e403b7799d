"""URLs as inputs: article pages, RSS/Atom feeds, sitemaps and home pages, fetched politely into a page cache
and read as saved pages are. The entry points for `vnsumm run`: `is_url` and `iter_url_articles`."""

from vnsumm.fetch.client import USER_AGENT, Politeness
from vnsumm.fetch.crawl import iter_url_articles
from vnsumm.urls import is_url, normalize_url, url_id

__all__ = ["USER_AGENT", "Politeness", "is_url", "iter_url_articles", "normalize_url", "url_id"]
