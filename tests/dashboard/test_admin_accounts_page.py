"""The dashboard's accounts page (tokens with ids, revoke, disable, own password), the login brake
keyed by account and address, and messages that come from the server, never from the address."""

import re

import requests

from tests.support.kiemtra import OFFICE
from tests.support.dash_web import csrf_of, signed_in

PASSWORD = "mật-khẩu-đủ-dài"
REPORT = "/api/v1/reports/overview"


def _status(srv, token: str) -> int:
    return requests.get(srv.url + REPORT, headers={"Authorization": f"Bearer {token}"}, timeout=15).status_code


def _token(srv, name: str) -> tuple[int, str]:
    out = srv.cli("admin", "token", name).strip().splitlines()
    return int(re.match(r"admin token (\d+) for ", out[0]).group(1)), out[-1]


def _login(srv, name: str, password: str, address: str) -> requests.Response:
    """A sign-in as it reaches the server through the documented nginx (X-Forwarded-For)."""
    s = requests.Session()
    s.headers["X-Forwarded-For"] = address
    csrf = csrf_of(s.get(srv.url + "/admin/login", timeout=15).text)
    return s.post(
        srv.url + "/admin/login",
        data={"name": name, "password": password, "csrf": csrf},
        timeout=15,
        allow_redirects=False,
    )


def test_wrong_passwords_from_one_address_do_not_lock_the_account_elsewhere(launch_server):
    srv = launch_server()
    srv.cli("admin", "add", "lan", "--password-stdin", stdin=PASSWORD + "\n")
    for _ in range(5):
        assert _login(srv, "lan", "sai-mật-khẩu", "203.0.113.7").status_code == 401
    assert _login(srv, "lan", PASSWORD, "203.0.113.7").status_code == 429  # the guesser's address waits
    owner = _login(srv, "lan", PASSWORD, "198.51.100.20")  # the owner, at the office
    assert owner.status_code == 303 and owner.headers["location"] == "/admin/overview"


def test_accounts_page_revokes_tokens_disables_admins_and_changes_own_password(storage_url, launch_server):
    srv = launch_server(storage_url, env={"MOTCUA_ADMIN_TOKEN_DAYS": "30"})
    srv.cli("admin", "add", "lan", "--password-stdin", stdin=PASSWORD + "\n")
    srv.cli("admin", "add", "binh", "--password-stdin", stdin=PASSWORD + "\n")
    binh_id, binh_token = _token(srv, "binh")
    _spare_id, binh_spare = _token(srv, "binh")
    binh_session = signed_in(srv.url, "binh", PASSWORD)
    lan, lan_elsewhere = signed_in(srv.url, "lan", PASSWORD), signed_in(srv.url, "lan", PASSWORD)

    page = lan.get(srv.url + "/admin/admins", timeout=15)
    assert page.status_code == 200 and f'id="token-{binh_id}"' in page.text and "30 ngày" in page.text
    assert binh_token not in page.text
    csrf = csrf_of(page.text)
    r = lan.post(f"{srv.url}/admin/admins/tokens/{binh_id}/revoke", data={"csrf": csrf}, timeout=15)
    assert r.status_code == 200 and f"Đã thu hồi mã truy cập số {binh_id}." in r.text
    assert "Đã thu hồi mã truy cập số" not in lan.get(srv.url + "/admin/admins", timeout=15).text  # shown once
    assert (_status(srv, binh_token), _status(srv, binh_spare)) == (401, 200)

    issued = lan.post(srv.url + "/admin/admins/tokens/new", data={"csrf": csrf}, timeout=15)
    own = re.search(r'<code id="new-token">([^<]+)</code>', issued.text).group(1)
    assert _status(srv, own) == 200 and own not in lan.get(srv.url + "/admin/admins", timeout=15).text

    accounts = lan.get(srv.url + "/admin/admins", timeout=15).text
    binh_admin = int(re.search(r'<tr id="admin-(\d+)"[^>]*>\s*<td>binh<', accounts).group(1))
    lan_admin = int(re.search(r'<tr id="admin-(\d+)"[^>]*>\s*<td>lan \(', accounts).group(1))
    selfish = lan.post(f"{srv.url}/admin/admins/{lan_admin}/disable", data={"csrf": csrf}, timeout=15)
    assert selfish.status_code == 422 and "Không thể tự khóa" in selfish.text
    r = lan.post(f"{srv.url}/admin/admins/{binh_admin}/disable", data={"csrf": csrf}, timeout=15)
    assert r.status_code == 200 and "Đã khóa tài khoản binh" in r.text
    assert _status(srv, binh_spare) == 401
    assert binh_session.get(srv.url + "/admin/overview", timeout=15, allow_redirects=False).status_code == 303
    lan.post(f"{srv.url}/admin/admins/{binh_admin}/enable", data={"csrf": csrf}, timeout=15)
    assert _status(srv, binh_spare) == 200
    assert binh_session.get(srv.url + "/admin/overview", timeout=15, allow_redirects=False).status_code == 303

    form = {"csrf": csrf, "current": "sai-mật-khẩu", "new": "mật-khẩu-mới-dài", "repeat": "mật-khẩu-mới-dài"}
    wrong = lan.post(srv.url + "/admin/admins/password", data=form, timeout=15)
    assert wrong.status_code == 422 and "Mật khẩu hiện tại không đúng" in wrong.text
    short = lan.post(
        srv.url + "/admin/admins/password", data=dict(form, current=PASSWORD, new="ngắn", repeat="ngắn"), timeout=15
    )
    assert short.status_code == 422 and "ít nhất 8 ký tự" in short.text
    differ = lan.post(
        srv.url + "/admin/admins/password", data=dict(form, current=PASSWORD, repeat="khác-hẳn-nhau"), timeout=15
    )
    assert differ.status_code == 422 and "không giống nhau" in differ.text
    done = lan.post(srv.url + "/admin/admins/password", data=dict(form, current=PASSWORD), timeout=15)
    assert done.status_code == 200 and "Đã đổi mật khẩu" in done.text
    assert lan.get(srv.url + REPORT, timeout=15).status_code == 200  # this session goes on
    assert lan_elsewhere.get(srv.url + REPORT, timeout=15).status_code == 401  # the others end
    assert _login(srv, "lan", PASSWORD, "192.0.2.1").status_code == 401
    assert _login(srv, "lan", "mật-khẩu-mới-dài", "192.0.2.1").status_code == 303


def _dashboard_pages(db_url: str) -> list[str]:
    """Every dashboard page an address can open (GET, no path parameter), as the app declares them."""
    from central.api import create_app

    app = create_app(db_url)

    def routes(listed):
        for r in listed:  # an included router is one entry of the app's list (FastAPI >= 0.165)
            yield from routes(r.original_router.routes) if hasattr(r, "original_router") else [r]

    paths = sorted(
        {
            r.path
            for r in routes(app.routes)
            if "GET" in (getattr(r, "methods", None) or ())
            and r.path.startswith("/admin/")
            and "{" not in r.path
            and r.path not in ("/admin/", "/admin/login")
        }
    )
    app.state.engine.dispose()
    assert {"/admin/devices", "/admin/staff", "/admin/admins", "/admin/imports", "/admin/overview"} <= set(paths)
    return paths


def test_addresses_carry_no_text_into_trusted_boxes(dash):
    session = signed_in(dash.url, dash.admin, dash.password)
    bait = "GỌI-NGAY-0999999999"
    for path in _dashboard_pages(dash.server.db_url):
        page = session.get(
            dash.url + path, params={"notice": bait, "new_token": bait, "done": f"revoked-{bait}"}, timeout=15
        )
        assert page.status_code == 200 and bait not in page.text, path
        assert 'id="new-token"' not in page.text and 'id="notice"' not in page.text and 'id="flash"' not in page.text
    assert "Đã lưu" not in session.get(dash.url + "/admin/staff?done=saved", timeout=15).text
    # What the server says after a form: kept in the session, shown once.
    out = dash.server.cli("device", "add", "--kind", "kiosk", "--office", OFFICE, "--name", "ki-ốt thử")
    device_id, token = int(out.split()[1]), out.strip().splitlines()[-1]
    page = session.get(dash.url + "/admin/devices", timeout=15).text
    r = session.post(f"{dash.url}/admin/devices/{device_id}/revoke", data={"csrf": csrf_of(page)}, timeout=15)
    assert r.url.endswith("/admin/devices") and f"Đã thu hồi thiết bị số {device_id}." in r.text
    assert "Đã thu hồi thiết bị số" not in session.get(dash.url + "/admin/devices", timeout=15).text
    assert (
        requests.get(
            dash.url + "/api/v1/procedures", headers={"Authorization": f"Bearer {token}"}, timeout=15
        ).status_code
        == 401
    )
