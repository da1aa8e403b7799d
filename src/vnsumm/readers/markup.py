"""HTML inside a row's text field (a CMS export: `<p>Lễ&nbsp;đón...</p>`), turned into the text the page reader
would give for an article body: paragraph and <br> breaks as line breaks, entities unescaped; scripts, styles,
embedded media and figures dropped, except that a photo story (less text than captions) keeps its captions."""

from __future__ import annotations

import html
import re

import lxml.etree
import lxml.html
from lxml.html.defs import tags as HTML_TAGS

_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)(?:\s+[\w:.-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*\s*/?>")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Elements whose content is no part of the text (figures come back as captions for photo stories).
_DROPPED = ("script", "style", "noscript", "template", "iframe", "object", "embed", "video", "audio", "svg",
            "canvas", "form", "button", "select", "textarea", "figure", "head", "title", "meta", "link")
# Elements that start a line of their own (the page reader's paragraph check uses them too).
BLOCK_TAGS = frozenset(("p", "div", "section", "article", "header", "footer", "aside", "main", "blockquote", "pre",
                        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "td",
                        "th", "caption", "figcaption", "hr", "address", "details", "summary", "body", "html"))
PHOTO_STORY_CHARS = 1_000  # a body shorter than its captions is a photo story


def with_captions(body: str, captions: list[str]) -> str:
    """A photo story's text (a body shorter than PHOTO_STORY_CHARS and than its captions): the body without the
    captions it repeats, then the captions; any other body as it is. The page reader's rule and a field's."""
    if len(body) < PHOTO_STORY_CHARS and sum(map(len, captions)) > len(body):
        return "\n".join([*(line for line in body.splitlines() if line not in captions), *captions])
    return body


def has_markup(text: str) -> bool:
    """Whether `text` holds tags of HTML elements (`<p>`, `</div>`, `<br/>`), not a stray `<` in prose."""
    return any(match[1].lower() in HTML_TAGS for match in _TAG.finditer(text))


def has_entities(text: str) -> bool:
    return _ENTITY.search(text) is not None


def _lines(element: lxml.html.HtmlElement) -> list[str]:
    for br in element.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in element.iter(*BLOCK_TAGS):
        block.text = "\n" + (block.text or "")
        block.tail = "\n" + (block.tail or "")
    return [" ".join(line.split()) for line in element.text_content().split("\n") if line.strip()]


def markup_text(text: str) -> str:
    """Text of an HTML fragment: one line per paragraph, <br> or block, whitespace (&nbsp; too) collapsed."""
    root = lxml.html.fragment_fromstring(text, create_parent="div")
    captions = [" ".join(cap.text_content().split()) for cap in root.iter("figcaption")]
    for element in list(root.iter(*_DROPPED)):
        if element.getparent() is not None:
            element.drop_tree()
    return with_captions("\n".join(_lines(root)), [caption for caption in dict.fromkeys(captions) if caption])


def field_text(text: str) -> str:
    """A text field as text: markup converted, entities alone unescaped, anything else as it is."""
    if has_markup(text):
        try:
            return markup_text(text)
        except (lxml.etree.ParserError, ValueError):  # no element at all: the tags were not markup after all
            return html.unescape(text)
    return html.unescape(text) if has_entities(text) else text


def field_line(text: str) -> str:
    """A title field as one line of text: tags stripped (a script's or style's content with them), entities
    unescaped."""
    if has_markup(text):
        return " ".join(field_text(text).split())
    return " ".join(html.unescape(text).split()) if has_entities(text) else text
