"""CSV and Parquet inputs, read a batch at a time. A CSV row that does not parse (a wrong number of columns, a
stray quote) is one error record and the rows after it go on."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from typing import Any

from vnsumm.readers.paths import UnreadableInput, open_regular
from vnsumm.readers.rows import Fields, row_article
from vnsumm.records import Article

TABLE_SUFFIXES = {".csv", ".parquet"}
_FIELD_LIMIT = 16 << 20  # one cell; the csv module's default (128 KiB) would refuse a long article


def _parquet_rows(path: str) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    with open_regular(path) as handle:
        for batch in pq.ParquetFile(handle).iter_batches(batch_size=256):
            yield from batch.to_pylist()


def _csv_rows(path: str, shown: str, stem: str, fields: Fields) -> Iterator[Article]:
    """Rows of a CSV file as text (ids keep their leading zeros), each checked against the header."""
    csv.field_size_limit(min(sys.maxsize, _FIELD_LIMIT))
    with open_regular(path) as raw:
        import io

        handle = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            yield Article(id=stem, source=shown).fail(f"{shown}: cannot read the CSV header ({exc})")
            return
        if not header:
            yield Article(id=stem, source=shown).fail(f"{shown}: empty file")
            return
        index = 0
        while True:
            index += 1
            where, fallback = f"{shown}:{index}", f"{stem}:{index}"
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Article(id=fallback, source=where).fail(f"{where}: row does not parse ({exc})")
                continue
            if not any(cell.strip() for cell in row):
                index -= 1
                continue
            if len(row) != len(header):
                yield Article(id=fallback, source=where).fail(
                    f"{where}: row has {len(row)} columns, the header {len(header)}")
                continue
            yield row_article(dict(zip(header, row, strict=True)), where, fallback, fields)


def read_table(path: str, shown: str, stem: str, fields: Fields) -> Iterator[Article]:
    if not path.lower().endswith(".parquet"):
        try:
            yield from _csv_rows(path, shown, stem, fields)
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
