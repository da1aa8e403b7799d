"""A story summary as `stories.jsonl` holds it (`StorySummary`), and its key: what it depends on, so that a story whose
articles and settings did not change keeps its summary."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from vnsumm.factcheck.facts import UnsupportedFact
from vnsumm.jsonl import dump_json
from vnsumm.records import Article, ModelIdentity

STORIES_FILE = "stories.jsonl"  # in a run's output folder
# Its revision numbers the selection rules: a new one redoes the story summaries made before it.
EMBEDDED = ModelIdentity("multidoc-extractive", "extractive", revision="2")


@dataclass(frozen=True)
class StorySummary:
    """One story's summary. `sources[i]` lists the ids of the articles the i-th line of `summary_vi` comes from."""

    story: str
    articles: tuple[str, ...]
    title: str | None
    title_en: str | None
    summary_vi: str
    summary_en: str | None
    sources: tuple[tuple[str, ...], ...]
    unsupported: tuple[UnsupportedFact, ...]
    summarizer: ModelIdentity
    translator: ModelIdentity | None
    key: str  # hash of the articles' ids and content hashes and the settings: equal key, same summary

    @property
    def sentences(self) -> list[str]:
        return self.summary_vi.split("\n") if self.summary_vi else []

    def to_record(self) -> dict[str, Any]:
        record = {f.name: getattr(self, f.name) for f in fields(self)}  # shallow: every nested value is set below
        record.update(articles=list(self.articles), sources=[list(s) for s in self.sources],
                      unsupported=[u.to_json() for u in self.unsupported], summarizer=_identity_json(self.summarizer),
                      translator=_identity_json(self.translator) if self.translator else None)
        return record

    def to_json(self) -> str:
        """One JSON line (no newline)."""
        return dump_json(self.to_record())

    @classmethod
    def from_json(cls, data: str | Mapping[str, Any]) -> StorySummary:
        record = json.loads(data) if isinstance(data, str) else dict(data)
        return cls(story=str(record["story"]), articles=tuple(record["articles"]), title=record.get("title"),
                   title_en=record.get("title_en"), summary_vi=record["summary_vi"],
                   summary_en=record.get("summary_en"),
                   sources=tuple(tuple(s) for s in record["sources"]),
                   unsupported=tuple(UnsupportedFact.from_json(u) for u in record.get("unsupported") or ()),
                   summarizer=ModelIdentity.from_json(record["summarizer"]) or EMBEDDED,
                   translator=ModelIdentity.from_json(record.get("translator")),
                   key=record["key"])


@functools.lru_cache(maxsize=16)
def _identity(identity: ModelIdentity) -> dict[str, Any]:
    return identity.to_json()


def _identity_json(identity: ModelIdentity) -> dict[str, Any]:
    """identity.to_json(), made once per identity (a run writes one or two, tens of thousands of times): a copy."""
    return dict(_identity(identity))


def read_story_summaries(path: Path) -> Iterator[StorySummary]:
    """The summaries of a stories file; lines that do not hold one are skipped (they are made again)."""
    if not path.is_file():
        return
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                yield StorySummary.from_json(line)
            except (ValueError, KeyError, TypeError, AttributeError):
                continue


def settings_json(settings: Mapping[str, Any]) -> str:
    """The settings as `story_key` takes them: serialized once per run, not once per story."""
    return json.dumps(dict(settings), ensure_ascii=False, sort_keys=True, default=str)


def story_key(articles: Sequence[Article], settings: str) -> str:
    """What a story's summary depends on: its articles (ids and what they say) and the settings that made it
    (`settings_json`); the hash of the same text as json.dumps([*rows, settings]) (rows are lists of strings)."""
    rows: list[list[str | None]] = [[a.id, a.content_hash or a.fingerprint()] for a in articles]
    if len(articles) == 1:  # a one-article story's summary is its article's, made before this stage
        rows[0] += [articles[0].summary_vi, articles[0].summary_en]
    payload = "[" + ", ".join([*(json.dumps(row, ensure_ascii=False) for row in rows), settings]) + "]"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
