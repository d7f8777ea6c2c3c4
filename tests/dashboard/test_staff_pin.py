"""The Staff page sets and resets an officer's PIN (issue 14 item 2): before, only the CLI could set
one (`staff add --pin-stdin`), so an officer added on the dashboard could never sign in on a tablet,
and a forgotten PIN could not be replaced at all. The form and the CLI go through central.staff."""

import re

import requests

from tests.support.kiemtra import OFFICE
from tests.support.dash_web import csrf_of, signed_in
from motcua.pin import check_pin


def _pin_hash(dash, staff_id: int) -> str | None:
    items = requests.get(
        dash.url + "/api/v1/staff",
        params={"office": OFFICE},
        timeout=15,
        headers={"Authorization": f"Bearer {dash.device_token}"},
    ).json()["items"]
    return next(o for o in items if o["id"] == staff_id)["pin_hash"]


def test_staff_form_sets_keeps_and_resets_a_pin(dash):
    session = signed_in(dash.url, dash.admin, dash.password)
    page = session.get(dash.url + "/admin/staff", timeout=15).text
    assert 'name="pin"' in page and 'type="password"' in page
    csrf = csrf_of(page)
    form = {"csrf": csrf, "office": OFFICE, "name": "Ngô Thị Mai", "title": "Công chức", "counter": "6", "active": "1"}
    added = session.post(dash.url + "/admin/staff/save", data=dict(form, pin="2580"), timeout=15)
    assert added.status_code == 200 and "Đã lưu" in added.text
    staff_id = int(
        re.search(
            r'<tr id="staff-(\d+)"[^>]*>\s*<td[^>]*>\d+</td>\s*<td>[^<]*</td>\s*<td>Ngô Thị Mai</td>', added.text
        ).group(1)
    )
    assert check_pin("2580", _pin_hash(dash, staff_id))
    assert "2580" not in session.get(f"{dash.url}/admin/staff?edit={staff_id}", timeout=15).text

    kept = session.post(
        dash.url + "/admin/staff/save", data=dict(form, staff_id=str(staff_id), counter="7", pin=""), timeout=15
    )
    assert kept.status_code == 200 and check_pin("2580", _pin_hash(dash, staff_id))  # empty: hers stays

    for bad in ("12", "12a4", "123456789", "١٢٣٤"):
        refused = session.post(
            dash.url + "/admin/staff/save", data=dict(form, staff_id=str(staff_id), pin=bad), timeout=15
        )
        assert refused.status_code == 422 and "Mã PIN phải gồm 4 đến 8 chữ số" in refused.text, bad
    english = session.post(
        dash.url + "/admin/staff/save?lang=en", data=dict(form, staff_id=str(staff_id), pin="1"), timeout=15
    )
    assert english.status_code == 422 and "The PIN must be 4 to 8 digits" in english.text
    assert check_pin("2580", _pin_hash(dash, staff_id))  # nothing changed

    session.post(dash.url + "/admin/staff/save", data=dict(form, staff_id=str(staff_id), pin="97531"), timeout=15)
    reset = _pin_hash(dash, staff_id)
    assert check_pin("97531", reset) and not check_pin("2580", reset)
