"""Generic JSONL reading and writing: one line at a time, bounded, never a traceback for a bad line.

Lines end at "\\n" only (str.splitlines would also break at U+2028 and friends, which JSON strings may hold raw).
A line that is not UTF-8, not JSON or too long costs that line alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

SURROGATES = re.compile("[\ud800-\udfff]")
MAX_LINE_BYTES = 16 << 20  # one record; a longer line is reported and skipped without being held in memory


def raw_lines(handle: IO[bytes], limit: int = MAX_LINE_BYTES) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line of a binary stream; (line number, None) for a line over `limit` bytes,
    whose rest is skipped in chunks."""
    lineno = 0
    while True:
        raw = handle.readline(limit + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield lineno, None
            continue
        yield lineno, raw


def parse_line(raw: bytes | None) -> tuple[Any, str | None]:
    """A line's JSON value and None, or None and a one-line reason."""
    if raw is None:
        return None, f"line longer than {MAX_LINE_BYTES >> 20} MiB"
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"line is not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"
    try:
        return json.loads(line), None
    except json.JSONDecodeError as exc:
        return None, f"malformed JSON line ({exc.msg})"
    except RecursionError:
        return None, "malformed JSON line (nested too deeply)"
    except ValueError as exc:  # a number past Python's digit limit
        return None, f"malformed JSON line ({exc})"


def jsonl_values(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    """Each non-blank line of a JSONL file, streamed: (line number, its JSON value, None), or (line number, None,
    reason) for a line that cannot be used."""
    with Path(path).open("rb") as handle:
        for lineno, raw in raw_lines(handle):
            if raw is not None and not raw.strip():
                continue
            value, problem = parse_line(raw)
            yield lineno, value, problem


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    """The JSON objects of a JSONL file; a torn last line (a killed writer), malformed lines and lines that are not
    objects (`42`, `[1, 2]`) are skipped."""
    if not Path(path).is_file():
        return []
    return [value for _, value, _ in jsonl_values(path) if isinstance(value, dict)]


def dump_json(value: Any) -> str:
    """JSON text that can be written as UTF-8: a lone surrogate (valid in JSON, not in UTF-8) becomes U+FFFD instead
    of failing the write."""
    return SURROGATES.sub("\ufffd", json.dumps(value, ensure_ascii=False))


def dump_line(record: Any) -> str:
    """One JSON line (see dump_json)."""
    return dump_json(record) + "\n"
