"""The record every stage reads and writes: one article, from raw text to bilingual summary."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Article:
    """One article. `error` set means this article failed and later stages pass it through untouched."""

    id: str
    source: str
    text: str = ""
    title: str | None = None
    date: str | None = None
    date_source: str | None = None  # where the date was read: meta, url, byline, lede, or none
    publisher: str | None = None
    summary_vi: str | None = None
    summary_en: str | None = None
    title_en: str | None = None
    summarizer: dict[str, Any] | None = None
    translator: dict[str, Any] | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    # Facts an output states that its source lacks: {"field", "kind", "text"} (see factcheck.py); empty when all are.
    unsupported: list[dict[str, str]] = field(default_factory=list)
    lead: str | None = None  # the opening of the cleaned text (clean.opening): kept for grouping and display
    story: str | None = None  # articles reporting the same story share it (see stories.py)
    content_hash: str | None = None  # what the input said (see fingerprint)
    settings: str | None = None  # which models and options made the summary (see pipeline.settings_key)

    @property
    def ok(self) -> bool:
        return self.error is None

    def fail(self, message: str) -> Article:
        self.error = " ".join(message.split())  # errors are one line, always
        return self

    def fingerprint(self) -> str:
        """Hash of what the article says (title and text), used to tell a changed input from a done one."""
        payload = json.dumps([self.title, self.text], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    def to_record(self, *, with_text: bool = False) -> dict[str, Any]:
        # Shallow: asdict deep-copies every nested value, and the record is serialized at once anyway.
        record = {name: getattr(self, name) for name in self.__dataclass_fields__}
        if not with_text:
            record.pop("text")
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Article:
        known = {k: v for k, v in record.items() if k in cls.__dataclass_fields__}
        return cls(**known)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_OPTIONAL_TEXT = ("title", "date_source", "publisher", "summary_vi", "summary_en", "title_en", "error", "lead", "story",
                  "content_hash", "settings", "text")


def record_problem(record: Any) -> str | None:
    """Why a stored line cannot be an Article (None when it can): the store moves such lines aside instead of
    failing on them later, so every record read back has the types the rest of the run relies on."""
    if not isinstance(record, dict):
        return f"not an object ({type(record).__name__})"
    if not isinstance(record.get("id"), str) or not record["id"]:
        return "no id (or an id that is not text)"
    if not isinstance(record.get("source"), str):
        return "no source (or a source that is not text)"
    for name in _OPTIONAL_TEXT:
        if record.get(name) is not None and not isinstance(record[name], str):
            return f"{name} is not text"
    date = record.get("date")
    if date is not None and not (isinstance(date, str) and _ISO_DATE.fullmatch(date)):
        return "date is not an ISO date (YYYY-MM-DD)"
    for name in ("summarizer", "translator"):
        if record.get(name) is not None and not isinstance(record[name], dict):
            return f"{name} is not an object"
    warnings, unsupported = record.get("warnings", []), record.get("unsupported", [])
    if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
        return "warnings is not a list of text"
    if not isinstance(unsupported, list) or not all(isinstance(u, dict) for u in unsupported):
        return "unsupported is not a list of objects"
    if any(_SURROGATE.search(value) for value in _strings(record)):
        return "text holds a lone surrogate (not encodable as UTF-8)"
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (*_strings(key), *_strings(item))]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []
