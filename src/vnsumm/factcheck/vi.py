"""Reading Vietnamese figures: digits as Vietnamese writes them, number words, approximate quantities, and what
each figure counts.

`1.000` is a thousand and `2,8` two point eight; `2,8 tỷ`, `140 ngàn`, `45 phần trăm` carry their scale; `mười`,
`hai mươi mốt`, `ba trăm` are figures too, `hàng chục nghìn` (tens of thousands) and `vài trăm` (a few hundred) are
ranges. A figure's counted noun or unit is the word after it (`6 người`, `6 tháng`, `26 dặm`); when nothing is
counted, the noun before it may name what the figure labels (`lớp 7`, `số 9`, `Q. 9`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from vnsumm.factcheck.facts import Fact, FactKind, fold_name, key

SCALES = {"nghìn tỷ": 1e12, "nghìn tỉ": 1e12, "ngàn tỷ": 1e12, "ngàn tỉ": 1e12, "tỷ": 1e9, "tỉ": 1e9,
          "triệu": 1e6, "nghìn": 1e3, "ngàn": 1e3, "vạn": 1e4, "trăm": 1e2, "chục": 1e1}
PERCENT = r"\s*(?:%|phần trăm)"
# Vietnamese groups thousands with "." and writes decimals with "," (a dot before one, two or four-plus digits is
# a decimal point, as some outlets write it).
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?(?!\.?\d)|\d+,\d+|\d+\.\d{1,2}(?!\d)|\d+\.\d{4,}|\d+"
_LEADING = re.compile(NUMBER)
_SCALE_WORDS = "|".join(sorted(map(re.escape, SCALES), key=len, reverse=True))
_FIGURE = re.compile(rf"(?<![\w.,])({NUMBER})(?:\s*({_SCALE_WORDS})(?!\w)|({PERCENT}))?(?!\w)", re.I)
# Figures written the English way (translated talks: "10,000"): a source supports both readings.
_COMMA_THOUSANDS = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\w,]|\.\d)")
# A figure glued to letters (10h40, 1m70, 26km, 150x10): in a source, each figure stands with the letters as unit.
_GLUED = re.compile(r"(\d+(?:[.,]\d+)?)([^\W\d_]+)")  # 26km, 150x
_GLUED_AFTER = re.compile(r"[^\W\d_](\d+(?:[.,]\d+)?)")  # x10, G20

# Words that say neither what is counted nor what is labelled ("6 và 7 người", "có 4."), lowercased, tone-folded.
_FUNCTION = set(fold_name(
    "và với của là có được đã đang sẽ bị cho trong ngoài tại ở từ đến tới khi thì mà nhưng hay hoặc này đó kia "
    "nào các những một mỗi theo trên dưới vào ra lên xuống sau trước so về qua nên vì do rằng cũng vẫn đều còn "
    "chỉ hơn gần khoảng chừng nhất lúc hết như cùng x").split())
_DIGIT_WORDS = {"một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "nhăm": 5,
                "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9, "mười": 10}
_WORD_SCALES = {"mươi": 10, "chục": 10, "trăm": 100, "nghìn": 1e3, "ngàn": 1e3, "vạn": 1e4, "triệu": 1e6,
                "tỷ": 1e9, "tỉ": 1e9}
_FEW = {"vài": (2, 9), "dăm": (3, 9), "hàng": (1, 10)}  # "hàng chục": tens; "vài trăm": a few hundred
# "mốt", "tư", "lăm" are figures only inside a number (hai mươi mốt); "năm" starts one only before a scale
# ("năm trăm"), elsewhere it is the year.
_NOT_FIRST = {"mốt", "tư", "lăm", "nhăm"}


def _alternation(words: list[str]) -> str:
    """A regex for any of `words`, grouped by first letter (re tries a flat alternation word by word)."""
    by_first: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        by_first.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in by_first.items())


_NUMBER_WORD = re.compile(rf"\b(?:{_alternation([*_DIGIT_WORDS, *_WORD_SCALES, *_FEW, 'linh', 'lẻ'])})\b")
# Nouns that name a figure rather than count with it: a class, a floor, a ward, a road, an article of law...
_LABELS = set(fold_name(
    "số lớp tầng phường quận khu lộ đường tổ ấp xóm thôn đội cấp thứ khóa kỳ phòng câu điều khoản chương mục hạng "
    "giải nhóm tuyến cổng ga bến lô năm mùng hiệu mã cửa phiên vòng bảng trận tập phần bài trang tòa block").split())
_ABBREVIATED = {"q": "quận", "p": "phường", "ql": "lộ", "tl": "lộ", "đt": "lộ", "k": "khóa"}
_LIST = re.compile(r"\s*(?:(?:,|và|hoặc|hay|đến|tới|-|–|x|×)\s*)?", re.I)


def value(number: str) -> float:
    """A figure's value as Vietnamese writes it (1.000,5 is a thousand and a half)."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", number):
        return float(number.replace(".", "").replace(",", "."))
    return float(number.replace(",", "."))


_NEXT_WORD = re.compile(r"[ \t]*([^\W\d_]+)(?:[ \t]+([^\W\d_]+))?")
_PREVIOUS_WORD = re.compile(r"([^\W\d_]+)[ \t]*[.\-\u00ad]?[ \t]*$")  # "lớp 7", "Q. 9", "OC -135"
# One name for a unit written in full or abbreviated, and for the nouns that count people (one syllable or two).
_UNITS = {fold_name(k): v for k, v in {
          "mét": "m", "met": "m", "kilômét": "km", "kilomet": "km", "cây số": "km", "kí": "kg", "kilôgam": "kg",
          "héc": "ha", "hécta": "ha", "đô": "usd", "đô la": "usd", "đ": "đồng", "vnđ": "đồng", "vnd": "đồng",
          "h": "giờ", "tiếng": "giờ", "thành viên": "người", "đối tượng": "người", "nạn nhân": "người",
          "bệnh nhân": "người", "hành khách": "người", "du khách": "người", "công nhân": "người",
          "học sinh": "người", "sinh viên": "người", "binh sĩ": "người", "chiến sĩ": "người", "cán bộ": "người",
          "người dân": "người", "trẻ em": "người", "em": "người", "cháu": "người", "lính": "người"}.items()}


@functools.lru_cache(maxsize=1 << 16)
def _fold(word: str) -> str:
    return fold_name(word)


def _counted(text: str, end: int) -> str | None:
    """The counted noun or unit right after a figure ending at `end` (`người`, `km`, `USD`; a capitalized word
    begins a name: `962 Quân khu 9`)."""
    match = _NEXT_WORD.match(text, end)
    if not match or not (match.group(1).islower() or match.group(1).isupper()):
        return None
    word = _fold(match.group(1))
    if word in _FUNCTION or (word in _DIGIT_WORDS and word != "năm"):  # "ba bốn người": bốn is a figure
        return None
    if match.group(2):
        pair = f"{word} {_fold(match.group(2))}"
        if pair in _UNITS:
            return _UNITS[pair]
    return _UNITS.get(word, word)


def _label(text: str, start: int) -> str | None:
    """The noun before a figure when it names the figure (`lớp 7`, `quốc lộ 53`, `Q. 9`, `OC -135`); a verb
    before one (`chở 9 tấn`) says nothing of what it counts."""
    match = _PREVIOUS_WORD.search(text, max(0, start - 12), start)
    if not match:
        return None
    word = match.group(1)
    folded = _ABBREVIATED.get(_fold(word), _fold(word))
    return folded if folded in _LABELS or (word.isupper() and len(word) <= 4) else None


def _list_follows(text: str, end: int, following: int | None) -> bool:
    """The next figure follows as part of a list or range ("6 và 7 người", "5-7 người", "150 x 10 bộ")."""
    match = _LIST.match(text, end)
    return following is not None and match is not None and match.end() == following


def _with_context(text: str, found: list[tuple[int, int, Fact]]) -> list[tuple[int, Fact]]:
    """Each figure with its counted noun (a figure in a list counts what the list's last figure counts) and the
    word before it (what it labels, when it counts nothing); with where it starts."""
    done: list[tuple[int, Fact]] = []
    unit: str | None = None
    following: int | None = None
    for start, end, fact in sorted(found, key=lambda item: item[0], reverse=True):
        label = fact.label or _label(text, start)
        # "6 và 7 người": the 6 counts people too; "lớp 7 và 21 người": the 7 names a class.
        unit = fact.unit or _counted(text, end) or (unit if label is None and _list_follows(text, end, following)
                                                    else None)
        following = start
        done.append((start, Fact(fact.kind, fact.text, fact.value, unit, label, fact.approx, fact.high)))
    return done[::-1]


def _digit_figures(text: str) -> list[tuple[int, Fact]]:
    found = []
    for match in _FIGURE.finditer(text):
        number = value(match.group(1))
        if match.group(2):
            fact = Fact(FactKind.AMOUNT, match.group(0), key(number * SCALES[match.group(2).lower()]))
        elif match.group(3):
            fact = Fact(FactKind.PERCENT, match.group(0), key(number), unit="%")
        else:
            fact = Fact(FactKind.NUMBER, match.group(0), key(number))
        found.append((match.start(), match.end(), fact))
    return _with_context(text, found)


def figures(text: str) -> list[Fact]:
    """The figures `text` writes in digits (dates already blanked out), each with what it counts."""
    return [fact for _, fact in _digit_figures(text)]


def supporting(text: str) -> list[Fact]:
    """What a source supports: its digit figures; the other reading of English-style ones ("10,000"); figures glued
    to units (26km); figures and ranges said in words."""
    found: list[tuple[int, int, Fact]] = []
    for match in _COMMA_THOUSANDS.finditer(text):
        found.append((match.start(), match.end(),
                      Fact(FactKind.NUMBER, match.group(0), key(float(match.group(0).replace(",", ""))))))
    for match in _GLUED.finditer(text):
        unit = _fold(match.group(2))
        found.append((match.start(), match.end(), Fact(FactKind.NUMBER, match.group(0), key(value(match.group(1))),
                                                       unit=_UNITS.get(unit, unit))))
    for match in _GLUED_AFTER.finditer(text):
        found.append((match.start(1), match.end(), Fact(FactKind.NUMBER, match.group(1), key(value(match.group(1))))))
    found += _word_figures(text)
    digits = [fact for _, fact in _digit_figures(text)]
    # A scaled amount also supports its bare figure ("2,8 tỷ đồng" supports "2,8"), counting the same thing.
    bare = [replace(fact, kind=FactKind.NUMBER, value=key(value(_LEADING.findall(fact.text)[0])))
            for fact in digits if fact.kind is not FactKind.NUMBER]
    return digits + bare + [fact for _, fact in _with_context(text, found)]


def _read_words(tokens: list[str], few: bool) -> tuple[float, int]:
    """The figure that number words spell, and how many of them it took (0: they spell none). After a word of
    few (`hàng`, `vài`) a scale starts the figure (`hàng chục`); elsewhere a scale alone is not one."""
    total, current, last, previous = 0.0, 0.0, 0.0, ""
    for taken, token in enumerate(tokens):
        if token not in _DIGIT_WORDS and token not in _WORD_SCALES and token not in ("linh", "lẻ"):
            return total + current, taken
        if few and taken == 0 and token not in _WORD_SCALES:
            return 0, 0
        if not few and taken == 0 and (token in _NOT_FIRST or token in _WORD_SCALES or token in ("linh", "lẻ") or
                           (token == "năm" and not (len(tokens) > 1 and tokens[1] in _WORD_SCALES))):
            return 0, 0
        # "mười năm" is ten years (fifteen is "mười lăm"); "ba bốn" is three or four: another figure.
        if (token == "năm" and previous in ("mười", "mươi")) or (token in _DIGIT_WORDS and previous in _DIGIT_WORDS
                                                              and previous != "mười"):
            return total + current, taken
        if token in _DIGIT_WORDS:
            last = _DIGIT_WORDS[token]
            current += last
        elif token in ("mươi", "chục", "trăm"):
            factor = _WORD_SCALES[token]
            current = current + last * (factor - 1) if last else (current or 1) * factor
            last = 0
        elif token in _WORD_SCALES:
            factor = _WORD_SCALES[token]
            if not current and total:
                total *= factor  # "hai nghìn tỷ": two thousand billion
            else:
                total += (current or 1) * factor
            current, last = 0, 0
        previous = token
    return total + current, len(tokens)


def _word_figures(text: str) -> list[tuple[int, int, Fact]]:
    """Figures said in words: `mười` 10, `hai mươi mốt` 21, `ba trăm` 300, `hàng chục nghìn` 10,000 to 99,999,
    `vài` 2 to 9."""
    lowered = text.lower()
    if len(lowered) != len(text):
        return []
    words = [(m.start(), m.end(), m.group(0)) for m in _NUMBER_WORD.finditer(lowered)]
    found = []
    i = 0
    while i < len(words):
        few = _FEW.get(words[i][2])
        j = i + 1 if few else i
        k = j
        while k < len(words) and (k == i or not text[words[k - 1][1]:words[k][0]].strip()):
            k += 1
        figure, taken = _read_words([w for _, _, w in words[j:k]], few is not None)
        if taken == 0 and (not few or words[i][2] == "hàng"):  # "hàng" alone is goods, a row, a shop
            i += 1
            continue
        start, end = words[i][0], words[j + taken - 1][1] if taken else words[i][1]
        if few:
            low, high = few
            scale = figure if taken else 1.0
            fact = Fact(FactKind.NUMBER, text[start:end], key(scale * low), approx=True, high=key(scale * high))
        else:
            fact = Fact(FactKind.NUMBER, text[start:end], key(figure))
        found.append((start, end, fact))
        i = j + taken if taken else i + 1
    return found
