"""The dashboard's Biểu 06 page, late-dossier list and complaints (PAKN), on the real server, against the
hand count of office XA-KIEMTRA (tests/support/kiemtra.py) and against the plain recount over the demo."""

import io
import re
from html import unescape
from urllib.parse import urlencode

import requests

from openpyxl import load_workbook
from central.storage import make_engine

from central import bieu06
from tests.central import reference
from tests.support.dash_web import csrf_of, figures, pct, signed_in
from tests.support.kiemtra import OFFICE, code

OCTOBER = {"office": OFFICE, "kind": "month", "year": "2025", "n": "10"}


def _cells(html: str, row_id: str) -> dict:
    row = html.split(f'id="{row_id}"', 1)[1].split("</tr>", 1)[0]
    return {
        k: int(re.sub(r"\D", "", unescape(v)) or 0)
        for k, v in re.findall(r'data-col="([a-z_.]+)">(?:<b>)?([^<]*)<', row)
    }


def test_bieu06_page_is_the_hand_count_and_exports_the_same_numbers(dash):
    session = signed_in(dash.url, dash.admin, dash.password)
    page = session.get(dash.url + "/admin/bieu06", params=OCTOBER, timeout=15)
    assert page.status_code == 200
    html = page.text
    for line in (
        "Biểu số 06/VPCP/KSTT",
        "Kỳ báo cáo: Từ ngày 01/10/2025 đến ngày 31/10/2025",
        "Đơn vị tính: Số hồ sơ TTHC",
    ):
        assert line in html
    assert "Số hồ sơ nhận giải quyết" in html and "Số hồ sơ đang giải quyết" in html
    assert "được tính vào thời hạn ở mọi lĩnh vực" in html.split('id="fee-pause"', 1)[1][:300]
    # kiemtra.py by hand: received D1-D6 + D9 carried over; finished D1 D6 early, D3 on time, D2 D9 late;
    # open D4 late, D5 in time; D7 refused at the counter and D8 (September) not counted
    assert _cells(html, "bieu06-total") == {
        "received.total": 7,
        "received.online": 0,
        "received.direct_postal": 6,
        "received.carried_over": 1,
        "finished.total": 5,
        "finished.early": 2,
        "finished.on_time": 1,
        "finished.late": 2,
        "open.total": 2,
        "open.in_time": 1,
        "open.late": 1,
    }
    assert unescape(re.search(r'id="rate-finished_on_time">([^<]*)<', html).group(1)) == "60,0%"
    assert unescape(re.search(r'id="rate-indicator_2_1">([^<]*)<', html).group(1)) == pct(4 / 7)

    book = session.get(dash.url + "/admin/bieu06", params={**OCTOBER, "format": "xlsx"}, timeout=15)
    assert book.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(book.content)).active
    total = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "Tổng số")
    assert list(total[2:13]) == [7, 0, 6, 1, 5, 2, 1, 2, 2, 1, 1]
    rates = [row for row in sheet.iter_rows() if isinstance(row[2].value, float)]
    assert [r[2].value for r in rates] == [0.6, round(4 / 7, 4)] and {r[2].number_format for r in rates} == {"0.0%"}
    csv = session.get(dash.url + "/admin/bieu06", params={**OCTOBER, "format": "csv"}, timeout=15)
    assert ",Tổng số,7,0,6,1,5,2,1,2,2,1,1" in csv.text

    # a quarter and the province: the same page, other periods
    quarter = session.get(dash.url + "/admin/bieu06", params={"kind": "quarter", "year": "2025", "n": "4"}, timeout=15)
    assert "Từ ngày 01/10/2025 đến ngày 31/12/2025" in quarter.text


def test_bieu06_page_equals_the_plain_recount_over_the_demo(dash):
    session = signed_in(dash.url, dash.admin, dash.password)
    engine = make_engine(dash.server.db_url)
    try:
        for params in ({"kind": "year", "year": "2026"}, {"kind": "quarter", "year": "2026", "n": "4"}):
            for office in ("", "XA-PHUOCLONG"):
                html = session.get(dash.url + "/admin/bieu06", params={**params, "office": office}, timeout=15).text
                period = bieu06.period_of(params["kind"], params["year"], params.get("n"))
                with engine.connect() as conn:
                    ref = reference.bieu06(conn, office or None, period.start, period.end)
                shown = _cells(html, "bieu06-total")
                assert shown == {f"{g}.{k}": ref["total"][g][k] for g, k, _ in bieu06.COLUMNS}, (params, office)
                assert ref["total"]["received"]["total"] > 0
    finally:
        engine.dispose()


def test_late_list_names_the_late_dossiers_with_days_and_apology(dash):
    session = signed_in(dash.url, dash.admin, dash.password)
    html = session.get(dash.url + "/admin/late", params=OCTOBER, timeout=15).text
    ids = set(re.findall(r'id="late-([^"]+)"', html))
    assert ids == {code(2), code(9), code(4)}  # finished late D2 D9, open and late D4
    assert 'id="latesum">Có 3 hồ sơ quá hạn.</p>' in html  # all shown: no line about the exports
    row = html.split(f'id="late-{code(4)}"', 1)[1].split("</tr>", 1)[0]
    assert "12/10/2025" in row and ">19<" in row and "Chưa có" in row  # due 12/10, judged on 31/10
    book = session.get(dash.url + "/admin/late", params={**OCTOBER, "format": "xlsx"}, timeout=15)
    rows = list(load_workbook(io.BytesIO(book.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Mã hồ sơ" and {r[0] for r in rows[1:]} == ids
    assert all(isinstance(r[5], int) for r in rows[1:])


def test_an_admin_records_a_complaint_and_it_counts_in_5_4(dash):
    session = signed_in(dash.url, dash.admin, dash.password)
    period = {"office": OFFICE, "from": "2025-10-01", "to": "2025-10-31"}
    before = figures(session.get(dash.url + "/admin/overview", params=period, timeout=15).text)["fig-d766"]
    assert before == pct(3 / 7)
    page = session.get(dash.url + "/admin/complaints", timeout=15).text
    answer = session.post(
        dash.url + "/admin/complaints",
        data={"csrf": csrf_of(page), "code": code(1), "text": "Hẹn trả nhưng phải chờ thêm một buổi"},
        timeout=15,
    )
    assert answer.status_code == 200 and f'id="complaint-{code(1)}"' in answer.text
    # D1 (early, rated well) now has a complaint: 1 − 3/7 − 2/7
    assert figures(session.get(dash.url + "/admin/overview", params=period, timeout=15).text)["fig-d766"] == pct(2 / 7)
    missing = session.post(
        dash.url + "/admin/complaints",
        data={"csrf": csrf_of(answer.text), "code": "000.00.99.H99-251031-9999", "text": "x"},
        timeout=15,
    )
    assert missing.status_code == 404 and "000.00.99.H99-251031-9999" in missing.text
    cleared = session.post(
        dash.url + "/admin/complaints", data={"csrf": csrf_of(answer.text), "code": code(1), "text": ""}, timeout=15
    )
    assert cleared.status_code == 200 and f'id="complaint-{code(1)}"' not in cleared.text
    assert figures(session.get(dash.url + "/admin/overview", params=period, timeout=15).text)["fig-d766"] == before


def test_bad_periods_get_a_page_naming_them(dash):
    session = signed_in(dash.url, dash.admin, dash.password)
    page = session.get(dash.url + "/admin/bieu06", params={"kind": "quarter", "year": "2025", "n": "5"}, timeout=15)
    assert page.status_code == 422 and "number: 5 is not 1-4" in page.text


def test_bieu06_in_the_browser_quarter_picked_with_the_form(dash, tmp_path):
    """A leader's quarterly report: pick the office, "Quý", the year and 4 with the page's own selects."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from tests.support.dash_browser import click_and_wait, make_driver, screenshot, sign_in

    driver = make_driver(tmp_path)
    try:
        sign_in(driver, dash.url, dash.admin, dash.password, next_path="/admin/bieu06")
        Select(driver.find_element(By.ID, "office")).select_by_value("XA-PHUOCLONG")
        Select(driver.find_element(By.ID, "kind")).select_by_value("quarter")
        Select(driver.find_element(By.ID, "year")).select_by_value("2026")
        Select(driver.find_element(By.ID, "number")).select_by_value("4")
        driver.find_element(By.ID, "recipient").send_keys("Văn phòng UBND tỉnh")
        click_and_wait(driver, driver.find_element(By.ID, "show"))
        text = driver.find_element(By.ID, "bieu06").text
        assert "Từ ngày 01/10/2026 đến ngày 31/12/2026" in text
        assert "Đơn vị nhận báo cáo: Văn phòng UBND tỉnh" in text
        assert "Trung tâm Phục vụ hành chính công xã Phước Long" in text
        assert driver.find_element(By.ID, "bieu06-total").text.startswith("Tổng số")
        screenshot(driver, "bieu06-quarter")
        click_and_wait(driver, driver.find_element(By.ID, "late-link"))
        assert driver.find_elements(By.ID, "late") or driver.find_elements(By.ID, "no-late")
        screenshot(driver, "late-dossiers-quarter")
    finally:
        driver.quit()


def test_5_4_estimate_and_late_list_equal_the_plain_recount_over_the_demo(dash):
    """The overview's 5.4 estimate and the late list, against tests/central/reference.py (distinct
    dossiers late, or with a complaint or a negative rating, over chỉ tiêu 2.1's dossiers)."""
    from central import reports
    from tests.support.kiemtra import api_get

    engine = make_engine(dash.server.db_url)
    try:
        for first, last in (("2026-10-01", "2026-12-31"), ("2026-07-01", "2026-12-31"), ("2025-10-01", "2025-10-31")):
            for office in ("XA-PHUOCLONG", "PHUONG-TANDINH", OFFICE, None):
                params = {"from": first, "to": last} | ({"office": office} if office else {})
                shown = api_get(dash, "/api/v1/reports/overview", **params)["decision_766"]
                period = reports.parse_period(None, first, last)
                with engine.connect() as conn:
                    ref = reference.satisfaction_5_4(conn, office, period.start, period.end)
                    judged = reference.judged_dossiers(conn, office, period.end)
                    late = {
                        r.code
                        for r, c in judged
                        if c["verdict"] == "late" and (c["ended_at"] is None or c["ended_at"] >= period.start)
                    }
                    days = bieu06.period_of(day_from=first, day_to=last)
                    listed = {d["code"] for d in bieu06.late_list(conn, office, days)}
                assert (shown["dossiers"], shown["late"], shown["unhappy"], shown["score"]) == (
                    ref["dossiers"],
                    ref["late"],
                    ref["unhappy"],
                    ref["score"],
                ), (first, last, office)
                assert listed == late, (first, last, office)
                # the series per bucket splits the headline's dossiers: the buckets add up to it
                counts = shown["series_counts"]
                assert len(counts) == len(shown["series"]) == len(reports.buckets(period))
                for key in ("dossiers", "late", "unhappy"):
                    assert sum(c[key] for c in counts) == shown[key], (key, first, last, office)
                assert shown["series"] == [c["score"] for c in counts]
    finally:
        engine.dispose()


def test_an_admin_records_the_apology_letter_of_a_late_open_dossier(dash):
    """Mẫu 04 from the late list: the letter is recorded with its new appointment; the dossier stays
    late (judged against its receipt's date) and the kiosk shows the new appointment."""
    from datetime import date, timedelta

    session = signed_in(dash.url, dash.admin, dash.password)
    page = session.get(dash.url + "/admin/late", params=OCTOBER, timeout=15).text
    assert f'id="apology-{code(4)}"' in page and f'id="apology-{code(2)}"' not in page  # D2 is finished
    bad = session.post(
        dash.url + "/admin/late/apology",
        params=OCTOBER,
        data={"csrf": csrf_of(page), "code": code(4), "new_day": "2020-01-01"},
        timeout=15,
    )
    assert bad.status_code == 422 and "2020-01-01" in bad.text
    day = date.today() + timedelta(days=5)
    done = session.post(
        dash.url + "/admin/late/apology",
        data={"csrf": csrf_of(page), "code": code(4), "new_day": day.isoformat(), "back": urlencode(OCTOBER)},
        timeout=15,
    )
    assert done.status_code == 200 and f"{day:%d/%m/%Y}" in done.text
    row = done.text.split(f'id="late-{code(4)}"', 1)[1].split("</tr>", 1)[0]
    assert "Đã có" in row and f"{day:%d/%m/%Y} 17:00" in row
    view = requests.get(
        dash.url + f"/api/v1/dossiers/{code(4)}",
        headers={"Authorization": f"Bearer {dash.server.device_token('kiosk', OFFICE, None)}"},
        timeout=15,
    ).json()
    assert view["apology"] is True and view["verdict"]["code"] == "late"
    assert view["appointment_at"].startswith(day.isoformat())
    assert "xin lỗi" in view["next_step"]


def test_the_late_page_dates_a_dossier_without_appointment_by_the_procedures_maximum_time(dash, tmp_path):
    """A late dossier with no appointment: the page shows the deadline its verdict used (1.001193's one
    working day from Monday 6 October 2025 08:00: Tuesday 7 October) with a note, and its days late."""
    import json

    office, unit = "XA-HANTOIDA", "000.00.98.H98"
    dash.server.cli("office", "add", office, "Xã Hạn Tối Đa", "--unit-code", unit)
    code_ = f"{unit}-251006-0001"
    record = {
        "code": code_,
        "procedure_code": "1.001193",
        "holder_name": "Trần Văn B",
        "status": 10,
        "received_at": "2025-10-06T08:00:00+07:00",
        "finished_at": "2025-10-10T10:00:00+07:00",
    }
    path = tmp_path / "undated.json"
    path.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    dash.server.cli("import", "dossiers", str(path))
    session = signed_in(dash.url, dash.admin, dash.password)
    html = session.get(dash.url + "/admin/late", params={**OCTOBER, "office": office}, timeout=15).text
    row = html.split(f'id="late-{code_}"', 1)[1].split("</tr>", 1)[0]
    assert "07/10/2025" in row and "thời hạn giải quyết tối đa" in unescape(row)
    assert ">3<" in row  # 7 October to 10 October
