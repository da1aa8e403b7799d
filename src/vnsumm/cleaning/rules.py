"""Cleaning stage: scraped page text -> article body, title, date and publisher.

Three kinds of evidence, because no list of patterns covers every site:
- line patterns: captions, counters, comment forms, share bars, copyright, "video invalid", related-article
  headings (everything after such a heading is a link list);
- structure: position (titles first, bylines last), length, punctuation (a caption is a long line with no final
  stop; a sub-heading is a short one), list shape (bullets, "2 ngày trước"), navigation (`A | B | C`);
- repetition: a paragraph printed twice, and a line found in many articles of the same run.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from vnsumm.cleaning.writer import CLEANED_FIELDS, write_cleaned
from vnsumm.lang.dates import COUNTER_PREFIX, DATE_LINE, text_date
from vnsumm.lang.text import fold_tones, normalize, split_sentences
from vnsumm.readers.page_meta import repeated_titles, title_key
from vnsumm.records import Article
from vnsumm.urls import site_name

__all__ = ["CLEANED_FIELDS", "CleanResult", "clean_article", "clean_articles", "clean_stream", "clean_text",
           "common_lines", "looks_vietnamese", "opening", "rejoin_wrapped", "sample_common", "write_cleaned"]

_I = re.IGNORECASE

# Whole lines that are page furniture, never article text.
BOILERPLATE_LINES = [re.compile(p, _I) for p in (
    r"^img[_-]?[\w-]*$",  # image ids
    r"^[A-Za-z0-9_.-]*\d[A-Za-z0-9_.-]*$",  # one token of ids or file names
    r"^\S*\.(jpe?g|png|gif|webp)$",
    r"^(ảnh|ảnh minh họa|nguồn ảnh|photo|đồ họa|infographic|clip|video|xem video|xem clip)\s*:",
    r"^video( không hợp lệ| không tồn tại| đang được cập nhật)?\.?$",
    r"^(trả lời|bình luận|gửi bình luận|viết bình luận|ý kiến bạn đọc|ý kiến của bạn|gửi|hủy|đăng nhập|đăng ký)$",
    r"^email của bạn sẽ không được hiển thị",
    r"^các trường bắt buộc được đánh dấu",
    r"^(họ (và )?tên|tên của bạn|email|nội dung|số điện thoại|điện thoại|hotline|fax)\s*[:*]",
    r"^bạn (còn|đã nhập) \d+",
    r"^(chia sẻ|share|tweet|like|thích|in bài( viết)?|gửi email|lưu bài|bản in|copy link|sao chép liên kết)"
    r"(\s*[:|/]\s*\S.*)?$",
    r"^(facebook|twitter|zalo|linkedin|pinterest|telegram)(\s*[|/,]\s*\w+)*$",
    r"^(tags?|từ khóa|chủ đề|thẻ)\s*:",
    r"^(©|\(c\)|copyright|bản quyền|giấy phép( số)?|ghi rõ nguồn|chịu trách nhiệm|tổng biên tập|tòa soạn)",
    r"^(xem thêm|đọc thêm|xem tiếp|tin liên quan|bài liên quan|>>)\b.*",
    r"^(trang chủ|home)\s*[>»/|]",
    r"^(theo dõi|follow|tải ứng dụng|quảng cáo|advertisement|sponsored)\b.{0,40}$",
    r"^\d+\s*(lượt xem|views?|bình luận|comments?|lượt thích|likes?)$",
    r"^\(?\d+\s*(giây|phút|giờ|ngày|tuần|tháng|năm)\s*trước\)?$",
    r"^(cập nhật|đăng|ngày đăng|published|updated)\s*:?\s*\d",
    r"^(in|print|rss|top|lên đầu trang|về đầu trang|back to top)$",
    r"^(tiếng việt|english|vietnamese)(\s*[|/]\s*(tiếng việt|english|vietnamese|中文|français))+$",
)]

_ANY_BOILERPLATE = re.compile("|".join(f"(?:{p.pattern})" for p in BOILERPLATE_LINES), _I)  # one scan, not 23

# A heading after which the page lists other articles: everything from there on is dropped.
RELATED_HEADING = re.compile(
    r"^(các |những )?(bài viết|tin|bài|tin tức) ?(khác|liên quan|cùng chuyên mục|mới nhất|đọc nhiều|nổi bật|"
    r"cùng chủ đề|mới|xem nhiều)( hơn)?:?$|^(tin cùng chuyên mục|có thể bạn quan tâm|bạn có thể quan tâm|"
    r"đọc nhiều nhất|xem nhiều nhất|tin mới|tin nổi bật|chuyên mục khác|bài cùng chuyên mục)\s*:?$",
    _I,
)
_TIME_AGO = re.compile(r"\(?\d+\s*(giây|phút|giờ|ngày|tuần|tháng|năm)\s*trước\)?\s*$", _I)
_BULLET = re.compile(r"^[•●▪►▸■◦·»*]\s*")
_CREDIT = r"(?:ảnh|ảnh minh họa|nguồn ảnh|photo|video|clip)\s*:"
_PHOTO_CREDIT = re.compile(rf"(?:^|(?<=[\s.])){_CREDIT}\s*[^.!?]{{0,60}}$", _I)
_CREDIT_OR_SOURCE = rf"(?:{_CREDIT}|nguồn\s*:)"  # "(Nguồn: AP)" credits a picture as often as the news
# A credit in parentheses inside a line ("... Lý Khắc Cường. (Ảnh: AFP) Thủ tướng Nga ..."): its bounds are its own.
_CREDIT_IN_PARENTHESES = re.compile(rf"\s*\({_CREDIT_OR_SOURCE}\s*[^()]{{1,40}}\)", _I)
# Page furniture a text flattened into one line keeps as sentences: a credit alone ("Ảnh: Kỳ Lân."), a related-items
# list ("Tin liên quan ...", ">> ..."). A credit glued to the next sentence is not told apart: that sentence is often
# the article's lede.
_FURNITURE_SENTENCE = re.compile(rf"^\(?{_CREDIT_OR_SOURCE}\s*\S+(?:\s+\S+){{0,5}}\s*$|>>|^tin liên quan\b", _I)
_MEDIA_MARKER = re.compile(r"^(img[_-]?[\w-]*|video( không hợp lệ)?\.?|\S*\.(jpe?g|png|gif|webp))$", _I)
_NAV = re.compile(r"^[^|]{1,40}(\s[|»>/]\s[^|]{1,40}){1,}$")
_TERMINAL = re.compile(r"[.!?…:;\"”’)\]»]$")

# Source tags opening the lead: "(Baonghean.vn) -", "TTO -", "VOV.VN -", "(Dân trí) -", "HÀ NỘI -".
_SOURCE_TAG = re.compile(
    r"^(\((?P<paren>[^()]{2,30})\)|(?P<caps>[A-ZĐ][A-ZĐ.\s]{1,20}(\.(VN|vn|com))?|[\w.]+\.(vn|com|net)))"
    r"\s*[-–—]+\s*(?=\S)"
)
_INITIALS = re.compile(r"^([A-ZĐ]\.?){1,4}(\s*[-–]\s*([A-ZĐ]\.?){1,4})*$")
_VIETNAMESE_LETTER = "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]"
_WORD = re.compile(r"[^\W\d_]+")
# One match per marked word: from its first marked letter to its end (no backtracking over unmarked words). Both
# cases spelled out: IGNORECASE folds every character it tries.
_MARKED_WORD = re.compile(rf"[{_VIETNAMESE_LETTER[1:-1]}{_VIETNAMESE_LETTER[1:-1].upper()}][^\W\d_]*")

# Author names: two to four capitalized syllables, possibly several joined by dashes, possibly "(Theo X)".
_NAME = r"[A-ZĐÀ-Ỹ][^\s\d]*(\s[A-ZĐÀ-Ỹ][^\s\d]*){1,3}"
_PERSON = re.compile(rf"^{_NAME}(\s*[-–,]\s*{_NAME})*(\s*\([^()]{{2,40}}\))?$")
CAPTION_MIN_WORDS = 16  # an unpunctuated line this long in the body is a photo caption, not a sub-heading
CAPTION_MAX_SENTENCES = 3  # ... unless it has this many sentences: a paragraph that lost its final stop
BYLINE_MAX_WORDS = 10
LINK_MAX_WORDS = 40  # a bulleted line longer than this is a paragraph, not a link in a list


@dataclass
class CleanResult:
    lines: list[str]
    title: str | None = None
    date: str | None = None
    date_source: str | None = None  # DateSource.BYLINE (a date line or counter of the page) or LEDE
    publisher: str | None = None
    warnings: list[str] = field(default_factory=list)


def _key(line: str) -> str:
    """What two lines are compared by: case, spacing and tone-mark placement do not count."""
    return " ".join(fold_tones(line).lower().split())


LANGUAGE_SAMPLE = 2_000  # characters, about 400 words: ample to tell the language, cheap on long articles


def looks_vietnamese(text: str) -> bool:
    """Vietnamese prose has a diacritic in a large share of its syllables; English or code has almost none."""
    sample = text[:LANGUAGE_SAMPLE]
    words = len(_WORD.findall(sample))
    if words < 5:
        return True  # too little to judge
    return len(_MARKED_WORD.findall(sample)) / words >= 0.15


def is_furniture(sentence: str) -> bool:
    """Whether a sentence is page furniture a flattened text kept (a credit alone, a related-items list): a summary
    takes it only when nothing else is left."""
    return bool(_FURNITURE_SENTENCE.search(sentence.strip()))


def _boilerplate_reason(line: str, key: str, common: frozenset[str]) -> str | None:
    if not re.search(r"[^\W\d_]", line):
        return "no letters"
    if key in common:
        return "repeated across articles"
    if _ANY_BOILERPLATE.search(line):
        return "pattern"
    if (_BULLET.match(line) and len(line.split()) <= LINK_MAX_WORDS) or \
            (line.rstrip().rstrip(")")[-5:].lower() == "trước" and _TIME_AGO.search(line)):
        return "link list"  # a long paragraph that opens with a bullet mark is article text
    if _NAV.match(line) and not _TERMINAL.search(line) and len(line.split()) <= 20:
        return "navigation"
    if DATE_LINE.match(line):
        return "date line"
    return None


SALVAGE_MIN_WORDS = 40  # a paragraph this long that only opens with furniture keeps its article sentences
_PHOTO_LABEL = re.compile(r"^(ảnh|ảnh minh họa|nguồn ảnh|photo)\s*:\s*((?:[A-ZĐ0-9][A-ZĐ0-9./&-]*\s+)*)", _I)


def salvage(line: str) -> str | None:
    """The article sentences of a long paragraph that opens with page furniture: a related-news run glued to the
    text (`TIN LIÊN QUAN headline headline ... Trước đó, ...`), a photo credit (`Ảnh: TTXVN Ông từ trần ...`).
    None for a line that is furniture through and through."""
    if len(line.split()) < SALVAGE_MIN_WORDS:
        return None
    label = _PHOTO_LABEL.match(line)
    if label and label.group(2) and label.group(2).strip().isupper():
        rest = line[label.end():]  # the credit is the label and the capitals after it
    else:
        rest = " ".join(split_sentences(line)[1:])  # the opening sentence holds the furniture
    if len(rest.split()) < SALVAGE_MIN_WORDS // 2 or len(split_sentences(rest)) < 2:
        return None
    return rest


def rejoin_wrapped(lines: list[str]) -> list[str]:
    """Lines broken inside a sentence (hard-wrapped text: `anh` / `vẫn phải tập riêng`) joined again: a line that
    does not end a sentence, followed by one that starts in lowercase, is one line. Empty lines go."""
    joined: list[str] = []
    for line in lines:
        if not line:
            continue
        if joined and line[:1].islower() and not _TERMINAL.search(joined[-1]) and not _BULLET.match(line):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    return joined


def clean_text(text: str, common: frozenset[str] = frozenset()) -> CleanResult:
    """Body paragraphs (one per line), title, date and publisher of one scraped page."""
    result = CleanResult(lines=[])
    raw = rejoin_wrapped([" ".join(line.split()) for line in normalize(text).splitlines()])
    kept: list[str] = []
    seen: set[str] = set()
    after_media = False  # the line after an image id or a video box is its caption
    dropped_caption = False
    dated: str | None = None  # the first date line or counter: the page's byline
    for line in raw:
        line = _CREDIT_IN_PARENTHESES.sub("", line).strip() if "(" in line else line
        if match := COUNTER_PREFIX.match(line):
            dated = dated or match.group(1)
            line = line[match.end():].strip()
            if not line:
                continue
        if kept and RELATED_HEADING.match(line):
            break
        key = _key(line)
        reason = _boilerplate_reason(line, key, common)
        if reason == "pattern" and (rest := salvage(line)):
            line, key, reason = rest, _key(rest), None  # a paragraph that only opens with furniture
        if reason is None and key in seen:
            reason = "repeated paragraph"
        if reason is None and after_media and len(split_sentences(line)) == 1 and len(line.split()) <= 12:
            reason = "caption"  # a short line under a picture or video box; longer ones are body text
        if reason is None and dropped_caption and line[:1].islower():
            reason = "caption"  # a caption broken over two lines
        if reason is None and ":" in line and (credit := _PHOTO_CREDIT.search(line)):
            sentences = split_sentences(line[: credit.start()])
            # The sentence before a photo credit is the caption; anything before it is body text.
            line = " ".join(sentences[:-1])
            if not line:
                after_media, dropped_caption = False, True
                continue
        if reason is None and kept and not _TERMINAL.search(line) and len(line.split()) >= CAPTION_MIN_WORDS \
                and len(split_sentences(line)) < CAPTION_MAX_SENTENCES:
            reason = "caption"
        after_media = bool(_MEDIA_MARKER.match(line))
        dropped_caption = reason == "caption"
        if reason is not None:
            if reason == "date line":
                dated = dated or line
            continue
        if len(kept) <= 1 and (tag := _SOURCE_TAG.match(line)) and len(line) > tag.end() + 20:
            result.publisher = (tag.group("paren") or tag.group(0).rstrip(" -–—")).strip()
            line = line[tag.end():]
        line = _BULLET.sub("", re.sub(r"^[-–—]\s+", "", line))
        seen.add(key)
        kept.append(line)
    # Signatures close the page: initials ("A.H"), labelled credits ("Tin, ảnh: X"), an office's name. A plain
    # author name ("Trọng Giáp") is kept: news datasets count it as article text, and it never harms a summary.
    while kept and (
        _INITIALS.match(kept[-1])
        or re.match(r"^(tin|bài|tin, ảnh|bài, ảnh|bài và ảnh|nguồn|theo)\s*:", kept[-1], _I)
        or (len(kept[-1].split()) <= BYLINE_MAX_WORDS and not _TERMINAL.search(kept[-1])
            and (not _PERSON.match(kept[-1]) or re.match(r"^(theo|nguồn|nhóm)\s", kept[-1], _I)))
    ):
        kept.pop()
    # The title opens the page: a short line that is not a sentence of the body.
    if len(kept) > 1 and not kept[0].endswith(".") and len(kept[0].split()) <= 35:
        result.title = kept.pop(0)
    if not kept and (paragraphs := [line for line in raw if re.search(r"[^\W\d_]", line)]):
        # Dropping a real article whole is worse than keeping some furniture.
        kept = [max(paragraphs, key=len)]
        result.warnings.append("every line looked like page boilerplate; kept the longest paragraph")
    result.lines = kept
    date, source = text_date(kept, dated)
    result.date, result.date_source = date, source.value if source else None
    return result


def common_lines(articles: Iterable[Article], min_share: float = 0.2) -> frozenset[str]:
    """Short lines found in at least `min_share` of the run's articles (and in two or more): site furniture; and
    titles that two different articles carry (title_key)."""
    kept = [a for a in articles if a.ok]
    texts, titles = [a.text for a in kept], repeated_titles(kept)  # marked apart from lines: not dropped from text
    if len(texts) < 3:
        return titles
    counts = Counter(
        key for text in texts for key in {_key(line) for line in text.splitlines()} if 0 < len(key.split()) <= 12
    )
    threshold = max(2, int(min_share * len(texts) + 0.999))
    return titles | {key for key, n in counts.items() if n >= threshold}


def clean_article(article: Article, common: frozenset[str] = frozenset()) -> Article:
    """A new record with the cleaned body as text; title, date and publisher filled where the page gives them."""
    if not article.ok:
        return article
    result = clean_text(article.text, common)
    if not result.lines:
        return replace(article).fail(f"{article.source}: no article text left after removing page boilerplate")
    text = "\n".join(result.lines)
    warnings = [*article.warnings, *result.warnings]
    if not looks_vietnamese(text):
        warnings.append("text does not look Vietnamese; summaries may be poor")
    date_source = article.date_source if article.date else result.date_source
    title = article.title if article.title and title_key(article.title) not in common else result.title
    return replace(article, text=text, title=title, date=article.date or result.date,
                   date_source=date_source or "none", warnings=warnings, lead=opening(text),
                   publisher=article.publisher or result.publisher or site_name(article.url))


LEAD_SYLLABLES = 150  # what story grouping compares (see stories/grouping.py), and a headline-less page's display title


def opening(text: str) -> str:
    """The first LEAD_SYLLABLES syllables of a text (a Vietnamese word is one or more space-separated syllables)."""
    return " ".join(text.split()[:LEAD_SYLLABLES])


def clean_articles(articles: list[Article], common: frozenset[str] | None = None) -> list[Article]:
    """The cleaning stage over a run: repetition across articles is evidence too (`common`, by default found
    in these articles; pass it when cleaning a run in parts)."""
    common = common_lines(articles) if common is None else common
    return [clean_article(a, common) for a in articles]


COMMON_SAMPLE = 1_000  # articles of a stream whose repeated lines are taken for site furniture


def sample_common(articles: Iterable[Article], size: int | None = None) -> tuple[frozenset[str],
                                                                                Iterator[Article]]:
    """Common lines of a stream, judged on its first `size` (COMMON_SAMPLE) articles (memory holds those, never
    the stream), and the whole stream again."""
    stream = iter(articles)
    sample = list(itertools.islice(stream, COMMON_SAMPLE if size is None else size))
    return common_lines(sample), itertools.chain(sample, stream)


def clean_stream(articles: Iterable[Article]) -> Iterator[Article]:
    """clean_articles over a stream of any length, read as needed."""
    common, stream = sample_common(articles)
    return (clean_article(a, common) for a in stream)
