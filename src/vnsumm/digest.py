"""Digest stage: the records of a run as Markdown and as one self-contained HTML page."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import jinja2
from markupsafe import Markup, escape

from vnsumm.records import Article

LANGUAGES = {"en": "English", "vi": "Tiếng Việt"}


def _ordered(records: Sequence[Article]) -> list[Article]:
    """Finished articles, newest first; undated ones last, in input order."""
    ok = [r for r in records if r.ok]
    dated = sorted((r for r in ok if r.date), key=lambda r: r.date or "", reverse=True)
    return dated + [r for r in ok if not r.date]


def segments(record: Article, field: str) -> list[tuple[str, bool]]:
    """The field's text cut into (piece, flagged) around the facts the check found unsupported in it."""
    text = getattr(record, field) or ""
    flagged = sorted({u["text"] for u in record.unsupported if u.get("field") == field and u.get("text")},
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


def _html_marked(record: Article, field: str) -> Markup:
    return Markup("").join(
        Markup('<mark class="unsupported" title="not found in the source">{}</mark>').format(piece) if bad
        else escape(piece) for piece, bad in segments(record, field))


def _md_marked(record: Article, field: str) -> str:
    return "".join(f"**{_md_escape(piece)}**⚠" if bad else _md_escape(piece) for piece, bad in segments(record, field))


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("vnsumm", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),  # scraped text may hold markup
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["marked"] = _html_marked
    return environment


def _md_escape(text: str | None) -> str:
    """Markdown treats `<`, `*`, `_`, `[`… as syntax: escape them so scraped text shows literally."""
    if not text:
        return ""
    out = text.replace("\\", "\\\\")
    for ch in "`*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return re.sub(r"\s+", " ", out)


def render_markdown(records: Sequence[Article], lang: str = "en") -> str:
    lines = [f"# vnsumm digest ({LANGUAGES.get(lang, lang)})", ""]
    articles = _ordered(records)
    failed = [r for r in records if not r.ok]
    lines.append(f"{len(articles)} articles summarized" + (f", {len(failed)} failed" if failed else "") + ".")
    lines.append("")
    if flagged := sum(bool(r.unsupported) for r in articles):
        lines += [f"{flagged} of them state numbers, dates or names not found in their source: marked **like "
                  "this**⚠.", ""]
    for record in articles:
        title_vi = record.title or record.id
        title = record.title_en if lang == "en" and record.title_en else title_vi
        lines.append(f"## {_md_escape(title)}")
        lines.append("")
        if lang == "en" and title != title_vi:
            lines.append(f"*{_md_escape(title_vi)}*")
            lines.append("")
        meta = [f"**Date:** {record.date}" if record.date else "**Date:** unknown",
                f"**Source:** `{record.source}`"]
        lines.append(" · ".join(meta))
        lines.append("")
        if lang == "en":
            lines.append(f"**English:** {_md_marked(record, 'summary_en')}")
            lines.append("")
        lines.append(f"**Tiếng Việt:** {_md_marked(record, 'summary_vi')}")
        lines.append("")
    if failed:
        lines.append("## Inputs that failed")
        lines.append("")
        lines.extend(f"- {_md_escape(r.id)}: {_md_escape(r.error)}" for r in failed)
        lines.append("")
    return "\n".join(lines)


def render_html(records: Sequence[Article], lang: str = "en") -> str:
    template = _environment().get_template("digest.html.j2")
    articles = _ordered(records)
    return template.render(
        articles=articles, failed=[r for r in records if not r.ok], lang=lang,
        flagged=sum(bool(r.unsupported) for r in articles),
        language=LANGUAGES.get(lang, lang),
    )


RENDERERS: dict[str, Callable[[Sequence[Article], str], str]] = {"md": render_markdown, "html": render_html}


def digest_name(fmt: str, lang: str) -> str:
    return "digest.html" if fmt == "html" else f"digest.{lang}.{fmt}"


def render(fmt: str, records: Sequence[Article], lang: str) -> str:
    return RENDERERS[fmt](records, lang)
