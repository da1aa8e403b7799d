"""The fetched-page cache: bodies stored by their SHA-256, and an append-only index of what each URL answered
(status, ETag, Last-Modified, when). Every write is atomic, so an interrupted crawl keeps what it fetched and the
next run continues from it."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vnsumm.fetch.client import Response

INDEX = "index.jsonl"


@dataclass
class Entry:
    url: str
    status: int
    sha256: str
    fetched: float  # seconds since the epoch
    final_url: str | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    def conditional(self) -> dict[str, str]:
        """Headers that make a server answer 304 when this copy is still current."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class PageCache:
    """`folder/bodies/ab/abcdef...` holds each body once; `folder/index.jsonl` the newest entry per URL wins."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.bodies = self.folder / "bodies"
        self.bodies.mkdir(parents=True, exist_ok=True)
        self.index_path = self.folder / INDEX
        self._lock = threading.Lock()
        self._entries: dict[str, Entry] = {}
        lines = 0
        if self.index_path.exists():
            for line in self.index_path.read_text(encoding="utf-8", errors="replace").split("\n"):
                try:
                    entry = Entry(**json.loads(line))
                except (json.JSONDecodeError, TypeError):  # a torn last line (a killed run) or a blank one
                    continue
                self._entries[entry.url] = entry
                lines += 1
        if lines > 2 * len(self._entries) + 100:  # mostly superseded entries: rewrite it, one line per URL
            self._rewrite()
        self._index = self.index_path.open("a", encoding="utf-8")

    def close(self) -> None:
        self._index.close()

    def lookup(self, url: str) -> Entry | None:
        with self._lock:
            return self._entries.get(url)

    def body(self, entry: Entry) -> bytes | None:
        try:
            return self._body_path(entry.sha256).read_bytes()
        except OSError:
            return None

    def store(self, url: str, response: Response) -> Entry:
        """Keep a 200 answer (its body and headers); a 304 renews the entry that is there."""
        previous = self.lookup(url)
        if response.status == 304 and previous is not None:
            entry = Entry(**{**asdict(previous), "fetched": time.time(),
                             "etag": response.headers.get("etag") or previous.etag,
                             "last_modified": response.headers.get("last-modified") or previous.last_modified})
        else:
            digest = hashlib.sha256(response.body).hexdigest()
            path = self._body_path(digest)
            if not path.exists():
                path.parent.mkdir(exist_ok=True)
                _atomic_write(path, response.body)
            entry = Entry(url=url, status=response.status, sha256=digest, fetched=time.time(),
                          final_url=response.final_url if response.final_url != url else None,
                          content_type=response.headers.get("content-type"), etag=response.headers.get("etag"),
                          last_modified=response.headers.get("last-modified"))
        line = json.dumps(asdict(entry), ensure_ascii=False) + "\n"
        with self._lock:
            # One write of one line: a kill leaves at worst a torn last line, which the next load skips.
            self._index.write(line)
            self._index.flush()
            self._entries[url] = entry
        return entry

    def _body_path(self, digest: str) -> Path:
        return self.bodies / digest[:2] / digest

    def _rewrite(self) -> None:
        text = "".join(json.dumps(asdict(e), ensure_ascii=False) + "\n" for e in self._entries.values())
        _atomic_write(self.index_path, text.encode("utf-8"))


def _atomic_write(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
