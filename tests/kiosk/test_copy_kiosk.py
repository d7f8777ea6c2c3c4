"""COPY.md's reviewed wordings of the kiosk's and the shared touch widgets' texts
(../shared/design/COPY.md; its spelling rules for every text are checked by tests/test_copy_spelling.py).
The dossier screen's texts (dossier.*) are checked with that screen.
"""

from pathlib import Path

from motcua import translations

ROOT = Path(__file__).resolve().parents[2]


def _texts(domain, folder):
    vi = translations.read(translations.po_path(ROOT / folder / "locale", domain, "vi"))
    return {key: text for key, text in vi.items() if not key.startswith("dossier.")}


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
