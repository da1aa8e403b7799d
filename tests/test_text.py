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
