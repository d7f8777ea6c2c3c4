"""The device list shows quarantined items in red and asks a tablet to retry them; moving an officer on
the staff page keeps the ratings made before the move (issue 13 items 3 and 4)."""

import re
import uuid
from datetime import timedelta

import requests

from tests.support.kiemtra import OFFICE
from tests.support.dash_web import csrf_of, signed_in
from central.timeutil import to_wire, utcnow

PHONE = "0912345678"


def test_quarantined_items_are_shown_in_red_without_phones_and_can_be_retried(dash):
    token = dash.server.device_token("rating", OFFICE, 7)
    auth = {"Authorization": f"Bearer {token}"}
    items = [
        {
            "id": str(uuid.uuid4()),
            "device_seq": 41 + n,
            "created_at": "2026-11-21T09:15:02+07:00",
            "reason": "rejected: unknown_staff",
            "score": 1,
            "phone": PHONE,
            "comment": "gọi lại giúp tôi",
        }
        for n in range(2)
    ]
    beat = {
        "app": "rating",
        "version": "1.0",
        "pending": 0,
        "errors": [],
        "quarantined": 3,
        "quarantine_reason": "rejected: unknown_staff",
        "quarantined_items": items,
    }
    assert requests.post(dash.url + "/api/v1/heartbeat", json=beat, headers=auth, timeout=15).status_code == 200
    session = signed_in(dash.url, dash.admin, dash.password)
    page = session.get(dash.url + "/admin/devices", timeout=15).text
    device_id = int(re.search(r'id="quarantine-(\d+)"', page).group(1))
    block = page.split(f'id="quarantine-{device_id}"')[1].split("</div>")[0]
    assert "Máy chủ không nhận 3 lượt" in block and "rejected: unknown_staff" in block
    assert ">41<" in block and ">42<" in block and "Chỉ hiện 2 lượt cũ nhất" in block
    assert PHONE not in page and "gọi lại" not in page
    css = session.get(dash.url + "/admin/static/dashboard.css", timeout=15).text
    assert "td.err .quarantine, td.err .quarantine b { color: #b3261e; }" in css  # red
    english = session.get(dash.url + "/admin/devices?lang=en", timeout=15).text
    assert "Refused by the server 3 items" in english
    session.get(dash.url + "/admin/devices?lang=vi", timeout=15)
    assert f'id="retry-{device_id}"' in page
    r = session.post(
        f"{dash.url}/admin/devices/{device_id}/command",
        timeout=15,
        data={"csrf": csrf_of(page), "name": "retry_quarantined"},
    )
    assert r.status_code == 200
    answer = requests.post(
        dash.url + "/api/v1/heartbeat",
        json={**beat, "quarantined": 0, "quarantine_reason": None, "quarantined_items": []},
        headers=auth,
        timeout=15,
    )
    assert [c["name"] for c in answer.json()["commands"]] == ["retry_quarantined"]
    page = session.get(dash.url + "/admin/devices", timeout=15).text
    assert f'id="quarantine-{device_id}"' not in page


def test_moving_an_officer_on_the_staff_page_keeps_her_earlier_ratings(dash):
    dash.server.ensure_office("XA-CHUYENDEN")
    session = signed_in(dash.url, dash.admin, dash.password)
    csrf = csrf_of(session.get(dash.url + "/admin/staff", timeout=15).text)
    name = f"Lê Thị Chuyển {uuid.uuid4().hex[:4]}"
    session.post(
        dash.url + "/admin/staff/save",
        timeout=15,
        data={"csrf": csrf, "office": OFFICE, "name": name, "counter": "6", "active": "1"},
    )
    staff_id = int(
        re.search(
            r'<tr id="staff-(\d+)"[^>]*>(?:(?!</tr>).)*' + name,
            session.get(dash.url + "/admin/staff", timeout=15).text,
            re.S,
        ).group(1)
    )
    before = to_wire(utcnow() - timedelta(minutes=5))
    session.post(
        dash.url + "/admin/staff/save",
        timeout=15,
        data={
            "csrf": csrf,
            "staff_id": str(staff_id),
            "office": "XA-CHUYENDEN",
            "name": name,
            "counter": "2",
            "active": "1",
        },
    )
    tablet = dash.server.device_token("rating", OFFICE, 6)
    items = [
        {
            "id": str(uuid.uuid4()),
            "device_seq": 1,
            "created_at": before,
            "office": OFFICE,
            "counter": 6,
            "staff_id": staff_id,
            "scale": 3,
            "score": 3,
            "reasons": [],
        },
        {
            "id": str(uuid.uuid4()),
            "device_seq": 2,
            "created_at": to_wire(utcnow() + timedelta(seconds=5)),
            "office": OFFICE,
            "counter": 6,
            "staff_id": staff_id,
            "scale": 3,
            "score": 3,
            "reasons": [],
        },
    ]
    answer = requests.post(
        dash.url + "/api/v1/ratings",
        json={"ratings": items},
        timeout=15,
        headers={"Authorization": f"Bearer {tablet}", "Idempotency-Key": str(uuid.uuid4())},
    )
    assert [(r["status"], r["reason"]) for r in answer.json()["results"]] == [
        ("accepted", None),
        ("rejected", "unknown_staff"),
    ]
