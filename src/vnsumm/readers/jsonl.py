"""JSONL inputs (and JSON lines on standard input): decoded line by line, so a bad byte, a malformed line or an
over-long line costs that line alone, and a file of any size is never whole in memory."""

from __future__ import annotations

import codecs
import hashlib
import io
from collections.abc import Iterator
from typing import IO

from vnsumm.jsonl import parse_line, raw_lines
from vnsumm.readers.paths import open_regular
from vnsumm.readers.rows import Fields, row_article
from vnsumm.records import Article


def _utf8_lines(handle: IO[bytes]) -> IO[bytes]:
    """The stream as UTF-8 bytes: a UTF-8 BOM is skipped; UTF-16 with a BOM (what Windows PowerShell's `>` writes)
    is recoded as it is read, whatever its size."""
    start = handle.peek(3)[:3] if isinstance(handle, io.BufferedReader) else b""
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        return codecs.EncodedFile(handle, "utf-8", "utf-16", errors="replace")
    if start == b"\xef\xbb\xbf":
        handle.read(3)
    return handle


def read_jsonl(path: str, shown: str, stem: str, fields: Fields) -> Iterator[Article]:
    """Articles of a JSONL file or stream, one per non-blank line; a line that cannot be one is an error record.
    Rows without an id are named by line number in a file, and by their content on standard input (where the
    line number of today's feed would repeat yesterday's)."""
    handle = open_regular(path)
    try:
        for lineno, raw in raw_lines(_utf8_lines(handle)):
            if raw is not None and not raw.strip():
                continue
            where = f"{shown}:{lineno}"
            fallback = f"{stem}:{lineno}" if path != "-" else \
                f"stdin-{hashlib.sha256(raw or b'').hexdigest()[:12]}"
            value, problem = parse_line(raw)
            if problem:
                yield Article(id=fallback, source=where).fail(f"{where}: {problem}")
            else:
                yield row_article(value, where, fallback, fields)
    finally:
        if path != "-":
            handle.close()
