"""The record every stage reads and writes: one article, from raw text to bilingual summary."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class ModelIdentity:
    """What a record says about the model that made it. `revision` is the commit actually loaded where known."""

    name: str
    backend: str
    model: str | None = None
    revision: str | None = None
    compute_type: str | None = None

    def to_json(self) -> dict[str, Any]:
        record = asdict(self)
        if self.compute_type is None:  # the embedded summarizer has none; its records never carried the key
            record.pop("compute_type")
        return record

    @classmethod
    def from_json(cls, value: Any) -> ModelIdentity | None:
        if not isinstance(value, dict) or not isinstance(value.get("name"), str):
            return None
        def text(key: str) -> str | None:
            return None if value.get(key) is None else str(value[key])

        return cls(value["name"], text("backend") or "", text("model"), text("revision"), text("compute_type"))


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
    summarizer: ModelIdentity | None = None
    translator: ModelIdentity | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    # Facts an output states that its source lacks: {"field", "kind", "text"} (see factcheck.py); empty when all are.
    unsupported: list[dict[str, str]] = field(default_factory=list)
    lead: str | None = None  # the opening of the cleaned text (clean.opening): kept for grouping and display
    story: str | None = None  # articles reporting the same story share it (see stories.py)
    # The first sentences of the cleaned text: what its story's summary is drawn from (see story_summaries.py).
    first_sentences: list[str] = field(default_factory=list)
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
        for name in ("summarizer", "translator"):
            if record[name] is not None:
                record[name] = record[name].to_json()
        if not with_text:
            record.pop("text")
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Article:
        known = {k: v for k, v in record.items() if k in cls.__dataclass_fields__}
        for name in ("summarizer", "translator"):
            if name in known:
                known[name] = ModelIdentity.from_json(known[name])
        return cls(**known)
