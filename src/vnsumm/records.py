"""The record every stage reads and writes: one article, from raw text to bilingual summary."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from vnsumm.factcheck.facts import FactKind, UnsupportedFact
from vnsumm.jsonl import SURROGATES


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
    url: str | None = None  # the article's web address, where the input gives one (a page, a row's `url` field)
    summary_vi: str | None = None
    summary_en: str | None = None
    title_en: str | None = None
    summarizer: ModelIdentity | None = None
    translator: ModelIdentity | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    # Facts an output states that its source lacks (see factcheck/check.py); empty when all are.
    unsupported: list[UnsupportedFact] = field(default_factory=list)
    lead: str | None = None  # the opening of the cleaned text (cleaning.rules.opening): kept for grouping and display
    story: str | None = None  # articles reporting the same story share it (see stories/grouping.py)
    # The first sentences of the cleaned text: what its story's summary is drawn from (see stories/summaries.py).
    first_sentences: list[str] = field(default_factory=list)
    content_hash: str | None = None  # what the input said (see fingerprint)
    settings: str | None = None  # which models and options made the summary (see plan.settings_key)

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
        record["unsupported"] = [fact.to_json() for fact in self.unsupported]
        if not with_text:
            record.pop("text")
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Article:
        known = {k: v for k, v in record.items() if k in cls.__dataclass_fields__}
        for name in ("summarizer", "translator"):
            if name in known:
                known[name] = ModelIdentity.from_json(known[name])
        if "unsupported" in known:
            known["unsupported"] = [UnsupportedFact.from_json(item) for item in known["unsupported"]]
        return cls(**known)


ENGLISH_FIELDS = ("summary_en", "title_en")  # what a translator writes (and the check then checks)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_OPTIONAL_TEXT = ("title", "date_source", "publisher", "url", "summary_vi", "summary_en", "title_en", "error", "lead",
                  "story", "content_hash", "settings", "text")


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
    unsupported = record.get("unsupported", [])
    for name in ("warnings", "first_sentences"):
        items = record.get(name, [])
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            return f"{name} is not a list of text"
    if not isinstance(unsupported, list) or not all(_is_unsupported_fact(u) for u in unsupported):
        return "unsupported is not a list of facts ({field, kind, text})"
    if any(SURROGATES.search(value) for value in _strings(record)):
        return "text holds a lone surrogate (not encodable as UTF-8)"
    return None


_FACT_KINDS = frozenset(kind.value for kind in FactKind)


def _is_unsupported_fact(value: Any) -> bool:
    return (isinstance(value, dict) and value.get("kind") in _FACT_KINDS
            and all(isinstance(value.get(key), str) for key in ("field", "text")))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (*_strings(key), *_strings(item))]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []
