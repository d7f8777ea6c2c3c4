"""The sync worker and client against the real central server: delivery, quarantine, retries, heartbeat."""

import uuid

import pytest

from motcua.client import Client, Heartbeat, Rejected, ServerUnreachable, parse_retry_after
from motcua.worker import Backoff, SyncWorker


def test_worker_delivers_every_rating_once(tablet):
    ob = tablet.outbox
    ids = {ob.put("rating", tablet.rating(score=s % 3 + 1)) for s in range(1203)}
    result = SyncWorker(ob, tablet.client).drain_once()
    assert result["error"] is None and result["delivered"] == 1203 and result["batches"] == 3
    assert ob.pending() == 0 and ob.status()["last_success_at"]
    stored = tablet.stored()
    assert {r["id"] for r in stored} == ids and len(stored) == 1203
    assert sorted(int(r["device_seq"]) for r in stored) == list(range(1, 1204))


def test_lost_answer_resend_with_same_key_counts_as_delivered(tablet):
    ob = tablet.outbox
    item_id = ob.put("rating", tablet.rating())
    key, items = ob.next_batch()
    tablet.client.post_ratings(items, key)  # stored on the server, but the tablet "never heard back"
    ob.release(key, "connection reset")
    assert SyncWorker(ob, tablet.client).drain_once()["delivered"] == 1
    assert ob.get(item_id)["state"] == "sent"
    assert [r["id"] for r in tablet.stored()] == [item_id]


def test_refused_items_are_quarantined_with_reason_others_delivered(tablet):
    ob = tablet.outbox
    good = ob.put("rating", tablet.rating())
    bad = ob.put("rating", tablet.rating(score=9))
    result = SyncWorker(ob, tablet.client).drain_once()
    assert result["delivered"] == 1 and result["quarantined"] == 1
    [q] = ob.quarantined()
    assert q["id"] == bad and q["reason"].startswith("rejected: invalid:score")
    assert [r["id"] for r in tablet.stored()] == [good]


def test_conflict_same_id_other_content_is_quarantined(tablet):
    first = tablet.rating(id=str(uuid.uuid4()), device_seq=900)
    tablet.client.post_ratings([first], str(uuid.uuid4()))
    tablet.outbox.put("rating", dict(first, score=1))
    SyncWorker(tablet.outbox, tablet.client).drain_once()
    assert tablet.outbox.quarantined()[0]["reason"].startswith("conflict")


def test_server_down_keeps_items_then_delivers_after_restart(tablet):
    ob, server = tablet.outbox, tablet.server
    ids = {ob.put("rating", tablet.rating()) for _ in range(5)}
    server.stop()
    try:
        worker = SyncWorker(ob, tablet.client, backoff_base=2, backoff_cap=60, random=lambda: 1.0)
        assert worker.run_once() == 2 and worker.run_once() == 4  # backoff doubles while down
        assert ob.pending() == 5 and "POST /api/v1/ratings" in ob.status()["last_error"]
    finally:
        server.start()
    assert worker.run_once() == worker.interval
    assert {r["id"] for r in tablet.stored()} == ids and ob.status()["last_error"] is None


def test_revoked_token_never_quarantines(tablet):
    tablet.outbox.put("rating", tablet.rating())
    result = SyncWorker(tablet.outbox, Client(tablet.server.url, "not-a-token")).drain_once()
    assert "401" in result["error"] and tablet.outbox.pending() == 1 and tablet.outbox.quarantined() == []


def test_client_errors_are_one_family_and_the_token_stays_hidden(central):
    client = Client(central.url, "secret-token-123", timeout=2)
    with pytest.raises(Rejected) as err:
        client.staff("XA-NONE")
    assert err.value.status == 401
    with pytest.raises(ServerUnreachable):
        Client("http://127.0.0.1:9", "t", timeout=1).procedures()
    assert "secret-token-123" not in repr(client)


def test_backoff_full_jitter_capped_and_honours_retry_after():
    draws = iter([0.5, 0.5, 0.5, 0.5, 0.5, 0.0])
    b = Backoff(base=1, cap=4, random=lambda: next(draws))
    assert [b.next_delay() for _ in range(5)] == [0.5, 1.0, 2.0, 2.0, 2.0]
    assert b.next_delay(retry_after=30) == 30
    b.reset()
    assert b.failures == 0
    assert parse_retry_after("120") == 120 and parse_retry_after("junk") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=lambda: 1445412480 - 60) == 60


def test_heartbeat_reports_status_and_hands_commands_over(tablet):
    device_id = tablet.server.cli("device", "list").strip().splitlines()[-1].split()[0]
    tablet.server.cli("device", "command", device_id, "reload_config")
    got = []
    hb = Heartbeat(
        tablet.client,
        lambda: {
            "app": "rating",
            "version": "0.1.0",
            **tablet.outbox.status(),
            "last_sync_at": None,
            "catalogue_version": None,
            "errors": [],
        },
        on_commands=got.extend,
    )
    commands = hb.beat()
    assert [c["name"] for c in commands] == ["reload_config"] and got == commands
    assert hb.last_error is None
    assert hb.beat() == []  # a command is handed over once
    down = Heartbeat(Client("http://127.0.0.1:9", "t", timeout=1), lambda: {"app": "rating"})
    assert down.beat() == [] and down.last_error
