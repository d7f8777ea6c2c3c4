"""`motcua-rating check`: config, server and device token checked, problems named by file and key."""

import subprocess
import sys
from pathlib import Path

from rating.__main__ import main
from tests.support.tablet_setup import add_officers, write_config

ROOT = Path(__file__).resolve().parents[2]


def run_check(ini, capsys):
    code = main(["check", "--config", str(ini)])
    return code, capsys.readouterr().out


def test_a_good_config_passes(tmp_path, shared_server, capsys):
    add_officers(shared_server)
    ini = write_config(tmp_path, shared_server, shared_server.device_token(counter=1))
    code, out = run_check(ini, capsys)
    assert code == 0, out
    assert "PROBLEM" not in out and "the server accepts the device token" in out
    assert "2 officer(s)" in out and "All good" in out


def test_a_wrong_token_says_ask_the_admin_for_a_new_one(tmp_path, shared_server, capsys):
    add_officers(shared_server)
    ini = write_config(tmp_path, shared_server, "not-the-token-the-admin-gave")
    code, out = run_check(ini, capsys)
    assert code == 1
    assert "the server refused the device token: ask the admin for a new one" in out
    assert "[server] token_file = " in out and str(ini) in out
    assert "not-the-token" not in out  # the token itself is never printed


def test_a_revoked_token_is_refused_too(tmp_path, shared_server, capsys):
    add_officers(shared_server)
    ini = write_config(tmp_path, shared_server, shared_server.device_token(counter=1))
    device_id = shared_server.cli("device", "list").splitlines()[-1].split("\t")[0]
    shared_server.cli("device", "revoke", device_id)
    code, out = run_check(ini, capsys)
    assert code == 1 and "refused the device token" in out


def test_server_down_names_the_url_key(tmp_path, server, capsys):
    add_officers(server)
    ini = write_config(tmp_path, server, server.device_token(counter=1))
    server.stop()
    code, out = run_check(ini, capsys)
    assert code == 1
    assert f"[server] url = {server.url}: cannot reach the server (nothing answers at that address" in out
    assert "refused the device token" not in out and "HTTPConnectionPool" not in out


def test_a_bad_key_names_the_file_and_the_key(tmp_path, shared_server, capsys):
    ini = write_config(tmp_path, shared_server, "x", scale=7)
    ini.write_text(ini.read_text(encoding="utf-8") + "cooldwn_seconds = 3\n", encoding="utf-8")
    code, out = run_check(ini, capsys)
    assert code == 1
    assert "[rating] scale" in out and "[rating] cooldwn_seconds" in out and "cooldown_seconds" in out
    assert str(ini) in out and "Traceback" not in out


def test_a_missing_token_file_and_an_unknown_office(tmp_path, shared_server, capsys):
    ini = write_config(tmp_path, shared_server, shared_server.device_token(counter=1))
    (tmp_path / "rating.token").unlink()
    code, out = run_check(ini, capsys)
    assert code == 1 and "[server] token_file = " in out and "missing or empty" in out
    ini = write_config(tmp_path, shared_server, shared_server.device_token(counter=1))
    ini.write_text(
        ini.read_text(encoding="utf-8").replace("office_code = XA-PHUOCLONG", "office_code = XA-KHONGCO"),
        encoding="utf-8",
    )
    code, out = run_check(ini, capsys)
    assert code == 1 and "[device] office_code = XA-KHONGCO: the server has no office with this code" in out


def test_the_entry_point_exits_1_on_a_problem(tmp_path):
    ini = tmp_path / "rating.ini"
    ini.write_text("[server]\nurl = http://127.0.0.1:9\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "rating", "check", "--config", str(ini)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "token_file" in proc.stdout and "Traceback" not in proc.stderr


def test_status_on_a_damaged_store_the_running_tablet_holds_says_so_and_moves_nothing(tmp_path, shared_server):
    from motcua.outbox import Outbox

    ini = write_config(tmp_path, shared_server, shared_server.device_token(counter=1))
    store = tmp_path / "data" / "rating.db"
    running = Outbox.open(store)  # the tablet app, running
    running.put("rating", {"office": "XA-PHUOCLONG", "score": 3})
    running.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with open(store, "r+b") as fh:
        fh.write(b"damaged header" * 8)
    proc = subprocess.run(
        [sys.executable, "-m", "rating", "status", "--config", str(ini)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert proc.returncode == 75, proc.stderr
    assert "cannot be opened now" in proc.stderr and "another process has it open" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert [p.name for p in store.parent.iterdir() if ".broken-" in p.name] == []
    running.db.close()


def test_status_prints_office_time_on_a_tablet_set_to_utc(tmp_path, shared_server):
    import os
    from motcua.outbox import Outbox
    from motcua.store import set_state

    ini = write_config(tmp_path, shared_server, shared_server.device_token(counter=1))
    outbox = Outbox.open(tmp_path / "data" / "rating.db")
    with outbox._write() as db:
        set_state(db, "last_success_at", 1_795_000_000)  # 2026-11-18 11:06:40 UTC
    outbox.db.close()
    proc = subprocess.run(
        [sys.executable, "-m", "rating", "status", "--config", str(ini)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=dict(os.environ, TZ="UTC"),
    )
    assert proc.returncode == 0, proc.stderr
    assert "last sync: 2026-11-18T18:06:40+07:00" in proc.stdout


def test_a_kiosks_token_on_a_tablet_is_named(tmp_path, shared_server, capsys):
    add_officers(shared_server)
    ini = write_config(tmp_path, shared_server, shared_server.device_token(kind="kiosk", counter=None))
    code, out = run_check(ini, capsys)
    assert code == 1, out
    assert "this token was issued for a kiosk, not a tablet" in out
    assert "motcua-central device add --kind rating" in out
    # the one fault, said once: the officers' PINs a kiosk's token does not fetch are not a second problem
    assert "1 problem(s)" in out and "has a PIN" not in out, out


def test_a_token_file_others_can_read_is_a_problem(tmp_path, shared_server, capsys):
    add_officers(shared_server)
    ini = write_config(tmp_path, shared_server, shared_server.device_token(counter=1))
    (tmp_path / "rating.token").chmod(0o640)
    code, out = run_check(ini, capsys)
    assert code == 1 and "run: chmod 600" in out and str(tmp_path / "rating.token") in out
