"""Reading articles from files, folders, globs and stdin in any encoding; writing JSONL that survives crashes."""

from __future__ import annotations

import glob
import json
import os
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import charset_normalizer

from vnsumm.errors import ConfigError
from vnsumm.records import Article
from vnsumm.text import normalize

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
TABLE_SUFFIXES = {".csv", ".parquet"}
MAX_ARTICLE_CHARS = 100_000  # ~20x a long news article; longer input is cut here, with a warning


@dataclass(frozen=True)
class Fields:
    """Which fields of JSONL/CSV/Parquet rows hold the text, id and title."""

    text: str = "text"
    id: str = "id"
    title: str = "title"
    date: str = "date"


class UnreadableInput(ValueError):
    """Raised by decode() with a one-line reason."""


def decode(data: bytes) -> str:
    """Bytes to normalized text: UTF-8 (with or without BOM), UTF-16, or a legacy code page detected by
    charset-normalizer (Windows-1258 stores tone marks as combining characters, so NFC afterwards)."""
    if not data.strip():
        raise UnreadableInput("empty file" if not data else "file holds only whitespace")
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            best = charset_normalizer.from_bytes(data).best()
            if best is None:
                raise UnreadableInput("binary or undecodable bytes (no text encoding fits)") from None
            text = str(best)
    controls = sum(1 for ch in text if unicodedata.category(ch) in ("Cc", "Cs", "Co") and ch not in "\n\r\t\f")
    if controls > max(2, len(text) // 100):
        raise UnreadableInput("binary file (control bytes, not text)")
    if "\ufffd" in text and text.count("\ufffd") > max(2, len(text) // 100):
        raise UnreadableInput("undecodable bytes (more than 1% of characters could not be decoded)")
    text = normalize(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise UnreadableInput("file holds only whitespace")
    return text


def expand_inputs(inputs: Iterable[str | Path]) -> list[str]:
    """Files, folders (recursive, hidden files skipped), globs and `-` to a sorted list of paths.
    A path that matches nothing is a usage error."""
    paths: list[str] = []
    for item in inputs:
        item = str(item)
        if item == "-":
            paths.append("-")
        elif os.path.isdir(item):
            paths.extend(_folder_files(item))
        elif os.path.exists(item):
            paths.append(item)
        elif glob.has_magic(item):
            matches = sorted(p for p in glob.glob(item, recursive=True) if os.path.isfile(p))
            if not matches:
                raise ConfigError(f"input {printable(item)}: the pattern matches no file")
            paths.extend(matches)
        else:
            raise ConfigError(f"input {printable(item)}: no such file or folder")
    return paths


def _folder_files(folder: str) -> list[str]:
    """Files under `folder`, hidden ones skipped. A subfolder that cannot be read is listed itself, so that reading
    it becomes an error record naming it instead of a silent gap."""
    found: list[str] = []

    def unreadable(exc: OSError) -> None:
        found.append(str(exc.filename))

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(os.path.join(root, f) for f in files if not f.startswith("."))
    return sorted(found)


def _cap(article: Article) -> Article:
    if len(article.text) > MAX_ARTICLE_CHARS:
        article.warnings.append(
            f"article is {len(article.text):,} characters; only the first {MAX_ARTICLE_CHARS:,} are used"
        )
        article.text = article.text[:MAX_ARTICLE_CHARS]
    return article


def _row_article(row: Any, source: str, fallback_id: str, fields: Fields) -> Article:
    if not isinstance(row, dict):
        return Article(id=fallback_id, source=source).fail(f"{source}: row is not an object")
    raw_id = row.get(fields.id)
    article = Article(id=str(raw_id) if raw_id not in (None, "") else fallback_id, source=source)
    text = row.get(fields.text)
    if not isinstance(text, str) or not text.strip():
        if fields.text not in row:  # most likely the wrong field name: say which fields there are
            names = ", ".join(sorted(map(str, row))[:12]) or "none"
            return article.fail(f"{source}: no field {fields.text!r} (fields: {names}); choose one with --text-field")
        return article.fail(f"{source}: no text in field {fields.text!r}")
    article.text = normalize(text)
    title = row.get(fields.title)
    article.title = normalize(title).strip() if isinstance(title, str) and title.strip() else None
    date = row.get(fields.date)
    article.date = str(date) if date else None
    return _cap(article)


def _read_jsonl(text: str, path: str, stem: str, fields: Fields) -> Iterator[Article]:
    # Split on "\n" only: str.splitlines would also break at U+2028 and friends, which JSON strings may hold raw.
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Article(id=f"{stem}:{lineno}", source=where).fail(f"{where}: malformed JSON line ({exc.msg})")
            continue
        yield _row_article(row, where, f"{stem}:{lineno}", fields)


def _read_table(path: str, shown: str, stem: str, fields: Fields) -> Iterator[Article]:
    import datasets  # imported here: it is slow to import and only tables need it

    datasets.disable_progress_bars()
    loader = datasets.Dataset.from_parquet if path.endswith(".parquet") else datasets.Dataset.from_csv
    try:
        table = loader(path, keep_in_memory=True)
    except Exception as exc:  # datasets raises many types for a bad file; all mean the same to the user
        reason = " ".join(str(exc).split())[:200]
        yield Article(id=stem, source=shown).fail(f"{shown}: cannot read table ({reason})")
        return
    for index, row in enumerate(table, start=1):
        yield _row_article(row, f"{shown}:{index}", f"{stem}:{index}", fields)


def _read_html(text: str, path: str, stem: str) -> Article:
    import trafilatura

    document = trafilatura.bare_extraction(
        text, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    article = Article(id=stem, source=path)
    body = getattr(document, "text", None)  # None too when trafilatura found no document
    if not body or not body.strip():
        return article.fail(f"{path}: no article text found in the HTML page")
    title = getattr(document, "title", None)
    return _cap(replace(article, text=normalize(body), title=normalize(title).strip() if title else None,
                        date=getattr(document, "date", None) or None))


def printable(name: str) -> str:
    r"""A file name as text: Linux names are bytes, and a byte that is not UTF-8 is shown escaped (the name
    `x<0xff>.txt` becomes `x\xff.txt`) in records and messages, never written as an unencodable surrogate."""
    return os.fsencode(name).decode("utf-8", errors="backslashreplace")


def read_path(path: str, fields: Fields = Fields()) -> Iterator[Article]:
    """Articles from one file (or `-`). Bad input yields an Article with `error` set; it never raises."""
    shown = printable(path)
    stem = "stdin" if path == "-" else printable(Path(path).stem)
    suffix = Path(path).suffix.lower()
    if suffix in TABLE_SUFFIXES:
        yield from _read_table(path, shown, stem, fields)
        return
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        text = decode(data)
    except (OSError, UnreadableInput) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        yield Article(id=stem, source=shown).fail(f"{shown}: {reason}")
        return
    if suffix in JSONL_SUFFIXES or (path == "-" and text.lstrip().startswith("{")):
        yield from _read_jsonl(text, shown, stem, fields)
    elif suffix in HTML_SUFFIXES or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        yield _read_html(text, shown, stem)
    else:
        yield _cap(Article(id=stem, source=shown, text=text))


def read_inputs(inputs: Iterable[str | Path], fields: Fields = Fields()) -> list[Article]:
    """Every article of every input, in input order; ids made unique within the run."""
    articles: list[Article] = []
    seen: dict[str, int] = {}
    for path in expand_inputs(inputs):
        for article in read_path(path, fields):
            if article.id in seen:
                seen[article.id] += 1
                article.id = f"{article.id}~{seen[article.id]}"
            else:
                seen[article.id] = 0
            articles.append(article)
    return articles


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    """Records of a JSONL file; a torn last line (a killed writer) and malformed lines are skipped."""
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8", errors="replace").split("\n"):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records
