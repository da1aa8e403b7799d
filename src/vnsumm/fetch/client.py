"""Fetching as a good citizen: robots.txt, a few requests at once per host with a delay between them, a
User-Agent naming vnsumm, timeouts, retries with backoff (honouring Retry-After), a size cap, http(s) only and a
redirect cap. urllib3 (trafilatura's own client) with threads: the pipeline is synchronous, and per-host gates
bound concurrency where it matters."""

from __future__ import annotations

import email.utils
import threading
import time
from dataclasses import dataclass, field
from urllib.robotparser import RobotFileParser

import urllib3

from vnsumm.fetch.cache import PageCache
from vnsumm.urls import join_url, split_url
from vnsumm.version import __version__

USER_AGENT = f"vnsumm/{__version__} (news summarizer; honours robots.txt)"
REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(frozen=True)
class Politeness:
    """How hard vnsumm may press a site. Tests shrink the waits; the defaults are for real sites."""

    per_host: int = 2  # requests at once to one host
    delay: float = 1.0  # seconds between the starts of two requests to one host (a robots.txt Crawl-delay wins)
    workers: int = 8  # requests at once over all hosts
    timeout: float = 20.0  # seconds for connecting, and for the whole response
    retries: int = 3  # further tries after a 429, a 5xx, a timeout or a dropped connection
    backoff: float = 2.0  # first wait before a retry (seconds), doubled each time, unless Retry-After says more
    max_wait: float = 120.0  # a Retry-After longer than this is a failure, not a wait
    max_bytes: int = 5_000_000  # a larger response is an error
    max_redirects: int = 5
    down_after: int = 8  # this many tries in a row without an answer: the host's other pages fail at once
    robots_ttl: float = 86_400.0  # a cached robots.txt younger than this is not asked for again
    user_agent: str = USER_AGENT


class FetchError(Exception):
    """A URL that could not be fetched: one line, with the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Response:
    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int  # 200, or 304 for a conditional request answered "not modified"
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""
    reason: str = ""


def host_key(url: str) -> str:
    parts = split_url(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def check_scheme(url: str) -> None:
    parts = split_url(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise FetchError(f"only http(s) URLs are fetched: {url}")


def retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for: a number of seconds or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


@dataclass
class _Gate:
    slots: threading.Semaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0
    silent: int = 0  # tries in a row that got no answer at all (timeouts, refused or dropped connections)


class Fetcher:
    """GET with politeness; robots.txt read once per host (and kept in the page cache for `robots_ttl`)."""

    def __init__(self, settings: Politeness, cache: PageCache) -> None:
        self.settings, self.cache = settings, cache
        self.pool = urllib3.PoolManager(num_pools=64, maxsize=settings.per_host, block=False)
        self._gates: dict[str, _Gate] = {}
        self._robots: dict[str, RobotFileParser | None] = {}  # None: robots.txt unreachable, all disallowed
        self._robots_failures: dict[str, str] = {}  # why a host's robots.txt could not be read
        self._robot_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self.stopping = threading.Event()  # set on Ctrl-C: no new request, no more waiting
        self.requests = 0  # every request sent, robots.txt included (benchmarks and tests count them)

    def close(self) -> None:
        self.pool.clear()

    def get(self, url: str, headers: dict[str, str] | None = None) -> Response:
        """The page at `url` after redirects, or FetchError. `headers` (If-None-Match, If-Modified-Since) may
        make the answer a 304 with an empty body."""
        current = url
        for _ in range(self.settings.max_redirects + 1):
            check_scheme(current)
            self.check_robots(current)
            response = self._request(current, headers or {})
            if response.status in REDIRECTS and "location" in response.headers:
                current = join_url(current, response.headers["location"])
                continue
            response.url = url
            if response.status not in (200, 304):
                raise FetchError(f"HTTP {response.status} {response.reason}".strip(), response.status)
            return response
        raise FetchError(f"more than {self.settings.max_redirects} redirects")

    def check_robots(self, url: str) -> None:
        rules = self.robots(url)
        if rules is None:
            why = self._robots_failures.get(host_key(url))
            raise FetchError(f"robots.txt of {host_key(url)} could not be read{f' ({why})' if why else ''}, so "
                             "nothing there is fetched")
        if not rules.can_fetch(self.settings.user_agent, url):
            raise FetchError("disallowed by robots.txt")

    def robots(self, url: str) -> RobotFileParser | None:
        key = host_key(url)
        with self._lock:
            lock = self._robot_locks.setdefault(key, threading.Lock())
        with lock:  # one thread per host reads robots.txt; the others wait for its answer
            if key not in self._robots:
                self._robots[key] = self._read_robots(key)
            return self._robots[key]

    def robots_text(self, url: str) -> str | None:
        """The cached robots.txt of `url`'s host (for its Sitemap lines), once `robots` has read it."""
        entry = self.cache.lookup(host_key(url) + "/robots.txt")
        body = self.cache.body(entry) if entry else None
        return body.decode("utf-8", errors="replace") if body is not None else None

    def _read_robots(self, key: str) -> RobotFileParser | None:
        robots_url = key + "/robots.txt"
        entry = self.cache.lookup(robots_url)
        text: str | None = None
        if entry and time.time() - entry.fetched < self.settings.robots_ttl:
            body = self.cache.body(entry)
            text = body.decode("utf-8", errors="replace") if body is not None else None
        if text is None:
            try:
                response = self._request(robots_url, {})
                for _ in range(self.settings.max_redirects):  # followed, as RFC 9309 asks (http to https, say)
                    if response.status not in REDIRECTS or "location" not in response.headers:
                        break
                    target = join_url(response.url, response.headers["location"])
                    check_scheme(target)
                    response = self._request(target, {})
            except FetchError as exc:
                self._robots_failures[key] = str(exc)
                return None
            if 400 <= response.status < 500:  # no robots.txt: everything allowed (RFC 9309)
                response.body = b""
            elif response.status != 200:  # a redirect or 5xx: treated as unreachable, all disallowed (RFC 9309)
                self._robots_failures[key] = f"HTTP {response.status}"
                return None
            self.cache.store(robots_url, response)
            text = response.body.decode("utf-8", errors="replace")
        rules = RobotFileParser(robots_url)
        rules.parse(text.splitlines())
        return rules

    def _gate(self, key: str) -> _Gate:
        if key not in self._gates:
            self._gates[key] = _Gate(threading.Semaphore(self.settings.per_host))
        return self._gates[key]

    def _delay(self, key: str) -> float:
        rules = self._robots.get(key)
        crawl_delay = rules.crawl_delay(self.settings.user_agent) if rules else None
        return max(self.settings.delay, float(crawl_delay or 0))

    def _request(self, url: str, headers: dict[str, str]) -> Response:
        """One URL with retries; a redirect is returned as it is (the caller follows it)."""
        settings, key = self.settings, host_key(url)
        with self._lock:
            gate = self._gate(key)
        for attempt in range(settings.retries + 1):
            last = attempt == settings.retries
            with gate.slots:
                with gate.lock:  # space the starts of requests to one host by the delay
                    now = time.monotonic()
                    start = max(now, gate.next_start)
                    gate.next_start = start + self._delay(key)
                if self.stopping.wait(start - now):
                    raise FetchError("interrupted")
                if gate.silent >= settings.down_after:  # a host that is down costs minutes, not hours
                    raise FetchError(f"{key} is not answering ({gate.silent} tries in a row got no answer)")
                try:
                    response = self._once(url, headers)
                except FetchError as exc:
                    if exc.status is None:
                        gate.silent += 1
                    if exc.status is not None or last:  # a size cap is final; a timeout or a drop is retried
                        raise
                    wait = settings.backoff * 2 ** attempt
                else:
                    gate.silent = 0
                    if (response.status != 429 and response.status < 500) or last:
                        return response
                    asked = retry_after(response.headers.get("retry-after"))
                    if asked is not None and asked > settings.max_wait:
                        raise FetchError(f"HTTP {response.status}, Retry-After asks for {asked:.0f} s",
                                         response.status)
                    wait = settings.backoff * 2 ** attempt if asked is None else asked
                # Waiting inside the host's slot: a struggling host gets fewer requests at once, not more.
                self.stopping.wait(wait)
        raise AssertionError("unreachable")

    def _once(self, url: str, headers: dict[str, str]) -> Response:
        settings = self.settings
        with self._lock:
            self.requests += 1
        started = time.monotonic()
        try:
            raw = self.pool.request("GET", url, headers={"User-Agent": settings.user_agent, **headers},
                                    redirect=False, retries=False, preload_content=False,
                                    timeout=urllib3.Timeout(connect=settings.timeout, read=settings.timeout))
        except urllib3.exceptions.HTTPError as exc:
            raise FetchError(_reason(exc)) from None
        try:
            names = {k.lower(): v for k, v in raw.headers.items()}
            length = names.get("content-length", "")
            if length.isdigit() and int(length) > settings.max_bytes:
                raise FetchError(f"too large ({int(length):,} bytes, the cap is {settings.max_bytes:,})",
                                 raw.status)
            chunks, size = [], 0
            for chunk in raw.stream(65536):
                chunks.append(chunk)
                size += len(chunk)
                if size > settings.max_bytes:
                    raise FetchError(f"too large (over {settings.max_bytes:,} bytes)", raw.status)
                if time.monotonic() - started > settings.timeout:  # a page that trickles in is a timeout too
                    raise FetchError(f"timed out after {settings.timeout:g} s")
        except urllib3.exceptions.HTTPError as exc:
            raise FetchError(_reason(exc)) from None
        finally:
            raw.release_conn()
        return Response(url, url, raw.status, names, b"".join(chunks), raw.reason or "")


def _reason(exc: Exception) -> str:
    if isinstance(exc, urllib3.exceptions.TimeoutError) or "timed out" in str(exc).lower():
        return "timed out"
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return "cannot connect"
    return " ".join(str(exc).split())[:200]
