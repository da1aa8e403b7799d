"""Reading English outputs: figures as English writes them, and whether a name of the source survives a
translation (as itself, a demonym or adjective, an initialism, or another spelling).
"""

from __future__ import annotations

import re

from vnsumm.factcheck.facts import MONTHS, WORD, Fact, FactKind, bare, key

SCALES = {"trillion": 1e12, "billion": 1e9, "bn": 1e9, "million": 1e6, "mn": 1e6, "thousand": 1e3, "hundred": 1e2}
SCALES.update({f"{word}s": factor for word, factor in list(SCALES.items()) if len(word) > 2})  # "10 thousands of"
PERCENT = r"\s*(?:%|percent\b|per cent\b|percentage points?\b)"
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!,?\d)|\d+\.\d+|\d+"
_SCALE_WORDS = "|".join(sorted(map(re.escape, SCALES), key=len, reverse=True))
_FIGURE = re.compile(rf"(?<![\w.,])({NUMBER})(?:\s*({_SCALE_WORDS})(?!\w)|({PERCENT}))?(?!\w)", re.I)
YEAR_SHORT = "year"  # the label of a year written with its last two digits ('71)
_APPROX = re.compile(r"(?:about|around|nearly|almost|some|roughly|approximately|over|more than|less than|"
                     r"fewer than|up to|at least|under|close to|tens of|hundreds of|thousands of)\s*$", re.I)

# Vietnamese syllable shape (tone and vowel marks removed): how an English text's name is told to be a Vietnamese
# one (Nguyen Xuan Phuc, Da Nang) that must come from the source, rather than a translated word (Ministry).
_SYLLABLE_SHAPE = re.compile(r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}"
                             r"(ch|ng|nh|[cmnpt])?$")
_ENGLISH_CAPITALS = {"the", "a", "an", "in", "on", "at", "to", "of", "and", "he", "she", "we", "they", "it", "i",
                     "mr", "mrs", "ms", "dr", "no", "so", "do", "me", "my", "be", "by", "or", "up", "us"}

# Demonyms and adjectives that the suffix rule (Libya -> Libyan, Egypt -> Egyptian, China -> Chinese, Israel ->
# Israeli, Sweden -> Swedish...) does not reach.
_DEMONYMS = {
    "france": "french", "netherlands": "dutch", "holland": "dutch", "switzerland": "swiss", "wales": "welsh",
    "scotland": "scottish scots scot", "ireland": "irish", "england": "english", "britain": "british briton",
    "denmark": "danish dane danes", "sweden": "swedish swede swedes", "finland": "finnish finn finns",
    "poland": "polish pole poles", "spain": "spanish spaniard spaniards", "turkey": "turkish turk turks",
    "greece": "greek greeks", "thailand": "thai thais", "philippines": "filipino filipinos philippine",
    "iceland": "icelandic icelander", "madagascar": "malagasy", "cyprus": "cypriot", "afghanistan": "afghan afghans",
    "kazakhstan": "kazakh", "uzbekistan": "uzbek", "tajikistan": "tajik", "kyrgyzstan": "kyrgyz",
    "arabia": "arab arabs arabic saudi", "saudi": "arab arabs arabic", "peru": "peruvian", "norway": "norwegian",
    "monaco": "monegasque", "ghana": "ghanaian", "argentina": "argentine argentinian", "laos": "lao laotian",
    "portugal": "portuguese", "lebanon": "lebanese", "sudan": "sudanese", "senegal": "senegalese",
    "nepal": "nepali nepalese", "malta": "maltese", "burma": "burmese", "myanmar": "burmese", "vietnam": "vietnamese",
    "congo": "congolese", "taiwan": "taiwanese", "bali": "balinese", "athens": "athenian", "texas": "texan texans",
    "islam": "islamic muslim muslims", "mars": "martian", "venice": "venetian", "naples": "neapolitan",
    "florence": "florentine", "moscow": "muscovite", "mozambique": "mozambican", "flanders": "flemish",
    "oxford": "oxonian", "manila": "manileno", "bangladesh": "bangladeshi", "hollywood": "hollywood",
    "us": "american americans", "usa": "american americans", "uk": "british", "koran": "quran quranic",
    "quran": "koran koranic", "jew": "jewish", "judaism": "jewish", "christ": "christian christians",
}
_SUFFIXES = ("n", "ns", "an", "ans", "ian", "ians", "ean", "eans", "ese", "i", "is", "ish", "ic", "ics", "ical",
             "ist", "ists", "ism", "ite", "ites", "er", "ers", "ien", "e", "es", "s")


def figures(text: str) -> list[Fact]:
    """The figures `text` writes in digits (dates already blanked out); a year written with its last two digits
    ('71, ’35) is labelled as one."""
    found = []
    for match in _FIGURE.finditer(text):
        number = float(match.group(1).replace(",", ""))
        approx = bool(_APPROX.search(text[max(0, match.start() - 16):match.start()]))
        if _year_short(text, match):
            found.append(Fact(FactKind.NUMBER, text[match.start() - 1:match.end()], number, label=YEAR_SHORT))
        elif match.group(2):
            found.append(Fact(FactKind.AMOUNT, match.group(0), key(number * SCALES[match.group(2).lower()]),
                              approx=approx))
        elif match.group(3):
            found.append(Fact(FactKind.PERCENT, match.group(0), key(number), approx=approx))
        else:
            found.append(Fact(FactKind.NUMBER, match.group(0), key(number), approx=approx))
    return found


def _year_short(text: str, match: re.Match[str]) -> bool:
    """Two digits alone after an apostrophe that no letter or digit precedes: a year ('71; not rock'n'roll)."""
    start = match.start()
    return match.group(0).isdigit() and len(match.group(0)) == 2 and start >= 1 and text[start - 1] in "'’" and \
        (start == 1 or not text[start - 2].isalnum())


def vietnamese_shaped(name: str) -> bool:
    words = bare(name).split()
    return all(_SYLLABLE_SHAPE.match(w) for w in words) and not any(w in _ENGLISH_CAPITALS or w in MONTHS
                                                                     for w in words)


def _stems(word: str) -> set[str]:
    """A name word and what its demonym builds on: Libya -> libya, liby; Germany -> german."""
    stripped = word.rstrip("aeiouy")
    return {word} | ({stripped} if len(stripped) >= 3 else set())


def _skeleton(word: str) -> str:
    """Consonants in order, one letter per sound (Koran and Quran, Conor and Connor alike)."""
    word = re.sub(r"qu|q|ck|c", "k", word).replace("ph", "f")
    consonants = re.sub(r"[aeiouyhw]", "", word)
    return re.sub(r"(.)\1+", r"\1", consonants)


def _close(one: str, other: str) -> bool:
    """Another spelling of one name: one letter apart (Sabina, Sabrina) or the same consonant skeleton."""
    if min(len(one), len(other)) < 4:
        return False
    if abs(len(one) - len(other)) <= 1 and _edits_at_most_one(one, other):
        return True
    skeleton = _skeleton(one)
    return len(skeleton) >= 3 and skeleton == _skeleton(other)


def _edits_at_most_one(one: str, other: str) -> bool:
    if len(one) > len(other):
        one, other = other, one
    i = 0
    while i < len(one) and one[i] == other[i]:
        i += 1
    return one[i + (len(one) == len(other)):] == other[i + 1:]


def survives(name_words: list[str], said: set[str], capitals: set[str]) -> bool:
    """Whether a source name lives on in an English output: all its words as they are (however short: Al), one of
    its words (longer than two letters) as it is, as a demonym or adjective (Libya: Libyan, Libyans; Egypt:
    Egyptian; France: French), in another spelling, or the name's initials begin an all-capitals word of the
    output (New York University: NYU)."""
    words = [bare(w) for w in name_words]
    if words and all(word in said for word in words):  # as it is, however short (Al, Bo)
        return True
    if len(words) >= 2:
        initials = "".join(w[0] for w in words if w not in ("of", "the", "and", "for")).upper()
        if any(cap.startswith(initials) or (len(cap) >= 2 and initials.startswith(cap)) for cap in capitals):
            return True
    for word in (w for w in words if len(w) > 2):
        forms = _DEMONYMS.get(word, "").split()
        if word in said or any(form in said or f"{form}s" in said for form in forms):
            return True
        stems = _stems(word)
        for other in said:
            for stem in stems:
                if other.startswith(stem) and other[len(stem):] in _SUFFIXES:
                    return True
                if other == stem and len(stem) >= 5:  # Germany -> German, Antarctica -> Antarctic
                    return True
            if _close(word, other) or any(_close(stem, other.removesuffix(s)) for stem in stems
                                          for s in ("ic", "ian", "an", "ese", "i") if other.endswith(s)):
                return True
    return False


def said_words(text: str) -> tuple[set[str], set[str]]:
    """An output's words (lowercase, no marks) and its all-capitals words (initialisms)."""
    words = WORD.findall(text)
    return {bare(w) for w in words}, {w for w in words if w.isupper() and w.isalpha() and len(w) >= 2}
