"""The digest as Markdown: the first MARKDOWN_STORIES stories of the view, and where the rest are."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

import jinja2

from vnsumm.output.digest.view import ALSO_SHOWN, DigestView, Outlet, segments
from vnsumm.records import Article

if TYPE_CHECKING:
    from vnsumm.stories.record import StorySummary

MARKDOWN_STORIES = 500  # stories in the Markdown digest


def escape_markdown(text: str | None) -> str:
    """Markdown treats `<`, `*`, `_`, `[`… as syntax: escape them so scraped text shows literally."""
    if not text:
        return ""
    out = text.replace("\\", "\\\\")
    for ch in "`*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return re.sub(r"\s+", " ", out)


def marked(record: Article | StorySummary, field_name: str, text: str | None = None) -> str:
    return "".join(f"**{escape_markdown(piece)}**⚠" if bad else escape_markdown(piece)
                   for piece, bad in segments(record, field_name, text))


def outlet(where: Outlet) -> str:
    if where.link is None:
        return escape_markdown(where.name)
    link = where.link.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")
    return f"[{escape_markdown(where.name)}](<{link}>)"


@cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(loader=jinja2.PackageLoader("vnsumm.output.digest", "templates"),
                                     autoescape=False, trim_blocks=True, lstrip_blocks=True,
                                     keep_trailing_newline=True)
    environment.filters["md"] = escape_markdown
    environment.filters["outlet"] = outlet
    environment.globals.update(marked=marked, also_shown=ALSO_SHOWN, shown=MARKDOWN_STORIES)
    return environment.get_template("digest.md.j2")


def render_view(view: DigestView) -> str:
    return _template().render(view=view)
