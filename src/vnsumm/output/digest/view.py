"""What a digest shows, whatever its format: the finished records as stories (the clearest article first, then the
other outlets), newest first, then larger first; failures; counts; labels in the digest's language. The Markdown
and HTML templates both render this view."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from vnsumm.output.digest.labels import LANGUAGES, labels_for
from vnsumm.records import ENGLISH_FIELDS, Article
from vnsumm.urls import web_url

if TYPE_CHECKING:
    from vnsumm.stories.record import StorySummary

ALSO_SHOWN = 10  # other articles listed per story; the rest are counted
R = TypeVar("R", Article, "StorySummary")
FAILED_SHOWN = 100  # failed inputs listed; the rest are counted (summaries.jsonl has them all)
DERIVED_TITLE_WORDS = 14


@dataclass
class Story:
    """Articles reporting one story: the one shown first, and the others."""

    id: str
    first: Article
    others: list[Article] = field(default_factory=list)
    summary: StorySummary | None = None  # drawn from all its articles (stories of two or more)

    @property
    def date(self) -> str | None:
        return max((a.date for a in (self.first, *self.others) if a.date), default=None)

    @property
    def size(self) -> int:
        return 1 + len(self.others)

    @property
    def cited(self) -> int:
        """How many of its articles the story summary's sentences cite (a summary may draw on a few of many)."""
        articles = self.articles
        return len({i for sources in (self.summary.sources if self.summary else []) for i in sources if i in articles})

    @property
    def flagged(self) -> bool:
        """Whether an article of the story states a fact its source lacks."""
        return any(a.unsupported for a in (self.first, *self.others)) or bool(self.summary and self.summary.unsupported)

    @property
    def articles(self) -> dict[str, Article]:
        return {a.id: a for a in (self.first, *self.others)}


def _clearness(article: Article) -> tuple[bool, bool, int, str]:
    """What makes an article the one to show: no flagged facts, a headline, a fuller summary; then its id."""
    return (bool(article.unsupported), article.title is None, -len(article.summary_vi or ""), article.id)


def stories(records: Sequence[Article], summaries: Mapping[str, StorySummary] | None = None) -> list[Story]:
    """The finished records as stories, newest first, then larger first; an article without a story id is its
    own story. `summaries`: story summaries by story id, shown for stories of two or more articles."""
    by_story: dict[str, list[Article]] = {}
    for record in records:
        if record.ok:
            by_story.setdefault(record.story or record.id, []).append(record)
    found = []
    for story_id, members in by_story.items():
        first, *others = sorted(members, key=_clearness)
        summary = (summaries or {}).get(story_id) if others else None
        if summary is not None and summary.summary_en:  # its Vietnamese lines are isolated one by one (`cited`)
            summary = replace(summary, summary_en=isolated(summary.summary_en))
        found.append(Story(story_id, first, sorted(others, key=lambda a: (a.date or "", a.id)), summary))
    found.sort(key=lambda s: (-s.size, s.id))
    # Stable: within a date, larger stories first; undated ones ("") sort last.
    found.sort(key=lambda s: s.date or "", reverse=True)
    return found


# Right-to-left letters and the explicit direction controls (embeddings, overrides, isolates).
_BIDI = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u202a-\u202e\u2066-\u2069]")
_OPENERS = {"\u202a": "\u202c", "\u202b": "\u202c", "\u202d": "\u202c", "\u202e": "\u202c",
            "\u2066": "\u2069", "\u2067": "\u2069", "\u2068": "\u2069"}


def isolated(text: str | None) -> str | None:
    """Each line of a scraped text that holds right-to-left text or direction controls, closed and isolated (what
    HTML's <bdi> does, in characters, so Markdown gets it too): an override in a title cannot reorder the publisher,
    date or link shown after it."""
    if not text or not _BIDI.search(text):
        return text
    lines = []
    for line in text.split("\n"):
        open_controls = []
        for char in line:
            if char in _OPENERS:
                open_controls.append(_OPENERS[char])
            elif char in ("\u202c", "\u2069") and open_controls:
                open_controls.pop()
        lines.append("\u2068" + line + "".join(reversed(open_controls)) + "\u2069")
    return "\n".join(lines)


def isolated_texts(record: Article) -> Article:
    """The record with its shown texts isolated where they carry right-to-left text (most records: itself)."""
    texts = (record.title, record.title_en, record.publisher, record.summary_vi, record.summary_en, record.error)
    if not any(text and _BIDI.search(text) for text in texts):
        return record
    return replace(record, title=isolated(record.title), title_en=isolated(record.title_en),
                   publisher=isolated(record.publisher), summary_vi=isolated(record.summary_vi),
                   summary_en=isolated(record.summary_en), error=isolated(record.error))


def shown(record: Article) -> Article:
    """What the digest reads of a record, and no more (it holds every record of the store at once)."""
    lead = " ".join((record.lead or "").split()[:DERIVED_TITLE_WORDS + 1]) or None
    return Article(id=record.id, source=record.source, title=record.title, date=record.date,
                   publisher=record.publisher, url=record.url, summary_vi=record.summary_vi,
                   summary_en=record.summary_en, title_en=record.title_en, error=record.error,
                   unsupported=record.unsupported, lead=lead, story=record.story)


def segments(record: Article | StorySummary, field_name: str, text: str | None = None) -> list[tuple[str, bool]]:
    """The field's text (or `text`, a part of it) cut into (piece, flagged) around the facts the check found
    unsupported in it."""
    text = text if text is not None else getattr(record, field_name) or ""
    flagged = sorted({u.text for u in record.unsupported if u.field == field_name and u.text},
                     key=len, reverse=True)
    if not flagged:
        return [(text, False)] if text else []
    pattern = re.compile("|".join(map(re.escape, flagged)))
    pieces, start = [], 0
    for match in pattern.finditer(text):
        pieces += [(text[start:match.start()], False), (match.group(0), True)]
        start = match.end()
    pieces.append((text[start:], False))
    return [(piece, bad) for piece, bad in pieces if piece]


@dataclass(frozen=True)
class Outlet:
    """Where a sentence of a story summary comes from: the publisher (else the source) and a link when the source
    is a web address."""

    name: str
    link: str | None


@dataclass
class DigestView:
    lang: str
    stories: list[Story]
    failed: list[Article]  # the first FAILED_SHOWN failures
    failed_count: int

    @property
    def language(self) -> str:
        return LANGUAGES.get(self.lang, self.lang)

    @property
    def labels(self) -> dict[str, str]:
        return labels_for(self.lang)

    # Cached: every page of a paged digest shows them.
    @cached_property
    def article_count(self) -> int:
        return sum(s.size for s in self.stories)

    @cached_property
    def flagged(self) -> int:
        return sum(s.flagged for s in self.stories)

    def title(self, article: Article) -> tuple[str, bool]:
        """The title to show and whether it was derived: the English title in an English digest, else the headline,
        else the first words of the article's opening (the record's title stays empty)."""
        if self.lang == "en" and article.title_en:
            return article.title_en, False
        if article.title:
            return article.title, False
        words = (article.lead or article.summary_vi or article.id).split()
        derived = " ".join(words[:DERIVED_TITLE_WORDS]) + ("…" if len(words) > DERIVED_TITLE_WORDS else "")
        return isolated(derived) or derived, True

    def original_title(self, article: Article) -> str | None:
        """The Vietnamese headline, where the digest shows a translated one."""
        return article.title if self.title(article)[0] != article.title else None

    def cited(self, story: Story) -> list[tuple[str, list[Outlet]]]:
        """The story summary's Vietnamese sentences, each with the outlets it comes from."""
        if story.summary is None:
            return []
        articles = story.articles
        lines = []
        for sentence, sources in zip(story.summary.sentences, story.summary.sources, strict=False):
            outlets = [self.outlet(a) for a in (articles[i] for i in sources if i in articles)]
            lines.append((isolated(sentence) or sentence, list(dict.fromkeys(outlets))))
        return lines

    def cited_english(self, story: Story) -> list[tuple[str, list[Outlet]]]:
        """The story summary's English lines, each with the outlets of the Vietnamese sentence it translates; none
        when the English is not line by line (a summary translated whole by an earlier version)."""
        if story.summary is None or not story.summary.summary_en:
            return []
        english = story.summary.summary_en.split("\n")
        cited = self.cited(story)
        return [(line, outlets) for line, (_, outlets) in zip(english, cited, strict=True)] \
            if len(english) == len(cited) else []

    @staticmethod
    def outlet(article: Article) -> Outlet:
        """Who published the article (else where it was read), linked to it where its web address is known."""
        return Outlet(article.publisher or isolated(article.source) or article.source,
                      web_url(article.url) or web_url(article.source))

    def byline(self, story: Story) -> list[str]:
        """The first article's date and publisher, and the story's latest date where another article is newer (the
        story is placed by it); `where` follows them."""
        article = story.first
        latest = [self.labels["latest"].format(date=story.date)] if story.date and story.date != article.date else []
        return [article.date or self.labels["date_unknown"], *([article.publisher] if article.publisher else []),
                *latest]

    @staticmethod
    def where(article: Article) -> Outlet:
        """Where the article was read, linked to the article where its web address is known."""
        return Outlet(isolated(article.source) or article.source, web_url(article.url) or web_url(article.source))


def in_language(record: R, lang: str) -> R:
    """The record with only the flags on fields a digest in `lang` shows: a Vietnamese digest shows no English (a
    record an English run made keeps its translations and their flags)."""
    if lang == "en" or not any(u.field in ENGLISH_FIELDS for u in record.unsupported):
        return record
    return replace(record, unsupported=type(record.unsupported)(u for u in record.unsupported
                                                                if u.field not in ENGLISH_FIELDS))


def one_name_per_outlet(records: Sequence[Article]) -> list[Article]:
    """The records with one name for a site that its own pages' metadata names in several forms ("Dân trí", "Báo Dân
    Trí" on dantri.com.vn): the form most of its articles carry. Only names that name the site itself (its address
    says so) are made one: the outlets an aggregator lists (baomoi.com's "Lao Động", "Người Lao Động") stay apart."""
    from collections import Counter

    from vnsumm.readers.page_meta import is_site_name
    from vnsumm.urls import site_name

    def own_site(record: Article) -> str | None:
        """The site the record's publisher names itself, if it does."""
        where = site_name(web_url(record.url)) if record.publisher else None
        return where if where and record.publisher and is_site_name(record.publisher, [where]) else None

    sites = [own_site(record) for record in records]
    counts: dict[str, Counter[str]] = {}
    for record, where in zip(records, sites, strict=True):
        if where:
            counts.setdefault(where, Counter())[record.publisher or ""] += 1
    named = {where: min(names.items(), key=lambda item: (-item[1], item[0]))[0]
             for where, names in counts.items() if len(names) > 1}
    return [replace(record, publisher=named[where]) if where in named else record
            for record, where in zip(records, sites, strict=True)]


def digest_view(records: Sequence[Article], lang: str,
                summaries: Mapping[str, StorySummary] | None = None) -> DigestView:
    records = [in_language(isolated_texts(r), lang) for r in one_name_per_outlet(records)]
    failed = [r for r in records if not r.ok]
    summaries = {key: in_language(summary, lang) for key, summary in (summaries or {}).items()}
    return DigestView(lang, stories(records, summaries), failed[:FAILED_SHOWN], len(failed))
