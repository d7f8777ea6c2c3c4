"""A tablet whose store was lost or damaged between two sessions: every rating recorded after it is counted.

The new store numbers its ratings from what it still knows (nothing, for a deleted file), so the
numbers may already belong to ratings the server holds. The server answers those `seq_taken` with
its highest number; the tablet numbers them again above it and they are stored. The clashes stay
visible on the device's row.
"""

import os

import pytest
import requests
import sqlalchemy as sa

from motcua.client import Heartbeat, heartbeat_body
from motcua.outbox import Outbox
from motcua.worker import SyncWorker
from tests.support.motcua_helpers import Tablet

_office = iter(range(1, 1000))


def _damage(path, how):
    for suffix in ("-wal", "-shm"):
        if os.path.exists(str(path) + suffix):
            os.remove(str(path) + suffix)
    if how == "deleted":  # a re-imaged tablet
        os.remove(path)
    elif how == "zero_length":
        open(path, "wb").close()
    elif how == "not_a_database":
        with open(path, "r+b") as fh:
            fh.write(b"garbage over the header" * 4)
    elif how == "truncated":
        with open(path, "r+b") as fh:
            fh.truncate(os.path.getsize(path) // 3)
    elif how == "garbage_pages":
        size = os.path.getsize(path)
        with open(path, "r+b") as fh:
            fh.seek(4096)
            fh.write(os.urandom(size - 4096))


def _device_row(central, token_office):
    url = central.db_url
    engine = sa.create_engine(url if "://" in url else f"sqlite:///{url}")
    try:
        with engine.connect() as conn:
            return conn.execute(
                sa.text("SELECT max_seq, seq_clashes FROM devices WHERE office_code = :o"), {"o": token_office}
            ).one()
    finally:
        engine.dispose()


def _first_session(central, path):
    tablet = Tablet.register(central, f"XA-LOSS{next(_office):03d}", path)
    before = [tablet.outbox.put("rating", tablet.rating(score=3)) for _ in range(6)]
    assert SyncWorker(tablet.outbox, tablet.client).drain_once()["delivered"] == 6
    tablet.outbox.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    tablet.outbox.db.close()
    return tablet, before


@pytest.mark.parametrize("how", ["deleted", "zero_length", "not_a_database", "truncated", "garbage_pages"])
def test_every_rating_after_a_lost_store_is_accepted(central, tmp_path, how):
    path = tmp_path / "rating.db"
    tablet, before = _first_session(central, path)
    _damage(path, how)
    outbox = Outbox.open(path)
    after = [outbox.put("rating", tablet.rating(score=2)) for _ in range(4)]
    result = SyncWorker(outbox, tablet.client).drain_once()
    assert result["error"] is None and outbox.quarantined() == []
    assert outbox.pending() == 0
    stored = {r["id"] for r in tablet.stored()}
    assert set(before) | set(after) == stored
    max_seq, clashes = _device_row(central, tablet.office)
    assert max_seq == 10 and clashes == result["renumbered"] > 0  # the clashes stay visible
    listed = [line.split("\t") for line in central.cli("device", "list").splitlines()]
    column = listed[0].index("seq_clashes")
    assert [row[column] for row in listed[1:] if row[2] == tablet.office] == [str(clashes)]
    admin = {"Authorization": f"Bearer {central.admin_token()}"}
    shown = requests.get(f"{central.url}/api/v1/admin/devices", headers=admin, timeout=10).json()["items"]
    assert [d["seq_clashes"] for d in shown if d["office"] == tablet.office] == [clashes]
    # sent again the next day, nothing changes: delivered once
    assert SyncWorker(outbox, tablet.client).drain_once()["delivered"] == 0
    assert len(tablet.stored()) == 10


def test_a_heartbeat_tells_a_new_store_where_numbering_continues(central, tmp_path):
    path = tmp_path / "rating.db"
    tablet, before = _first_session(central, path)
    _damage(path, "deleted")
    outbox = Outbox.open(path)
    beat = Heartbeat(
        tablet.client,
        lambda: heartbeat_body("rating", "test"),
        on_answer=lambda answer: outbox.observe_server_seq(answer.get("max_seq")),
    )
    beat.beat()
    item = outbox.get(outbox.put("rating", tablet.rating(score=1)))
    assert item["device_seq"] == 7
    result = SyncWorker(outbox, tablet.client).drain_once()
    assert result["delivered"] == 1 and result["renumbered"] == 0
    assert _device_row(central, tablet.office) == (7, 0)


def test_renumbering_survives_a_crash_and_is_delivered_once(central, tmp_path):
    """The renumbered item is durable: a crash after the answer, a resend under the new number."""
    path = tmp_path / "rating.db"
    tablet, before = _first_session(central, path)
    _damage(path, "deleted")
    outbox = Outbox.open(path)
    rid = outbox.put("rating", tablet.rating(score=3))
    key, items = outbox.next_batch()
    answer = tablet.client.post_ratings(items, key)
    assert answer["results"][0]["reason"] == "seq_taken" and answer["max_seq"] == 6
    assert outbox.settle(key, answer["results"], answer["max_seq"])["renumbered"] == 1
    outbox.db.close()
    outbox = Outbox.open(path)  # the tablet restarts
    key, items = outbox.next_batch()
    assert items[0]["id"] == rid and items[0]["device_seq"] == 7
    tablet.client.post_ratings(items, key)  # the answer is lost
    outbox.db.close()
    outbox = Outbox.open(path)
    assert SyncWorker(outbox, tablet.client).drain_once()["delivered"] == 1
    ids = [r["id"] for r in tablet.stored()]
    assert ids.count(rid) == 1 and len(ids) == 7
