"""COPY.md's rules on the kiosk's and the shared touch widgets' Vietnamese (../shared/design/COPY.md).

New-style tone placement (Xóa, Hủy, khóa), "Ông/Bà" capitalised, "giấy hẹn" for the receipt, and the
reviewed wordings. The dossier screen's texts (dossier.*) are checked with that screen.
"""

import re
from pathlib import Path

import pytest

from motcua import translations

ROOT = Path(__file__).resolve().parents[2]
# A tone mark on the a/e/y of a syllable-final "oa", "oe", "uy" is the old style ("Xoá", "Huỷ",
# "khoá"); the new style marks the o/u ("Xóa", "Hủy", "khóa"). "quý" keeps it: qu is one consonant.
OLD_STYLE = re.compile(r"(?<![qQ])(?:[oO][áàảãạ]|[oO][éèẻẽẹ]|[uU][ýỳỷỹỵ])(?!\w)")


def _texts(domain, folder):
    vi = translations.read(translations.po_path(ROOT / folder / "locale", domain, "vi"))
    return {key: text for key, text in vi.items() if not key.startswith("dossier.")}


@pytest.mark.parametrize("domain,folder", [("kiosk", "kiosk"), ("touchui", "touchui")])
def test_vietnamese_follows_the_spelling_rules(domain, folder):
    texts = _texts(domain, folder)
    assert texts
    old = {key: OLD_STYLE.findall(text) for key, text in texts.items() if OLD_STYLE.search(text)}
    assert old == {}, f"old-style tone placement: {old}"
    lower = {key: text for key, text in texts.items() if re.search(r"ông/bà|Ông/bà|ông/Bà", text)}
    assert lower == {}, f'"Ông/Bà" is written capitalised: {lower}'
    receipt = {key: text for key, text in texts.items() if "giấy tiếp nhận" in text.lower() and key != "info.body"}
    assert receipt == {}, 'the receipt is "giấy hẹn" (its full name only once, in the help text)'


def test_the_reviewed_wordings_are_used():
    kiosk = _texts("kiosk", "kiosk")
    assert kiosk["time.none"] == "Chưa có thông tin (hỏi cán bộ tại quầy)"  # not "Không quy định"
    assert kiosk["fee.free"] == "Không thu phí, lệ phí"
    assert kiosk["admin.data_age"] == "Dữ liệu cập nhật lần cuối"
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in kiosk["info.body"]
    touch = _texts("touchui", "touchui")
    assert touch["kb.clear"] == "Xóa hết" and touch["pin.cancel"] == "Hủy" and touch["pin.clear"] == "Xóa"
    english = translations.read(translations.po_path(ROOT / "touchui/locale", "touchui", "en"))
    assert english["kb.shift"] == "Shift"
    kiosk_en = translations.read(translations.po_path(ROOT / "kiosk/locale", "kiosk", "en"))
    assert kiosk_en["home.dossier"] == "Check my application"
    assert kiosk_en["status.1"] == "Submitted, awaiting acceptance"
