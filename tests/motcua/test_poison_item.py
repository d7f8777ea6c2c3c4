"""One item the server keeps failing on (HTTP 500) must not hold back every rating after it.

The real server stands behind the fault proxy, which answers 500 to any batch that holds the marked
item. After a bounded number of tries the tablet halves the batch until that item stands alone, sets
it aside with its reason, delivers the rest, and offers the item again an hour later.
"""

import json
import sqlite3
from urllib.parse import urlparse

from tests.support.faultproxy import FaultProxy
from motcua.client import Client
from motcua.outbox import SERVER_ERROR, SERVER_ERROR_RETRY_S, Outbox
from motcua.worker import SyncWorker
from motcua.worker import SERVER_ERROR_ATTEMPTS


class Clock:
    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self):
        return self.now


def test_an_item_the_server_fails_on_is_isolated_and_the_rest_delivered(tablet, tmp_path):
    up = urlparse(tablet.server.url)
    proxy = FaultProxy((up.hostname, up.port), poison=b"POISON-MARK")
    try:
        clock = Clock()
        outbox = Outbox.open(tmp_path / "poison.db", clock=clock)
        good = [outbox.put("rating", tablet.rating(score=3)) for _ in range(5)]
        bad = outbox.put("rating", tablet.rating(score=1, comment="POISON-MARK"))
        good += [outbox.put("rating", tablet.rating(score=2)) for _ in range(6)]
        worker = SyncWorker(outbox, Client(proxy.url, tablet.token, timeout=5), interval=0, random=lambda: 0)
        drains = 0
        while outbox.pending() and drains < 3 * SERVER_ERROR_ATTEMPTS:
            worker.drain_once()
            drains += 1
        assert outbox.pending() == 0, "the good ratings are still held back"
        [aside] = outbox.quarantined()
        assert aside["id"] == bad and aside["reason"].startswith(SERVER_ERROR)
        assert {r["id"] for r in tablet.stored()} == set(good)
        # An hour later the item is offered again; the server has been fixed meanwhile.
        proxy.poison = None
        clock.now += SERVER_ERROR_RETRY_S + 1
        assert worker.drain_once()["delivered"] == 1
        assert outbox.quarantined() == [] and {r["id"] for r in tablet.stored()} == set(good) | {bad}
    finally:
        proxy.close()


def test_a_server_failing_on_everything_sets_aside_one_item_per_three_drains(tablet, tmp_path):
    """A server broken for every batch is not one bad item: items are set aside slowly (and offered
    again an hour later), never the whole outbox in one go."""
    up = urlparse(tablet.server.url)
    proxy = FaultProxy((up.hostname, up.port), poison=b"POST /api/v1/ratings")
    try:
        outbox = Outbox.open(tmp_path / "down.db")
        for _ in range(8):
            outbox.put("rating", tablet.rating(score=3))
        worker = SyncWorker(outbox, Client(proxy.url, tablet.token, timeout=5), interval=0, random=lambda: 0)
        for _ in range(3 * SERVER_ERROR_ATTEMPTS):
            assert worker.drain_once()["error"]
        assert len(outbox.quarantined()) == 3 and outbox.pending() == 5
    finally:
        proxy.close()


def test_a_delivered_rating_keeps_no_phone_or_comment_on_the_tablet(tablet, tmp_path):
    path = tmp_path / "private.db"
    outbox = Outbox.open(path)
    sent = outbox.put("rating", tablet.rating(score=1, phone="0912345678", comment="gọi lại cho tôi"))
    kept = outbox.put("rating", tablet.rating(score=1, phone="0987654321", comment="chưa gửi"))
    key, items = outbox.next_batch(limit=1)
    outbox.settle(key, tablet.client.post_ratings(items, key)["results"])
    assert "phone" not in outbox.get(sent)["payload"] and "comment" not in outbox.get(sent)["payload"]
    assert outbox.get(kept)["payload"]["phone"] == "0987654321"  # not delivered yet: kept
    server_row = [r for r in tablet.stored() if r["id"] == sent][0]
    assert server_row["score"] == "1"
    outbox.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = path.read_bytes()
    assert b"0912345678" not in raw and "gọi lại cho tôi".encode() not in raw  # overwritten, not just unlinked
    assert b"0987654321" in raw


def test_a_first_version_store_loses_its_delivered_phone_numbers_on_upgrade(tmp_path):
    path = tmp_path / "old.db"
    outbox = Outbox.open(path)
    rid = outbox.put("rating", {"office": "X", "score": 1, "phone": "0912345678", "comment": "x"})
    outbox.db.execute("UPDATE outbox SET state = 'sent'")
    outbox.db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm003_outbox_privacy'")
    outbox.db.execute("ALTER TABLE outbox DROP COLUMN quarantined_at")
    outbox.db.conn.commit()
    outbox.db.close()
    outbox = Outbox.open(path)
    assert outbox.get(rid)["payload"] == {"office": "X", "score": 1, "id": rid, "device_seq": 1}
    conn = sqlite3.connect(path)
    assert json.loads(conn.execute("SELECT payload FROM outbox").fetchone()[0]).get("phone") is None
    conn.close()
