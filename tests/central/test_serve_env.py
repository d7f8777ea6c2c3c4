"""`motcua-central serve` finds its database in MOTCUA_DB like every other command (systemd units rely on it)."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def cli(*args, env):
    return subprocess.run([sys.executable, "-m", "central.cli", *args], cwd=env["HOME"], env=env,
                          capture_output=True, text=True, check=True).stdout


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
    proc = subprocess.Popen([sys.executable, "-m", "central.cli", "serve", "--host", "127.0.0.1",
                             "--port", str(port)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            assert proc.poll() is None, proc.stdout.read().decode()
            try:
                if requests.get(url + "/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.05)
        answer = requests.get(url + "/api/v1/fields", headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert answer.status_code == 200, answer.text
        assert not (tmp_path / "var").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
