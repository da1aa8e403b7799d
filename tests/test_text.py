"""The Vietnamese sentence splitter and syllable tokens every stage relies on."""

from __future__ import annotations

import unicodedata

from vnsumm import split_sentences, syllables


def test_splitter_respects_abbreviations_dates_numbers_and_initials() -> None:
    text = ("Sáng 28/5/2020, tại TP. Hà Nội, PGS. TS. Nguyễn Văn A và ông N.T. Hùng dự họp… "
            "“Tốt lắm!” Ông nói. Giá 1.000 đồng, tăng 3,2%. còn lại vẫn vậy. 12 người đến.")
    assert split_sentences(text) == [
        "Sáng 28/5/2020, tại TP. Hà Nội, PGS. TS. Nguyễn Văn A và ông N.T. Hùng dự họp…",
        "“Tốt lắm!”",
        "Ông nói.",
        "Giá 1.000 đồng, tăng 3,2%. còn lại vẫn vậy.",  # a lowercase word after the stop: not a new sentence
        "12 người đến.",
    ]


def test_newlines_always_separate_and_blank_lines_vanish() -> None:
    assert split_sentences("Dòng một\n\n  Dòng   hai.  \n") == ["Dòng một", "Dòng hai."]
    assert split_sentences("") == []


def test_syllables_are_unicode_and_nfc() -> None:
    assert syllables("Đảng ủy TP.HCM") == ["đảng", "ủy", "tp", "hcm"]
    assert syllables(unicodedata.normalize("NFD", "Đảng ủy")) == ["đảng", "ủy"]


def test_tone_folding_leaves_a_vowel_with_its_own_mark_alone() -> None:
    """"hoặc" is not an open "oa" syllable (its a carries a breve), even in a text that has one (hoà) to fold."""
    from vnsumm.lang.text import fold_tones

    assert fold_tones("Hoà hoặc khoẻ, xoè hoạt") == "Hòa hoặc khỏe, xòe hoạt"


def test_tone_folding_puts_both_placements_in_one_in_any_case_and_form() -> None:
    """The new-style placement (hoà, thuỷ, khoẻ) folds into the traditional one in upper and lower case and from NFD
    input; "qu" is a consonant (quý keeps its mark) and a syllable that goes on (hoàng) is not an open one."""
    from vnsumm.lang.text import fold_tones

    assert fold_tones("HOÀ Thuỷ quý hoàng Khoẻ") == "HÒA Thủy quý hoàng Khỏe"
    assert fold_tones(unicodedata.normalize("NFD", "hoà thuỷ")) == fold_tones("hòa thủy") == "hòa thủy"


def test_a_text_in_another_language_is_flagged_and_vietnamese_is_not() -> None:
    from vnsumm.cleaning.rules import looks_vietnamese

    assert looks_vietnamese("Hà Nội hôm nay mưa lớn, nhiều tuyến phố ngập sâu, giao thông ùn tắc kéo dài.")
    assert not looks_vietnamese("Heavy rain flooded many streets of Hanoi today and traffic stalled for hours.")


def test_a_credit_in_parentheses_inside_a_flattened_text_goes_and_other_parentheses_stay() -> None:
    from vnsumm.cleaning.rules import clean_text

    text = ("Thủ tướng Nga và Thủ tướng Trung Quốc. (Ảnh: AFP) Hai bên ký 21 thỏa thuận về dầu khí. Keane chỉ trích "
            "Sir Alex. (Nguồn: AP) Keane tỏ ra rất bức xúc. GDP tăng 5% (theo Tổng cục Thống kê) trong quý ba.")
    [line] = clean_text(text).lines
    assert "Ảnh" not in line and "Nguồn" not in line
    assert "Trung Quốc. Hai bên ký" in line and "(theo Tổng cục Thống kê)" in line
