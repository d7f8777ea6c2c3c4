"""`motcua-kiosk check` and the server's heartbeat commands, against a real central server."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.__main__ import main as kiosk_main
from kiosk.background import CatalogueRefresher, kiosk_heartbeat
from motcua.commands import RESTART_EXIT_CODE, DeviceCommands
from kiosk.services import KioskServices
from motcua.catalogue import Catalogue
from motcua.client import Client
from kiosk.settings import load as load_config
from motcua.store import open_store

OFFICE = "XA-PHUOCLONG"


def write_config(folder: Path, url: str, token: str, office=OFFICE, extra="") -> Path:
    (folder / "kiosk.token").write_text(token + "\n", encoding="utf-8")
    (folder / "kiosk.token").chmod(0o600)
    ini = folder / "kiosk.ini"
    ini.write_text(
        f"[server]\nurl = {url}\ntoken_file = kiosk.token\ntimeout_seconds = 3\n"
        f"[device]\noffice_code = {office}\noffice_name = Xã Phước Long\ndata_dir = data\n"
        f"[display]\nkiosk_mode = no\n{extra}",
        encoding="utf-8",
    )
    return ini


def check(ini, capsys):
    code = kiosk_main(["check", "--config", str(ini)])
    return code, capsys.readouterr().out


def test_check_passes_with_a_good_config(shared_server, tmp_path, capsys):
    ini = write_config(
        tmp_path, shared_server.url, shared_server.device_token(kind="kiosk", office=OFFICE, counter=None)
    )
    code, out = check(ini, capsys)
    assert code == 0, out
    assert "everything works" in out and "PROBLEM" not in out
    assert "the server accepts the device token" in out and "the server knows this office" in out


def test_check_names_a_refused_token_and_what_to_do(shared_server, tmp_path, capsys):
    shared_server.device_token(kind="kiosk", office=OFFICE, counter=None)
    ini = write_config(tmp_path, shared_server.url, "not-a-token-the-server-issued")
    code, out = check(ini, capsys)
    assert code == 1
    assert "the server refused the device token" in out and "ask the admin for a new one" in out
    assert "not-a-token" not in out  # the token itself is never printed


def test_check_says_the_server_cannot_be_reached(server, tmp_path, capsys):
    ini = write_config(tmp_path, server.url, server.device_token(kind="kiosk", office=OFFICE, counter=None))
    server.stop()
    code, out = check(ini, capsys)
    assert code == 1
    assert "cannot reach" in out and "[server] url" in out and str(ini) in out


def test_check_names_every_problem_at_once_as_the_tablet_does(server, tmp_path, capsys):
    ini = write_config(tmp_path, server.url, "")
    server.stop()
    code, out = check(ini, capsys)
    assert code == 1 and "2 problem(s)" in out
    assert "[server] token_file = " in out and "missing or empty" in out and "--kind kiosk" in out
    assert f"[server] url = {server.url}: cannot reach the server" in out


def test_check_names_a_bad_key_and_its_file(tmp_path, capsys):
    ini = write_config(tmp_path, "http://127.0.0.1:9", "x", extra="[kiosk]\nidle_seconds = soon\n")
    code, out = check(ini, capsys)
    assert code == 1
    assert "idle_seconds" in out and str(ini) in out


def test_check_names_an_office_the_server_does_not_know(shared_server, tmp_path, capsys):
    token = shared_server.device_token(kind="kiosk", office=OFFICE, counter=None)
    ini = write_config(tmp_path, shared_server.url, token, office="XA-KHONGCO")
    code, out = check(ini, capsys)
    assert code == 1
    assert "office_code = XA-KHONGCO" in out


@pytest.fixture
def kiosk_device(server, tmp_path):
    """A kiosk registered on a server holding the demo catalogue: (ini, device id, services)."""
    server.cli("seed-demo")
    ini = write_config(tmp_path, server.url, server.device_token(kind="kiosk", office=OFFICE, counter=None))
    rows = [line.split("\t") for line in server.cli("device", "list").splitlines()[1:]]
    device_id = next(r[0] for r in rows if r[1] == "kiosk" and r[5] == "active")
    cfg = load_config(ini)
    client = Client(cfg.server.url, cfg.server.token, timeout=3)
    services = KioskServices(Catalogue(open_store(tmp_path / "kiosk.db")), client, OFFICE)
    return ini, device_id, services


def test_heartbeat_commands_are_carried_out_once(server, kiosk_device):
    ini, device_id, services = kiosk_device
    applied, restarted = [], []
    commands = DeviceCommands(
        sync=services.sync_catalogue, reload=lambda: load_config(ini), apply=applied.append, restart=restarted.append
    )
    heartbeat = kiosk_heartbeat(services.client, services, CatalogueRefresher(services), "test", 60, commands=commands)

    server.cli("device", "command", device_id, "sync_now")
    assert services.fields() == []
    assert [c["name"] for c in heartbeat.beat()] == ["sync_now"]
    assert sum(f["count"] for f in services.fields()) > 0  # the catalogue came down
    assert heartbeat.beat() == []  # delivered once, not again

    text = ini.read_text(encoding="utf-8")
    ini.write_text(text.replace("Xã Phước Long", "Phường Tân Định") + "[kiosk]\nidle_seconds = 120\n", encoding="utf-8")
    server.cli("device", "command", device_id, "reload_config")
    heartbeat.beat()
    assert applied[-1].device.office_name == "Phường Tân Định" and applied[-1].kiosk.idle_seconds == 120

    ini.write_text(ini.read_text(encoding="utf-8").replace("idle_seconds = 120", "idle_seconds = 5"), encoding="utf-8")
    server.cli("device", "command", device_id, "reload_config")
    heartbeat.beat()
    assert len(applied) == 1  # a bad file is not applied...
    errors = heartbeat.body()["errors"]
    assert errors and "idle_seconds" in errors[0]  # ...and the server is told why

    server.cli("device", "command", device_id, "restart")
    heartbeat.beat()
    assert restarted == [RESTART_EXIT_CODE]


def test_heartbeat_after_a_catalogue_sync_is_accepted_and_reports_it(server, kiosk_device):
    _ini, device_id, services = kiosk_device
    refresher = CatalogueRefresher(services)
    heartbeat = kiosk_heartbeat(services.client, services, refresher, "test", 60)
    refresher.run_once()
    assert refresher.last_sync_at is not None
    heartbeat.beat()
    assert heartbeat.last_error is None  # the server accepted the body (ISO time, not a clock number)
    body = heartbeat.body()
    assert body["last_sync_at"].startswith(time.strftime("%Y-"))
    assert body["catalogue_version"] == services.catalogue.version() is not None


def test_sync_then_search_json_from_the_cache_even_with_the_server_stopped(server, kiosk_device):
    """What an admin (or an outside check) sees: `motcua-kiosk sync`, then `search --json`, offline too."""
    ini = kiosk_device[0]
    assert kiosk_main(["sync", "--config", str(ini)]) == 0
    server.stop()

    def search(query):
        out = subprocess.run(
            [sys.executable, "-m", "kiosk", "search", query, "--config", str(ini), "--json"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[2],
        ).stdout
        return json.loads(out)

    hits = search("dang ky khai sinh")
    assert hits[0]["code"] == "1.001193" and hits[0]["name"] == "Đăng ký khai sinh"
    assert {"code", "name", "field", "summary", "score"} <= set(hits[0])
    assert search("cong chung ban sao")[0]["code"] == "2.000815"  # citizens' word for chứng thực
    assert search('"(AND* khai') is not None  # search syntax in the query is harmless


def test_check_names_a_tablets_token_on_a_kiosk(shared_server, tmp_path, capsys):
    """The server answers a kiosk's reads with any device token: the answer's X-Motcua-Device says whose it is."""
    ini = write_config(tmp_path, shared_server.url, shared_server.device_token(kind="rating", office=OFFICE, counter=1))
    code, out = check(ini, capsys)
    assert code == 1, out
    assert "this token was issued for a rating tablet, not a kiosk" in out
    assert "motcua-central device add --kind kiosk" in out and "everything works" not in out


def test_check_names_a_token_file_others_can_read(shared_server, tmp_path, capsys):
    ini = write_config(
        tmp_path, shared_server.url, shared_server.device_token(kind="kiosk", office=OFFICE, counter=None)
    )
    (tmp_path / "kiosk.token").chmod(0o644)
    code, out = check(ini, capsys)
    assert code == 1, out
    assert "other users of this machine can read the token; run: chmod 600" in out
