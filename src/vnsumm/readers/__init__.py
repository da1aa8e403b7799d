"""Reading articles from files, folders, globs and stdin, in any encoding, whatever the input.

One reader shape per format (readers/jsonl.py for JSONL and JSON, tabular.py for CSV, TSV and Parquet, text.py,
html.py; `.gz` around JSONL, JSON, CSV or TSV is read through gzip): a path in, Articles out, never an
exception; an input that cannot be read is an Article with `error` set. Every article leaves through
rows.make_safe, and ids are made unique here (announced on the article's warnings).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from vnsumm.readers.html import HTML_SUFFIXES, looks_like_html, read_html
from vnsumm.readers.jsonl import read_json, read_jsonl
from vnsumm.readers.paths import GZIP_ERRORS, UnreadableInput, expand_inputs, open_input, open_regular, printable
from vnsumm.readers.rows import Fields, make_safe, parse_date
from vnsumm.readers.tabular import TABLE_SUFFIXES, read_table
from vnsumm.readers.text import MAX_ARTICLE_CHARS, MAX_PAGE_BYTES, decode, read_text
from vnsumm.records import Article

__all__ = ["MAX_ARTICLE_CHARS", "Fields", "InputStream", "UnreadableInput", "count_inputs", "decode",
           "expand_inputs", "iter_inputs", "parse_date", "printable", "read_inputs", "read_path"]

JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
GZIP_SUFFIXES = {*JSONL_SUFFIXES, *JSON_SUFFIXES, ".csv", ".tsv"}  # what `.gz` may wrap (`feed.csv.gz`)
DEFAULT_FIELDS = Fields()


def _unreadable(stem: str, shown: str, exc: OSError | UnreadableInput) -> Article:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return Article(id=stem, source=shown).fail(f"{shown}: {reason}")


def _format(path: str) -> tuple[str, bool]:
    """The suffix naming `path`'s format, and whether it is gzip-compressed: feed.jsonl.gz is read as feed.jsonl."""
    suffix = Path(path).suffix.lower()
    if suffix == ".gz" and path != "-":
        return Path(Path(path).stem).suffix.lower(), True
    return suffix, False


def path_stem(path: str) -> str:
    """What names the articles of `path` that carry no id of their own: `tin1` for tin1.txt, `feed` for feed.jsonl.gz
    (its rows `feed:3`)."""
    if path == "-":
        return "stdin"
    stem = Path(path).stem
    return printable(Path(stem).stem if _format(path)[1] else stem)


def _read_one(path: str, fields: Fields) -> Iterator[Article]:
    shown, stem = printable(path), path_stem(path)
    suffix, gzipped = _format(path)
    if gzipped and suffix not in GZIP_SUFFIXES:
        yield Article(id=stem, source=shown).fail(
            f"{shown}: compressed (gzip) {suffix or 'file'}: not supported (only "
            f"{', '.join(sorted(GZIP_SUFFIXES))} compressed; unpack it with gunzip)")
        return
    if suffix in TABLE_SUFFIXES:
        yield from read_table(path, shown, stem, fields, suffix, gzipped)
        return
    if suffix in JSON_SUFFIXES:
        yield from read_json(path, shown, stem, fields, gzipped)
        return
    if path == "-":
        start = open_regular("-").peek(1 << 16).lstrip(b"\xef\xbb\xbf \t\r\n")  # type: ignore[attr-defined]
        first_line = start.split(b"\n", 1)[0].rstrip() if b"\n" in start else b"}"
        if start.startswith(b"[") or (start.startswith(b"{") and not first_line.endswith(b"}")):
            yield from read_json(path, shown, stem, fields)  # an array, or one object set out on lines
            return
        if start.startswith(b"{"):  # one object a line
            yield from read_jsonl(path, shown, stem, fields)
            return
    if suffix in JSONL_SUFFIXES and path != "-":
        try:
            yield from read_jsonl(path, shown, stem, fields, gzipped)
        except GZIP_ERRORS:
            raise  # read_path says the file is damaged
        except (OSError, UnreadableInput) as exc:
            yield _unreadable(stem, shown, exc)
        return
    limit = MAX_PAGE_BYTES if suffix in HTML_SUFFIXES else 4 * MAX_ARTICLE_CHARS
    try:
        text, cut = read_text(path, limit)
    except (OSError, UnreadableInput) as exc:
        yield _unreadable(stem, shown, exc)
        return
    if path == "-":  # named by content: every text piped in would otherwise be `stdin`, replacing the last one
        stem = f"stdin-{hashlib.sha256(text.encode('utf-8', 'replace')).hexdigest()[:12]}"
    article = read_html(text, shown, stem) if suffix in HTML_SUFFIXES or looks_like_html(text) else \
        Article(id=stem, source=shown, text=text)
    if cut and article.ok and len(article.text) <= MAX_ARTICLE_CHARS:  # longer: make_safe says it is cut
        article.warnings.append(f"file too long: only its first {limit:,} bytes are read")
    yield article


def read_path(path: str, fields: Fields = DEFAULT_FIELDS) -> Iterator[Article]:
    """Articles from one file (or `-`), made safe. Bad input yields an Article with `error` set; it never raises."""
    try:
        for article in _read_one(path, fields):
            yield make_safe(article)
    except GZIP_ERRORS as exc:  # a cut or damaged .gz: the rows before the damage are kept
        yield make_safe(Article(id=path_stem(path), source=printable(path)).fail(
            f"{printable(path)}: damaged compressed (gzip) file ({exc})"))
    except (OSError, UnreadableInput) as exc:  # a file that fails halfway (removed, an I/O error)
        yield make_safe(_unreadable(printable(Path(path).stem), printable(path), exc))


# Where a stored id came from: its record's source and content hash (None when the store has no such id).
StoredOwner = Callable[[str], tuple[str, str | None] | None]


class InputStream(Iterator[Article]):
    """Every article of every input, in input order, read as needed (never all in memory). Ids are made unique
    against the run's ids and against the store: a stored id is taken over only by its own input (the same
    `source`, an edit replaces it) or by the same article read from elsewhere (the same content: a moved folder);
    another article with that id (`tin1.txt` of another day's folder) is renamed `id~1` and stored beside it. A row
    whose id and content repeat a row already read (overlapping exports read in one run) is read once.
    `incomplete` names the inputs that could not be read whole; `repeated` the rows read once for that. Each
    article leaves with its `content_hash` (Article.fingerprint)."""

    def __init__(self, paths: list[str], fields: Fields, stored: StoredOwner = lambda key: None) -> None:
        self.paths, self.fields, self.stored = paths, fields, stored
        self.incomplete: list[str] = []
        self.repeated: list[str] = []
        self._taken: set[str] = set()
        self._rows: set[tuple[str, str]] = set()  # (the id a row gives, its content hash) read so far
        self._articles = self._generate()

    def __next__(self) -> Article:
        return next(self._articles)

    def _free(self, key: str, article: Article, named: bool) -> bool:
        if key in self._taken:
            return False
        owner = self.stored(key)
        return owner is None or named or owner[0] == article.source or owner[1] == article.content_hash

    def _generate(self) -> Iterator[Article]:
        for path in self.paths:
            failed = False
            stem = path_stem(path)
            for article in read_path(path, self.fields):
                article.content_hash = article.fingerprint()  # what the input says, hashed once for the run
                failed = failed or not article.ok
                # An id the input gives (a row's id field) names the article wherever it is read, a later copy
                # replacing the stored one; one made of the file's name and place (`tin1`, `feed:3`) does not.
                named = article.id != stem and not article.id.startswith(f"{stem}:")
                if named and article.ok:
                    row = (article.id, article.content_hash)
                    if row in self._rows:
                        self.repeated.append(f"{article.source} ({article.id})")
                        continue
                    self._rows.add(row)
                if not self._free(article.id, article, named):
                    original, number = article.id, 1
                    while not self._free(f"{original}~{number}", article, False):
                        number += 1
                    article.id = f"{original}~{number}"
                    why = "duplicate id" if original in self._taken else "id of another stored article"
                    article.warnings.append(f"{why} renamed ({original} to {article.id})")
                self._taken.add(article.id)
                yield article
            if failed:
                self.incomplete.append(printable(path))


def iter_inputs(inputs: Iterable[str | Path], fields: Fields = DEFAULT_FIELDS, *, exclude: Iterable[str | Path] = (),
                stored: StoredOwner | None = None) -> InputStream:
    """Every article of every input (see InputStream). Paths are expanded (a bad one is a ConfigError) before the
    first article; folders in `exclude` (the output folder) are never read. `stored`: who holds an id in the
    store."""
    return InputStream(expand_inputs(inputs, exclude), fields, stored or (lambda key: None))


def read_inputs(inputs: Iterable[str | Path], fields: Fields = DEFAULT_FIELDS) -> list[Article]:
    """Every article of every input, in input order (a list: see iter_inputs for streaming)."""
    return list(iter_inputs(inputs, fields))


def _csv_records(handle: IO[bytes]) -> int:
    """About how many records a CSV holds: its lines that end outside quotes (a quoted cell holds line breaks)."""
    records, quoted = 0, False
    for line in handle:
        if line.count(b'"') % 2:
            quoted = not quoted
        records += not quoted
    return records


def count_inputs(paths: Iterable[str]) -> int | None:
    """About how many articles `paths` hold, from a light pass (lines of JSONL, records of CSV and TSV, compressed
    or not, Parquet row counts, one per other file: a JSON array counts as one), for progress and time left; None
    when stdin is among them. Never blocks on a FIFO."""
    total = 0
    for path in paths:
        if path == "-":
            return None
        suffix, gzipped = _format(path)
        if gzipped and suffix not in GZIP_SUFFIXES:  # one error record
            total += 1
            continue
        try:
            with open_input(path, gzipped) as handle:
                if suffix == ".parquet":
                    import pyarrow.parquet as pq

                    total += pq.ParquetFile(handle).metadata.num_rows
                elif suffix in TABLE_SUFFIXES:
                    total += max(_csv_records(handle) - 1, 0)  # less the header
                elif suffix in JSONL_SUFFIXES:
                    total += sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
                else:
                    total += 1
        except (OSError, ValueError, *GZIP_ERRORS):  # an unreadable file is reported when read; here it counts as one
            total += 1
    return total
