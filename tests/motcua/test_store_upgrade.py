"""A new app version opens a tablet's store made by the first schema and keeps every pending rating."""

import json
import time
import uuid

from sqlite_utils.migrations import Migrations

from motcua import store
from motcua.outbox import Outbox


def make_first_version_store(path, ratings):
    """The store as the first released version left it: outbox schema only, ratings pending or mid-send."""
    first = Migrations(store.migrations.name)
    first()(store.m001_outbox)
    db = store.connect(path)
    first.apply(db)
    with db.conn:
        for seq, (rating, state) in enumerate(ratings, 1):
            payload = dict(rating, id=str(uuid.uuid4()), device_seq=seq)
            db.execute(
                "INSERT INTO outbox (id, seq, kind, payload, state, created_at, batch_key) "
                "VALUES (?, ?, 'rating', ?, ?, ?, ?)",
                [
                    payload["id"],
                    seq,
                    json.dumps(payload, ensure_ascii=False),
                    state,
                    time.time() - 3600,
                    str(uuid.uuid4()) if state == "sending" else None,
                ],
            )
        store.set_state(db, "device_seq", len(ratings))
    db.close()


def test_new_version_keeps_pending_ratings_of_a_first_version_store(tmp_path):
    path = tmp_path / "rating.db"
    old = [
        (
            {
                "office": "XA-PHUOCLONG",
                "counter": 1,
                "staff_id": 5,
                "scale": 3,
                "score": 1,
                "reasons": ["cho_lau"],
                "comment": "Chờ lâu quá, cán bộ hướng dẫn chưa rõ",
            },
            "pending",
        ),
        ({"office": "XA-PHUOCLONG", "counter": 1, "staff_id": 5, "scale": 3, "score": 3, "reasons": []}, "sending"),
        (
            {
                "office": "XA-PHUOCLONG",
                "counter": 1,
                "staff_id": 5,
                "scale": 3,
                "score": 2,
                "reasons": [],
                "dossier_code": "000.00.31.H29-251103-0007",
            },
            "pending",
        ),
    ]
    make_first_version_store(path, old)
    before = {r[0]: r[1] for r in store.connect(path).execute("SELECT id, payload FROM outbox").fetchall()}

    outbox = Outbox.open(path)  # the current version: migrates, and resumes the row left mid-send

    applied = {m.name for m in store.migrations.applied(outbox.db)}
    assert {"m001_outbox", "m002_catalogue"} <= applied
    assert outbox.pending() == 3
    after = {r[0]: r[1] for r in outbox.db.execute("SELECT id, payload FROM outbox").fetchall()}
    assert after == before  # ids, sequence numbers and Vietnamese text unchanged, byte for byte
    assert outbox.db.execute("SELECT count(*) FROM outbox WHERE state = 'sending'").fetchone()[0] == 0
    new_id = outbox.put(
        "rating", {"office": "XA-PHUOCLONG", "counter": 1, "staff_id": 5, "scale": 3, "score": 3, "reasons": []}
    )
    assert outbox.get(new_id)["payload"]["device_seq"] == 4  # the sequence goes on, never reused
    assert outbox.pending() == 4
