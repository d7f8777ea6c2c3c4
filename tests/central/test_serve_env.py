"""`motcua-central serve` finds its database in MOTCUA_DB like every other command (systemd units rely on it)."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import requests

from tests.support.server import wait_for_healthz

ROOT = Path(__file__).resolve().parents[2]


def cli(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "central.cli", *args],
        cwd=env["HOME"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_serve_uses_motcua_db_when_no_db_option_is_given(tmp_path):
    db = tmp_path / "office.db"
    env = dict(os.environ, MOTCUA_DB=str(db), HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    cli("init", env=env)
    cli("office", "add", "XA-A", "Xã A", env=env)
    token = cli("device", "add", "--kind", "kiosk", "--office", "XA-A", env=env).strip().splitlines()[-1]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # cwd is tmp_path: were MOTCUA_DB ignored, serve would look for tmp_path/var/central.db and refuse
    proc = subprocess.Popen(
        [sys.executable, "-m", "central.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_healthz(url, proc)
        answer = requests.get(url + "/api/v1/fields", headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert answer.status_code == 200, answer.text
        assert not (tmp_path / "var").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    # serve says where to go before uvicorn's lines: the dashboard's and the API's addresses, the database
    first = proc.stdout.read().decode("utf-8").splitlines()[0]
    assert first.startswith(f"motcua-central: serving {url} (dashboard {url}/admin/, API {url}/api/v1/)"), first
    assert str(db) in first


def test_serve_with_a_bad_central_ini_names_every_problem_and_starts_nothing(tmp_path):
    """The server's config is checked like a device's: file, key, value and what is allowed, all at once."""
    env = dict(
        os.environ,
        MOTCUA_DB=str(tmp_path / "office.db"),
        HOME=str(tmp_path),
        PYTHONPATH=str(ROOT),
        MOTCUA_MAX_IN_FLIGHT="lots",
    )
    cli("init", env=env)
    ini = tmp_path / "central.ini"
    ini.write_text("[server]\nbody_timeout = 0\nlookup_mises_per_minute = 5\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "central.cli", "serve", "--port", "1", "--config", str(ini)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert f'{ini} [server] body_timeout = "0": expected a whole number of at least 1' in proc.stderr
    assert (
        f'{ini} [server] lookup_mises_per_minute: unknown key; did you mean "lookup_misses_per_minute"?' in proc.stderr
    )
    assert 'environment MOTCUA_MAX_IN_FLIGHT ([server] max_in_flight) = "lots"' in proc.stderr
