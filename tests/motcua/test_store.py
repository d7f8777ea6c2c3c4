"""The local store: durability pragmas, recorded migrations, recovery from a damaged file."""

import json
import os
import sqlite3

from motcua.outbox import Outbox
from motcua.store import migrations, open_store, recoveries


def test_store_uses_wal_full_sync_and_records_migrations(tmp_path):
    db = open_store(tmp_path / "device" / "motcua.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    applied = [m.name for m in migrations.applied(db)]
    assert applied == ["m001_outbox", "m002_catalogue", "m003_outbox_privacy", "m004_missed_searches"]
    db.close()
    db = open_store(tmp_path / "device" / "motcua.db")  # second open applies nothing new
    assert [m.name for m in migrations.applied(db)] == applied
    assert db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == len(applied)


def _fill(path, ratings=20, filler=3000):
    ob = Outbox.open(path)
    ids = [ob.put("rating", {"score": 3, "office": "X", "n": i}) for i in range(ratings)]
    ob.db.execute("UPDATE outbox SET state = 'sent' WHERE seq <= 5")
    ob.db.conn.commit()
    with ob.db.atomic():
        for i in range(filler):
            ob.db.execute("INSERT INTO cache (key, value, fetched_at) VALUES (?, ?, 0)", [f"k{i}", "x" * 300])
    ob.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ob.db.close()
    return ids


def test_damaged_pages_are_moved_aside_and_readable_outbox_rows_kept(tmp_path):
    path = tmp_path / "motcua.db"
    ids = _fill(path)
    size = path.stat().st_size
    with open(path, "r+b") as fh:  # garbage over the last third of the file (the cache pages)
        fh.seek(size * 2 // 3)
        fh.write(os.urandom(size - size * 2 // 3))
    ob = Outbox.open(path)
    assert ob.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert sorted(r[0] for r in ob.db.execute("SELECT id FROM outbox")) == sorted(ids)
    assert ob.pending() == 15 and ob.counts()["sent"] == 5
    [event] = recoveries(ob.db)
    assert event["outbox_rows_kept"] == 20 and os.path.exists(event["moved_to"])
    assert ob.db.execute("SELECT count(*) FROM cache").fetchone()[0] == 0  # catalogue re-syncs
    new_id = ob.put("rating", {"score": 1, "office": "X"})
    assert ob.get(new_id)["device_seq"] == 21  # continues above every number still readable


def test_file_that_is_not_a_database_starts_fresh_instead_of_crash_looping(tmp_path):
    path = tmp_path / "motcua.db"
    _fill(path)
    with open(path, "r+b") as fh:
        fh.write(b"this is not sqlite" * 10)
    ob = Outbox.open(path)
    assert ob.pending() == 0
    ob.put("rating", {"score": 2, "office": "X"})
    assert ob.pending() == 1
    assert len([p for p in os.listdir(tmp_path) if ".broken-" in p]) >= 1
    assert recoveries(ob.db)[0]["outbox_rows_kept"] == 0
    ob.db.close()
    assert Outbox.open(path).pending() == 1  # and the next start is a normal one


def test_recovered_sending_rows_go_back_to_pending(tmp_path):
    path = tmp_path / "motcua.db"
    ob = Outbox.open(path)
    ob.put("rating", {"score": 3, "office": "X"})
    key, items = ob.next_batch()
    ob.db.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT state, batch_key FROM outbox").fetchone() == ("sending", key)
    conn.close()
    ob = Outbox.open(path)
    assert ob.next_batch() == (key, items)  # same batch, same Idempotency-Key
    assert json.loads(ob.db.execute("SELECT payload FROM outbox").fetchone()[0])["id"] == items[0]["id"]


def test_an_in_memory_store_leaves_no_lock_file_behind(tmp_path, monkeypatch):
    # It created ":memory:.lock" in whatever folder the process ran from.
    monkeypatch.chdir(tmp_path)
    db = open_store(":memory:")
    assert {"outbox", "device_state"} <= set(db.table_names())
    assert list(tmp_path.iterdir()) == []
