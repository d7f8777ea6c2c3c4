"""Dashboard forms, links and imports with odd numbers and years (a clear 4xx page, nothing stored
changes), and uploaded import files kept private and removed (after apply, failure, or an hour)."""

import os
import re
import stat
import time

from sqlalchemy import func, select

from tests.support.kiemtra import OFFICE, UNIT
from tests.support.dash_web import csrf_of, signed_in

PASSWORD = "mật-khẩu-đủ-dài"
HEADER = "code,procedure_code,holder_name,phone,status,received_at,due_at,finished_at,returned_at,secret\n"
HUGE = "99999999999999999999"


def _counts(db_url: str) -> dict:
    from central.storage import make_engine
    from central.storage.schema import device_commands, devices, dossiers, staff

    engine = make_engine(db_url)
    with engine.connect() as conn:
        counts = {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar()
            for t in (devices, device_commands, staff, dossiers)
        }
        counts["revoked"] = conn.execute(select(func.count()).where(devices.c.revoked_at.isnot(None))).scalar()
        counts["counters"] = sorted(conn.execute(select(staff.c.counter)).scalars().all(), key=str)
    engine.dispose()
    return counts


def test_odd_numbers_and_years_get_a_clear_page_and_change_nothing(storage_url, launch_server):
    srv = launch_server(storage_url)
    srv.cli("office", "add", OFFICE, "Xã Kiểm Tra", "--unit-code", UNIT)
    srv.cli("admin", "add", "lan", "--password-stdin", stdin=PASSWORD + "\n")
    officer = srv.cli("staff", "add", "--office", OFFICE, "--name", "Phạm Thị Lan", "--counter", "1").split()[-1]
    srv.device_token("rating", OFFICE, 1)
    session = signed_in(srv.url, "lan", PASSWORD)
    csrf = csrf_of(session.get(srv.url + "/admin/devices", timeout=15).text)
    before = _counts(srv.db_url)

    for counter in ("²", "٣", HUGE, "-1", "10000", "1e3"):
        r = session.post(
            srv.url + "/admin/devices/add",
            timeout=15,
            data={"csrf": csrf, "kind": "rating", "office": OFFICE, "counter": counter, "name": "x"},
        )
        assert r.status_code == 422 and "Số quầy phải là số nguyên từ 0 đến 9999" in r.text, (counter, r.text[-800:])
        r = session.post(
            srv.url + "/admin/staff/save",
            timeout=15,
            data={
                "csrf": csrf,
                "staff_id": officer,
                "office": OFFICE,
                "name": "Phạm Thị Lan",
                "counter": counter,
                "active": "1",
            },
        )
        assert r.status_code == 422 and "Số quầy phải là số nguyên" in r.text, counter
    r = session.post(
        srv.url + "/admin/staff/save?lang=en",
        timeout=15,
        data={"csrf": csrf, "staff_id": HUGE, "office": OFFICE, "name": "Ai đó", "counter": "2"},
    )
    assert r.status_code == 422 and "Officer id must be a whole number" in r.text
    session.get(srv.url + "/admin/staff?lang=vi", timeout=15)
    for path in (f"/admin/devices/{HUGE}/revoke", "/admin/devices/²/revoke", f"/admin/devices/{HUGE}/command"):
        r = session.post(srv.url + path, data={"csrf": csrf, "name": "sync_now"}, timeout=15)
        assert r.status_code == 422 and "Số thiết bị phải là số nguyên" in r.text and "Không có gì thay đổi" in r.text
    for path in (f"/admin/staff?edit={HUGE}", "/admin/staff?edit=²", f"/admin/staff/{HUGE}/photo"):
        assert session.get(srv.url + path, timeout=15).status_code == 422, path

    for days in (
        {"from": "0001-01-01", "to": "0001-01-31"},
        {"from": "2025-10-01", "to": "9999-12-31"},
        {"from": "9999-12-30", "to": "9999-12-31"},
    ):
        page = session.get(srv.url + "/admin/overview", params=days, timeout=15)
        assert page.status_code == 422 and "Kỳ báo cáo không hợp lệ" in page.text, days
        api = session.get(srv.url + "/api/v1/reports/overview", params=days, timeout=15)
        assert api.status_code == 422 and "outside 2000-01-01 .. 2099-12-31" in api.json()["error"]["message"]

    for received in ("0001-01-01T00:00:00+07:00", "9999-12-31T23:00:00-05:00", "9999-12-31T08:00:00"):
        line = f"{UNIT}-251120-0001,1.001193,Lê Văn Tám,,4,{received},,,,XYZW12\n"
        r = session.post(
            srv.url + "/admin/imports/check",
            data={"csrf": csrf, "kind": "dossiers"},
            timeout=15,
            files={"file": ("ho-so.csv", (HEADER + line).encode(), "text/csv")},
        )
        assert r.status_code == 422 and "received_at" in r.text and "không nằm trong các năm 2000-2099" in r.text
    assert _counts(srv.db_url) == before


def _files(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_uploaded_import_files_are_private_and_removed(launch_server, tmp_path):
    temp = tmp_path / "tmp"
    uploads = temp / "motcua-imports"
    uploads.mkdir(parents=True)
    uploads.chmod(0o755)  # as an older server left it, with a file from last month
    left = uploads / "0123456789abcdef-fedcba9876543210.csv"
    left.write_text("Nguyễn Văn A,0901234567,001099012345")
    os.utime(left, (time.time() - 30 * 86400,) * 2)
    srv = launch_server(env={"TMPDIR": str(temp)})
    srv.cli("office", "add", OFFICE, "Xã Kiểm Tra", "--unit-code", UNIT)
    srv.cli("admin", "add", "lan", "--password-stdin", stdin=PASSWORD + "\n")
    session = signed_in(srv.url, "lan", PASSWORD)  # opens the overview: any page sweeps the folder
    assert _files(uploads) == [] and stat.S_IMODE(uploads.stat().st_mode) == 0o700
    csrf = csrf_of(session.get(srv.url + "/admin/imports", timeout=15).text)

    good = f"{UNIT}-251120-0001,1.001193,Lê Văn Tám,0912345678,4,2025-11-20T08:00:00+07:00,,,,XYZW12\n"
    bad = f"{UNIT}-251120-0002,1.001193,Lê Văn Chín,,11,2025-11-20T08:00:00+07:00,,,,XYZW13\n"

    def check(body: str):
        return session.post(
            srv.url + "/admin/imports/check",
            data={"csrf": csrf, "kind": "dossiers"},
            timeout=15,
            files={"file": ("ho-so.csv", (HEADER + body).encode(), "text/csv")},
        )

    assert check(good + bad).status_code == 422 and _files(uploads) == []  # problems: nothing kept
    checked = check(good)
    assert checked.status_code == 200 and len(_files(uploads)) == 1
    kept = next(uploads.iterdir())
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and stat.S_IMODE(uploads.stat().st_mode) == 0o700
    form = dict(
        re.findall(
            r'<input type="hidden" name="(\w+)" value="([^"]*)">',
            checked.text.split('action="/admin/imports/apply"')[1],
        )
    )
    assert session.post(srv.url + "/admin/imports/apply", data=form, timeout=15).status_code == 200
    assert _files(uploads) == []  # applied: removed

    checked = check(good.replace("-0001", "-0003"))
    form = dict(
        re.findall(
            r'<input type="hidden" name="(\w+)" value="([^"]*)">',
            checked.text.split('action="/admin/imports/apply"')[1],
        )
    )
    stale = next(uploads.iterdir())
    os.utime(stale, (time.time() - 3601,) * 2)  # checked, never applied, an hour ago
    assert session.get(srv.url + "/admin/imports", timeout=15).status_code == 200 and _files(uploads) == []
    late = session.post(srv.url + "/admin/imports/apply", data=form, timeout=15)
    assert late.status_code == 422 and "tải lên lại" in late.text
