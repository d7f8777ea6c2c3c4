"""The tablet's sentences follow COPY.md: the proposals for rating/texts.py and its spelling rules."""

import re

from rating import texts

VI = texts.CATALOGS["vi"]


def test_the_proposals_of_copy_md_are_the_tablets_texts():
    assert texts.text("question") == "Ông/Bà đánh giá thế nào về sự phục vụ của cán bộ?"
    assert texts.text("reasons_title") == "Xin Ông/Bà cho biết điều gì chưa hài lòng"
    assert texts.text("phone_hint") == (
        "Số điện thoại để cán bộ liên hệ lại về góp ý này (không bắt buộc; chỉ dùng vào việc liên hệ lại)"
    )
    assert texts.text("dossier_title") == "Quét mã vạch trên giấy hẹn trả kết quả"
    assert texts.text("no_officer") == "Quầy chưa có cán bộ, xin Ông/Bà vui lòng chờ trong giây lát"
    assert texts.text("invalid_dossier") == "Mã hồ sơ chưa đúng, xin Ông/Bà quét lại"
    assert texts.text("quarantined") == "Máy chủ không nhận (giữ lại để kiểm tra)"
    assert texts.text("never") == "chưa có"
    assert texts.text("service_done", "en") == "Service finished"
    names = {code: vi for code, (vi, _en) in texts.DEFAULT_REASONS.items()}
    assert names["tre_hen"] == "Trả kết quả trễ hẹn"
    assert names["di_lai_nhieu_lan"] == "Phải đi lại nhiều lần"
    assert names["nhung_nhieu"] == "Có biểu hiện nhũng nhiễu, gây phiền hà"


def test_spelling_rules_ong_ba_capitalised_new_style_tone_marks_one_name_for_the_receipt():
    sentences = list(VI.values()) + [vi for vi, _en in texts.DEFAULT_REASONS.values()]
    for s in sentences:
        assert not re.search(r"\b(ông/bà|Ông/bà|ông/Bà)\b", s), s
        # old-style tone placement (Xoá, Huỷ, khoá, hoà, thuý ...): the mark goes on the second vowel
        assert not re.search(r"(?:[oO][àáảãạèéẻẽẹ]|[uU][ỳýỷỹỵ])\b", s), s
        assert "Giấy tiếp nhận" not in s, s  # the receipt is "giấy hẹn" on the tablet
        # citizens are asked as "Ông/Bà vui lòng ...", never a bare "Vui lòng ..."
        assert all(
            m.start() >= 7 and s[m.start() - 7 : m.start()] == "Ông/Bà " for m in re.finditer("(?i)vui lòng", s)
        ), s
