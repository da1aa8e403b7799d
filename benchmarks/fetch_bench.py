"""Fetching URL inputs: 1,000 synthetic news pages on several local sites (127.0.0.1 only), each site with a feed.

    python benchmarks/fetch_bench.py [--sites 10] [--pages 1000] [--per-host 2] [--delay 0] [--latency 0.05]

Every site is its own host (its own port) and answers each page after `--latency` seconds (a stand-in for the
network). Run 1 reads the feeds and fetches every page with at most `--per-host` requests at once per host and
`--delay` seconds between the starts of two requests to one host; it reports pages per second (fetched and read
as articles) and the most requests any host saw at once. Run 2, on the same page cache, must send only one
conditional request per feed (answered 304): it reports the requests the sites received. Run 3 gives the page
URLs themselves, with the sites down: everything comes from the cache (what reading costs apart from fetching).
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from vnsumm.fetch import Politeness, iter_url_articles

PARAGRAPHS = [
    "Sáng {n}/10, Ủy ban nhân dân tỉnh tổ chức hội nghị tổng kết công tác phòng chống thiên tai năm {y}.",
    "Theo báo cáo, trong năm qua tỉnh đã đầu tư {n} tỷ đồng để nâng cấp hệ thống đê điều và trạm bơm tiêu úng.",
    "Ông Trần Văn Bình, Phó chủ tịch tỉnh, yêu cầu các huyện chủ động phương án ứng phó mưa lũ kéo dài.",
    "Hơn {n} hộ dân ở vùng trũng đã được di dời đến nơi an toàn trước mùa mưa bão, theo Sở Nông nghiệp.",
]


class Site:
    """A news site: /robots.txt, /feed.xml (with an ETag) and its pages; counts requests and concurrency."""

    def __init__(self, number: int, pages: int, latency: float) -> None:
        self.requests: list[tuple[str, bool]] = []  # (path, conditional)
        self.inflight = self.max_inflight = 0
        self.lock = threading.Lock()
        site = self
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler(site, latency))
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.name = f"Báo Số {number}"
        self.pages = {f"/tin/{number}-{i}.html": self._page(number, i) for i in range(pages)}
        items = "".join(f"<item><title>Tin {i}</title><link>{self.base}{path}</link></item>"
                        for i, path in enumerate(self.pages))
        self.feed = (f"<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>{self.name}</title>"
                     f"{items}</channel></rss>").encode()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _page(self, number: int, i: int) -> bytes:
        body = "".join(f"<p>{p.format(n=i + k + number, y=2000 + i % 25)}</p>" for k, p in enumerate(PARAGRAPHS * 3))
        return (f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>Bản tin {i} - {self.name}"
                f"</title><meta property='article:published_time' content='2024-05-{1 + i % 28:02d}'>"
                f"<meta property='og:site_name' content='{self.name}'></head><body><nav>Trang chủ | Thời sự</nav>"
                f"<article><h1>Bản tin {i}</h1>{body}</article><footer>Bản quyền {self.name}</footer></body></html>"
                ).encode()

    @staticmethod
    def _handler(site: Site, latency: float) -> type[BaseHTTPRequestHandler]:
        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True  # headers and body are two writes: Nagle would hold the body back

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                with site.lock:
                    site.requests.append((self.path, "If-None-Match" in self.headers))
                    site.inflight += 1
                    site.max_inflight = max(site.max_inflight, site.inflight)
                self.answer()

            def done(self) -> None:  # before the body goes out: the client cannot have its answer sooner
                with site.lock:
                    site.inflight -= 1

            def answer(self) -> None:
                if self.path == "/robots.txt":
                    status, body, kind = 200, b"User-agent: *\nAllow: /\n", "text/plain"
                elif self.path == "/feed.xml":
                    status, body, kind = 200, site.feed, "application/rss+xml"
                elif self.path in site.pages:
                    time.sleep(latency)
                    status, body, kind = 200, site.pages[self.path], "text/html; charset=utf-8"
                else:
                    status, body, kind = 404, b"", "text/plain"
                if self.path == "/feed.xml" and self.headers.get("If-None-Match") == '"feed-1"':
                    status, body = 304, b""
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if self.path == "/feed.xml":
                    self.send_header("ETag", '"feed-1"')
                self.end_headers()
                self.done()
                self.wfile.write(body)

        return Handler


def run(feeds: list[str], cache: Path, politeness: Politeness) -> tuple[int, int, float]:
    started = time.monotonic()
    articles = list(iter_url_articles(feeds, cache, politeness=politeness))
    return len(articles), sum(a.ok for a in articles), time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=10)
    parser.add_argument("--pages", type=int, default=1000, help="pages in all, spread over the sites")
    parser.add_argument("--per-host", type=int, default=2)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    sites = [Site(n, args.pages // args.sites, args.latency) for n in range(args.sites)]
    feeds = [site.base + "/feed.xml" for site in sites]
    politeness = Politeness(per_host=args.per_host, delay=args.delay, workers=args.workers, timeout=10,
                            retries=1, backoff=0.1)
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder) / "pages"
        count, ok, seconds = run(feeds, cache, politeness)
        sent = sum(len(s.requests) for s in sites)
        print(f"run 1: {ok} of {count} pages read from {args.sites} sites in {seconds:.1f} s: "
              f"{ok / seconds:.1f} pages/s ({sent} requests; per host at most {args.per_host} at once, "
              f"{args.delay:g} s between starts, {args.latency:g} s latency; most seen at once on a host: "
              f"{max(s.max_inflight for s in sites)})")
        for site in sites:
            site.requests.clear()
        count, ok, seconds = run(feeds, cache, politeness)
        second = [r for s in sites for r in s.requests]
        only_feeds = all(path == "/feed.xml" and conditional for path, conditional in second)
        print(f"run 2 (same cache): {ok} of {count} pages in {seconds:.1f} s; {len(second)} requests, "
              f"{'all of them conditional feed requests' if only_feeds else 'NOT only conditional feed requests'}")
        for site in sites:
            site.server.shutdown()
        pages = [site.base + path for site in sites for path in site.pages]
        count, ok, seconds = run(pages, cache, politeness)
        print(f"run 3 (the {len(pages)} page URLs as inputs, sites down): {ok} of {count} pages read from the cache"
              f" in {seconds:.1f} s: reading alone, {ok / seconds:.1f} pages/s")

if __name__ == "__main__":
    main()
