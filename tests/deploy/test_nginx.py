"""deploy/nginx/motcua.conf, run by a real nginx in front of two central servers on one PostgreSQL:
TLS, HTTP redirected, requests spread over both, one server stopped and nothing lost, codes kept out of logs."""

import glob
import re
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.support.pg import free_port
from tests.support.server import wait_for_healthz

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "motcua.conf"
NAME = "motcua.phuoclong.example.vn"


def nginx_binary(cache: Path) -> str:
    """The machine's nginx, else Debian's nginx package unpacked (not installed, no service started)."""
    found = shutil.which("nginx") or (Path("/usr/sbin/nginx").exists() and "/usr/sbin/nginx")
    if found:
        return found
    unpacked = glob.glob("/tmp/motcua-nginx-deb/usr/sbin/nginx")
    if unpacked:
        return unpacked[0]
    cache.mkdir(parents=True, exist_ok=True)
    got = subprocess.run(["apt-get", "download", "nginx"], cwd=cache, capture_output=True, text=True, timeout=120)
    debs = list(cache.glob("nginx_*.deb"))
    if got.returncode != 0 or not debs:
        pytest.fail(f"nginx is not installed and Debian's nginx package could not be fetched: {got.stderr[-500:]}")
    subprocess.run(["dpkg", "-x", str(debs[0]), "/tmp/motcua-nginx-deb"], check=True, timeout=60)
    return "/tmp/motcua-nginx-deb/usr/sbin/nginx"


def certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={NAME}",
            "-addext",
            f"subjectAltName=DNS:{NAME},IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def site_for_test(folder: Path, ports: list[int], https: int, http: int, cert: Path, key: Path) -> str:
    """The shipped file with only addresses and paths changed: ports, certificate, logs."""
    site = SITE.read_text()
    site = site.replace("127.0.0.1:8001", f"127.0.0.1:{ports[0]}").replace("127.0.0.1:8002", f"127.0.0.1:{ports[1]}")
    site = re.sub(r"listen \[::\]:\d+[^;]*;", "", site)
    site = site.replace("listen 443 ssl", f"listen 127.0.0.1:{https} ssl").replace(
        "listen 80;", f"listen 127.0.0.1:{http};"
    )
    site = site.replace(f"/etc/letsencrypt/live/{NAME}/fullchain.pem", str(cert))
    site = site.replace(f"/etc/letsencrypt/live/{NAME}/privkey.pem", str(key))
    site = site.replace("/var/log/nginx/", f"{folder}/").replace("/var/www/html", str(folder))
    return site


@pytest.fixture
def lobby_behind_nginx(postgres, launch_server, tmp_path):
    db = postgres.create_database(f"nginx_{uuid.uuid4().hex[:8]}")
    servers = [launch_server(db), launch_server(db)]
    cert, key = certificate(tmp_path)
    https, http = free_port(), free_port()
    (tmp_path / "site.conf").write_text(site_for_test(tmp_path, [s.port for s in servers], https, http, cert, key))
    temp = tmp_path / "temp"
    temp.mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"worker_processes 1;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events { worker_connections 256; }\nhttp {\n"
        + "".join(
            f"  {kind}_temp_path {temp}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {tmp_path}/site.conf;\n}}\n"
    )
    nginx = nginx_binary(tmp_path / "deb")
    base = [nginx, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(tmp_path / "nginx.conf")]
    checked = subprocess.run(base + ["-t"], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    proc = subprocess.Popen(base + ["-g", "daemon off;"], stderr=subprocess.PIPE, text=True)
    wait_for_healthz(f"https://127.0.0.1:{https}", proc, 15, log=(tmp_path / "error.log").read_text, verify=str(cert))
    yield {
        "url": f"https://127.0.0.1:{https}",
        "http": f"http://127.0.0.1:{http}",
        "cert": str(cert),
        "servers": servers,
        "db": db,
        "log": tmp_path / "motcua-access.log",
    }
    proc.terminate()
    proc.wait(timeout=10)


def test_two_servers_behind_nginx_share_the_work_and_survive_losing_one(lobby_behind_nginx):
    lobby = lobby_behind_nginx
    first = lobby["servers"][0]
    token = first.device_token("rating", office="XA-PHUOCLONG", counter=1)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    session.request = lambda method, url, **kw: requests.Session.request(
        session, method, url, verify=lobby["cert"], **kw
    )

    health = session.get(lobby["url"] + "/healthz", timeout=10)
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    redirect = requests.get(lobby["http"] + "/api/v1/fields", allow_redirects=False, timeout=10)
    assert redirect.status_code == 301 and redirect.headers["Location"].startswith("https://127.0.0.1")

    sent = []

    def send(seq):
        item = {
            "id": str(uuid.uuid4()),
            "device_seq": seq,
            "created_at": "2026-11-22T08:00:00+07:00",
            "office": "XA-PHUOCLONG",
            "counter": 1,
            "staff_id": None,
            "scale": 3,
            "score": 3,
            "reasons": [],
            "comment": None,
            "dossier_code": None,
        }
        r = session.post(
            lobby["url"] + "/api/v1/ratings",
            json={"ratings": [item]},
            headers={"Idempotency-Key": str(uuid.uuid4())},
            timeout=15,
        )
        assert r.status_code == 200 and r.json()["results"][0]["status"] == "accepted", r.text
        sent.append(item["id"])

    for seq in range(1, 21):
        send(seq)
    first.stop()  # one server process gone (crash, upgrade): the lobby does not notice
    for seq in range(21, 31):
        send(seq)
    assert session.get(lobby["url"] + "/api/v1/fields", timeout=10).status_code == 200

    engine = create_engine("postgresql+psycopg://" + lobby["db"].split("://", 1)[1])
    with engine.connect() as conn:
        stored = [r[0] for r in conn.execute(text("SELECT id FROM ratings"))]
    engine.dispose()
    assert sorted(stored) == sorted(sent)  # every rating once, none twice

    log = lobby["log"].read_text()
    upstreams = set(re.findall(r"upstream=127\.0\.0\.1:(\d+)", log))
    assert upstreams >= {str(s.port) for s in lobby["servers"]}, log[-2000:]


def test_access_log_keeps_dossier_codes_out(lobby_behind_nginx):
    lobby = lobby_behind_nginx
    token = lobby["servers"][0].device_token("kiosk", office="XA-PHUOCLONG", counter=None)
    r = requests.get(
        lobby["url"] + "/api/v1/dossiers/000.00.31.H29-251103-0007",
        verify=lobby["cert"],
        headers={"Authorization": f"Bearer {token}", "X-Lookup-Secret": "ABC123"},
        timeout=10,
    )
    assert r.status_code == 404 and r.json()["error"]["code"]
    time.sleep(0.2)
    log = lobby["log"].read_text()
    assert "/api/v1/dossiers/{code}" in log
    assert "251103-0007" not in log and "ABC123" not in log


def test_stalled_uploads_through_nginx_keep_no_device_out_and_are_closed_after_10_s(lobby_behind_nginx):
    """Slow-body attack on the documented configuration: nginx holds the stalled clients itself
    (request buffering) and hangs up on them after client_body_timeout (10 s; its default is 60 s)."""
    import ssl

    from tests.support.slowbody import outcome, stall

    lobby = lobby_behind_nginx
    token = lobby["servers"][0].device_token("rating", office="XA-PHUOCLONG", counter=1)
    https = int(lobby["url"].rsplit(":", 1)[1])
    tls = ssl.create_default_context(cafile=lobby["cert"])
    tls.set_alpn_protocols(["http/1.1"])
    opened = time.monotonic()
    stalled = [stall(https, None, tls, host="127.0.0.1") for _ in range(130)]
    time.sleep(0.5)
    item = {
        "id": str(uuid.uuid4()),
        "device_seq": 1,
        "created_at": "2026-11-22T08:00:00+07:00",
        "office": "XA-PHUOCLONG",
        "counter": 1,
        "score": 3,
    }
    started = time.monotonic()
    r = requests.post(
        lobby["url"] + "/api/v1/ratings",
        json={"ratings": [item]},
        verify=lobby["cert"],
        timeout=10,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
    )
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "accepted", r.text
    assert time.monotonic() - started < 3
    answers = [outcome(s, opened + 10 + 4) for s in stalled]
    assert all(closed for _, closed in answers), sum(1 for _, closed in answers if not closed)
