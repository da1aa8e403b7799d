"""A saved page's headline and publisher, from the candidates its markup offers.

Headline: the article's `<h1>`, `og:title`, JSON-LD `headline`, `twitter:title` and `<title>` are compared, not
taken in a fixed order: each loses the site and section names appended to it, a candidate that is the site's name, a
section label (a short link text to another page of the site, a short all-capitals label) or agrees with no other
candidate while others agree loses, and of agreeing candidates the uncut one wins (`og:title` is often cut).
Publisher: JSON-LD `publisher.name`, `og:site_name`, trafilatura's site name, the copyright notice, the name
`<title>` sets beside the headline, when it is a name (not a URL, a company or the headline; copyright marks and
years go), else the page's domain.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from vnsumm.lang.text import fold_tones, normalize
from vnsumm.records import Article
from vnsumm.urls import site_name, split_url

_TITLE_SEPARATORS = re.compile(r"\s+[-|–—:»]\s+")
SECTION_WORDS = 4  # a title segment this short after the headline, next to the site's name, is a section name
LABEL_WORDS = 6  # an all-capitals candidate this short is a section label
PUBLISHER_MAX_WORDS = 8
SITE_NAME_CHARS = 40
SITE_NAME_WORDS = 6  # a longer segment beside the headline in <title> is a slogan or a second headline
_COMPANY = re.compile(r"^(công ty|cty|tập đoàn)\b|\b(jsc|corp|corporation|co\.?,? ltd|ltd|inc|tnhh|cổ phần|vccorp)\b",
                      re.IGNORECASE)
_COPYRIGHT = re.compile(r"©|\(c\)|copyright|bản quyền( thuộc( về)?)?|all rights? reserved|\b(19|20)\d{2}\b|[-–,]\s*$",
                        re.IGNORECASE)


def folded(text: str) -> str:
    return " ".join(fold_tones(normalize(text)).lower().split())


def bare(text: str) -> str:
    """Letters and digits only, without marks: `Bình Luận` and `binhluan.biz` compare."""
    decomposed = unicodedata.normalize("NFD", folded(text).replace("đ", "d"))
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def _site_keys(site_names: list[str]) -> list[str]:
    """Bare forms of the site's names and of its host's labels (`ione.vnexpress.net` -> ione, vnexpress)."""
    hosts = [n for n in site_names if n and "." in n.strip(". ") and " " not in n.strip()]
    keys = {bare(n) for n in site_names if n and n not in hosts}
    for name in hosts:
        if name:
            labels = split_url(name if "//" in name else f"//{name}").hostname or name
            keys |= {bare(label) for label in labels.split(".")[:-1] if len(label) >= 3 and label != "www"}
            keys.add(bare(labels.removeprefix("www.")))
    # A "site name" as long as a sentence is a headline that a page (or trafilatura) offered as its name.
    return [k for k in keys if 3 <= len(k) <= SITE_NAME_CHARS and k not in {"com", "net", "org"}]


def is_site_name(text: str, site_names: list[str]) -> bool:
    key = bare(text)
    return bool(key) and any(k in key or key in k for k in _site_keys(site_names)) and len(text.split()) <= 6


def strip_site_suffix(title: str, site_names: list[str]) -> str:
    """`Headline - Chính trị - Xã hội - Tuổi Trẻ Online` -> `Headline`: a last (or first) segment naming the site
    goes, and then the short section names next to it."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2 or not _site_keys(site_names):
        return title
    if is_site_name(parts[-1], site_names):
        parts.pop()
        while len(parts) > 1 and len(parts[-1].split()) <= SECTION_WORDS and not re.search(r"[.!?\"”]$", parts[-1]):
            parts.pop()
        # Rejoin what is left with its own separators.
        return (title[: title.index(parts[-1]) + len(parts[-1])] if parts[-1] in title else " - ".join(parts)).strip()
    if is_site_name(parts[0], site_names):
        return title[title.index(parts[1]):].strip() if parts[1] in title else " - ".join(parts[1:])
    return title


def _label(text: str, links: set[str]) -> bool:
    """A section label: a short text that is also the text of a link to another page, or a short line in capitals.
    A headline-long link text is the article's own entry in a list of the site's articles (`Tin cùng chuyên mục`),
    which a page saved without its address cannot tell from a link elsewhere."""
    letters = [c for c in text if c.isalpha()]
    shouting = bool(letters) and sum(c.isupper() for c in letters) > 0.8 * len(letters)
    return len(text.split()) <= LABEL_WORDS and (folded(text) in links or shouting)


def link_texts(tree: Any, url: str | None = None) -> set[str]:
    """What the page's links say (folded), leaving out links to the page itself when its `url` is known."""
    return {folded(" ".join(a.text_content().split())) for a in tree.xpath("//a[@href]")
            if not url or split_url(a.get("href")).path not in {split_url(url).path, ""}}


def is_link_text(text: str, tree: Any) -> bool:
    """Whether `text` is what a link of the page says (a section's name in its navigation)."""
    return folded(" ".join(text.split())) in link_texts(tree)


def _agree(a: str, b: str) -> bool:
    """Same headline, or one cut from the other (`og:title` limits)."""
    x, y = (folded(t).rstrip(" .…") for t in (a, b))
    short, long = sorted((x, y), key=len)
    return x == y or (len(short) >= 20 and long.startswith(short))


def headline(candidates: list[tuple[str, str]], site_names: list[str], tree: Any, url: str | None) -> str | None:
    """The headline among (source, text) candidates, listed in order of trust for a tie."""
    links = link_texts(tree, url)
    kept = []
    for source, text in candidates:
        text = strip_site_suffix(normalize(" ".join(text.split())), site_names)
        if len(text.split()) >= 2 and not is_site_name(text, site_names):
            kept.append((source, text))
    plausible = [(s, t) for s, t in kept if not _label(t, links)] or [
        (s, t) for s, t in kept if any(_agree(t, o) for s2, o in kept if s2 != s)]
    if not plausible:
        return None

    def support(item: tuple[str, str]) -> int:
        return len({s for s, t in plausible if s != item[0] and _agree(t, item[1])})

    best = max(plausible, key=support)  # max keeps the first (most trusted) of equals
    chosen = best[1]
    for _, text in plausible:  # a longer version of a cut headline, not one that only adds " | Site"
        cut = chosen.rstrip(" .…")
        if _agree(text, chosen) and len(text) > len(cut) and not _TITLE_SEPARATORS.match(text[len(cut):]):
            chosen = text
    return chosen.title() if chosen.isupper() and chosen.title() != chosen else chosen


def title_site_name(title: str | None, chosen: str | None) -> str | None:
    """The name a page's `<title>` sets beside its headline (`Headline | Kenh14 Mobile`, `Zing.vn - Headline`): the
    segment farthest from the headline, when it is short enough to be a name."""
    if not title or not chosen:
        return None
    text, head = normalize(" ".join(title.split())), folded(chosen).rstrip(" .…")
    for match in _TITLE_SEPARATORS.finditer(text):
        before, after = text[: match.start()], text[match.end():]
        if folded(before).rstrip(" .…") == head:
            name = _TITLE_SEPARATORS.split(after)[-1]
        elif folded(after).rstrip(" .…") == head:
            name = _TITLE_SEPARATORS.split(before)[0]
        else:
            continue
        return name.strip() if len(name.split()) <= SITE_NAME_WORDS else None
    return None


def title_key(title: str) -> str:
    """How a run's repeated titles are kept among its common lines: marked, so that no body line matches one."""
    return f"title\t{folded(title)}"


def repeated_titles(articles: list[Article]) -> frozenset[str]:
    """Titles (as title_key) that two or more different articles of a run carry: a site's name, a section label
    or a slogan that a page offered as its headline; no two articles share a headline."""
    openings: dict[str, set[str]] = {}
    for article in articles:
        if article.title:
            openings.setdefault(title_key(article.title), set()).add(folded(article.text)[:200])
    return frozenset(title for title, texts in openings.items() if len(texts) >= 2)


def _publisher_name(value: Any, title: str | None) -> str | None:
    if not isinstance(value, str) or not value.strip() or re.match(r"^\s*(https?:|//|www\.)", value, re.I):
        return None
    if len(value.split()) > 2 * PUBLISHER_MAX_WORDS or (title and (_agree(value, title)
                                                                   or folded(value) in folded(title))):
        return None  # the headline, or a sentence, not a name
    for part in re.split(r"\s+[-|–]\s+|,\s*", normalize(value)):
        name = " ".join(_COPYRIGHT.sub(" ", part).split()).strip(" .,-–:|")
        if (name and re.search(r"[^\W\d_]", name) and not _COMPANY.search(name)
                and len(name.split()) <= PUBLISHER_MAX_WORDS and not (title and folded(name) in folded(title))):
            return name
    return None


def publisher(ld: list[dict[str, Any]], metas: dict[str, str], sitename: str | None, url: str | None,
              title: str | None, notice: str | None = None, title_name: str | None = None) -> str | None:
    """The publisher's name (from JSON-LD, og:site_name, trafilatura, the copyright `notice`, the name `<title>`
    sets beside the headline), else the domain."""
    values: list[Any] = []
    for item in ld:
        owner = item.get("publisher")
        values += [owner.get("name") if isinstance(owner, dict) else owner]
    values += [metas.get("og:site_name"), metas.get("application-name"), sitename, notice, title_name]
    names = [name for value in values if (name := _publisher_name(value, title))]
    # A domain spelt as a name (`Zing.vn`) gives way to a name in words from another source.
    if names := sorted(names, key=lambda n: bool(re.fullmatch(r"[\w-]+(\.[\w-]+)+", n))):
        return names[0]
    return site_name(url)
