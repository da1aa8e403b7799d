"""Saved HTML pages: the text is read (bounded) and decoded, then the page reader finds body, title and date."""

from __future__ import annotations

from vnsumm.readers.page import read_page
from vnsumm.records import Article

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


def looks_like_html(text: str) -> bool:
    return text.lstrip()[:15].lower().startswith(("<!doctype html", "<html"))


def read_html(text: str, shown: str, stem: str) -> Article:
    return read_page(text, shown, stem)
