"""Composing Vietnamese on the on-screen keyboard, without a window: tone keys, Telex, codes."""

import unicodedata

import pytest

from touchui.vietnamese_input import (
    TelexComposer,
    apply_tone,
    normalise_code,
    tone_last_word,
    tone_of,
    toggle_tone,
    type_telex,
)


@pytest.mark.parametrize(
    "word, tone, expected",
    [
        ("a", "sac", "á"),
        ("a", "huyen", "à"),
        ("a", "hoi", "ả"),
        ("a", "nga", "ã"),
        ("a", "nang", "ạ"),
        ("ky", "sac", "ký"),
        ("hoa", "huyen", "hòa"),  # two vowels, open syllable: first vowel
        ("toan", "huyen", "toàn"),  # two vowels + final consonant: second vowel
        ("quy", "sac", "quý"),  # "qu" is a consonant
        ("gia", "huyen", "già"),  # "gi" is a consonant
        ("gi", "huyen", "gì"),
        ("nguyên", "nga", "nguyễn"),  # ê takes the mark first
        ("nguyen", "nga", "nguyẽn"),  # typed without the circumflex: the mark still on the e
        ("thuơng", "huyen", "thuờng"),
        ("người", "none", "ngươi"),
        ("ĐĂNG", "sac", "ĐẮNG"),  # case kept
        ("Khoe", "hoi", "Khỏe"),
    ],
)
def test_apply_tone_puts_the_mark_on_the_right_vowel(word, tone, expected):
    assert apply_tone(word, tone) == expected


def test_apply_tone_replaces_an_existing_tone():
    assert apply_tone("á", "huyen") == "à"
    assert apply_tone("ký", "nang") == "kỵ"


def test_word_without_vowel_is_unchanged():
    assert apply_tone("bcd", "sac") == "bcd"
    assert apply_tone("", "sac") == ""


def test_unknown_tone_is_named_in_the_error():
    with pytest.raises(ValueError, match="acute"):
        apply_tone("a", "acute")


def test_tone_key_twice_takes_the_tone_off():
    assert toggle_tone("á", "sac") == "a"
    assert toggle_tone("à", "sac") == "á"


def test_tone_of_reads_the_mark():
    assert tone_of("ký") == "sac"
    assert tone_of("đăng") == "none"


def test_result_is_nfc_even_from_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "đăng")
    out = apply_tone(decomposed, "sac")
    assert out == "đắng"
    assert unicodedata.is_normalized("NFC", out)


def test_tone_last_word_marks_the_word_before_the_cursor():
    assert tone_last_word("dang ky", 7, "sac") == ("dang ký", 7)
    # cursor in the middle: the word before it, the rest untouched
    assert tone_last_word("dang ky", 4, "sac") == ("dáng ky", 4)
    # nothing to mark after a space or a digit
    assert tone_last_word("dang ky ", 8, "sac") == ("dang ky ", 8)
    assert tone_last_word("so 12", 5, "sac") == ("so 12", 5)


@pytest.mark.parametrize(
    "keys, expected",
    [
        ("ddawng kys", "đăng ký"),
        ("DDAWNG KYS", "ĐĂNG KÝ"),
        ("Nguyeenx Vawn Aan", "Nguyễn Văn Ân"),
        ("thuwowngf truwS", "thường trứ"),
        ("chuwsng thuwjc", "chứng thực"),
        ("hello world", "hello world"),  # not Vietnamese: left as typed
        ("ass", "as"),  # the mark key twice undoes it
        ("1.001193", "1.001193"),
    ],
)
def test_telex_sequences(keys, expected):
    assert type_telex(keys) == expected


def test_telex_backspace_keeps_the_word_composable():
    composer = TelexComposer()
    text, cursor = "", 0
    for key in "thuwowngf":
        text, cursor = composer.type(text, cursor, key)
    assert text == "thường"
    text, cursor = composer.backspace(text, cursor)
    assert (text, cursor) == ("thườn", 5)
    text, cursor = composer.type(text, cursor, "g")
    assert text == "thường"


def test_telex_restarts_from_text_changed_behind_its_back():
    composer = TelexComposer()
    text, cursor = composer.type("", 0, "a")
    # the app replaced the text (e.g. a suggestion was chosen): compose from what is there
    text, cursor = composer.type("khai sinh", 9, "f")
    assert text == "khai sình"


def test_telex_types_in_the_middle_of_the_text():
    composer = TelexComposer()
    text, cursor = "ky khai sinh", 2
    text, cursor = composer.type(text, cursor, "s")
    assert (text, cursor) == ("ký khai sinh", 2)


def test_scanned_code_is_trimmed_and_upper_cased():
    assert normalise_code("  000.00.31.h29-251103-0007\t") == "000.00.31.H29-251103-0007"
