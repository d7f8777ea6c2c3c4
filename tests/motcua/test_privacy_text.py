"""motcua.text's personal-data helpers: phone numbers typed into free text, masked names."""

import pytest

from motcua.text import HIDDEN_PHONE, hide_phones, mask_name, same_phone

TYPED = [
    "0901234567",
    "090 123 4567",
    "090.123.4567",
    "0901.234.567",
    "090-123-4567",
    "(090) 123 4567",
    "09O1234567",
    "09o1234567",
    "O9O1234567",
    "+84 90 123 4567",
    "+84901234567",
    "84901234567",
    "(+84) 90 123 4567",
    "+84 (0) 90 123 4567",
    "0 9 0 1 2 3 4 5 6 7",
    "０９０１２３４５６７",
    "0243 123 4567",
    "(024) 3123 4567",
    "001099012345",
]


@pytest.mark.parametrize("typed", TYPED)
def test_every_way_of_typing_a_number_is_hidden(typed):
    assert hide_phones(f"gọi {typed}, cảm ơn") == f"gọi {HIDDEN_PHONE}, cảm ơn"


def test_two_numbers_are_two_hidden_numbers_and_other_figures_stay():
    assert hide_phones("0901234567 0912345678") == f"{HIDDEN_PHONE} {HIDDEN_PHONE}"
    kept = "Hồ sơ 000.00.31.H29-251103-0007 nộp 09/10/2025 lúc 08:30, phí 500.000 đồng, quầy 3, Oanh"
    assert hide_phones(kept) == kept


def test_the_call_back_number_itself_can_be_kept():
    text = "gọi +84 90 123 4567 hoặc 0912345678"
    assert hide_phones(text, keep="0901234567") == f"gọi +84 90 123 4567 hoặc {HIDDEN_PHONE}"
    assert same_phone("09O 123 4567", "+84901234567") and not same_phone("0901234567", "0901234568")


def test_one_word_names_show_their_initial_only():
    assert [mask_name(n) for n in ("Tám", "NGUYEN", "đào", "Nguyễn Văn An", "", None)] == [
        "T.",
        "N.",
        "Đ.",
        "Nguyễn V. A.",
        "",
        "",
    ]
