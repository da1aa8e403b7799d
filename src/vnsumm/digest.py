"""Digest stage: the records of a store as stories, in Markdown and in self-contained HTML pages.

One entry per story (articles sharing a `story` id): the clearest article's title and summary, then the other
outlets that reported it. Stories are ordered newest first, then by size. A small store is one HTML page; a large
one is an index page with a page per day (and per PAGE_STORIES stories), so that every page opens at once. The
Markdown digest holds the first MARKDOWN_STORIES stories and says where the rest are. Chrome (headings, labels)
is in the digest's language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import jinja2
from markupsafe import Markup, escape

from vnsumm.records import Article

LANGUAGES = {"en": "English", "vi": "Tiếng Việt"}
PAGE_STORIES = 200  # stories per HTML page
MARKDOWN_STORIES = 500  # stories in the Markdown digest
ALSO_SHOWN = 10  # other articles listed per story; the rest are counted
FAILED_SHOWN = 100  # failed inputs listed; the rest are counted (summaries.jsonl has them all)
DERIVED_TITLE_WORDS = 14

CHROME = {
    "en": {
        "heading": "vnsumm digest", "counts": "{articles} articles in {stories} stories", "failed": "{n} failed",
        "languages": "summaries in English beside Tiếng Việt", "order": "newest first",
        "flagged": "Stories with numbers, dates or names not found in their source: {n}, marked",
        "like_this": "like this", "also": "Also reported by", "more": "and {n} more", "date_unknown": "date unknown",
        "derived": "title taken from the article's opening", "failed_heading": "Inputs that failed",
        "contents": "Contents", "days": "Days", "undated": "Undated", "index": "All days",
        "rest": "{n} more stories are in digest.html and summaries.jsonl.",
        "unsupported": "not found in the source", "page": "page {n}", "stories": "{n} stories",
    },
    "vi": {
        "heading": "Bản tin vnsumm", "counts": "{articles} bài trong {stories} sự kiện", "failed": "{n} bài lỗi",
        "languages": "tóm tắt tiếng Việt", "order": "mới nhất trước",
        "flagged": "Sự kiện có số liệu, ngày tháng hoặc tên không có trong bài gốc: {n}, đánh dấu",
        "like_this": "như thế này", "also": "Cũng đưa tin", "more": "và {n} bài khác", "date_unknown": "không rõ ngày",
        "derived": "tiêu đề lấy từ đoạn mở đầu bài", "failed_heading": "Đầu vào bị lỗi",
        "contents": "Mục lục", "days": "Theo ngày", "undated": "Không rõ ngày", "index": "Mọi ngày",
        "rest": "Còn {n} sự kiện nữa trong digest.html và summaries.jsonl.",
        "unsupported": "không có trong bài gốc", "page": "trang {n}", "stories": "{n} sự kiện",
    },
}


@dataclass
class Story:
    """Articles reporting one story: the one shown first, and the others."""

    id: str
    first: Article
    others: list[Article] = field(default_factory=list)

    @property
    def date(self) -> str | None:
        return max((a.date for a in (self.first, *self.others) if a.date), default=None)

    @property
    def size(self) -> int:
        return 1 + len(self.others)

    @property
    def flagged(self) -> bool:
        """Whether an article of the story states a fact its source lacks."""
        return any(a.unsupported for a in (self.first, *self.others))


def _clearness(article: Article) -> tuple[bool, bool, int, str]:
    """What makes an article the one to show: no flagged facts, a headline, a fuller summary; then its id."""
    return (bool(article.unsupported), article.title is None, -len(article.summary_vi or ""), article.id)


def stories(records: Sequence[Article]) -> list[Story]:
    """The finished records as stories, newest first, then larger first; an article without a story id is its
    own story."""
    by_story: dict[str, list[Article]] = {}
    for record in records:
        if record.ok:
            by_story.setdefault(record.story or record.id, []).append(record)
    found = []
    for story_id, members in by_story.items():
        first, *others = sorted(members, key=_clearness)
        found.append(Story(story_id, first, sorted(others, key=lambda a: (a.date or "", a.id))))
    found.sort(key=lambda s: (-s.size, s.id))
    # Stable: within a date, larger stories first; undated ones ("") sort last.
    found.sort(key=lambda s: s.date or "", reverse=True)
    return found


def display_title(article: Article, lang: str) -> tuple[str, bool]:
    """The title to show and whether it was derived: the English title in an English digest, else the headline,
    else the first words of the article's opening (the record's title stays empty)."""
    if lang == "en" and article.title_en:
        return article.title_en, False
    if article.title:
        return article.title, False
    words = (article.lead or article.summary_vi or article.id).split()
    return " ".join(words[:DERIVED_TITLE_WORDS]) + ("…" if len(words) > DERIVED_TITLE_WORDS else ""), True


def shown(record: Article) -> Article:
    """What the digest reads of a record, and no more (it holds every record of the store at once)."""
    lead = " ".join((record.lead or "").split()[:DERIVED_TITLE_WORDS + 1]) or None
    return Article(id=record.id, source=record.source, title=record.title, date=record.date,
                   publisher=record.publisher, summary_vi=record.summary_vi, summary_en=record.summary_en,
                   title_en=record.title_en, error=record.error, unsupported=record.unsupported, lead=lead,
                   story=record.story)


def segments(record: Article, field_name: str) -> list[tuple[str, bool]]:
    """The field's text cut into (piece, flagged) around the facts the check found unsupported in it."""
    text = getattr(record, field_name) or ""
    flagged = sorted({u["text"] for u in record.unsupported if u.get("field") == field_name and u.get("text")},
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


def _md_escape(text: str | None) -> str:
    """Markdown treats `<`, `*`, `_`, `[`… as syntax: escape them so scraped text shows literally."""
    if not text:
        return ""
    out = text.replace("\\", "\\\\")
    for ch in "`*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return re.sub(r"\s+", " ", out)


def _md_marked(record: Article, field_name: str) -> str:
    return "".join(f"**{_md_escape(piece)}**⚠" if bad else _md_escape(piece)
                   for piece, bad in segments(record, field_name))


def _byline(article: Article, chrome: dict[str, str]) -> list[str]:
    return [article.date or chrome["date_unknown"], *([article.publisher] if article.publisher else []),
            article.source]


def render_markdown(records: Sequence[Article], lang: str = "en") -> str:
    chrome = CHROME.get(lang, CHROME["en"])
    found = stories(records)
    failed = [r for r in records if not r.ok]
    counts = chrome["counts"].format(articles=sum(s.size for s in found), stories=len(found))
    lines = [f"# {chrome['heading']} ({LANGUAGES.get(lang, lang)})", "",
             counts + (f", {chrome['failed'].format(n=len(failed))}" if failed else "") + ".", ""]
    if flagged := sum(s.flagged for s in found):
        lines += [f"{chrome['flagged'].format(n=flagged)} **{chrome['like_this']}**⚠.", ""]
    for story in found[:MARKDOWN_STORIES]:
        article = story.first
        title, derived = display_title(article, lang)
        lines += [f"## {_md_escape(title)}" + (f" *({chrome['derived']})*" if derived else ""), ""]
        if lang == "en" and article.title and title != article.title:
            lines += [f"*{_md_escape(article.title)}*", ""]
        lines += [" · ".join(_md_escape(part) for part in _byline(article, chrome)), ""]
        if lang == "en":
            lines += [f"**English:** {_md_marked(article, 'summary_en')}", ""]
        lines += [f"**Tiếng Việt:** {_md_marked(article, 'summary_vi')}", ""]
        if story.others:
            lines += [f"{chrome['also']}:", ""]
            for other in story.others[:ALSO_SHOWN]:
                other_title, _ = display_title(other, lang)
                original = f" ({_md_escape(other.title)})" if other.title and other_title != other.title else ""
                lines.append(f"- {_md_escape(other.publisher or other.source)}: {_md_escape(other_title)}{original}, "
                             f"{other.date or chrome['date_unknown']}")
            if len(story.others) > ALSO_SHOWN:
                lines.append(f"- {chrome['more'].format(n=len(story.others) - ALSO_SHOWN)}")
            lines.append("")
    if len(found) > MARKDOWN_STORIES:
        lines += [chrome["rest"].format(n=len(found) - MARKDOWN_STORIES), ""]
    if failed:
        lines += [f"## {chrome['failed_heading']}", ""]
        lines += [f"- {_md_escape(r.id)}: {_md_escape(r.error)}" for r in failed[:FAILED_SHOWN]]
        if len(failed) > FAILED_SHOWN:
            lines.append(f"- {chrome['more'].format(n=len(failed) - FAILED_SHOWN)}")
        lines.append("")
    return "\n".join(lines)


def _html_marked(record: Article, field_name: str) -> Markup:
    return Markup("").join(
        Markup('<mark class="unsupported" title="{}">{}</mark>').format(
            CHROME["en"]["unsupported"], piece) if bad else escape(piece)
        for piece, bad in segments(record, field_name))


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("vnsumm", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),  # scraped text may hold markup
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(marked=_html_marked, display_title=display_title, byline=_byline,
                               also_shown=ALSO_SHOWN)
    return environment


@dataclass
class Page:
    path: str  # relative to the output folder
    label: str
    stories: list[Story]


def _pages(found: list[Story], chrome: dict[str, str]) -> list[Page]:
    """Stories split by day (undated last), each day into pages of PAGE_STORIES."""
    days: dict[str, list[Story]] = {}
    for story in found:
        days.setdefault((story.date or "")[:10], []).append(story)
    pages = []
    for day, members in days.items():
        name = day or "undated"
        parts = range(0, len(members), PAGE_STORIES)
        for number, start in enumerate(parts, start=1):
            suffix = f"-{number}" if len(parts) > 1 else ""
            label = (day or chrome["undated"]) + (f", {chrome['page'].format(n=number)}" if suffix else "")
            pages.append(Page(f"digest/{name}{suffix}.html", label, members[start:start + PAGE_STORIES]))
    return pages


def render_html_pages(records: Sequence[Article], lang: str = "en") -> dict[str, str]:
    """The HTML digest as {relative path: page}: `digest.html` alone for a store of up to PAGE_STORIES stories,
    else `digest.html` as an index of the pages under `digest/`."""
    chrome = CHROME.get(lang, CHROME["en"])
    template = _environment().get_template("digest.html.j2")
    found = stories(records)
    failed = [r for r in records if not r.ok]
    common = {
        "lang": lang, "language": LANGUAGES.get(lang, lang), "chrome": chrome, "failed": failed[:FAILED_SHOWN],
        "failed_count": len(failed), "article_count": sum(s.size for s in found), "story_count": len(found),
        "flagged": sum(s.flagged for s in found),
    }
    if len(found) <= PAGE_STORIES:
        return {"digest.html": template.render(**common, stories=found, pages=[], index=None)}
    pages = _pages(found, chrome)
    rendered = {"digest.html": template.render(**common, stories=[], pages=pages, index=None)}
    for page in pages:
        rendered[page.path] = template.render(**common, stories=page.stories, pages=[], index="../digest.html",
                                              page_label=page.label)
    return rendered


def render_html(records: Sequence[Article], lang: str = "en") -> str:
    """The digest's first page (`digest.html`)."""
    return render_html_pages(records, lang)["digest.html"]


def digest_name(fmt: str, lang: str) -> str:
    return "digest.html" if fmt == "html" else f"digest.{lang}.{fmt}"


def render(fmt: str, records: Sequence[Article], lang: str) -> dict[str, str]:
    """{relative path: content} of one digest format."""
    if fmt == "html":
        return render_html_pages(records, lang)
    return {digest_name(fmt, lang): render_markdown(records, lang)}
