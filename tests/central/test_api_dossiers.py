"""Dossier lookup: masked public view, secret-gated steps, identical 404s, 429 after misses."""

import json
from datetime import datetime, timedelta

import pytest
from motcua.officetime import OFFICE_TZ

VN = OFFICE_TZ


def iso(dt):
    return dt.isoformat()


@pytest.fixture
def dossier(storage_server, office, tmp_path):
    """One open dossier in status 5 (supplement requested) with steps; returns (code, secret)."""
    now = datetime.now(VN).replace(microsecond=0)
    code = f"{office}-251103-0007"
    record = {
        "code": code.lower(),
        "office": office,
        "procedure_code": "1.001193",
        "procedure_name": "Đăng ký khai sinh",
        "holder_name": "Nguyễn Văn An",
        "phone": "0901234567",
        "status": 5,
        "received_at": iso(now - timedelta(days=3)),
        "due_at": iso(now + timedelta(days=2)),
        "finished_at": None,
        "returned_at": None,
        "secret": "K7P3QX",
        "steps": [
            {
                "name": "Tiếp nhận hồ sơ",
                "unit": "Bộ phận Một cửa",
                "status": 2,
                "started_at": iso(now - timedelta(days=3)),
                "finished_at": iso(now - timedelta(days=2)),
            },
            {
                "name": "Yêu cầu bổ sung giấy tờ",
                "unit": "Công dân",
                "status": 5,
                "started_at": iso(now - timedelta(days=2)),
                "finished_at": None,
            },
        ],
    }
    path = tmp_path / "dossiers.json"
    path.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    storage_server.cli("import", "dossiers", str(path))
    return code, "K7P3QX"


def test_public_view_is_masked_and_has_no_personal_data(kiosk, dossier):
    code, _ = dossier
    r = kiosk.get(f"/api/v1/dossiers/{code}")
    assert r.status_code == 200
    view = r.json()
    assert view["holder"] == "Nguyễn V. A."
    assert view["status"] == {
        "code": 5,
        "label": "Yêu cầu bổ sung giấy tờ",
        "label_en": "Extra documents needed",
    }
    assert view["procedure"] == {"code": "1.001193", "name": "Đăng ký khai sinh"}
    assert view["on_time"] is None and view["late"] is False
    # waiting on its first supplement request, made before the appointment: còn trong hạn
    assert view["verdict"] == {"code": "in_time", "label": "Còn trong hạn", "label_en": "Within the deadline"}
    assert view["appointment_at"] == view["due_at"] and view["apology"] is False
    assert view["next_step"] and view["received_at"].endswith("+07:00")
    assert "steps" not in view
    text = r.text
    for secret in ("0901234567", "Nguyễn Văn An", "Văn An", "K7P3QX"):
        assert secret not in text


def test_a_late_open_dossier_apologises_and_sends_the_citizen_to_the_counter(storage_server, office, kiosk, tmp_path):
    """REPORTING.md on the kiosk's view: an open dossier past its appointment is quá hạn, and the advice
    is no longer "come back on the appointment date"; an apology letter's new date is the current one."""
    now = datetime.now(VN).replace(microsecond=0)
    base = {"office": office, "procedure_code": "1.001193", "holder_name": "Lê Thị Hoa", "status": 4}
    late = dict(base, code=f"{office}-251104-0001", received_at=iso(now - timedelta(days=9)))
    late["due_at"] = iso(now - timedelta(days=2))
    excused = dict(late, code=f"{office}-251104-0002", apology_at=iso(now - timedelta(days=1)))
    excused["extended_due_at"] = iso(now + timedelta(days=3))
    path = tmp_path / "late.json"
    path.write_text(json.dumps([late, excused], ensure_ascii=False), encoding="utf-8")
    storage_server.cli("import", "dossiers", str(path))
    view = kiosk.get(f"/api/v1/dossiers/{late['code']}").json()
    assert view["verdict"] == {"code": "late", "label": "Quá hạn", "label_en": "Overdue"}
    assert view["late"] is True and view["apology"] is False and view["appointment_at"] == view["due_at"]
    assert (
        "xin lỗi" in view["next_step"] and "quầy" in view["next_step"] and "vào ngày hẹn trả" not in view["next_step"]
    )
    assert "apologise" in view["next_step_en"]
    other = kiosk.get(f"/api/v1/dossiers/{excused['code']}").json()
    assert other["apology"] is True and other["verdict"]["code"] == "late"  # judged against the receipt's date
    assert other["appointment_at"] == other["extended_due_at"] != other["due_at"]


def test_a_late_dossier_waiting_on_the_citizen_still_says_what_to_do(storage_server, office, kiosk, tmp_path):
    """Issue 18 item 6: past its appointment and waiting for the citizen's documents (status 5) or fees
    (status 6), the advice apologises and still says what the citizen must do; "ask at the counter when
    the result will be ready" alone would leave the dossier waiting on the citizen for ever."""
    from kiosk import present

    now = datetime.now(VN).replace(microsecond=0)

    def waiting(number, status):
        steps = [
            {"name": "Tiếp nhận hồ sơ", "unit": "Bộ phận Một cửa", "status": 2},
            {"name": "Chờ công dân", "unit": "Công dân", "status": status, "finished_at": None},
        ]
        steps[0].update(started_at=iso(now - timedelta(days=12)), finished_at=iso(now - timedelta(days=11)))
        steps[1].update(started_at=iso(now - timedelta(days=2)))  # asked after the appointment had passed
        return {
            "code": f"{office}-251104-00{number}",
            "office": office,
            "procedure_code": "1.001193",
            "holder_name": "Lê Thị Hoa",
            "status": status,
            "received_at": iso(now - timedelta(days=12)),
            "due_at": iso(now - timedelta(days=4)),
            "steps": steps,
        }

    supplement, fees = waiting(21, 5), waiting(22, 6)
    path = tmp_path / "waiting.json"
    path.write_text(json.dumps([supplement, fees], ensure_ascii=False), encoding="utf-8")
    storage_server.cli("import", "dossiers", str(path))
    for record, vi_action, en_action in (
        (supplement, "Mời Ông/Bà mang giấy tờ ghi trong Phiếu yêu cầu bổ sung", "bring the"),
        (fees, "nghĩa vụ tài chính (nộp thuế, phí, lệ phí)", "pay the"),
    ):
        view = kiosk.get(f"/api/v1/dossiers/{record['code']}").json()
        assert view["verdict"]["code"] == "late" and view["late"] is True
        for advice in (view["next_step"], present.next_step_text(view, "vi")):
            assert "xin lỗi" in advice and vi_action in advice, advice
            assert "vào ngày hẹn trả" not in advice and "về ngày trả kết quả" not in advice, advice
        for advice in (view["next_step_en"], present.next_step_text(view, "en")):
            assert "apologise" in advice and en_action in advice, advice


def test_scanned_code_is_trimmed_and_upper_cased(kiosk, dossier):
    code, _ = dossier
    assert kiosk.get(f"/api/v1/dossiers/%20{code.lower()}%20").status_code == 200


def test_correct_secret_adds_the_step_history(kiosk, dossier):
    code, secret = dossier
    view = kiosk.get(f"/api/v1/dossiers/{code}", headers={"X-Lookup-Secret": secret}).json()
    assert [s["name"] for s in view["steps"]] == ["Tiếp nhận hồ sơ", "Yêu cầu bổ sung giấy tờ"]
    assert set(view["steps"][0]) >= {"name", "unit", "started_at", "finished_at", "on_time"}
    assert "0901234567" not in json.dumps(view)


def test_wrong_secret_and_unknown_code_give_identical_404s(kiosk, dossier):
    code, _ = dossier
    wrong = kiosk.get(f"/api/v1/dossiers/{code}", headers={"X-Lookup-Secret": "WRONG1"})
    unknown = kiosk.get(f"/api/v1/dossiers/{code[:-1]}9", headers={"X-Lookup-Secret": "WRONG1"})
    unknown_plain = kiosk.get("/api/v1/dossiers/000.00.00.H00-250101-0001")
    assert wrong.status_code == unknown.status_code == unknown_plain.status_code == 404
    assert wrong.content == unknown.content == unknown_plain.content
    assert {k.lower() for k in wrong.headers} == {k.lower() for k in unknown.headers}
    assert wrong.json()["error"]["code"] == "dossier_not_found"


def test_repeated_misses_get_429_with_retry_after_but_other_devices_still_look_up(
    storage_server, kiosk, dossier, api_for
):
    code, _ = dossier
    codes = [kiosk.get(f"/api/v1/dossiers/{code[:-4]}{n:04d}").status_code for n in range(100, 112)]
    assert codes[:10] == [404] * 10 and codes[10:] == [429, 429]
    blocked = kiosk.get(f"/api/v1/dossiers/{code}")  # even a hit waits: probing is slowed
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1
    other = api_for(storage_server, storage_server.device_token("kiosk", kiosk.office, None))
    assert other.get(f"/api/v1/dossiers/{code}").status_code == 200


def test_dossier_finished_late_is_reported_late(storage_server, kiosk, tmp_path):
    now = datetime.now(VN).replace(microsecond=0)
    code = f"{kiosk.office}-251001-0001"
    record = {
        "code": code,
        "office": kiosk.office,
        "procedure_code": "2.000815",
        "holder_name": "Lê Thị Hoa",
        "status": 10,
        "received_at": iso(now - timedelta(days=10)),
        "due_at": iso(now - timedelta(days=8)),
        "finished_at": iso(now - timedelta(days=7)),
        "returned_at": iso(now - timedelta(days=6)),
        "secret": "ABCD12",
    }
    path = tmp_path / "late.json"
    path.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    storage_server.cli("import", "dossiers", str(path))
    view = kiosk.get(f"/api/v1/dossiers/{code}").json()
    assert (view["on_time"], view["late"], view["holder"]) == (False, True, "Lê T. H.")


def test_a_one_word_holder_name_is_masked_too(storage_server, kiosk, tmp_path):
    """A name of one word (a given name alone, or a family name typed in capitals) is shown by its
    initial only, never whole; names of two words or more keep the family name and initials."""
    now = datetime.now(VN).replace(microsecond=0)
    names = {"0001": "Tám", "0002": "NGUYEN", "0003": "  đào  ", "0004": "Lý Tám"}
    records = [
        {
            "code": f"{kiosk.office}-251002-{n}",
            "office": kiosk.office,
            "procedure_code": "2.000815",
            "holder_name": name,
            "status": 4,
            "received_at": iso(now - timedelta(days=1)),
            "due_at": iso(now + timedelta(days=3)),
            "secret": "ABCD12",
        }
        for n, name in names.items()
    ]
    path = tmp_path / "one-word.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    storage_server.cli("import", "dossiers", str(path))
    shown = {}
    for n in names:
        r = kiosk.get(f"/api/v1/dossiers/{kiosk.office}-251002-{n}")
        assert r.status_code == 200, r.text
        shown[n] = r.json()["holder"]
        for word in ("Tám", "NGUYEN", "đào", "Đào"):
            assert word not in r.text
    assert shown == {"0001": "T.", "0002": "N.", "0003": "Đ.", "0004": "Lý T."}


def test_the_kiosk_shows_the_verdict_the_reports_count(storage_server, office, kiosk, tmp_path):
    """A finished dossier without an appointment is judged by its procedure's maximum time at import
    (1.001193: one working day); the kiosk shows that stored verdict, not a second judgement."""
    storage_server.cli("import", "procedures", "assets/sample/procedures.json")
    now = datetime.now(VN).replace(microsecond=0)
    record = {
        "office": office,
        "code": f"{office}-251105-0001",
        "procedure_code": "1.001193",
        "holder_name": "Lê Thị Hoa",
        "status": 10,
        "received_at": iso(now - timedelta(days=20)),
        "finished_at": iso(now - timedelta(days=10)),
    }
    path = tmp_path / "undated.json"
    path.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    storage_server.cli("import", "dossiers", str(path))
    view = kiosk.get(f"/api/v1/dossiers/{record['code']}").json()
    assert view["due_at"] is None and view["verdict"] == {"code": "late", "label": "Quá hạn", "label_en": "Overdue"}
