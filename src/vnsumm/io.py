"""Reading articles from files, folders, globs and stdin in any encoding; writing JSONL that survives crashes."""

from __future__ import annotations

import csv
import glob
import json
import os
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import charset_normalizer

from vnsumm.errors import ConfigError
from vnsumm.pages import read_page
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
    article.date_source = "meta" if date else None
    return _cap(article)


def _jsonl_rows(lines: Iterable[str], path: str, stem: str, fields: Fields) -> Iterator[Article]:
    # Lines end at "\n" only: str.splitlines would also break at U+2028 and friends, which JSON strings may hold raw.
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Article(id=f"{stem}:{lineno}", source=where).fail(f"{where}: malformed JSON line ({exc.msg})")
            continue
        yield _row_article(row, where, f"{stem}:{lineno}", fields)


def _jsonl_lines(path: str) -> Iterator[str]:
    """A JSONL file line by line, never whole in memory. JSON is UTF-8; a file in another encoding (a BOM, or a
    line that is not UTF-8) is decoded whole instead."""
    with open(path, "rb") as handle:
        if handle.read(3).startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            handle.seek(0)
            yield from decode(handle.read()).split("\n")
            return
        handle.seek(0)
        for raw in handle:
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                yield from decode(raw + handle.read()).split("\n")  # a legacy code page: the rest of the file
                return


def _table_rows(path: str) -> Iterator[dict[str, Any]]:
    """Rows of a CSV or Parquet file, a batch at a time, through Arrow (the engine `datasets` uses, without its
    builders: they write to, and lock files in, the datasets cache). CSV columns are read as text, so ids keep
    their leading zeros and a column's type never changes halfway through a file."""
    import pyarrow as pa
    import pyarrow.csv as pv
    import pyarrow.parquet as pq

    if path.endswith(".parquet"):
        batches = pq.ParquetFile(path).iter_batches(batch_size=256)
    else:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
        batches = pv.open_csv(
            path, parse_options=pv.ParseOptions(newlines_in_values=True),
            convert_options=pv.ConvertOptions(column_types={name: pa.string() for name in header},
                                              strings_can_be_null=False, quoted_strings_can_be_null=False))
    for batch in batches:
        yield from batch.to_pylist()


def _read_table(path: str, shown: str, stem: str, fields: Fields) -> Iterator[Article]:
    index = 0
    try:
        for index, row in enumerate(_table_rows(path), start=1):
            yield _row_article(row, f"{shown}:{index}", f"{stem}:{index}", fields)
    except (OSError, ValueError, csv.Error) as exc:  # Arrow's errors are OSError and ValueError subclasses
        reason = " ".join(str(exc).split())[:200]
        where = f"{shown}:{index + 1}" if index else shown
        yield Article(id=f"{stem}:{index + 1}" if index else stem, source=where).fail(
            f"{where}: cannot read table ({reason})")


def printable(name: str) -> str:
    r"""A file name as text: Linux names are bytes, and a byte that is not UTF-8 is shown escaped (the name
    `x<0xff>.txt` becomes `x\xff.txt`) in records and messages, never written as an unencodable surrogate."""
    return os.fsencode(name).decode("utf-8", errors="backslashreplace")


def _unreadable(stem: str, shown: str, exc: OSError | UnreadableInput) -> Article:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return Article(id=stem, source=shown).fail(f"{shown}: {reason}")


def read_path(path: str, fields: Fields = Fields()) -> Iterator[Article]:
    """Articles from one file (or `-`). Bad input yields an Article with `error` set; it never raises."""
    shown = printable(path)
    stem = "stdin" if path == "-" else printable(Path(path).stem)
    suffix = Path(path).suffix.lower()
    if suffix in TABLE_SUFFIXES:
        yield from _read_table(path, shown, stem, fields)
        return
    if suffix in JSONL_SUFFIXES and path != "-":
        try:
            yield from _jsonl_rows(_jsonl_lines(path), shown, stem, fields)
        except (OSError, UnreadableInput) as exc:
            yield _unreadable(stem, shown, exc)
        return
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        text = decode(data)
    except (OSError, UnreadableInput) as exc:
        yield _unreadable(stem, shown, exc)
        return
    if path == "-" and text.lstrip().startswith("{"):
        yield from _jsonl_rows(text.split("\n"), shown, stem, fields)
    elif suffix in HTML_SUFFIXES or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        yield _cap(read_page(text, shown, stem))
    else:
        yield _cap(Article(id=stem, source=shown, text=text))


def iter_inputs(inputs: Iterable[str | Path], fields: Fields = Fields()) -> Iterator[Article]:
    """Every article of every input, in input order, read as needed (never all in memory); ids made unique
    within the run. Paths are expanded (and a bad one is a ConfigError) before the first article."""
    paths = expand_inputs(inputs)

    def articles() -> Iterator[Article]:
        seen: dict[str, int] = {}
        for path in paths:
            for article in read_path(path, fields):
                if article.id in seen:
                    seen[article.id] += 1
                    article.id = f"{article.id}~{seen[article.id]}"
                else:
                    seen[article.id] = 0
                yield article

    return articles()


def read_inputs(inputs: Iterable[str | Path], fields: Fields = Fields()) -> list[Article]:
    """Every article of every input, in input order (a list: see iter_inputs for streaming)."""
    return list(iter_inputs(inputs, fields))


def count_inputs(paths: Iterable[str]) -> int | None:
    """About how many articles `paths` hold, from a light pass (lines of JSONL and CSV, Parquet row counts, one
    per other file), for progress and time left; None when stdin is among them."""
    total = 0
    for path in paths:
        if path == "-":
            return None
        suffix = Path(path).suffix.lower()
        try:
            if suffix == ".parquet":
                import pyarrow.parquet as pq

                total += pq.ParquetFile(path).metadata.num_rows
            elif suffix in JSONL_SUFFIXES or suffix == ".csv":
                with open(path, "rb") as handle:
                    lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
                total += max(lines - (suffix == ".csv"), 0)
            else:
                total += 1
        except (OSError, ValueError):  # an unreadable file is reported when it is read; here it counts as one
            total += 1
    return total


def jsonl_values(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    """Each non-blank line of a JSONL file, streamed: (line number, its JSON value, None), or (line number, None,
    "malformed JSON line (why)") for a line that does not parse. Lines end at "\\n" only."""
    with Path(path).open(encoding="utf-8", errors="replace", newline="\n") as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield lineno, json.loads(line), None
            except json.JSONDecodeError as exc:
                yield lineno, None, f"malformed JSON line ({exc.msg})"


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
