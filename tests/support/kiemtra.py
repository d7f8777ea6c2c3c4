"""Dashboard fixtures: the demo server plus a hand-made office whose figures are worked out by hand.

Office XA-KIEMTRA, October 2025 (office time). Dossiers (due = appointment):
  D1 1.001193 recv 01/10, due 03/10 17:00, returned 02/10           -> finished on time
  D2 1.001193 recv 01/10, due 03/10 17:00, processed 06/10          -> finished late
  D3 2.000815 recv 05/10, due 07/10 17:00, returned 09/10 11:00, supplement (status 5)
              06/10 09:00 - 08/10 12:00 = 51 h -> adjusted due 09/10 20:00 -> on time
  D4 2.000815 recv 10/10, due 12/10 17:00, still in progress        -> open and late at 31/10
  D5 2.000815 recv 30/10, due 15/11, in progress                    -> open, not late at 31/10
  D6 1.001193 recv 02/10, withdrawn (7), no time for it             -> ends at its acceptance: early
  D7 2.000815 recv 03/10, refused (3) at 03/10 09:00, no acceptance  -> refused at the counter: not received
  D8 1.001193 recv 20/09, returned 24/09                            -> before the period
  D9 1.001193 recv 28/09, due 30/09 17:00, processed 01/10 10:00    -> finished in October, late
Received in October: D1-D6 = 6 (D9 carried over). Finished in October: D1 D2 D3 D6 D9 = 5, early 2
(D1 D6), on time 1 (D3), late 2 (60% early or on time). Open at the end: D4 (late), D5 (in time).
Chỉ tiêu 2.1 (estimate): (3 + 1) / 7 = 57.1%.
Ratings in October (scale 3): A = officer Lan (counter 1), B = officer Bình (counter 2)
  R1 A 3 D1 · R2 A 1 D3 [cho_lau, thai_do] comment with a phone · R6 A 2 D2
  R3 B 2 [huong_dan] · R4 B 1 [cho_lau] · R5 B 3 · R8 B 3 ; R7 A 1 on 25/09 (outside)
Count 7, satisfied 5 (71.43%), distribution 1:2 2:2 3:3. Officer A 3/2 (66.67%), B 4/3 (75%).
Chỉ tiêu 5.4 (estimate): 1 - 3/7 (D2 D9 D4 late) - 1/7 (D3 rated negative) = 42.9%.
"""

import json
import uuid

import requests

OFFICE = "XA-KIEMTRA"
UNIT = "000.00.99.H99"
PASSWORD = "mật-khẩu-đủ-dài"
# The office's devices as the README's device list shows them: the names an office gives, not "test rating"
TABLET_NAME = "Quầy 1 – Tư pháp"
KIOSK_NAME = "Máy tra cứu sảnh"
PERIOD = {"office": OFFICE, "from": "2025-10-01", "to": "2025-10-31"}
PHONE = "0901234567"


def _dossier(n, procedure, status, received, due, finished="", returned="", status_at="", steps=None):
    return {
        "code": f"{UNIT}-2510{n:02d}-0001",
        "procedure_code": procedure,
        "holder_name": "Trần Thị Mai",
        "phone": "0912345678",
        "status": status,
        "received_at": received,
        "due_at": due,
        "finished_at": finished,
        "returned_at": returned,
        "secret": "ABCDEF",
        "status_at": status_at,
        "steps": json.dumps(steps or [], ensure_ascii=False),
    }


DOSSIERS = [
    _dossier(
        1,
        "1.001193",
        10,
        "2025-10-01T08:00:00+07:00",
        "2025-10-03T17:00:00+07:00",
        "2025-10-02T10:00:00+07:00",
        "2025-10-02T15:00:00+07:00",
    ),
    _dossier(2, "1.001193", 9, "2025-10-01T08:30:00+07:00", "2025-10-03T17:00:00+07:00", "2025-10-06T09:00:00+07:00"),
    _dossier(
        3,
        "2.000815",
        10,
        "2025-10-05T08:00:00+07:00",
        "2025-10-07T17:00:00+07:00",
        "2025-10-09T10:00:00+07:00",
        "2025-10-09T11:00:00+07:00",
        steps=[
            {
                "name": "Tiếp nhận",
                "status": 2,
                "started_at": "2025-10-05T08:00:00+07:00",
                "finished_at": "2025-10-05T08:10:00+07:00",
            },
            {
                "name": "Bổ sung giấy tờ",
                "status": 5,
                "started_at": "2025-10-06T09:00:00+07:00",
                "finished_at": "2025-10-08T12:00:00+07:00",
            },
            {"name": "Trả kết quả", "status": 10, "started_at": "2025-10-09T11:00:00+07:00"},
        ],
    ),
    _dossier(4, "2.000815", 4, "2025-10-10T08:00:00+07:00", "2025-10-12T17:00:00+07:00"),
    _dossier(5, "2.000815", 4, "2025-10-30T08:00:00+07:00", "2025-11-15T17:00:00+07:00"),
    _dossier(6, "1.001193", 7, "2025-10-02T08:00:00+07:00", "2025-10-04T17:00:00+07:00"),
    _dossier(
        7,
        "2.000815",
        3,
        "2025-10-03T08:00:00+07:00",
        "2025-10-05T17:00:00+07:00",
        status_at="2025-10-03T09:00:00+07:00",
    ),
    _dossier(
        8,
        "1.001193",
        10,
        "2025-09-20T08:00:00+07:00",
        "2025-09-25T17:00:00+07:00",
        "2025-09-24T08:00:00+07:00",
        "2025-09-24T09:00:00+07:00",
    ),
    _dossier(9, "1.001193", 9, "2025-09-28T08:00:00+07:00", "2025-09-30T17:00:00+07:00", "2025-10-01T10:00:00+07:00"),
]


def code(n: int) -> str:
    return f"{UNIT}-2510{n:02d}-0001"


def ratings(a: int, b: int) -> list[dict]:
    def r(seq, staff_id, counter, score, when, reasons=(), comment=None, dossier=None, phone=None):
        return {
            "id": str(uuid.uuid4()),
            "device_seq": seq,
            "created_at": when,
            "office": OFFICE,
            "counter": counter,
            "staff_id": staff_id,
            "scale": 3,
            "score": score,
            "reasons": list(reasons),
            "comment": comment,
            "dossier_code": dossier,
            "phone": phone,
        }

    return [
        r(1, a, 1, 1, "2025-09-25T09:00:00+07:00", ["thai_do"]),
        r(2, a, 1, 3, "2025-10-02T15:05:00+07:00", dossier=code(1), comment="Cán bộ hướng dẫn tận tình."),
        r(
            3,
            a,
            1,
            1,
            "2025-10-09T11:05:00+07:00",
            ["cho_lau", "thai_do"],
            f"Chờ lâu quá, gọi lại cho tôi số {PHONE[:4]} {PHONE[4:7]} {PHONE[7:]}",
            dossier=code(3),
            phone=PHONE,
        ),
        r(4, a, 1, 2, "2025-10-06T10:00:00+07:00", dossier=code(2)),
        r(5, b, 2, 2, "2025-10-15T09:00:00+07:00", ["huong_dan"]),
        r(6, b, 2, 1, "2025-10-16T09:00:00+07:00", ["cho_lau"], "Phải chờ hơn một tiếng."),
        r(7, b, 2, 3, "2025-10-20T10:00:00+07:00"),
        r(8, b, 2, 3, "2025-10-21T10:00:00+07:00"),
    ]


def api_get(dash, path: str, **params) -> dict:
    r = requests.get(
        dash.url + path, params=params, timeout=15, headers={"Authorization": f"Bearer {dash.admin_token}"}
    )
    assert r.status_code == 200, r.text
    return r.json()
