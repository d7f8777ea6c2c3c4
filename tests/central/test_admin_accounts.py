"""Admin accounts from the command line, against a real server on SQLite and PostgreSQL: tokens
revoked by id or all of an admin, tokens expiring after [server] admin_token_days, disabled admins
(tokens and dashboard sessions stop at once), passwords changed from standard input."""

import re
from datetime import timedelta

import requests
from sqlalchemy import update

from tests.support.dash_web import signed_in

PASSWORD = "mật-khẩu-đủ-dài"
REPORT = "/api/v1/reports/overview"


def _status(srv, token: str) -> int:
    return requests.get(srv.url + REPORT, headers={"Authorization": f"Bearer {token}"}, timeout=15).status_code


def _token(srv, name: str) -> tuple[int, str]:
    out = srv.cli("admin", "token", name).strip().splitlines()
    return int(re.match(r"admin token (\d+) for ", out[0]).group(1)), out[-1]


def _backdate(srv, token_id: int, days: float) -> None:
    from central.storage import make_engine
    from central.storage.schema import admin_tokens
    from central.timeutil import utcnow

    engine = make_engine(srv.db_url)
    with engine.begin() as conn:
        conn.execute(
            update(admin_tokens).where(admin_tokens.c.id == token_id).values(created_at=utcnow() - timedelta(days=days))
        )
    engine.dispose()


def test_admin_tokens_are_revoked_by_id_or_all_of_an_admin(storage_url, launch_server):
    srv = launch_server(storage_url)
    srv.cli("admin", "add", "lan", "--password-stdin", stdin=PASSWORD + "\n")
    srv.cli("admin", "add", "binh")
    (first, t1), (_second, t2), (_third, t3) = _token(srv, "lan"), _token(srv, "lan"), _token(srv, "lan")
    _other, t4 = _token(srv, "binh")
    assert [_status(srv, t) for t in (t1, t2, t3, t4)] == [200, 200, 200, 200]
    listing = srv.cli("admin", "token", "list", "lan")
    assert re.search(rf"^{first}\tlan\t\S+\tactive$", listing, re.M) and "binh" not in listing
    assert t1 not in listing
    srv.cli("admin", "token", "revoke", str(first))
    assert [_status(srv, t) for t in (t1, t2, t3, t4)] == [401, 200, 200, 200]
    assert re.search(rf"^{first}\tlan\t\S+\trevoked ", srv.cli("admin", "token", "list"), re.M)
    again = srv.run_cli("admin", "token", "revoke", str(first))
    assert again.returncode == 2 and "no active admin token" in again.stderr
    assert "2 tokens of lan revoked" in srv.cli("admin", "token", "revoke", "--all", "lan")
    assert [_status(srv, t) for t in (t1, t2, t3, t4)] == [401, 401, 401, 200]


def test_admin_tokens_expire_after_the_setting(storage_url, launch_server):
    srv = launch_server(storage_url, env={"MOTCUA_ADMIN_TOKEN_DAYS": "30"})
    srv.cli("admin", "add", "lan")
    (old_id, old), (young_id, young) = _token(srv, "lan"), _token(srv, "lan")
    _backdate(srv, old_id, 30.01)
    _backdate(srv, young_id, 29.9)
    assert (_status(srv, old), _status(srv, young)) == (401, 200)
    answer = requests.get(srv.url + REPORT, headers={"Authorization": f"Bearer {old}"}, timeout=15).json()
    assert "expired" in answer["error"]["message"]
    srv.stop()
    srv.env["MOTCUA_ADMIN_TOKEN_DAYS"] = "0"  # 0: admin tokens never expire
    srv.start()
    assert (_status(srv, old), _status(srv, young)) == (200, 200)


def test_disabled_admin_loses_tokens_and_sessions_at_once_until_enabled(storage_url, launch_server):
    srv = launch_server(storage_url)
    srv.cli("admin", "add", "lan", "--password-stdin", stdin=PASSWORD + "\n")
    _id, token = _token(srv, "lan")
    session = signed_in(srv.url, "lan", PASSWORD)
    assert session.get(srv.url + "/admin/overview", timeout=15, allow_redirects=False).status_code == 200
    assert "0 dashboard sessions" not in srv.cli("admin", "disable", "lan")
    assert _status(srv, token) == 401
    r = session.get(srv.url + "/admin/overview", timeout=15, allow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/admin/login")
    assert session.get(srv.url + REPORT, timeout=15).status_code == 401
    login = requests.Session()
    csrf = re.search(r'name="csrf" value="([^"]+)"', login.get(srv.url + "/admin/login", timeout=15).text).group(1)
    refused = login.post(srv.url + "/admin/login", data={"name": "lan", "password": PASSWORD, "csrf": csrf}, timeout=15)
    assert refused.status_code == 403 and "đã bị khóa" in refused.text and "motcua_session" not in login.cookies
    assert re.search(r"^\d+\tlan\t\S+\tdisabled ", srv.cli("admin", "list"), re.M)
    refused_token = srv.run_cli("admin", "token", "lan")
    assert refused_token.returncode == 2 and "disabled" in refused_token.stderr
    srv.cli("admin", "enable", "lan")
    assert _status(srv, token) == 200
    assert signed_in(srv.url, "lan", PASSWORD).get(srv.url + REPORT, timeout=15).status_code == 200


def test_admin_password_is_read_from_stdin_and_ends_the_sessions(storage_url, launch_server):
    srv = launch_server(storage_url)
    srv.cli("admin", "add", "lan", "--password-stdin", stdin=PASSWORD + "\n")
    session = signed_in(srv.url, "lan", PASSWORD)
    short = srv.run_cli("admin", "password", "lan", stdin="ngắn\n")
    assert short.returncode == 2 and "at least 8 characters" in short.stderr
    assert session.get(srv.url + REPORT, timeout=15).status_code == 200  # nothing changed
    assert srv.run_cli("admin", "password", "nobody", stdin="mật-khẩu-mới-dài\n").returncode == 2
    assert "1 dashboard sessions ended" in srv.cli("admin", "password", "lan", stdin="mật-khẩu-mới-dài\n")
    assert session.get(srv.url + REPORT, timeout=15).status_code == 401
    login = requests.Session()
    csrf = re.search(r'name="csrf" value="([^"]+)"', login.get(srv.url + "/admin/login", timeout=15).text).group(1)
    old = login.post(srv.url + "/admin/login", data={"name": "lan", "password": PASSWORD, "csrf": csrf}, timeout=15)
    assert old.status_code == 401
    assert signed_in(srv.url, "lan", "mật-khẩu-mới-dài").get(srv.url + REPORT, timeout=15).status_code == 200
