"""JSONL inputs (and JSON lines on standard input): decoded line by line, so a bad byte, a malformed line or an
over-long line costs that line alone, and a file of any size is never whole in memory. JSON files and JSON documents
on standard input (what many scrapers write: an array of articles, an object holding one, or one article) are read
whole, up to the size of the longest JSONL line."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import json
from collections.abc import Iterator
from typing import IO, Any

from vnsumm.jsonl import MAX_LINE_BYTES, parse_line, raw_lines
from vnsumm.readers.paths import UnreadableInput, open_input, read_bounded
from vnsumm.readers.rows import Fields, row_article
from vnsumm.readers.text import decode
from vnsumm.records import Article


def _utf8_lines(handle: IO[bytes]) -> IO[bytes]:
    """The stream as UTF-8 bytes: a UTF-8 BOM is skipped; UTF-16 with a BOM (what Windows PowerShell's `>` writes)
    is recoded as it is read, whatever its size."""
    start = handle.peek(3)[:3] if isinstance(handle, io.BufferedReader | gzip.GzipFile) else b""
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        return codecs.EncodedFile(handle, "utf-8", "utf-16", errors="replace")
    if start == b"\xef\xbb\xbf":
        handle.read(3)
    return handle


def read_jsonl(path: str, shown: str, stem: str, fields: Fields, gzipped: bool = False) -> Iterator[Article]:
    """Articles of a JSONL file or stream, one per non-blank line; a line that cannot be one is an error record.
    Rows without an id are named by line number in a file, and by their content on standard input (where the
    line number of today's feed would repeat yesterday's)."""
    handle = open_input(path, gzipped)
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


MAX_JSON_BYTES = MAX_LINE_BYTES


def _json_rows(value: Any, fields: Fields) -> tuple[list[Any] | None, str | None]:
    """The rows of a JSON document and, when it holds no list of articles, None and the reason. A list is the rows;
    an object with the text field is one row; else an object's one list of objects (`{"data": [...]}`)."""
    if isinstance(value, list):
        return value, None
    if not isinstance(value, dict):
        return None, f"JSON holds {type(value).__name__}, not articles (an array of objects, or one object)"
    if fields.text in value:
        return [value], None
    lists = [key for key, item in value.items() if isinstance(item, list) and any(isinstance(r, dict) for r in item)]
    if len(lists) == 1:
        return value[lists[0]], None
    names = ", ".join(sorted(map(str, value))[:12]) or "none"
    if lists:
        return None, f"JSON object holds {len(lists)} lists of objects ({', '.join(map(str, lists[:6]))}), not one"
    return None, f"JSON object has no field {fields.text!r} and no list of articles (fields: {names}); " \
                 "choose the text field with --text-field"


def read_json(path: str, shown: str, stem: str, fields: Fields, gzipped: bool = False) -> Iterator[Article]:
    """Articles of a JSON file: rows named `stem:n` (the n-th element) unless they have an id, one article object
    `stem`. A file that is not JSON, too large or without articles is one error record."""
    with open_input(path, gzipped) as handle:
        data, cut = read_bounded(handle, MAX_JSON_BYTES)
    if cut:
        yield Article(id=stem, source=shown).fail(
            f"{shown}: JSON file over {MAX_JSON_BYTES >> 20} MiB; write it as JSONL, one article a line "
            "(`jq -c '.[]'`)")
        return
    try:
        value = json.loads(decode(data))
    except UnreadableInput as exc:
        yield Article(id=stem, source=shown).fail(f"{shown}: {exc}")
        return
    except json.JSONDecodeError as exc:
        yield Article(id=stem, source=shown).fail(
            f"{shown}: malformed JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})")
        return
    except (RecursionError, ValueError) as exc:
        yield Article(id=stem, source=shown).fail(f"{shown}: malformed JSON ({str(exc)[:200] or 'nested too deeply'})")
        return
    rows, problem = _json_rows(value, fields)
    if rows is None:
        yield Article(id=stem, source=shown).fail(f"{shown}: {problem}")
    elif isinstance(value, dict) and rows and rows[0] is value:
        yield row_article(value, shown, stem if path != "-" else _by_content(value), fields)
    elif not rows:
        yield Article(id=stem, source=shown).fail(f"{shown}: JSON holds no articles (an empty list)")
    else:
        for index, row in enumerate(rows, start=1):
            yield row_article(row, f"{shown}#{index}", f"{stem}:{index}" if path != "-" else _by_content(row), fields)


def _by_content(row: Any) -> str:
    """The name of a row without an id on standard input, where a position would repeat yesterday's."""
    return f"stdin-{hashlib.sha256(json.dumps(row, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:12]}"
