"""The tablet's services and commands against the real central server: outbox, staff, sync, status."""

import subprocess
import sys
from pathlib import Path

from rating.settings import load as load_config
from rating.__main__ import main
from rating.flow import Step
from rating.services import TabletServices
from tests.support.tablet_setup import LAN_PHOTO, LAN_PIN, add_officers, export_ratings, write_config

ROOT = Path(__file__).resolve().parents[2]


def make_services(tmp_path, server, **rating):
    ids = add_officers(server)
    cfg = load_config(write_config(tmp_path, server, server.device_token(counter=1), **rating))
    services = TabletServices(cfg)
    services.refresh_staff()
    return services, ids


def test_staff_list_is_fetched_and_kept_for_offline_sign_in(tmp_path, server):
    services, ids = make_services(tmp_path, server)
    names = [o["name"] for o in services.duty.officers()]
    assert names[0] == "Nguyễn Thị Lan" and "Trần Văn Bình" in names
    server.stop()
    offline = TabletServices(load_config(tmp_path / "rating.ini"))
    offline.refresh_staff()  # server down: the cached list stays
    assert not offline.duty.sign_in(ids["lan"], "0000")
    assert offline.duty.sign_in(ids["lan"], LAN_PIN)
    assert offline.flow.officer["id"] == ids["lan"]
    # the photo comes from the core's cache in the store, byte for byte, with the server down
    assert offline.officer_photo(offline.flow.officer) == LAN_PHOTO.read_bytes()
    assert offline.officer_photo(offline.duty.find(ids["binh"])) is None


def test_the_staff_cache_is_the_cores_catalogue(tmp_path, shared_server):
    from motcua.catalogue import Catalogue
    from motcua.store import open_store

    services, ids = make_services(tmp_path, shared_server)
    services.stop()
    cached = Catalogue(open_store(tmp_path / "data" / "rating.db")).staff("XA-PHUOCLONG")
    assert {o["id"] for o in cached} == {ids["lan"], ids["binh"]}


def test_a_rating_reaches_the_server_once_through_the_sync_command(tmp_path, server, capsys):
    services, ids = make_services(tmp_path, server, dossier_link="no")
    services.duty.sign_in(ids["lan"], LAN_PIN)
    flow = services.flow
    flow.start()
    flow.choose(3)
    assert flow.step == Step.THANKS and services.outbox.pending() == 1
    assert main(["sync", "--config", str(tmp_path / "rating.ini")]) == 0
    assert "sent 1, pending 0" in capsys.readouterr().out
    assert main(["sync", "--config", str(tmp_path / "rating.ini")]) == 0
    rows = export_ratings(server)
    assert len(rows) == 1
    assert rows[0]["staff_id"] == str(ids["lan"]) and rows[0]["score"] == "3" and rows[0]["counter"] == "1"


def test_status_command_prints_pending_and_quarantined(tmp_path, shared_server):
    services, ids = make_services(tmp_path, shared_server, dossier_link="no")
    services.duty.sign_in(ids["lan"], LAN_PIN)
    services.flow.start()
    services.flow.choose(2)
    proc = subprocess.run(
        [sys.executable, "-m", "rating", "status", "--config", str(tmp_path / "rating.ini")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "pending: 1" in proc.stdout and "quarantined: 0" in proc.stdout and "last sync: never" in proc.stdout


def test_sync_command_with_the_server_down_keeps_the_rating(tmp_path, server, capsys):
    services, ids = make_services(tmp_path, server, dossier_link="no")
    services.duty.sign_in(ids["lan"], LAN_PIN)
    services.flow.start()
    services.flow.choose(1)
    services.flow.submit_reasons()
    server.stop()
    assert main(["sync", "--config", str(tmp_path / "rating.ini")]) == 1
    assert "pending 1" in capsys.readouterr().out
    server.start()
    assert main(["sync", "--config", str(tmp_path / "rating.ini")]) == 0
    assert len(export_ratings(server)) == 1


def test_a_bad_config_names_the_key(tmp_path, capsys):
    bad = tmp_path / "rating.ini"
    bad.write_text("[rating]\nscale = 7\ncooldwn_seconds = 3\n", encoding="utf-8")
    try:
        main(["status", "--config", str(bad)])
    except SystemExit as exc:
        text = str(exc)
    assert "[rating] scale" in text and "cooldwn_seconds" in text and "cooldown_seconds" in text


def test_a_restart_command_from_the_server_stops_the_app_with_the_restart_exit_code(tmp_path, shared_server):
    from motcua.client import RESTART_EXIT_CODE, Heartbeat

    services, _ids = make_services(tmp_path, shared_server)
    stopped = []
    services.request_exit = lambda: stopped.append(True)
    device_id = shared_server.cli("device", "list").strip().splitlines()[-1].split("\t")[0]
    shared_server.cli("device", "command", device_id, "restart")
    commands = Heartbeat(services.client, services.heartbeat_body, on_commands=services.commands).beat()
    assert [c["name"] for c in commands] == ["restart"]
    assert stopped == [True] and services.exit_code == RESTART_EXIT_CODE == 75


def test_reload_config_from_the_server_applies_the_new_file_live(tmp_path, shared_server):
    from motcua.client import Heartbeat

    services, _ids = make_services(tmp_path, shared_server)
    beat = Heartbeat(services.client, services.heartbeat_body, on_commands=services.commands)
    device_id = shared_server.cli("device", "list").strip().splitlines()[-1].split("\t")[0]
    ini = tmp_path / "rating.ini"
    text = ini.read_text(encoding="utf-8")
    ini.write_text(
        text.replace("cooldown_seconds = 20", "cooldown_seconds = 45")
        .replace("office_name = Trung tâm", "office_name = Bộ phận Một cửa -")
        .replace("timeout_seconds = 2", "timeout_seconds = 3"),
        encoding="utf-8",
    )
    shared_server.cli("device", "command", device_id, "reload_config")
    assert [c["name"] for c in beat.beat()] == ["reload_config"]
    assert services.flow.settings.cooldown_s == 45  # the flow's rules, live
    assert services.office_name.startswith("Bộ phận Một cửa -")
    assert services.cfg.server.timeout_seconds == 2  # kept until a restart...
    assert "reload_config: [server] timeout_seconds takes effect after a restart" in services.heartbeat_body()["errors"]
    ini.write_text(
        ini.read_text(encoding="utf-8").replace("cooldown_seconds = 45", "cooldown_seconds = -1"), encoding="utf-8"
    )
    shared_server.cli("device", "command", device_id, "reload_config")
    beat.beat()
    assert services.flow.settings.cooldown_s == 45  # a bad file changes nothing...
    assert any("cooldown_seconds" in e for e in services.heartbeat_body()["errors"])  # ...and says why


def test_an_officer_change_from_another_thread_is_its_own_write_not_part_of_a_rolled_back_tap(tmp_path, shared_server):
    """The staff refresh puts the configured officer on duty from its own thread. Its writes go
    through that thread's connection: the old code wrote on the UI thread's connection, inside a tap's
    open write transaction, so a tap that failed took the officer change with it (and a tap that
    started while the other thread's write was open failed with "cannot start a transaction within
    a transaction": a citizen not thanked)."""
    import threading

    services, ids = make_services(tmp_path, shared_server)
    outbox = services.outbox

    class TapFailed(Exception):
        pass

    changed = threading.Thread(target=lambda: services.duty.assign(ids["binh"], "server"))
    try:
        with outbox._write():  # a tap's write transaction on the UI thread ...
            changed.start()
            changed.join(0.5)  # ... the other thread waits for it rather than writing inside it
            raise TapFailed
    except TapFailed:
        pass
    changed.join(20)
    assert not changed.is_alive()
    assert outbox.state("rating_officer_on_duty") == ids["binh"]
    assert services.officer_changes()[-1]["to_staff_id"] == ids["binh"]
    assert not outbox.db.conn.in_transaction
    # and the tap after it is stored
    assert outbox.put("rating", {"score": 3})
    services.stop()


def test_the_officers_to_pick_from_are_in_vietnamese_alphabetical_order(tmp_path, server):
    """Issue 18 item 22: the sign-in list of the tablet, this counter's officers first, each group in
    Vietnamese alphabetical order (the server's list, motcua.text.sort_key), not by code point ("Đ"
    and "Á" after "Z")."""
    add_officers(server)
    for name, counter in (("Đặng Thị Hoa", 1), ("Âu Thị Mai", 1), ("Võ Minh Tâm", 1), ("Bùi Văn Út", 2)):
        server.cli("staff", "add", "--office", "XA-PHUOCLONG", "--name", name, "--counter", str(counter))
    services, _ids = make_services(tmp_path, server)
    names = [o["name"] for o in services.duty.officers()]
    assert names == [
        "Âu Thị Mai",
        "Đặng Thị Hoa",
        "Nguyễn Thị Lan",
        "Võ Minh Tâm",  # counter 1, this tablet's
        "Bùi Văn Út",
        "Trần Văn Bình",
    ], names
