"""Vietnamese text primitives: normalization, sentence splitting, syllable tokens.

Tone-mark policy: text is stored and shown as its source wrote it, in NFC (a summary keeps the article's
spelling, so it matches references from the same outlet); comparisons inside vnsumm (duplicate paragraphs, lines
repeated across a run) go through `fold_tones`, which puts hoà/hòa, thuỷ/thủy, khoá/khóa in one placement.
"""

from __future__ import annotations

import re
import unicodedata


def normalize(text: str) -> str:
    """NFC: Windows-1258 and NFD sources store tone marks as separate combining characters."""
    return unicodedata.normalize("NFC", text)


# Policy: the "traditional" placement used by most Vietnamese news sites (hòa, thủy, khóa), i.e. the tone sits
# on the first vowel of an open oa/oe/uy syllable. "qu" is a consonant, so quý keeps its mark on y.
# In NFC text the other placement is a toned plain a/e after o, or a toned y after u, that ends the syllable: a
# letter or a mark after it (hoàng, or the breve of "ặ" in "hoặc", precomposed apart) makes another syllable.
_TONED_AE = "àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸ"
_TONED_Y = "ỳýỷỹỵỲÝỶỸỴ"
_OTHER_PLACEMENT = re.compile(f"[oOuU][{_TONED_AE}{_TONED_Y}]")  # a cheap first test: most lines have none
_MOVABLE = re.compile(rf"(?<![qQ])(?:[oO][{_TONED_AE}]|[uU][{_TONED_Y}])(?![^\W\d_]|[\u0300-\u036f])")


def _tone_moved(match: re.Match[str]) -> str:
    pair = match.group()
    decomposed = unicodedata.normalize("NFD", pair[1])  # the toned vowel: its base, then its tone mark
    return unicodedata.normalize("NFC", pair[0] + decomposed[1]) + decomposed[0]


def fold_tones(text: str) -> str:
    """NFC with tone marks in one placement (hoà -> hòa, thuỷ -> thủy), for comparing, never for output."""
    text = unicodedata.normalize("NFC", text)
    return _MOVABLE.sub(_tone_moved, text) if _OTHER_PLACEMENT.search(text) else text


_SYLLABLE = re.compile(r"\w+", re.UNICODE)


def syllables(text: str) -> list[str]:
    """Lowercased Unicode syllable tokens of NFC text (`Đảng` stays `đảng`, never `ng`)."""
    return _SYLLABLE.findall(normalize(text).lower())


# Abbreviations after which a period does not end a sentence (compared case-sensitively, without the dot).
ABBREVIATIONS = frozenset(
    "TP Tp TS PGS GS ThS Ths Th.S BS KS CN Q P TT PV BTV NXB ĐH TW UBND HĐND Mr Mrs Ms Dr St Co Ltd Inc No v.v tr"
    .split()
)

# A candidate boundary: terminal punctuation (with closing quotes/brackets), whitespace, then something that
# can open a sentence (an uppercase letter, a digit, an opening quote or bracket, a dash).
_BOUNDARY = re.compile(r"([.!?…]+[\"'”’)\]]*)(\s+)[\"“'‘(\[–—-]?\s*(\w)", re.UNICODE)
_INITIAL = re.compile(r"(?:^|[\s(])(?:[^\W\d_]\.)*[^\W\d_]$")  # N.T or a lone initial like H


def _ends_with_abbreviation(chunk: str) -> bool:
    """True when the period closing `chunk` belongs to an abbreviation or an initial, not a sentence."""
    if not chunk.endswith("."):
        return False
    body = chunk[:-1]
    last = body.split()[-1] if body.split() else ""
    last = last.lstrip("\"“'‘([")
    if last in ABBREVIATIONS:
        return True
    # Initials such as "N.T." or "H." (one uppercase letter, possibly chained).
    return bool(last) and bool(_INITIAL.search(last)) and all(len(p) <= 1 for p in last.split(".")) \
        and last[:1].isupper()


def split_sentences(text: str) -> list[str]:
    """Split Vietnamese text into sentences.

    Newlines always separate; within a line a boundary is `.`, `!`, `?` or `…` followed by space and a capital,
    digit or opening quote, unless the period ends an abbreviation (TP., PGS., ThS.) or an initial (N.T.).
    Dates (28/5/2020) and numbers (1.000, 3,2) have no space after the dot, so they never split.
    """
    sentences: list[str] = []
    for line in normalize(text).splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        start = 0
        for match in _BOUNDARY.finditer(line):
            end = match.end(1)
            opener = match.group(3)
            if not (opener.isupper() or opener.isdigit()) or _ends_with_abbreviation(line[start:end]):
                continue
            sentence = line[start:end].strip()
            if sentence:
                sentences.append(sentence)
            start = match.end(2)
        rest = line[start:].strip()
        if rest:
            sentences.append(rest)
    return sentences
