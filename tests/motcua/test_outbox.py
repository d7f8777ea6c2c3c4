"""Outbox behaviour: durable put, ids and device_seq, one rating per dossier, batches and their results."""

import sqlite3
import threading
import time

import pytest
from sqlite_utils import Database

from motcua.outbox import DuplicateItem, Outbox


@pytest.fixture
def ob(tmp_path):
    return Outbox.open(tmp_path / "motcua.db")


def test_put_fills_id_and_device_seq_and_is_visible_to_another_connection(ob, tmp_path):
    a = ob.put("rating", {"score": 3, "office": "X"})
    b = ob.put("rating", {"score": 1, "office": "X"})
    assert ob.get(a)["payload"] == {"score": 3, "office": "X", "id": a, "device_seq": 1}
    assert ob.get(b)["device_seq"] == 2 and a != b
    other = sqlite3.connect(tmp_path / "motcua.db")  # committed, not just buffered
    assert other.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0] == 2
    assert ob.pending() == 2 and ob.quarantined() == []


def test_a_second_rating_of_one_dossier_is_refused_and_stores_nothing(ob):
    ob.put("rating", {"score": 3, "dossier_code": "000.00.31.h29-251103-0007"})
    assert ob.has_dossier(" 000.00.31.H29-251103-0007 ")
    with pytest.raises(DuplicateItem):
        ob.put("rating", {"score": 1, "dossier_code": "000.00.31.H29-251103-0007"})
    assert ob.pending() == 1
    ob.put("rating", {"score": 2})  # no dossier: no limit
    assert ob.counts()["pending"] == 2


def test_unserialisable_payload_is_refused_before_writing(ob):
    with pytest.raises(TypeError):
        ob.put("rating", {"score": object()})
    assert ob.pending() == 0


def test_failed_batch_keeps_its_idempotency_key_and_composition(ob):
    ids = [ob.put("rating", {"score": 3}) for _ in range(3)]
    key, items = ob.next_batch(limit=2)
    assert [i["id"] for i in items] == ids[:2]
    ob.release(key, "HTTP 503")
    ids.append(ob.put("rating", {"score": 3}))
    again_key, again = ob.next_batch(limit=500)
    assert again_key == key and [i["id"] for i in again] == ids[:2]
    assert ob.get(ids[0])["attempts"] == 2
    assert ob.status()["last_error"] == "HTTP 503"


def test_results_settle_each_item(ob):
    ids = [ob.put("rating", {"score": s}) for s in (3, 2, 1, 3, 2)]
    key, _ = ob.next_batch()
    summary = ob.settle(
        key,
        [
            {"id": ids[0], "status": "accepted"},
            {"id": ids[1], "status": "duplicate"},
            {"id": ids[2], "status": "rejected", "reason": "unknown_staff"},
            {"id": ids[3], "status": "conflict", "reason": None},
        ],
    )
    assert summary == {"delivered": 2, "quarantined": 2, "unanswered": 1, "renumbered": 0}
    assert [ob.get(i)["state"] for i in ids] == ["sent", "sent", "quarantined", "quarantined", "pending"]
    assert [(q["id"], q["reason"]) for q in ob.quarantined()] == [
        (ids[2], "rejected: unknown_staff"),
        (ids[3], "conflict: no reason given"),
    ]
    assert ob.get(ids[4])["batch_key"] is None  # goes out again in a new batch
    status = ob.status()
    assert status["pending"] == 1 and status["quarantined"] == 2 and status["last_success_at"]
    assert status["last_error"] is None


def test_status_reports_oldest_pending_age_from_the_clock(tmp_path):
    now = [1_000_000.0]
    ob = Outbox.open(tmp_path / "m.db", clock=lambda: now[0])
    assert ob.status()["oldest_pending_age_s"] is None
    ob.put("rating", {"score": 3})
    now[0] += 42
    ob.put("rating", {"score": 3})
    assert ob.status()["oldest_pending_age_s"] == 42


def test_works_on_an_in_memory_database():
    from motcua.store import migrations

    db = Database(memory=True)
    migrations.apply(db)
    ob = Outbox(db)
    ob.put("rating", {"score": 3})
    assert ob.pending() == 1


def test_tap_path_stays_fast_while_the_sync_thread_writes(ob):
    for _ in range(300):
        ob.put("rating", {"score": 3})
    stop = threading.Event()

    def sync_thread():
        while not stop.is_set():
            key, items = ob.next_batch(limit=50)
            if items:
                ob.settle(key, [{"id": i["id"], "status": "accepted"} for i in items])

    t = threading.Thread(target=sync_thread)
    t.start()
    took = []
    try:
        for _ in range(200):
            t0 = time.perf_counter()
            ob.put("rating", {"score": 2})
            took.append(time.perf_counter() - t0)
    finally:
        stop.set()
        t.join()
    took.sort()
    assert took[int(len(took) * 0.99) - 1] < 0.05, f"p99 {took[-3] * 1000:.1f} ms"
    assert ob.counts()["sent"] + ob.pending() == 500
