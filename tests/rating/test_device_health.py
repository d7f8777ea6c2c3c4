"""Quarantine is never silent (issue 13 item 3): every heartbeat carries the count, the oldest reason and
a summary without personal data; `device list` and the admin API show it; `retry_quarantined` sends the
items again once the admin fixed the cause."""

import json
import sqlite3
import time
from types import SimpleNamespace

import requests

from kiosk.background import kiosk_heartbeat
from motcua.client import Heartbeat
from rating.settings import load as load_config
from motcua.outbox import iso_time
from rating.services import TabletServices
from tests.support.tablet_setup import LAN_PIN, OFFICE, add_officers, export_ratings, write_config

PHONE, COMMENT = "0901234567", "Cán bộ hướng dẫn tận tình"


def _device(server, device_id) -> dict:
    with sqlite3.connect(server.db_url) as conn:
        conn.row_factory = sqlite3.Row
        return dict(conn.execute("SELECT * FROM devices WHERE id = ?", [device_id]).fetchone())


def _listed(server, device_id) -> list[str]:
    return next(
        line.split("\t")
        for line in server.cli("device", "list").splitlines()[1:]
        if line.split("\t")[0] == str(device_id)
    )


def test_quarantine_is_reported_on_every_beat_listed_without_phones_and_retried_on_command(tmp_path, server):
    ids = add_officers(server)
    out = server.cli("device", "add", "--kind", "rating", "--office", OFFICE, "--counter", "1")
    device_id, token = int(out.split()[1]), out.strip().splitlines()[-1]
    services = TabletServices(load_config(write_config(tmp_path, server, token, dossier_link="no", cooldown_seconds=0)))
    services.refresh_staff()
    assert services.duty.sign_in(ids["lan"], LAN_PIN)
    server.ensure_office("XA-KHAC")
    server.cli("staff", "move", str(ids["lan"]), "--office", "XA-KHAC")  # by mistake
    made_at = iso_time(time.time() + 1)  # after the move
    services.record(
        {
            "office": OFFICE,
            "counter": 1,
            "staff_id": ids["lan"],
            "scale": 3,
            "score": 1,
            "reasons": [],
            "comment": COMMENT,
            "phone": PHONE,
            "created_at": made_at,
        }
    )
    assert services.drain_once()["quarantined"] == 1
    services.record(  # a later rating goes through: the last error is cleared, the quarantine stays
        {
            "office": OFFICE,
            "counter": 1,
            "staff_id": None,
            "scale": 3,
            "score": 3,
            "reasons": [],
            "created_at": iso_time(time.time()),
        }
    )
    assert services.drain_once()["delivered"] == 1 and services.admin_status()["last_error"] is None

    beat = Heartbeat(services.client, services.heartbeat_body, on_commands=services.commands)
    assert beat.beat() == []
    row = _device(server, device_id)
    assert row["quarantined"] == 1 and row["quarantine_reason"] == "rejected: unknown_staff"
    [item] = json.loads(row["quarantine_items"])
    assert item["device_seq"] == 1 and item["score"] == 1 and item["reason"] == "rejected: unknown_staff"
    assert item["created_at"] == made_at
    assert PHONE not in json.dumps(row, default=str) and COMMENT not in json.dumps(row, default=str)
    listed = _listed(server, device_id)
    assert listed[9:11] == ["1", "rejected: unknown_staff"]
    shown = server.cli("device", "quarantined", str(device_id))
    assert "1 items refused by the server" in shown and item["id"] in shown and PHONE not in shown
    listing = requests.get(
        server.url + "/api/v1/admin/devices", timeout=15, headers={"Authorization": f"Bearer {server.admin_token()}"}
    ).json()["items"]
    [me] = [d for d in listing if d["id"] == device_id]
    assert (me["quarantined"], me["quarantine_reason"], me["quarantined_items"]) == (1, item["reason"], [item])

    # The admin fixes the officer's office, then asks the tablet to send the item again.
    server.cli("staff", "move", str(ids["lan"]), "--office", OFFICE)
    assert "queued" in server.cli("device", "command", str(device_id), "retry_quarantined")
    assert [c["name"] for c in beat.beat()] == ["retry_quarantined"]
    assert services.outbox.quarantined() == [] and services.outbox.pending() == 1
    assert services.drain_once()["delivered"] == 1
    beat.beat()
    row = _device(server, device_id)
    assert row["quarantined"] == 0 and row["quarantine_reason"] is None and row["quarantine_items"] == "[]"
    assert _listed(server, device_id)[9:11] == ["0", "-"]
    scores = sorted((r["staff_id"], r["score"]) for r in export_ratings(server))
    assert scores == [("", "3"), (str(ids["lan"]), "1")]


def test_the_admin_screen_retry_and_the_kiosk_beat_share_the_shape(tmp_path, server):
    ids = add_officers(server)
    services = TabletServices(
        load_config(write_config(tmp_path, server, server.device_token(counter=1), dossier_link="no"))
    )
    services.outbox.put(
        "rating",
        {
            "office": OFFICE,
            "counter": 1,
            "staff_id": ids["lan"] + 50,
            "scale": 3,
            "score": 2,
            "reasons": [],
            "phone": PHONE,
            "created_at": "2026-11-21T09:15:02+07:00",
        },
    )
    assert services.drain_once()["quarantined"] == 1
    body = services.heartbeat_body()
    assert body["quarantined"] == 1 and body["quarantine_reason"] == "rejected: unknown_staff"
    assert set(body["quarantined_items"][0]) == {"id", "device_seq", "created_at", "reason", "score"}
    assert services.retry_quarantined() == 1  # the admin screen's button
    assert services.outbox.pending() == 1 and services.heartbeat_body()["quarantined"] == 0
    kiosk = kiosk_heartbeat(
        None,
        SimpleNamespace(catalogue=SimpleNamespace(version=lambda: "7")),
        SimpleNamespace(last_error=None, last_sync_at=None),
        "0.1.0",
        60,
    )
    kiosk_body = kiosk.body()
    assert set(kiosk_body) == set(body) and kiosk_body["quarantined"] == 0 and kiosk_body["quarantined_items"] == []
