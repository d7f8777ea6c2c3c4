"""The device list marks a rating tablet whose clock is far from the server's (issue 13 item 12),
judged by its heartbeat's time of its last delivered batch against the server's received_at."""

import re
import uuid
from datetime import datetime, timedelta, timezone

import requests

from tests.support.dash_web import signed_in
from motcua.officetime import OFFICE_TZ

OFFICE = "XA-DONGHO"  # an office of this test's own


def _office_time(delta: timedelta) -> str:
    return (datetime.now(timezone.utc) + delta).astimezone(OFFICE_TZ).isoformat(timespec="seconds")


def test_a_tablet_clock_40_minutes_ahead_is_marked_in_red_and_the_demo_tablets_are_not(dash):
    dash.server.ensure_office(OFFICE)
    out = dash.server.cli(
        "device", "add", "--kind", "rating", "--office", OFFICE, "--name", "giờ nhanh", "--counter", "3"
    )
    device_id, token = int(out.split()[1]), out.strip().splitlines()[-1]
    auth = {"Authorization": f"Bearer {token}"}
    rating = {
        "id": str(uuid.uuid4()),
        "device_seq": 1,
        "created_at": _office_time(timedelta(minutes=40)),
        "office": OFFICE,
        "counter": 3,
        "score": 3,
    }
    r = requests.post(dash.url + "/api/v1/ratings", json={"ratings": [rating]}, headers=auth, timeout=15)
    assert r.json()["results"][0]["status"] == "accepted", r.text
    beat = {"app": "rating", "version": "1.0", "last_sync_at": _office_time(timedelta(minutes=40))}
    assert requests.post(dash.url + "/api/v1/heartbeat", json=beat, headers=auth, timeout=15).status_code == 200
    session = signed_in(dash.url, dash.admin, dash.password)
    page = session.get(dash.url + "/admin/devices?lang=vi", timeout=15).text
    assert re.findall(r'id="clock-(\d+)"', page) == [str(device_id)]  # the seeded tablets never beat
    block = page.split(f'id="clock-{device_id}"')[1].split("</div>")[0]
    assert re.search(r"Đồng hồ máy nhanh (39|40) phút", block), block
    assert "lệch quá 10 phút" in page
    english = session.get(dash.url + "/admin/devices?lang=en", timeout=15).text
    assert re.search(r"Clock (39|40) min ahead", english.split(f'id="clock-{device_id}"')[1].split("</div>")[0])
    css = session.get(dash.url + "/admin/static/dashboard.css", timeout=15).text
    assert "table.data .clock b { color: #b3261e; }" in css
    session.get(dash.url + "/admin/devices?lang=vi", timeout=15)
