"""Sign-in, CSRF, failed-login brake, session expiry, devices, imports and staff through real HTTP."""

import re
import sqlite3
from datetime import datetime, timedelta

import requests

from tests.support.kiemtra import OFFICE, UNIT
from tests.support.dash_web import csrf_of, signed_in


def _login_form(url: str) -> tuple[requests.Session, str]:
    s = requests.Session()
    return s, csrf_of(s.get(url + "/admin/login", timeout=15).text)


def test_failed_logins_are_braked_even_for_the_right_password(launch_server):
    srv = launch_server()
    srv.cli("admin", "add", "lan", "--password-stdin", stdin="đúng-mật-khẩu\n")
    s, csrf = _login_form(srv.url)
    for _ in range(5):
        r = s.post(srv.url + "/admin/login", data={"name": "lan", "password": "sai", "csrf": csrf}, timeout=15)
        assert r.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in r.text
        csrf = csrf_of(r.text)
    r = s.post(srv.url + "/admin/login", data={"name": "lan", "password": "đúng-mật-khẩu", "csrf": csrf}, timeout=15)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert "thử lại sau" in r.text and "motcua_session" not in s.cookies


def test_login_form_without_its_token_is_refused(dash):
    s = requests.Session()
    r = s.post(dash.url + "/admin/login", data={"name": dash.admin, "password": dash.password, "csrf": "x"}, timeout=15)
    assert r.status_code == 403 and "motcua_session" not in s.cookies


def test_forms_without_csrf_change_nothing(dash):
    session = signed_in(dash.url, dash.admin, dash.password)
    token = dash.server.device_token("kiosk", OFFICE, None)
    device_id = _device_id(session, dash.url, token_name="test kiosk")
    r = session.post(f"{dash.url}/admin/devices/{device_id}/revoke", data={"csrf": "forged"}, timeout=15)
    assert r.status_code == 403 and "Biểu mẫu đã hết hạn" in r.text
    still = requests.get(dash.url + "/api/v1/procedures", headers={"Authorization": f"Bearer {token}"}, timeout=15)
    assert still.status_code == 200


def _device_id(session, url, token_name):
    page = session.get(url + "/admin/devices", timeout=15).text
    ids = re.findall(r'<tr id="device-(\d+)"[^>]*>(?:(?!</tr>).)*?' + re.escape(token_name), page, re.S)
    return int(ids[-1])


def test_session_expires_and_logout_ends_it(dash):
    session = signed_in(dash.url, dash.admin, dash.password)
    assert session.get(dash.url + "/admin/devices", timeout=15, allow_redirects=False).status_code == 200
    with sqlite3.connect(dash.server.db_url) as db:  # an idle session: last seen 31 minutes ago
        db.execute(
            "UPDATE admin_sessions SET last_seen_at = ?",
            ((datetime.utcnow() - timedelta(minutes=31)).isoformat(sep=" "),),
        )
    r = session.get(dash.url + "/admin/devices", timeout=15, allow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/admin/login")
    session = signed_in(dash.url, dash.admin, dash.password)
    page = session.get(dash.url + "/admin/devices", timeout=15).text
    session.post(dash.url + "/admin/logout", data={"csrf": csrf_of(page)}, timeout=15)
    assert session.get(dash.url + "/api/v1/reports/overview", timeout=15).status_code == 401


def test_add_device_shows_token_once_commands_reach_it_and_revoke_refuses_it(dash):
    session = signed_in(dash.url, dash.admin, dash.password)
    csrf = csrf_of(session.get(dash.url + "/admin/devices", timeout=15).text)
    bad = session.post(
        dash.url + "/admin/devices/add",
        data={"csrf": csrf, "kind": "rating", "office": OFFICE, "counter": "", "name": "quầy 3"},
        timeout=15,
    )
    assert "Máy đánh giá cần có số quầy nơi đặt máy" in bad.text
    page = session.post(
        dash.url + "/admin/devices/add",
        data={"csrf": csrf, "kind": "rating", "office": OFFICE, "counter": "3", "name": "Máy quầy 3"},
        timeout=15,
    ).text
    token = re.search(r'<code id="new-token">([^<]+)</code>', page).group(1)
    auth = {"Authorization": f"Bearer {token}"}
    beat = {
        "app": "rating",
        "version": "1.2.3",
        "pending": 4,
        "oldest_pending_age_s": 1800,
        "catalogue_version": "17",
        "errors": ["máy in hết giấy"],
    }
    assert requests.post(dash.url + "/api/v1/heartbeat", json=beat, headers=auth, timeout=15).status_code == 200
    device_id = _device_id(session, dash.url, "Máy quầy 3")
    listing = session.get(dash.url + "/admin/devices", timeout=15).text
    assert token not in listing and "1.2.3" in listing and "máy in hết giấy" in listing and "30 phút" in listing
    session.post(
        f"{dash.url}/admin/devices/{device_id}/command", data={"csrf": csrf, "name": "reload_config"}, timeout=15
    )
    answer = requests.post(dash.url + "/api/v1/heartbeat", json=beat, headers=auth, timeout=15).json()
    assert [c["name"] for c in answer["commands"]] == ["reload_config"]
    session.post(f"{dash.url}/admin/devices/{device_id}/revoke", data={"csrf": csrf}, timeout=15)
    assert requests.post(dash.url + "/api/v1/heartbeat", json=beat, headers=auth, timeout=15).status_code == 401


def test_silent_devices_stand_out(dash):
    session = signed_in(dash.url, dash.admin, dash.password)
    dash.server.device_token("kiosk", OFFICE, None)
    page = session.get(dash.url + "/admin/devices", timeout=15).text
    assert re.search(r'<tr id="device-\d+" class="silent">', page) and "chưa kết nối lần nào" in page


def test_import_is_checked_before_anything_is_written_then_applied(dash):
    session = signed_in(dash.url, dash.admin, dash.password)
    csrf = csrf_of(session.get(dash.url + "/admin/imports", timeout=15).text)
    header = "code,procedure_code,holder_name,phone,status,received_at,due_at,finished_at,returned_at,secret\n"
    good = f"{UNIT}-251120-0001,1.001193,Lê Văn Tám,,4,2025-11-20T08:00:00+07:00,2025-11-22T17:00:00+07:00,,,XYZW12\n"
    bad = f"{UNIT}-251120-0002,1.001193,Lê Văn Chín,,11,2025-11-20T08:00:00+07:00,31/02/2025,,,XYZW13\n"
    r = session.post(
        dash.url + "/admin/imports/check",
        data={"csrf": csrf, "kind": "dossiers", "office": ""},
        files={"file": ("ho-so-thang-11.csv", (header + good + bad).encode(), "text/csv")},
        timeout=15,
    )
    assert r.status_code == 422
    assert "ho-so-thang-11.csv dòng 3, status: &#34;11&#34; không phải mã trạng thái quốc gia 1-10" in r.text
    assert "chưa ghi gì" in r.text and "is not" not in r.text
    english = session.post(
        dash.url + "/admin/imports/check?lang=en",
        data={"csrf": csrf, "kind": "dossiers"},
        files={"file": ("ho-so-thang-11.csv", (header + good + bad).encode(), "text/csv")},
        timeout=15,
    )
    assert (
        english.status_code == 422
        and "ho-so-thang-11.csv line 3, status: &#34;11&#34; is not a national" in english.text
    )
    session.get(dash.url + "/admin/imports?lang=vi", timeout=15)
    assert _lookup(dash, f"{UNIT}-251120-0001") == 404  # the good line was not written either
    r = session.post(
        dash.url + "/admin/imports/check",
        data={"csrf": csrf, "kind": "dossiers", "office": ""},
        files={"file": ("ho-so.csv", (header + good).encode(), "text/csv")},
        timeout=15,
    )
    assert r.status_code == 200 and "1 hồ sơ: 1 thêm mới, 0 cập nhật" in r.text
    assert _lookup(dash, f"{UNIT}-251120-0001") == 404  # checked, not yet applied
    form = dict(
        re.findall(
            r'<input type="hidden" name="(\w+)" value="([^"]*)">', r.text.split('action="/admin/imports/apply"')[1]
        )
    )
    applied = session.post(dash.url + "/admin/imports/apply", data=form, timeout=15)
    assert applied.status_code == 200 and 'id="applied"' in applied.text
    assert _lookup(dash, f"{UNIT}-251120-0001") == 200
    again = session.post(dash.url + "/admin/imports/apply", data=form, timeout=15)
    assert again.status_code == 422 and "tải lên lại" in again.text


def _lookup(dash, dossier_code: str) -> int:
    return requests.get(
        f"{dash.url}/api/v1/dossiers/{dossier_code}",
        timeout=15,
        headers={"Authorization": f"Bearer {dash.admin_token}"},
    ).status_code


def test_staff_added_with_photo_then_moved_to_another_counter(dash):
    session = signed_in(dash.url, dash.admin, dash.password)
    csrf = csrf_of(session.get(dash.url + "/admin/staff", timeout=15).text)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    r = session.post(
        dash.url + "/admin/staff/save",
        files={"photo": ("anh.png", png, "image/png")},
        timeout=15,
        data={
            "csrf": csrf,
            "office": OFFICE,
            "name": "Đỗ Thị Hạnh",
            "title": "Công chức Tư pháp",
            "counter": "4",
            "active": "1",
        },
    )
    assert r.status_code == 200 and "Đã lưu" in r.text
    row = re.search(r'<tr id="staff-(\d+)"[^>]*>\s*<td[^>]*>\d+</td>\s*<td><img[^>]*alt="Đỗ Thị Hạnh"', r.text)
    staff_id = int(row.group(1))
    assert session.get(f"{dash.url}/admin/staff/{staff_id}/photo", timeout=15).content == png
    wrong = session.post(
        dash.url + "/admin/staff/save",
        timeout=15,
        files={"photo": ("anh.txt", b"not an image", "text/plain")},
        data={
            "csrf": csrf,
            "staff_id": str(staff_id),
            "office": OFFICE,
            "name": "Đỗ Thị Hạnh",
            "counter": "5",
            "active": "1",
        },
    )
    assert wrong.status_code == 422 and "JPEG hoặc PNG" in wrong.text
    session.post(
        dash.url + "/admin/staff/save",
        timeout=15,
        data={
            "csrf": csrf,
            "staff_id": str(staff_id),
            "office": OFFICE,
            "name": "Đỗ Thị Hạnh",
            "title": "Công chức Tư pháp",
            "counter": "5",
            "active": "1",
        },
    )
    officers = requests.get(
        dash.url + "/api/v1/staff",
        params={"office": OFFICE},
        timeout=15,
        headers={"Authorization": f"Bearer {dash.device_token}"},
    ).json()["items"]
    moved = next(o for o in officers if o["id"] == staff_id)
    assert moved["counter"] == 5 and moved["photo_url"]  # the photo kept when none is uploaded


def test_silence_threshold_and_upload_limit_come_from_the_settings(launch_server):
    srv = launch_server(env={"MOTCUA_MAX_BODY_BYTES": "4096", "MOTCUA_DEVICE_SILENT_MINUTES": "90"})
    srv.cli("office", "add", OFFICE, "Xã Kiểm Tra", "--unit-code", UNIT)
    srv.cli("admin", "add", "lan", "--password-stdin", stdin="mật-khẩu-đủ-dài\n")
    token = srv.device_token("rating", OFFICE, 1)
    assert (
        requests.post(
            srv.url + "/api/v1/heartbeat",
            json={"app": "rating", "version": "1", "pending": 0},
            headers={"Authorization": f"Bearer {token}"},
            timeout=15,
        ).status_code
        == 200
    )
    half_hour_ago = (datetime.utcnow() - timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(srv.db_url) as db:
        db.execute("UPDATE devices SET last_seen_at = ?", (half_hour_ago,))
    session = signed_in(srv.url, "lan", "mật-khẩu-đủ-dài")
    page = session.get(srv.url + "/admin/devices", timeout=15).text
    assert "quá 90 phút" in page and 'class="silent"' not in page  # 30 min: silent only past 90
    csrf = csrf_of(session.get(srv.url + "/admin/imports", timeout=15).text)
    big = "code,procedure_code\n" + "x" * 10_000
    r = session.post(
        srv.url + "/admin/imports/check",
        data={"csrf": csrf, "kind": "dossiers"},
        files={"file": ("lon.csv", big.encode(), "text/csv")},
        timeout=15,
    )
    assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
    assert "Tệp quá lớn" in r.text and "giới hạn 4 KB" in r.text and "không có gì thay đổi" in r.text
    r = session.post(
        srv.url + "/admin/imports/check?lang=en",
        data={"csrf": csrf, "kind": "dossiers"},
        files={"file": ("lon.csv", big.encode(), "text/csv")},
        timeout=15,
    )
    assert r.status_code == 413 and "File too large" in r.text and "4 KB limit" in r.text
    api = requests.post(
        srv.url + "/api/v1/ratings",
        data=big,
        timeout=15,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert api.status_code == 413 and api.json()["error"]["code"] == "body_too_large"  # devices keep JSON
