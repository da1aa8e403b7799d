"""`vnsumm clean`'s output: the cleaned records as JSON lines."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from vnsumm.records import Article

CLEANED_FIELDS = ("id", "source", "title", "date", "date_source", "publisher", "url", "text", "error", "warnings")


def write_cleaned(articles: Iterable[Article], path: Path) -> tuple[int, list[Article]]:
    """One JSON line per article with CLEANED_FIELDS, streamed into a temporary file that replaces `path` when
    complete. Returns how many were written, and the failed ones."""
    from vnsumm.jsonl import dump_line
    from vnsumm.output.files import write_output

    count, failed = 0, []

    def lines() -> Iterator[str]:
        nonlocal count
        for article in articles:
            count += 1
            if not article.ok:
                failed.append(article)
            record = article.to_record(with_text=True)
            yield dump_line({k: record[k] for k in CLEANED_FIELDS})

    write_output(path, lines())
    return count, failed
