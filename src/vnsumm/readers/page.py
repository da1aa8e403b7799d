"""Reading a saved news page: the body through trafilatura, the metadata from the page's own markup.

The date comes from a cascade of general steps (page_dates.py), the headline and publisher from comparing the
candidates the markup offers (page_meta.py). The lead (sapo), which extractors often drop as page furniture, is
taken back: the element that holds the page's description, else the first paragraph the page styles apart (a
sapo/lead/summary/desc/intro class, or bold). Photo stories, whose text lives in figure captions, keep their
captions. Comments and related-item boxes inside the article container are pruned before extraction.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from typing import Any

from vnsumm.lang.dates import url_date
from vnsumm.lang.text import normalize
from vnsumm.readers.markup import BLOCK_TAGS, with_captions
from vnsumm.readers.page_dates import ASIDE_XPATH, headline_element, page_date
from vnsumm.readers.page_meta import (
    folded,
    headline,
    is_link_text,
    is_site_name,
    publisher,
    strip_site_suffix,
    title_site_name,
)
from vnsumm.records import Article
from vnsumm.urls import split_url, web_url

__all__ = ["parse_html", "read_page", "strip_site_suffix", "url_date"]

# Class names Vietnamese (and other) news sites give the lead: sapo (dantri, tuoitre, vietnamnet), summary (znews),
# description (vnexpress), lead, intro, desc.
_LEAD_CLASSES = " | ".join(
    f"//body//*[contains(concat(' ', translate(@class, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_', 'abcdefghijklmnopqrstuvwxyz-'),"
    f" ' '), '{name}')][not(ancestor::nav)][not(ancestor::footer)]"
    for name in ("sapo", "summary", "desc", "lead", "intro"))
LEAD_CHARS = (40, 2_000)  # shorter is a label, longer is the article itself
BOLD_SHARE = 0.9  # a paragraph this much in bold is styled apart
SIGNATURE_WORDS = 8  # a closing line set apart and this short is the author's signature
LINK_SHARE = 0.5  # a div whose text is mostly links is a list of links, not a paragraph
# What a div holding only a paragraph's inline content never holds: blocks, navigation, forms and media.
_NOT_INLINE = sorted(BLOCK_TAGS | {"nav", "form", "figure", "img", "video", "iframe"})


def _json_ld(tree: Any) -> list[dict[str, Any]]:
    """JSON-LD objects of the page (graphs and lists flattened); broken blocks are skipped."""
    found: list[dict[str, Any]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except json.JSONDecodeError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                stack.extend(v for k, v in item.items() if k == "@graph")
    return found


def _metas(tree: Any) -> dict[str, str]:
    """meta tags by lowercased property, name or itemprop (the first non-empty of each)."""
    metas: dict[str, str] = {}
    for meta in tree.xpath("//meta[@content]"):
        content = (meta.get("content") or "").strip()
        for key in ("property", "name", "itemprop"):
            name = (meta.get(key) or "").strip().lower()
            if name and content and name not in metas:
                metas[name] = content
    return metas


def _element_text(element: Any) -> str:
    return " ".join(element.text_content().split())


def _fits(text: str, body: str) -> bool:
    return LEAD_CHARS[0] <= len(text) <= LEAD_CHARS[1] and folded(text)[:40] not in folded(body)


def _bold(element: Any) -> bool:
    text = _element_text(element)
    bold = sum(len(_element_text(b)) for b in element.xpath("./b | ./strong | ./*/b | ./*/strong"))
    style = (element.get("style") or "").replace(" ", "").lower()
    return bool(text) and (bold >= BOLD_SHARE * len(text) or "font-weight:bold" in style
                           or "font-weight:700" in style)


def _lead(tree: Any, description: str | None, body: str) -> str | None:
    """The page's lead when the body lacks it: the element whose text begins like the page's description, else the
    first element with a lead class, else the first paragraph in bold after the headline."""
    if description and len(description) >= LEAD_CHARS[0]:
        start = folded(description)[:40]
        if start in folded(body):
            return None
        for element in tree.xpath("//body//*[self::p or self::h2 or self::div or self::span or self::h3]"):
            text = _element_text(element)
            if LEAD_CHARS[0] <= len(text) <= LEAD_CHARS[1] and folded(text).startswith(start):
                return normalize(text)
    asides = set(tree.xpath(ASIDE_XPATH))
    for element in tree.xpath(_LEAD_CLASSES):
        if not asides.intersection(element.iterancestors()) and _fits(text := _element_text(element), body):
            return normalize(text)
    heading = headline_element(tree)
    if heading is not None:
        following = heading.xpath("following::p")[:3]  # the lead sits right under the headline
        for element in following:
            if _bold(element) and _fits(text := _element_text(element), body) and re.search(r"[.!?…”\"]$", text):
                return normalize(text)
    return None


def _without_signature(tree: Any, body: str) -> str:
    """The body without a closing author line the page sets apart (bold or right-aligned, short, unpunctuated)."""
    lines = body.splitlines()
    last = lines[-1] if len(lines) > 1 else ""
    if not last or len(last.split()) > SIGNATURE_WORDS or re.search(r"[.!?…:;\"”]$", last):
        return body
    for element in tree.xpath("//p"):
        style = (element.get("style") or "").replace(" ", "").lower()
        if _element_text(element) == last and (_bold(element) or "text-align:right" in style):
            return "\n".join(lines[:-1])
    return body


def _captions(tree: Any) -> list[str]:
    seen: set[str] = set()
    captions = []
    for element in tree.xpath("//figcaption"):
        text = normalize(_element_text(element))
        if len(text) >= 40 and text not in seen:
            seen.add(text)
            captions.append(text)
    return captions


def _paragraph_divs(page: Any) -> None:
    """Mark as paragraphs the `<div>`s an editor typed paragraphs into among `<p>` paragraphs (older CMSs mix
    both in one container): a div with only inline content, whose text is a sentence and mostly not links, beside
    a `<p>` sibling. Extractors keep the `<p>`s of such a container and drop its divs."""
    for div in page.xpath("//div[p][not(ancestor::nav)]/div"):
        if div.xpath(f".//*[{' or '.join(f'self::{tag}' for tag in _NOT_INLINE)}]"):
            continue
        text = _element_text(div)
        links = sum(len(_element_text(a)) for a in div.xpath(".//a"))
        if len(text) >= LEAD_CHARS[0] and re.search(r"[.!?…\"”]$", text) and links < LINK_SHARE * len(text):
            div.tag = "p"


def _prune(tree: Any) -> Any:
    """A copy of the page without comment and related-item boxes (never an element that holds the headline), its
    paragraph divs marked as paragraphs."""
    page = copy.deepcopy(tree)
    for element in page.xpath(ASIDE_XPATH):
        if element.getparent() is not None and not element.xpath(".//h1"):
            element.drop_tree()
    _paragraph_divs(page)
    return page


def page_url(html: str, tree: Any, metas: dict[str, str]) -> str | None:
    """The article's address: canonical link, og:url, or the `saved from url` comment a browser wrote."""
    saved = re.search(r"<!-- saved from url=\(\d+\)(\S+) -->", html[:2_000])
    return next(iter(tree.xpath('//link[@rel="canonical"]/@href')), None) or metas.get("og:url") \
        or (saved[1] if saved else None)


def site_host(tree: Any) -> str | None:
    """The host most of the page's absolute links point to: the site's own navigation."""
    hosts = Counter(_domain(split_url(href).hostname or "") for href in tree.xpath("//a/@href")
                    if href.startswith("http"))
    hosts.pop("", None)
    return f"https://{hosts.most_common(1)[0][0]}/" if hosts else None


def _domain(host: str) -> str:
    """`sangkien.dantri.com.vn` -> `dantri.com.vn`: the registered name, without subdomains."""
    labels = host.lower().removeprefix("www.").split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in {"com", "net", "org", "gov", "edu", "info", "biz"} else 2
    return ".".join(labels[-keep:]) if len(labels) >= 2 else ""


def copyright_line(tree: Any) -> str | None:
    """The page's copyright notice (`© Báo điện tử Dân Trí`), where the publisher names itself."""
    for text in tree.xpath("//footer//text() | //*[contains(@class, 'footer')]//text() | //body//text()"):
        if re.match(r"\s*(©|copyright|bản quyền)", text, re.IGNORECASE) and len(text.split()) <= 15:
            return " ".join(text.split())
    return None


def parse_html(html: str) -> Any | None:
    import lxml.html

    try:
        # A page that declares its encoding (<?xml ... encoding=...?>) is parsed from bytes: lxml refuses the str.
        return lxml.html.fromstring(html.encode("utf-8") if html.lstrip().startswith("<?xml") else html)
    except (ValueError, lxml.etree.ParserError):
        return None


def read_page(html: str, path: str, stem: str) -> Article:
    """One saved page as an Article: body text, headline, date (with `date_source`) and publisher."""
    import trafilatura

    article = Article(id=stem, source=path)
    tree = parse_html(html)
    options: dict[str, Any] = {"with_metadata": True, "include_comments": False, "include_tables": False,
                               "favor_precision": True}
    document = trafilatura.bare_extraction(_prune(tree) if tree is not None else html, **options)
    if tree is not None and not getattr(document, "text", None):  # pruning took the text: the whole page, then
        document = trafilatura.bare_extraction(html, **options)
    body = normalize(getattr(document, "text", None) or "")  # None too when trafilatura found no document
    if tree is None:
        if not body.strip():
            return article.fail(f"{path}: no article text found in the HTML page")
        title = getattr(document, "title", None)
        return Article(id=stem, source=path, text=body, title=normalize(title).strip() if title else None)
    ld, metas = _json_ld(tree), _metas(tree)
    canonical = page_url(html, tree, metas) or getattr(document, "url", None)
    captions = _captions(tree)
    body = with_captions(body, captions)
    body = _without_signature(tree, body)
    description = metas.get("og:description") or metas.get("description") or getattr(document, "description", None)
    if lead := _lead(tree, description, body):
        body = f"{lead}\n{body}"
    if not body.strip():
        return article.fail(f"{path}: no article text found in the HTML page")
    sitename = getattr(document, "sitename", None)
    site_names = [metas.get("og:site_name") or "", split_url(canonical or "").hostname or "", sitename or ""]
    heading = headline_element(tree)
    candidates = [("h1", _element_text(heading))] if heading is not None else []
    candidates += [(f"ld{i}", item["headline"]) for i, item in enumerate(ld) if isinstance(item.get("headline"), str)]
    candidates += [(name, metas[name]) for name in ("og:title", "twitter:title") if metas.get(name)]
    title_tag = next(iter(tree.xpath("//head/title/text()")), None)
    candidates += [("title", title_tag)] if title_tag else []
    title = headline(candidates, site_names, tree, canonical)
    if title:  # trafilatura keeps an <h1> inside the article's own container as its first line
        said = " ".join(title.split()).casefold()
        body = "\n".join(line for line in body.split("\n") if " ".join(line.split()).casefold() != said)
    date, source = page_date(html, tree, ld, metas, canonical)
    article.text, article.title, article.date = body, title, date
    article.url = web_url(path) or web_url(canonical)  # a saved page still links to where it was published
    article.date_source = source.value if source else None
    address = canonical or web_url(path)
    named = title_site_name(title_tag, title)
    host = split_url(address or "").hostname
    if named and (not is_site_name(named, [host]) if host else is_link_text(named, tree)):
        named = None  # a section's name (`Headline - Thời sự`): the page's address, or its navigation, says so
    article.publisher = publisher(ld, metas, sitename, address or site_host(tree), title, copyright_line(tree), named)
    return article
