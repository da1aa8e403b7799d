"""The digest as self-contained HTML: one page for a small store; beyond PAGE_STORIES stories an index page and a
page per day (and per PAGE_STORIES stories), so that every page opens at once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup, escape

from vnsumm.output.digest.view import ALSO_SHOWN, DigestView, Story, segments
from vnsumm.records import Article

if TYPE_CHECKING:
    from vnsumm.stories.record import StorySummary

PAGE_STORIES = 200  # stories per HTML page
PAGES_FOLDER = "digest"


@dataclass
class Page:
    path: str  # relative to the output folder
    label: str
    stories: list[Story]


def _pages(view: DigestView) -> list[Page]:
    """Stories split by day (undated last), each day into pages of PAGE_STORIES."""
    days: dict[str, list[Story]] = {}
    for story in view.stories:
        days.setdefault((story.date or "")[:10], []).append(story)
    pages = []
    for day, members in days.items():
        name = day or "undated"
        parts = range(0, len(members), PAGE_STORIES)
        for number, start in enumerate(parts, start=1):
            suffix = f"-{number}" if len(parts) > 1 else ""
            label = (day or view.labels["undated"]) + (f", {view.labels['page'].format(n=number)}" if suffix else "")
            pages.append(Page(f"{PAGES_FOLDER}/{name}{suffix}.html", label, members[start:start + PAGE_STORIES]))
    return pages


@cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("vnsumm.output.digest", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),  # scraped text may hold markup
        trim_blocks=True, lstrip_blocks=True,
    )
    environment.globals.update(also_shown=ALSO_SHOWN)
    return environment.get_template("digest.html.j2")


def render_pages(view: DigestView) -> dict[str, str]:
    """{relative path: page}: `digest.html` alone for up to PAGE_STORIES stories, else `digest.html` as an index
    of the pages under `digest/`."""
    template = _template()

    def marked(record: Article | StorySummary, field_name: str, text: str | None = None) -> Markup:
        return Markup("").join(
            Markup('<mark class="unsupported" title="{}">{}</mark>').format(view.labels["unsupported"], piece)
            if bad else escape(piece) for piece, bad in segments(record, field_name, text))

    common = {"view": view, "L": view.labels, "marked": marked}
    if len(view.stories) <= PAGE_STORIES:
        return {"digest.html": template.render(**common, stories=view.stories, pages=[], index=None)}
    pages = _pages(view)
    rendered = {"digest.html": template.render(**common, stories=[], pages=pages, index=None)}
    for page in pages:
        rendered[page.path] = template.render(**common, stories=page.stories, pages=[], index="../digest.html",
                                              page_label=page.label)
    return rendered


def remove_stale_pages(out: Path, pages: dict[str, str]) -> None:
    """Day pages of an earlier, larger digest that this one no longer has."""
    for stale in (out / PAGES_FOLDER).glob("*.html"):
        if f"{PAGES_FOLDER}/{stale.name}" not in pages:
            stale.unlink()
