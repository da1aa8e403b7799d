"""Property tests: random bytes, JSON values and file names to each reader and to the store. No traceback, every
article with a usable id, and no finished record lost."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vnsumm.output.store import OutputStore
from vnsumm.readers import expand_inputs, read_path
from vnsumm.records import Article

SUFFIXES = [".jsonl", ".csv", ".txt", ".html", ".parquet", ".md", ".json", ".tsv", ".jsonl.gz"]
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                   max_size=4), max_leaves=12)
FIELDS = st.fixed_dictionaries({}, optional={"id": JSON, "text": JSON | st.text(min_size=1, max_size=300),
                                             "title": JSON, "date": JSON})
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(articles: list[Article]) -> None:
    for article in articles:
        assert isinstance(article.id, str) and article.id and "\n" not in article.id
        assert article.error is None or "\n" not in article.error
        json.dumps(article.to_record(with_text=True), ensure_ascii=False).encode("utf-8")  # storable as UTF-8
        assert article.date is None or len(article.date) == 10


@FAST
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_to_every_reader(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        articles = list(read_path(str(path)))
        assert articles or suffix in (".jsonl", ".csv", ".tsv", ".jsonl.gz")  # blank lines, or a header alone
        _check(articles)


@FAST
@given(rows=st.lists(FIELDS | JSON, min_size=1, max_size=6))
def test_random_json_rows(rows: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rows.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        articles = list(read_path(str(path)))
        assert len(articles) == len(rows)
        _check(articles)
        for row, article in zip(rows, articles, strict=True):
            usable = isinstance(row, dict) and isinstance(row.get("text"), str) and row["text"].strip()
            assert article.ok == bool(usable)


@FAST
@given(name=st.text(min_size=1, max_size=30))
def test_random_file_names(name: str) -> None:
    try:
        raw = os.fsencode(name)
    except UnicodeEncodeError:
        return
    if b"/" in raw or b"\x00" in raw or raw in (b".", b"..") or raw.startswith(b".") or len(raw) > 200:
        return
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, name)
        Path(path).write_text("Hà Nội khai mạc hội nghị về kinh tế và việc làm.", encoding="utf-8")
        [found] = expand_inputs([folder])
        articles = list(read_path(found))
        _check(articles)
        assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in articles[0].source + articles[0].id)


@FAST
@given(garbage=st.lists(JSON.map(json.dumps) | st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
                        max_size=6))
def test_the_store_never_loses_a_finished_record_to_garbage_lines(garbage: list[str]) -> None:
    finished = [Article(id=f"a{i}", source=f"s{i}", summary_vi=f"tóm tắt {i}") for i in range(3)]
    with tempfile.TemporaryDirectory() as folder:
        store = OutputStore(Path(folder))
        lines = [json.dumps(a.to_record(), ensure_ascii=False) for a in finished]
        mixed = [lines[0], *garbage[:3], lines[1], *garbage[3:], lines[2]]
        store.path.write_text("\n".join(line.replace("\n", " ") for line in mixed) + "\n", encoding="utf-8")
        with store.open():
            index = store.index()
            store.compact()
        assert all(index[a.id].ok for a in finished)
        kept = {a.id: a for a in store.iter_records()}
        assert all(kept[a.id].summary_vi == a.summary_vi for a in finished)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.text(alphabet='ab "\n\r,;\t', max_size=12), min_size=1, max_size=3), min_size=1,
                max_size=4), st.sampled_from([",", ";", "\t"]))
def test_well_formed_csv_passes_the_lazy_quote_repair_unchanged(rows: list[list[str]], delimiter: str) -> None:
    """Whatever a CSV writer quotes (quotes, delimiters, line breaks in cells; rows longer or shorter than the
    header), the repair changes nothing."""
    import csv
    import io

    from vnsumm.readers.tabular import lazy_quotes

    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    lines = buffer.getvalue().splitlines(keepends=True)
    assert list(lazy_quotes(iter(lines), delimiter)) == lines
