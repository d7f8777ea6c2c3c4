"""Report figures over hand-made data: the JSON API, the pages and a hand computation agree."""

import csv
import io

import requests
from openpyxl import load_workbook

from tests.support.kiemtra import OFFICE, PERIOD, PHONE, api_get, code
from tests.support.dash_web import figures, pct, quick_by_officer, signed_in, table_rows


def test_overview_json_equals_the_hand_computation(dash):
    data = api_get(dash, "/api/v1/reports/overview", **PERIOD)
    assert data["ratings"]["count"] == 7
    assert data["ratings"]["satisfied"] == 5
    assert data["ratings"]["satisfaction_rate"] == round(5 / 7, 4)
    assert data["ratings"]["distribution"] == {"1": 2, "2": 2, "3": 3}
    d = data["dossiers"]
    # D3 is on time only because its 51 h of supplement are not counted; D9 (received in
    # September, finished late in October) counts, carried over; D6's withdrawal is judged (early);
    # D7 was refused at the counter (never accepted) and D8 finished in September: neither counts.
    assert (d["received"], d["finished"], d["early"], d["on_time"], d["late"]) == (6, 5, 2, 3, 2)
    assert d["on_time_rate"] == d["finished_on_time_rate"] == 0.6
    assert d["open_late"] == 1  # D4
    assert (d["open"], d["carried_over"], d["indicator_2_1"]) == (2, 1, round(4 / 7, 4))  # D4 D5; D9
    k = data["decision_766"]
    # chỉ tiêu 5.4 over 2.1's 7 dossiers: late D2 D9 D4, D3 rated badly: 1 − 3/7 − 1/7
    assert (k["dossiers"], k["late"], k["negative_rated"], k["unhappy"]) == (7, 3, 1, 1)
    assert k["score"] == round(3 / 7, 4) and k["full_marks"] is False
    days = [p for p in data["series"] if p["ratings"] or p["finished"]]
    assert sum(p["ratings"] for p in data["series"]) == 7
    assert sum(p["finished"] for p in data["series"]) == 5
    assert len(data["series"]) == 31 and data["period"]["granularity"] == "day"
    first = next(p for p in days if p["label"] == "01/10")
    assert (first["finished"], first["late"]) == (1, 1)  # D9 finished late on 1 October


def test_overview_page_shows_the_same_numbers_as_the_api(dash):
    session = signed_in(dash.url, dash.admin, dash.password)
    page = session.get(dash.url + "/admin/overview", params=PERIOD, timeout=15)
    data = api_get(dash, "/api/v1/reports/overview", **PERIOD)
    shown = figures(page.text)
    assert shown["fig-ratings"] == "7" == str(data["ratings"]["count"])
    assert shown["fig-satisfaction"] == "71,4%" == pct(data["ratings"]["satisfaction_rate"])
    assert shown["fig-on-time"] == "60,0%" == pct(data["dossiers"]["on_time_rate"])
    assert shown["fig-2-1"] == "57,1%" == pct(data["dossiers"]["indicator_2_1"])
    assert shown["fig-open-late"] == "1"
    assert shown["fig-late"] == "2" and shown["fig-received"] == "6"
    assert shown["fig-d766"] == "42,9%" == pct(data["decision_766"]["score"])
    assert page.text.count('<svg class="chart"') == 6
    english = session.get(dash.url + "/admin/overview", params={**PERIOD, "lang": "en"}, timeout=15)
    assert figures(english.text)["fig-satisfaction"] == "71.4%" and "Satisfaction rate" in english.text


def test_by_officer_counter_and_procedure_equal_hand_and_page(dash):
    session = signed_in(dash.url, dash.admin, dash.password)
    officers = {i["label"]: i for i in api_get(dash, "/api/v1/reports/satisfaction/officer", **PERIOD)["items"]}
    lan, binh = officers["Phạm Thị Lan"], officers["Võ Văn Bình"]
    assert (lan["count"], lan["satisfied"], lan["satisfaction_rate"]) == (3, 2, 0.6667)
    assert (binh["count"], binh["satisfied"], binh["satisfaction_rate"]) == (4, 3, 0.75)
    assert [(r["code"], r["count"]) for r in lan["top_reasons"]] == [("cho_lau", 1), ("thai_do", 1)]
    assert [(r["code"], r["count"]) for r in binh["top_reasons"]] == [("cho_lau", 1)]  # 'Hài lòng' reasons not counted
    rows = table_rows(session.get(dash.url + "/admin/by/officer", params=PERIOD, timeout=15).text, "breakdown")
    shown = {r["label"]: r for r in rows}
    assert shown["Võ Văn Bình"]["count"] == "4" and shown["Võ Văn Bình"]["satisfaction_rate"] == "75,0%"
    assert shown["Phạm Thị Lan"]["d1"] == "1" and shown["Phạm Thị Lan"]["satisfaction_rate"] == "66,7%"

    counters = {i["key"]: i["count"] for i in api_get(dash, "/api/v1/reports/satisfaction/counter", **PERIOD)["items"]}
    assert counters == {1: 3, 2: 4}

    procedures = {i["key"]: i for i in api_get(dash, "/api/v1/reports/satisfaction/procedure", **PERIOD)["items"]}
    birth, copy, none = procedures["1.001193"], procedures["2.000815"], procedures[None]
    assert (birth["count"], birth["satisfied"], birth["finished"], birth["on_time"]) == (2, 2, 4, 2)
    assert (copy["count"], copy["satisfied"], copy["finished"], copy["on_time"]) == (1, 0, 1, 1)
    assert (
        none["count"] == 4 and none["label"] == "(đánh giá không gắn với hồ sơ)" and none["label_key"] == "no_dossier"
    )
    fields = api_get(dash, "/api/v1/reports/satisfaction/field", **PERIOD)["items"]
    assert sum(f["count"] for f in fields) == 7 and sum(f["finished"] for f in fields) == 5
    page = session.get(
        dash.url + "/admin/by/procedure", params={**PERIOD, "sort": "count", "order": "desc"}, timeout=15
    ).text
    shown = table_rows(page, "breakdown")
    assert [r["count"] for r in shown] == ["4", "2", "1"]
    assert shown[1]["on_time_rate"] == "50,0%" and shown[2]["on_time_rate"] == "100,0%"


def test_on_time_endpoint_matches_overview(dash):
    on_time = api_get(dash, "/api/v1/reports/on-time", **PERIOD, granularity="week")
    assert on_time["dossiers"] == api_get(dash, "/api/v1/reports/overview", **PERIOD)["dossiers"]
    assert sum(p["finished"] for p in on_time["series"]) == 5
    assert on_time["series"][0]["label"] == "Tuần 29/09"


def test_exports_hold_exactly_the_table_shown_and_no_phone(dash):
    session = signed_in(dash.url, dash.admin, dash.password)
    params = {**PERIOD, "sort": "satisfaction_rate", "order": "desc"}
    page = session.get(dash.url + "/admin/by/officer", params=params, timeout=15).text
    shown = table_rows(page, "breakdown")
    got = session.get(dash.url + "/admin/by/officer", params={**params, "format": "csv"}, timeout=15)
    assert got.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert lines[0][:4] == ["Cán bộ", "Lượt đánh giá", "Hài lòng trở lên", "Tỷ lệ hài lòng"]
    assert [line[0] for line in lines[1:]] == [r["label"] for r in shown] == ["Võ Văn Bình", "Phạm Thị Lan"]
    assert [line[3] for line in lines[1:]] == [r["satisfaction_rate"] for r in shown] == ["75,0%", "66,7%"]
    book = load_workbook(
        io.BytesIO(session.get(dash.url + "/admin/by/officer", params={**params, "format": "xlsx"}, timeout=15).content)
    )
    sheet = [[c.value for c in row] for row in book.active.iter_rows()]
    assert sheet[0] == lines[0] and len(sheet) == len(lines)
    for got_row, line in zip(sheet[1:], lines[1:]):  # XLSX: the same figures, as numbers
        assert [pct(v) if isinstance(v, float) else "—" if v is None else str(v) for v in got_row] == [
            v or "—" for v in line
        ]
    comments = session.get(dash.url + "/admin/by/counter", params=PERIOD, timeout=15).text
    assert "Phải chờ hơn một tiếng." in comments and "[số điện thoại đã ẩn]" in comments
    for text in (page, comments, got.content.decode("utf-8-sig")):
        assert PHONE not in text and "0901 234 567" not in text and "0912345678" not in text


def test_reports_need_an_admin(dash):
    url = dash.url + "/api/v1/reports/overview"
    assert requests.get(url, timeout=15).status_code == 401
    refused = requests.get(url, headers={"Authorization": f"Bearer {dash.device_token}"}, timeout=15)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    session = signed_in(dash.url, dash.admin, dash.password)
    assert session.get(url, params=PERIOD, timeout=15).json()["ratings"]["count"] == 7
    bad = requests.get(
        url,
        params={"from": "2025-10-31", "to": "2025-10-01"},
        headers={"Authorization": f"Bearer {dash.admin_token}"},
        timeout=15,
    )
    assert bad.status_code == 422 and "before" in bad.json()["error"]["message"]
    page = session.get(dash.url + "/admin/overview", params={"from": "2025-02-30", "to": "2025-03-01"}, timeout=15)
    assert page.status_code == 422 and "2025-02-30" in page.text


def test_pages_send_strangers_to_the_login(dash):
    for path in ("/admin/overview", "/admin/by/officer", "/admin/devices", "/admin/imports", "/admin/staff"):
        r = requests.get(dash.url + path, timeout=15, allow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/admin/login?next=")
    assert requests.get(dash.url + "/admin/static/dashboard.css", timeout=15).status_code == 200
    assert code(1) not in requests.get(dash.url + "/admin/login", timeout=15).text


def test_grouped_rating_totals_equal_the_servers_own_figures(dash):
    """reports counts ratings in SQL; the totals must equal reading every rating (tests/central/reference.py)."""
    from central import reports
    from tests.central import reference
    from central.storage import make_engine

    engine = make_engine(dash.server.db_url)
    try:
        with engine.connect() as conn:
            for office in (OFFICE, None):
                for name in ("year", "30d"):
                    period = reports.parse_period(name)
                    mine = reports.overview(conn, office, period)["ratings"]
                    quick = mine.pop("quick")
                    assert mine == reference.rating_figures(conn, office, period.start, period.end)
                    by_officer = quick_by_officer(conn, period, office)
                    assert quick == sum(by_officer.values())
                    items = reports.satisfaction_by(conn, "officer", office, period)["items"]
                    assert {i["key"]: i["quick"] for i in items if i["quick"]} == dict(by_officer)
                    judged = reference.judged_dossiers(conn, office, period.end)
                    assert reports.overview(conn, office, period)["dossiers"] == reference.dossier_figures(
                        conn, office, period.start, period.end, judged
                    )
    finally:
        engine.dispose()


def test_week_and_month_labels_in_both_languages(dash):
    months = api_get(
        dash,
        "/api/v1/reports/overview",
        office=OFFICE,
        **{"from": "2025-08-01", "to": "2025-10-31"},
        granularity="month",
    )["series"]
    assert [(p["label"], p["label_en"]) for p in months] == [
        ("T8/2025", "Aug 2025"),
        ("T9/2025", "Sep 2025"),
        ("T10/2025", "Oct 2025"),
    ]
    weeks = api_get(dash, "/api/v1/reports/on-time", **PERIOD, granularity="week")["series"]
    assert (weeks[0]["label"], weeks[0]["label_en"]) == ("Tuần 29/09", "Week of 29/09")  # Monday before 1 October
    assert sum(w["finished"] for w in weeks) == 5
    session = signed_in(dash.url, dash.admin, dash.password)
    english = session.get(
        dash.url + "/admin/overview", params={**PERIOD, "granularity": "week", "lang": "en"}, timeout=15
    ).text
    assert "Week of 06/10" in english and "Tuần" not in english
    session.get(dash.url + "/admin/overview", params={**PERIOD, "lang": "vi"}, timeout=15)


def test_quick_ratings_show_on_the_pages_and_in_the_export(dash):
    """A tablet posting ratings 20 s apart (someone tapping it, not citizens served): the overview
    and the officer table show the quick count the API gives, in both languages and in the CSV."""
    import uuid

    office = "XA-NHANHTAY"
    token = dash.server.device_token("rating", office, 3)
    officer = int(
        dash.server.cli("staff", "add", "--office", office, "--name", "Đỗ Văn Nhanh", "--counter", "3").split()[-1]
    )
    clocks = ["09:00:00", "09:00:20", "09:00:40", "09:10:00"]  # 2 quick, then 9 min 20 s later
    items = [
        {
            "id": str(uuid.uuid4()),
            "device_seq": i + 1,
            "created_at": f"2025-11-05T{c}+07:00",
            "office": office,
            "counter": 3,
            "staff_id": officer,
            "scale": 3,
            "score": 3,
            "reasons": [],
        }
        for i, c in enumerate(clocks)
    ]
    answer = requests.post(
        dash.url + "/api/v1/ratings",
        json={"ratings": items},
        timeout=15,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
    )
    assert {x["status"] for x in answer.json()["results"]} == {"accepted"}, answer.text
    period = {"office": office, "from": "2025-11-01", "to": "2025-11-30"}
    (item,) = api_get(dash, "/api/v1/reports/satisfaction/officer", **period)["items"]
    assert (item["count"], item["quick"]) == (4, 2)
    assert api_get(dash, "/api/v1/reports/overview", **period)["ratings"]["quick"] == 2

    session = signed_in(dash.url, dash.admin, dash.password)
    overview = session.get(dash.url + "/admin/overview", params=period, timeout=15).text
    assert figures(overview)["fig-quick"] == "2"
    page = session.get(dash.url + "/admin/by/officer", params=period, timeout=15).text
    (row,) = table_rows(page, "breakdown")
    assert (row["label"], row["count"], row["quick"]) == ("Đỗ Văn Nhanh", "4", "2")
    assert (
        ">Bấm liên tiếp</a>" in page
        and "Bấm liên tiếp bất thường: lượt đánh giá ghi nhận chưa đầy 60 giây sau lượt trước" in page
    )
    english = session.get(dash.url + "/admin/by/officer", params={**period, "lang": "en"}, timeout=15).text
    assert ">Quick taps</a>" in english and "less than 60 seconds after the previous one" in english
    session.get(dash.url + "/admin/overview", params={**PERIOD, "lang": "vi"}, timeout=15)
    got = session.get(dash.url + "/admin/by/officer", params={**period, "format": "csv"}, timeout=15)
    lines = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert lines[0][-1] == "Bấm liên tiếp" and lines[1][-1] == "2"
