"""The digest: the store's records as stories (`view`), rendered as Markdown (`markdown`) and HTML (`html`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from vnsumm.options import OutputFormat
from vnsumm.output.digest import html, markdown
from vnsumm.output.digest.view import DigestView, Story, digest_view, shown
from vnsumm.output.store import write_text_atomic
from vnsumm.records import Article

if TYPE_CHECKING:
    from vnsumm.stories.record import StorySummary


def digest_name(fmt: OutputFormat, lang: str) -> str:
    return "digest.html" if fmt == OutputFormat.html else f"digest.{lang}.{fmt.value}"


def render(fmt: OutputFormat, view: DigestView) -> dict[str, str]:
    """{path relative to the output folder: content} of one digest format."""
    if fmt == OutputFormat.html:
        return html.render_pages(view)
    return {digest_name(fmt, view.lang): markdown.render_view(view)}


def write_digests(records: Sequence[Article], out: Path, formats: Iterable[OutputFormat], lang: str,
                  summaries: Mapping[str, StorySummary] | None = None) -> list[Path]:
    """The digests of `records` in `out`, one per format (with the story `summaries` by story id, where there are
    any); returns their main files."""
    view = digest_view(records, lang, summaries)
    written = []
    for fmt in formats:
        pages = render(fmt, view)
        for relative, content in pages.items():
            write_text_atomic(out / relative, content)
        if fmt == OutputFormat.html:
            html.remove_stale_pages(out, pages)
        written.append(out / digest_name(fmt, lang))
    return written


def render_markdown(records: Sequence[Article], lang: str = "en") -> str:
    """The Markdown digest of `records` as one text."""
    return markdown.render_view(digest_view(records, lang))


def render_html(records: Sequence[Article], lang: str = "en") -> str:
    """The HTML digest's first page (`digest.html`) of `records`."""
    return html.render_pages(digest_view(records, lang))["digest.html"]


__all__ = ["DigestView", "Story", "digest_name", "digest_view", "render", "render_html",
           "render_markdown", "shown", "write_digests"]
