"""Saved HTML pages: the text is read (bounded) and decoded, then the page reader finds body, title and date."""

from __future__ import annotations

from vnsumm.readers.page import read_page
from vnsumm.records import Article

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


def looks_like_html(text: str) -> bool:
    return text.lstrip()[:15].lower().startswith(("<!doctype html", "<html"))


def read_html(text: str, shown: str, stem: str) -> Article:
    """The page's article; a page the reader fails on is an error record naming it, never the run's end."""
    try:
        return read_page(text, shown, stem)
    except Exception as exc:  # a page is anyone's markup: no heuristic may cost the other articles
        return Article(id=stem, source=shown).fail(f"{shown}: page could not be read ({type(exc).__name__}: {exc})")
