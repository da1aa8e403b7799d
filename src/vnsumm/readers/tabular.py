"""CSV, TSV and Parquet inputs, read a row or a batch at a time. A CSV's encoding and delimiter are detected from
its start; a quote inside a quoted field that is not doubled is read as the writer meant it (lazy_quotes); a row that
does not parse (a wrong number of columns, an unclosed quote) is one error record and the rows after it go on."""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vnsumm.lang.text import normalize
from vnsumm.readers.paths import GZIP_ERRORS, UnreadableInput, open_input, open_regular
from vnsumm.readers.rows import Fields, row_article
from vnsumm.readers.text import detect_encoding
from vnsumm.records import Article

TABLE_SUFFIXES = {".csv", ".tsv", ".parquet"}
_FIELD_LIMIT = 16 << 20  # one cell; the csv module's default (128 KiB) would refuse a long article


def _parquet_rows(path: str) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    with open_regular(path) as handle:
        for batch in pq.ParquetFile(handle).iter_batches(batch_size=256):
            yield from batch.to_pylist()


DELIMITERS = ",;\t|"  # what spreadsheets and exports use; the header line says which
_SAMPLE_BYTES = 64 << 10  # the start of a CSV its encoding is detected from


def header_delimiter(line: str) -> str:
    """The delimiter of a CSV header line: the most frequent of `,` `;` tab `|` outside quotes (a tie goes to the
    first in that order), `,` when there is none (one column)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])  # max keeps the first of equals
    return best if counts[best] else ","


_QUOTE = re.compile('"')


def lazy_quotes(lines: Iterator[str], delimiter: str) -> Iterator[str]:
    """The lines with each quote inside a quoted field that does not close it doubled: `"Ông nói "không" nhé"` as
    `"Ông nói ""không"" nhé"`, what the writer meant (Go's encoding/csv calls this LazyQuotes). A quote closes its
    field when the line ends after it or the delimiter follows it (spaces between are dropped), except in the
    header's last column while a quotation inside the field is open (`"Ông nói "không", rồi đi"`: the first `"` of
    `"không"` opened one, so the next quote closes it). A strict reader would end the field at the stray quote, and
    its line breaks would then cut the article into rows of fragments. Well-formed CSV passes unchanged."""
    spaces = " \t".replace(delimiter, "")
    columns: int | None = None  # the header's, once it is read
    quoted, column, inner = False, 0, 0  # inner: quotes inside the open field read as text so far
    for line in lines:
        if not quoted:
            column = 0  # a record starts
        if '"' not in line and quoted:
            yield line
            continue
        edits: list[tuple[int, int, str]] = []  # (start, end, replacement)
        skip, counted = -1, 0
        for match in _QUOTE.finditer(line):
            at = match.start()
            if at == skip:
                continue
            if not quoted:
                column += line.count(delimiter, counted, at)
                quoted = at == 0 or line[at - 1] == delimiter  # a quote opens a field only at its start
                counted, inner = at + 1, 0
                continue
            rest = line[at + 1:]
            if rest.startswith('"'):
                skip = at + 1  # an escaped quote
                continue
            following = rest.lstrip(spaces)
            if following[:1] in ("\r", "\n", "") or (following[:1] == delimiter and not (
                    inner % 2 and columns is not None and column >= columns - 1)):
                quoted, counted = False, at + 1
                if len(following) < len(rest):
                    edits.append((at + 1, at + 1 + len(rest) - len(following), ""))
            else:
                edits.append((at, at, '"'))
                inner += 1
        if not quoted:
            column += line.count(delimiter, counted)
            columns = columns or column + 1
        for begin, stop, text in reversed(edits):
            line = line[:begin] + text + line[stop:]
        yield line


def _first_line(sample: bytes, encoding: str) -> str:
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample)
    return text.split("\n", 1)[0].lstrip("\ufeff")


def _csv_rows(path: str, shown: str, stem: str, fields: Fields, delimiter: str | None,
              gzipped: bool) -> Iterator[Article]:
    """Rows of a CSV file as text (ids keep their leading zeros), each checked against the header. The encoding is
    detected from the file's start as for text files (BOM, UTF-8, else charset-normalizer), the delimiter (unless
    given) from the header line. A row is named by its first physical line (`file:line`), its fallback id by its
    number among the data rows (`stem:n`)."""
    csv.field_size_limit(min(sys.maxsize, _FIELD_LIMIT))
    with open_input(path, gzipped) as raw:
        sample = raw.read(_SAMPLE_BYTES)
        if not sample.strip():
            reason = "empty file" if not sample else "file holds only whitespace"
            yield Article(id=stem, source=shown).fail(f"{shown}: {reason}")
            return
        try:
            encoding = detect_encoding(sample, complete=len(sample) < _SAMPLE_BYTES)
        except UnreadableInput as exc:
            yield Article(id=stem, source=shown).fail(f"{shown}: {exc}")
            return
        delimiter = delimiter or header_delimiter(_first_line(sample, encoding))
        raw.seek(0)
        handle = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        reader = csv.reader(lazy_quotes(handle, delimiter), delimiter=delimiter, strict=True)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            yield Article(id=stem, source=shown).fail(f"{shown}: cannot read the CSV header ({exc})")
            return
        if not header:
            yield Article(id=stem, source=shown).fail(f"{shown}: empty file")
            return
        header = [normalize(name) for name in header]
        held: Article | None = None  # the last row, held until the next shows whether it parsed
        for article, parsed in _data_rows(reader, header, shown, stem, fields, encoding):
            if held is not None:
                if held.ok and not parsed:
                    held.warnings.append("the next row does not parse: this row's text may be cut short (a quote "
                                         "its writer did not double?)")
                yield held
            held = article
        if held is not None:
            yield held


def _data_rows(reader: Any, header: list[str], shown: str, stem: str, fields: Fields,
               encoding: str) -> Iterator[tuple[Article, bool]]:
    """The rows after the header, each with whether it parsed as a row of its own (a line too short, or one that
    does not parse, may be the rest of the row before)."""
    index, line = 0, reader.line_num + 1
    while True:
        index += 1
        where, fallback = f"{shown}:{line}", f"{stem}:{index}"
        try:
            row = next(reader)
        except StopIteration:
            if index == 1:  # an input that gives nothing is a wrong file more often than an empty day
                yield Article(id=stem, source=shown).fail(f"{shown}: CSV holds a header and no rows"), True
            return
        except csv.Error as exc:
            yield Article(id=fallback, source=where).fail(f"{where}: row does not parse ({exc})"), False
            continue
        finally:
            line = reader.line_num + 1
        if not any(cell.strip() for cell in row):
            index -= 1
            continue
        if len(row) != len(header):
            yield Article(id=fallback, source=where).fail(
                f"{where}: row has {len(row)} column{'s' * (len(row) != 1)}, the header {len(header)}"), \
                len(row) > len(header)  # a row too short is what the rest of a cut cell looks like
            continue
        article = row_article(dict(zip(header, row, strict=True)), where, fallback, fields)
        if article.ok and any("\ufffd" in cell for cell in row):  # bytes past the sample in another encoding
            article.warnings.append(f"bytes not in the file's encoding ({encoding}) replaced by U+FFFD")
        yield article, True


def read_table(path: str, shown: str, stem: str, fields: Fields, kind: str = "",
               gzipped: bool = False) -> Iterator[Article]:
    """Rows of a CSV (`kind` ".csv"), TSV (".tsv": tab-delimited CSV) or Parquet file; `kind` defaults to the
    path's suffix."""
    kind = kind or Path(path).suffix.lower()
    if kind != ".parquet":
        try:
            yield from _csv_rows(path, shown, stem, fields, "\t" if kind == ".tsv" else None, gzipped)
        except GZIP_ERRORS:
            raise  # read_path says the file is damaged
        except (OSError, UnreadableInput) as exc:
            yield Article(id=stem, source=shown).fail(f"{shown}: {getattr(exc, 'strerror', None) or exc}")
        return
    index = 0
    try:
        for index, row in enumerate(_parquet_rows(path), start=1):
            yield row_article(row, f"{shown}:{index}", f"{stem}:{index}", fields)
    except (OSError, ValueError) as exc:  # Arrow's errors are OSError and ValueError subclasses
        reason = " ".join(str(exc).split())[:200]
        where = f"{shown}:{index + 1}" if index else shown
        yield Article(id=f"{stem}:{index + 1}" if index else stem, source=where).fail(
            f"{where}: cannot read table ({reason})")
