"""How procedures and dossiers read on the kiosk: fees, times, on time / late, masked names, codes."""

from kiosk import present
from kiosk.i18n import CATALOGS, tr


def dossier(status, **kw):
    base = {
        "code": "000.00.31.H29-251103-0007",
        "procedure": {"code": "1.001193", "name": "Đăng ký khai sinh"},
        "status": {"code": status, "label": tr(f"status.{status}")},
        "received_at": "2025-11-03T08:00:00+07:00",
        "due_at": "2025-11-05T17:00:00+07:00",
        "finished_at": None,
        "returned_at": None,
        "on_time": None,
        "late": False,
        "holder": "Nguyễn V. A.",
    }
    base.update(kw)
    return base


def test_fees_read_in_vietnamese_money():
    assert present.format_fees([{"amount": 200000, "text": ""}]) == "200.000 đồng"
    assert present.format_fees([{"amount": 200000, "text": ""}], "en") == "VND 200,000"
    assert present.format_fees([{"amount": 8000, "text": ""}]) == "8.000 đồng"
    assert present.format_fees([{"amount": 0, "text": ""}]) == "Không thu phí, lệ phí"
    assert present.format_fees([{"amount": 0, "text": ""}], "en") == "Free"
    assert present.format_fees([{"amount": 2000, "text": "2.000đ/trang"}]) == "2.000đ/trang"
    # the portal's words often only name the fee: its amount follows, unless the words already give it
    assert present.format_fees([{"amount": 8000, "text": "Lệ phí"}]) == "Lệ phí: 8.000 đồng"
    assert present.format_fees([{"amount": 15000, "text": "Lệ phí (mức mẫu: 15.000 đồng)"}]) == (
        "Lệ phí (mức mẫu: 15.000 đồng)"
    )
    assert present.format_fees([{"amount": 1200000, "text": "Phí thẩm định 1,200,000 VNĐ"}]).count("200") == 1
    assert present.format_fees([{"amount": None, "text": "Theo quy định của HĐND tỉnh"}]) == (
        "Theo quy định của HĐND tỉnh"
    )
    assert present.format_fees([]) == tr("fee.none")


def test_summary_prefers_the_in_person_channel():
    item = {
        "methods": [
            {"channel": "online", "time": 3, "time_unit": "ngày", "fees": []},
            {"channel": "direct", "time": 1, "time_unit": "ngày làm việc", "fees": [{"amount": 10000, "text": ""}]},
        ]
    }
    assert present.summary_line(item) == "1 ngày làm việc · 10.000 đồng"
    assert present.summary_line({"methods": []}) == tr("time.none")


def test_an_open_dossier_shows_the_servers_verdict_even_past_its_first_due_date():
    # Supplement time moved the deadline: the server says not late, and the kiosk shows exactly that.
    assert present.timeliness(dossier(4, due_at="2020-01-01T17:00:00+07:00", late=False)) == "in_time"
    assert present.timeliness(dossier(4, due_at="2099-01-01T17:00:00+07:00", late=True)) == "late"
    assert present.timeliness(dossier(4, late=None)) == "not_judged"


def test_a_finished_dossier_shows_the_servers_verdict_not_its_dates():
    assert present.timeliness(dossier(9, finished_at="2025-11-07T10:00:00+07:00", on_time=True)) == "on_time"
    assert present.timeliness(dossier(10, returned_at="2025-11-04T10:00:00+07:00", on_time=False)) == "late"
    assert present.timeliness(dossier(10, returned_at="2025-11-04T10:00:00+07:00")) == "not_judged"


def test_withdrawn_dossiers_are_not_judged():
    assert present.timeliness(dossier(7, late=True)) == "not_judged"


def test_dossier_rows_show_only_a_masked_holder_name():
    rows = dict(present.dossier_rows(dossier(4, holder="Nguyễn Văn An"), "vi"))
    assert rows["Chủ hồ sơ"] == "Nguyễn V. A."
    assert "Văn An" not in " ".join(rows.values())
    assert rows["Ngày hẹn trả"] == "17:00 ngày 05/11/2025"


def test_dates_read_as_copy_md_says_in_each_language():
    assert present.format_date("2026-11-25T16:30:00+07:00") == "16:30 ngày 25/11/2026"
    assert present.format_date("2026-11-25T16:30:00+07:00", lang="en") == "16:30 25/11/2026"
    assert present.format_date("2026-11-25T16:30:00+07:00", False) == "25/11/2026"
    assert present.format_date(None) == "—"
    en = dict(present.dossier_rows(dossier(4), "en"))
    assert en["Appointment"] == "17:00 05/11/2025"
    assert "ngày" not in " ".join(en.values())
    assert all("ngày" not in line for line in present.step_lines({"steps": [{"name": "B", **dossier(4)}]}, "en"))


def test_the_home_button_and_the_dossier_screen_share_their_english_title():
    assert tr("dossier.title", "en") == tr("home.dossier", "en") == "Check my application"


def test_procedure_times_read_in_english_from_the_unit_code():
    """The portal importer stores a unit code (working_day) beside the Vietnamese words: the English
    kiosk writes the unit from its own catalogue, in the detail, the slip and the search hits."""
    from motcua.catalogue import summary

    method = {"channel": "direct", "time": 5, "unit": "working_day", "time_unit": "ngày làm việc", "fees": []}
    assert present.format_duration(method, "vi") == "5 ngày làm việc"
    assert present.format_duration(method, "en") == "5 working days"
    assert present.format_duration(dict(method, time=1), "en") == "1 working day"
    assert present.format_duration(dict(method, unit="hour", time=4, time_unit="giờ"), "en") == "4 hours"
    # words the importer could not name a unit for are shown as they are
    assert present.format_duration(dict(method, unit="", time_unit="ngày kể từ ngày nhận"), "en") == (
        "5 ngày kể từ ngày nhận"
    )
    item = {"code": "1.1", "name": "X", "methods": [method]}
    hit = {"code": "1.1", "name": "X", **summary(item)}  # what the kiosk's search answers
    assert present.summary_line(hit, "en").startswith("5 working days · ")
    assert present.summary_line(hit, "vi").startswith("5 ngày làm việc · ")
    assert present.summary_line({"time": "3 ngày", "fee": ""}, "vi").startswith("3 ngày")  # an older hit


def test_status_five_tells_the_citizen_to_bring_documents():
    text = present.next_step_text(dossier(5, next_step=None), "vi")
    assert "bổ sung" in text and "giấy tờ" in text
    assert "documents" in present.next_step_text(dossier(5), "en")


def test_english_rows_do_not_leak_the_vietnamese_status_label():
    rows = dict(present.dossier_rows(dossier(5), "en"))
    assert rows["Status"] == "Extra documents needed"


def test_data_age_is_said_in_words():
    assert present.data_age_text(None) == "Chưa có dữ liệu"
    assert present.data_age_text(20) == "Dữ liệu vừa cập nhật"
    assert present.data_age_text(5 * 60) == "Dữ liệu cập nhật 5 phút trước"
    assert present.data_age_text(3 * 3600, "en") == "Data updated 3 hours ago"
    assert present.data_age_text(4 * 86400) == "Dữ liệu cập nhật 4 ngày trước"


def test_percent_uses_a_decimal_comma_in_vietnamese():
    assert present.percent(0.994) == "99,4%"
    assert present.percent(0.994, "en") == "99.4%"
    assert present.percent(None) == "chưa có"


def test_document_lines_count_originals_and_copies():
    proc = {
        "documents": [
            {
                "case": "Trường hợp 1",
                "items": [
                    {"name": "Tờ khai", "originals": 1, "copies": 0},
                    {"name": "CCCD", "originals": 0, "copies": 2},
                ],
            }
        ]
    }
    assert present.document_lines(proc) == [("Trường hợp 1", ["Tờ khai — 1 bản chính", "CCCD — 2 bản sao"])]


def test_vietnamese_strings_are_written_with_diacritics():
    vi = CATALOGS["vi"]
    assert [
        k
        for k, text in vi.items()
        if k.startswith(("home.", "dossier.", "next.")) and text.isascii() and k != "home.lang_switch"
    ] == []


def test_a_late_open_dossier_is_not_sent_back_on_a_date_that_has_passed():
    """REPORTING.md / issue 18 item 6: the server's verdict in Biểu 06's words, an apology and the counter."""
    late = {
        "code": "X",
        "status": {"code": 4},
        "due_at": "2026-11-13T16:30:00+07:00",
        "late": True,
        "on_time": False,
        "verdict": {"code": "late", "label": "Quá hạn", "label_en": "Overdue"},
        "next_step": None,
    }
    rows = dict(present.dossier_rows(late, "vi"))
    assert rows["Tiến độ"] == "Quá hạn"
    for lang in ("vi", "en"):
        text = present.next_step_text(late, lang)
        assert "vào ngày hẹn trả" not in text and "on the appointment date" not in text
    assert "xin lỗi" in present.next_step_text(late, "vi") and "quầy" in present.next_step_text(late, "vi")
    early = dict(late, late=False, on_time=True, verdict={"code": "early"}, status={"code": 10})
    assert dict(present.dossier_rows(early, "vi"))["Tiến độ"] == "Trước hạn"
    assert dict(present.dossier_rows(early, "en"))["Timeliness"] == "Ahead of schedule"
    refused = dict(late, verdict=None, status={"code": 1})
    assert dict(present.dossier_rows(refused, "vi"))["Tiến độ"] == "Không áp dụng"
