"""The tablet against the real server: heartbeat figures, a dossier rated on two tablets, officer log, full disk."""

import sqlite3

from motcua.client import Heartbeat
from rating.settings import load as load_config
from rating.flow import Notice, Step
from rating.services import TabletServices
from tests.support.tablet_setup import LAN_PIN, add_officers, export_ratings, write_config

DOSSIER = "000.00.31.H29-251103-0007"


def tablet(tmp_path, server, ids, counter=1, **rating):
    """A tablet of its own (own folder, own device token) with Lan signed in."""
    folder = tmp_path / f"tablet{counter}"
    folder.mkdir()
    cfg = load_config(
        write_config(
            folder, server, server.device_token(counter=counter), counter=counter, cooldown_seconds=0, **rating
        )
    )
    services = TabletServices(cfg)
    services.refresh_staff()
    assert services.duty.sign_in(ids["lan"], LAN_PIN)
    return services


def rate(services, score, dossier=None):
    flow = services.flow
    flow.reset()  # the previous citizen's thank-you screen has gone
    if dossier:
        assert flow.scan(dossier)
    else:
        assert flow.start(), flow.notice
    flow.choose(score)
    if flow.step == Step.REASONS:
        flow.skip_reasons()
    if flow.step == Step.DOSSIER:
        flow.skip_dossier()
    return flow.step


def device_row(server, device_id):
    with sqlite3.connect(server.db_url) as conn:
        conn.row_factory = sqlite3.Row
        return dict(conn.execute("SELECT * FROM devices WHERE id = ?", [device_id]).fetchone())


def test_heartbeat_carries_pending_count_and_oldest_pending_age(tmp_path, server):
    ids = add_officers(server)
    services = tablet(tmp_path, server, ids, dossier_link="no")
    for score in (3, 2):
        assert rate(services, score) == Step.THANKS
    # the first rating has waited two minutes (the server was away)
    services.outbox.db.execute("UPDATE outbox SET created_at = created_at - 120 WHERE seq = 1")
    Heartbeat(services.client, services.heartbeat_body).beat()
    listed = [line.split("\t") for line in server.cli("device", "list").splitlines()[1:]]
    [row] = [r for r in listed if r[1] == "rating"]
    assert row[5] == "active" and row[7] == "0.1.0" and row[8] == "2"
    stored = device_row(server, int(row[0]))
    assert 120 <= stored["oldest_pending_age_s"] <= 130 and stored["pending"] == 2
    assert stored["errors"] == "[]" and stored["app"] == "rating"
    services.drain_once()
    Heartbeat(services.client, services.heartbeat_body).beat()
    stored = device_row(server, int(row[0]))
    assert stored["pending"] == 0 and stored["oldest_pending_age_s"] is None
    assert stored["last_sync_at"] is not None


def test_a_dossier_rated_on_two_tablets_is_quarantined_once_on_the_second(tmp_path, server):
    ids = add_officers(server)
    first = tablet(tmp_path, server, ids, counter=1)
    second = tablet(tmp_path, server, ids, counter=2)
    assert rate(first, 3, DOSSIER) == Step.THANKS
    assert rate(second, 1, DOSSIER) == Step.THANKS  # each tablet only knows its own ratings
    assert first.drain_once()["delivered"] == 1
    result = second.drain_once()
    assert result["delivered"] == 0 and result["quarantined"] == 1 and result["error"] is None
    [held] = second.outbox.quarantined()
    assert "already_rated" in held["reason"] and held["payload"]["dossier_code"] == DOSSIER
    status = second.admin_status()
    assert status["quarantined"] == 1 and status["pending"] == 0
    # not retried forever: later syncs send nothing and the item was sent exactly once
    for _ in range(3):
        assert second.drain_once()["batches"] == 0
    assert second.outbox.get(held["id"])["attempts"] == 1
    rows = export_ratings(server)
    assert [(r["dossier_code"], r["score"]) for r in rows] == [(DOSSIER, "3")]


def test_officer_changes_are_logged_by_id_and_outlive_a_restart(tmp_path, server, caplog):
    ids = add_officers(server)
    caplog.set_level("INFO")
    services = tablet(tmp_path, server, ids, dossier_link="no")
    assert services.duty.sign_in(ids["binh"], "8642")
    services.duty.sign_out()
    changes = services.officer_changes()
    assert [(c["from_staff_id"], c["to_staff_id"], c["how"]) for c in changes] == [
        (None, ids["lan"], "pin"),
        (ids["lan"], ids["binh"], "pin"),
        (ids["binh"], None, "sign_out"),
    ]
    assert all(c["at"] and c["counter"] == 1 for c in changes)
    text = caplog.text + repr(changes)
    assert LAN_PIN not in text and "8642" not in text and "Nguyễn Thị Lan" not in repr(changes)
    services.duty.sign_in(ids["lan"], LAN_PIN)
    restarted = TabletServices(services.cfg)  # the officer on duty comes back after a restart
    assert restarted.flow.officer["id"] == ids["lan"]
    assert restarted.officer_changes()[-1]["how"] == "restart"


def fill_the_disk(services):
    """Caps the outbox file at its current size, as a full disk would (SQLite: 'database or disk is full')."""
    db = services.outbox.db
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")


def test_a_full_disk_refuses_politely_keeps_what_is_stored_and_resumes(tmp_path, server):
    ids = add_officers(server)
    services = tablet(tmp_path, server, ids, dossier_link="no", thanks_seconds=1)
    assert rate(services, 3) == Step.THANKS
    services.flow.reset()
    before = services.outbox.counts()
    fill_the_disk(services)
    refused = 0
    for _ in range(40):  # the free pages left in the file run out within a few ratings
        services.flow.reset()
        services.flow.start()
        services.flow.choose(2)
        if services.flow.step != Step.THANKS:
            refused += 1
            break
    assert refused, "the capped store kept accepting ratings"
    flow = services.flow
    assert flow.step == Step.RATE and flow.notice == Notice.NOT_SAVED  # no thank-you
    from rating.texts import text

    polite = text("not_saved")
    assert "full" not in polite and "Error" not in polite and "cán bộ" in polite
    status = services.admin_status()
    assert "database or disk is full" in status["last_error"]
    assert any("disk is full" in e for e in services.heartbeat_body()["errors"])
    stored = services.outbox.counts()["pending"]
    assert stored >= before["pending"]
    # space returns: the same citizen taps again and it is recorded; the error clears
    services.outbox.db.execute("PRAGMA max_page_count = 1073741823")
    flow.choose(2)
    assert flow.step == Step.THANKS
    assert services.storage_error is None
    assert services.outbox.counts()["pending"] == stored + 1
    services.drain_once()
    rows = export_ratings(server)
    assert len(rows) == stored + 1 and len({r["id"] for r in rows}) == len(rows)


def test_a_failed_write_leaves_no_half_rating_and_no_gap_in_device_seq(tmp_path, server):
    ids = add_officers(server)
    services = tablet(tmp_path, server, ids, dossier_link="no")
    fill_the_disk(services)
    for _ in range(40):
        services.flow.reset()
        services.flow.start()
        services.flow.choose(3)
        if services.flow.step != Step.THANKS:
            break
    assert services.flow.notice == Notice.NOT_SAVED
    rows = services.outbox._read("SELECT seq FROM outbox ORDER BY seq")
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))  # no gap, no half-written item
    services.outbox.db.execute("PRAGMA max_page_count = 1073741823")
    services.flow.choose(3)
    assert services.outbox._read("SELECT max(seq) FROM outbox")[0][0] == len(rows) + 1
