"""`vnsumm clean`'s output: the cleaned records as JSON lines."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from vnsumm.records import Article

CLEANED_FIELDS = ("id", "source", "title", "date", "date_source", "publisher", "text", "error", "warnings")


def write_cleaned(articles: Iterable[Article], path: Path) -> tuple[int, list[Article]]:
    """One JSON line per article with CLEANED_FIELDS, streamed into a temporary file that replaces `path` when
    complete. Returns how many were written, and the failed ones."""
    from vnsumm.output.store import write_output as write_lines_atomic

    count, failed = 0, []

    def lines() -> Iterator[str]:
        nonlocal count
        for article in articles:
            count += 1
            if not article.ok:
                failed.append(article)
            record = article.to_record(with_text=True)
            yield json.dumps({k: record[k] for k in CLEANED_FIELDS}, ensure_ascii=False) + "\n"

    write_lines_atomic(path, lines())
    return count, failed
