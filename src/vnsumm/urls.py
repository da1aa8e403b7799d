"""What counts as a URL input, its canonical form, and the stable article id made from it."""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePosixPath
from urllib.parse import SplitResult, unquote, urljoin, urlsplit, urlunsplit

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_url(text: str) -> bool:
    """True for `scheme://...` inputs (a path never has `://`); only http(s) ones are fetched, others are errors."""
    return bool(_SCHEME.match(str(text)))


def split_url(url: str) -> SplitResult:
    """urlsplit, reading a URL it cannot split (a bad bracketed host: `https://[domain]/x`, a template left in a
    page or a feed) as empty parts instead of raising: one such link must not cost its page or its feed."""
    try:
        return urlsplit(url)
    except ValueError:
        return urlsplit("")


def join_url(base: str, link: str) -> str:
    """urljoin, with "" for a link or base it cannot split (see split_url)."""
    try:
        return urljoin(base, link)
    except ValueError:
        return ""


def web_url(value: object) -> str | None:
    """`value` when it is an http(s) address with a host (a link a reader can follow), else None."""
    if not isinstance(value, str):
        return None
    parts = split_url(value.strip())
    return value.strip() if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def site_name(url: str | None) -> str | None:
    """The host an address names, without `www.`: what stands for a publisher that gives no name."""
    return (split_url(url or "").hostname or "").removeprefix("www.") or None


def normalize_url(url: str) -> str:
    """One spelling per page: scheme and host lower-cased, default port and fragment dropped, empty path as `/`."""
    parts = split_url(url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    if parts.username:  # credentials stay in the URL that is fetched, never in the id
        netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def url_id(url: str) -> str:
    """A stable article id: the host, the page's slug (for people) and a hash of the whole URL (for uniqueness),
    e.g. `vnexpress.net:ten-bai-4729-3f2a9c1d`. The same URL gives the same id in every run."""
    canonical = normalize_url(url)
    parts = split_url(canonical)
    host = (parts.hostname or "") + (f"_{parts.port}" if parts.port else "")
    segments = [s for s in unquote(parts.path).split("/") if s]
    slug = PurePosixPath(segments[-1]).stem if segments else "index"
    slug = re.sub(r"[^\w-]+", "-", slug).strip("-")[:60] or "page"
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:8]
    return f"{host}:{slug}-{digest}"
