"""The durable outbox: a rating is committed to disk before the thank-you screen, then delivered exactly once.

Row states (`OutboxState`): pending -> sending -> sent | quarantined. A batch keeps its Idempotency-Key in the rows
(`batch_key`) until the server answers, so a retry after a lost answer is recognised as the same
request. Rows left `sending` by a crash go back to `pending` when the outbox is opened.
"""

import json
import sqlite3
import time
import uuid
from typing import NamedTuple

from sqlite_utils import Database

from motcua import dossier_code, officetime
from motcua.store import OutboxState, ThreadConnections, get_state, open_store, set_state

__all__ = ["Outbox", "OutboxState", "Row", "DuplicateItem", "dossier_key", "iso_time", "MAX_BATCH"]

MAX_BATCH = 500
DELIVERED = ("accepted", "duplicate")
REFUSED = ("rejected", "conflict")
PERSONAL = ("phone", "comment")  # removed from an item once the server holds it
SERVER_ERROR = "server_error"  # reason prefix of an item set aside because the server failed on it
SERVER_ERROR_RETRY_S = 3600  # such items are offered again after this long


PENDING, SENDING, SENT, QUARANTINED = OutboxState  # bound into the SQL as parameters
WAITING = (PENDING, SENDING)  # not delivered yet: what the heartbeat counts as pending


class Row(NamedTuple):
    """An outbox row as the admin screen, the heartbeat and the tests read it."""

    id: str
    seq: int
    kind: str
    payload: str  # the item as JSON
    state: str
    reason: str | None
    attempts: int
    batch_key: str | None
    created_at: float


ROW_COLUMNS = ", ".join(Row._fields)


class DuplicateItem(ValueError):
    """An item with the same unique key (e.g. a second rating of one dossier) is already in the outbox."""


def dossier_key(code: str) -> str:
    """The outbox unique key that stops a tablet rating one dossier twice."""
    return "dossier:" + dossier_code.normalise(code)


def iso_time(ts: float | None) -> str | None:
    """A Unix time as ISO 8601 in office time (None stays None), whatever the device's own zone."""
    if ts is None:
        return None
    return officetime.from_timestamp(ts).isoformat(timespec="seconds")


class Outbox:
    """Items waiting for the server. `put` returns only once the item is durably committed."""

    def __init__(self, db: Database, clock=time.time):
        self.db = db
        self.clock = clock
        self._conns = ThreadConnections(db)  # one connection per thread: a tap never writes inside a sync
        self.resume()

    @classmethod
    def open(cls, path, clock=time.time) -> "Outbox":
        """Opens the store file at `path` (checked, recovered if broken, migrated)."""
        return cls(open_store(path), clock=clock)

    # -- connections: one per thread on a file (motcua.store.ThreadConnections), so the UI thread never
    # waits on the sync thread's reads and never writes inside another thread's transaction
    def _write(self):
        """A write transaction taken up front (BEGIN IMMEDIATE): no lock upgrade, no deadlock."""
        return self._conns.write()

    def _read(self, sql, params=()):
        with self._conns.read() as db:
            return db.execute(sql, params).fetchall()

    def close(self) -> None:
        self._conns.close()

    # -- the tap path
    def put(self, kind: str, payload: dict, unique_key: str | None = None) -> str:
        """Stores an item durably and returns its id; fills `id` and `device_seq` into the payload.

        A rating with a `dossier_code` gets the unique key of that dossier; a second one raises
        DuplicateItem and stores nothing.
        """
        item = dict(payload)
        item_id = str(item.get("id") or uuid.uuid4())
        if unique_key is None and kind == "rating" and item.get("dossier_code"):
            unique_key = dossier_key(item["dossier_code"])
        json.dumps(item)  # not serialisable -> TypeError before anything is written
        with self._write() as db:
            seq = int(get_state(db, "device_seq", 0)) + 1
            set_state(db, "device_seq", seq)
            item["id"], item["device_seq"] = item_id, seq
            try:
                db.execute(
                    "INSERT INTO outbox (id, seq, kind, payload, unique_key, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    [item_id, seq, kind, json.dumps(item, ensure_ascii=False), unique_key, self.clock()],
                )
            except sqlite3.IntegrityError as exc:
                if unique_key and "unique_key" in str(exc):
                    raise DuplicateItem(f"{unique_key} is already in the outbox") from None
                raise
        return item_id

    def has_unique_key(self, key: str) -> bool:
        return bool(self._read("SELECT 1 FROM outbox WHERE unique_key = ?", [key]))

    def has_dossier(self, code: str) -> bool:
        """True when this device already holds a rating of that dossier (sent or not)."""
        return self.has_unique_key(dossier_key(code))

    # -- what the admin screen and the heartbeat read
    def pending(self) -> int:
        return self._read("SELECT count(*) FROM outbox WHERE state IN (?, ?)", WAITING)[0][0]

    def rows(self, where: str, params=()) -> list[Row]:
        """Outbox rows: `where` is the SQL after WHERE (with ? parameters)."""
        return [Row(*r) for r in self._read(f"SELECT {ROW_COLUMNS} FROM outbox WHERE {where}", params)]

    def quarantined(self) -> list[dict]:
        return [
            {
                "id": r.id,
                "device_seq": r.seq,
                "kind": r.kind,
                "payload": json.loads(r.payload),
                "reason": r.reason,
                "created_at": iso_time(r.created_at),
            }
            for r in self.rows("state = ? ORDER BY seq", [QUARANTINED])
        ]

    def get(self, item_id: str) -> dict | None:
        found = self.rows("id = ?", [item_id])
        if not found:
            return None
        r = found[0]
        return {
            "id": r.id,
            "device_seq": r.seq,
            "kind": r.kind,
            "payload": json.loads(r.payload),
            "state": OutboxState(r.state),
            "reason": r.reason,
            "attempts": r.attempts,
            "batch_key": r.batch_key,
        }

    def counts(self) -> dict:
        got = dict(self._read("SELECT state, count(*) FROM outbox GROUP BY state"))
        return {s.value: got.get(s, 0) for s in OutboxState}

    def status(self) -> dict:
        """pending, quarantined, oldest_pending_age_s, last_success_at, last_error (+ last_attempt_at, sent)."""
        counts = self.counts()
        oldest = self._read("SELECT min(created_at) FROM outbox WHERE state IN (?, ?)", WAITING)[0][0]
        state = {
            name: value
            for name, value in ((n, json.loads(v)) for n, v in self._read("SELECT name, value FROM device_state"))
        }
        return {
            "pending": counts["pending"] + counts["sending"],
            "quarantined": counts["quarantined"],
            "sent": counts["sent"],
            "oldest_pending_age_s": None if oldest is None else max(0, round(self.clock() - oldest, 1)),
            "last_success_at": iso_time(state.get("last_success_at")),
            "last_attempt_at": iso_time(state.get("last_attempt_at")),
            "last_error": state.get("last_error"),
        }

    # -- the sync worker's side
    def resume(self) -> int:
        """Rows a crash left `sending` go back to `pending` (keeping their batch key)."""
        with self._write() as db:
            return db.execute("UPDATE outbox SET state = ? WHERE state = ?", [PENDING, SENDING]).rowcount

    def next_batch(self, kind: str = "rating", limit: int = MAX_BATCH) -> tuple[str | None, list[dict]]:
        """Claims the next batch (marks it `sending`): an unfinished batch first, with its old key."""
        limit = max(1, min(limit, MAX_BATCH))
        with self._write() as db:
            first = db.execute(
                "SELECT batch_key FROM outbox WHERE state = ? AND kind = ? ORDER BY seq LIMIT 1", [PENDING, kind]
            ).fetchone()
            if first is None:
                return None, []
            key = first[0]
            if key:
                rows = db.execute(
                    "SELECT id, payload FROM outbox WHERE state = ? AND batch_key = ? ORDER BY seq", [PENDING, key]
                ).fetchall()
            else:
                key = str(uuid.uuid4())
                rows = db.execute(
                    "SELECT id, payload FROM outbox WHERE state = ? AND kind = ? "
                    "AND batch_key IS NULL ORDER BY seq LIMIT ?",
                    [PENDING, kind, limit],
                ).fetchall()
            ids = [r[0] for r in rows]
            db.execute(
                f"UPDATE outbox SET state = ?, batch_key = ?, attempts = attempts + 1 "
                f"WHERE id IN ({','.join('?' * len(ids))})",
                [SENDING, key] + ids,
            )
            set_state(db, "last_attempt_at", self.clock())
        return key, [json.loads(r[1]) for r in rows]

    def settle(self, batch_key: str, results: list[dict], max_seq: int | None = None) -> dict:
        """Applies the server's per-item answer; items it did not mention are sent again, in a new batch.

        A delivered item keeps no personal field (PERSONAL). An item answered `seq_taken` (its number
        belongs to another rating: this store was lost or damaged since) is numbered again above the
        server's `max_seq` and sent again, never set aside.
        """
        summary = {"delivered": 0, "quarantined": 0, "unanswered": 0, "renumbered": 0}
        now = self.clock()
        prune = ", ".join(f"'$.{name}'" for name in PERSONAL)
        with self._write() as db:
            for res in results:
                status, item_id = res.get("status"), res.get("id")
                if status in DELIVERED:
                    n = db.execute(
                        f"UPDATE outbox SET state = ?, sent_at = ?, reason = ?, "
                        f"payload = json_remove(payload, {prune}) WHERE id = ? "
                        "AND batch_key = ? AND state = ?",
                        [SENT, now, status, item_id, batch_key, SENDING],
                    ).rowcount
                    summary["delivered"] += n
                elif status == "rejected" and res.get("reason") == "seq_taken" and max_seq is not None:
                    summary["renumbered"] += self._renumber(db, batch_key, item_id, max_seq, now)
                elif status in REFUSED:
                    reason = f"{status}: {res.get('reason') or 'no reason given'}"
                    summary["quarantined"] += db.execute(
                        "UPDATE outbox SET state = ?, reason = ?, quarantined_at = ? WHERE id = ? "
                        "AND batch_key = ? AND state = ?",
                        [QUARANTINED, reason, now, item_id, batch_key, SENDING],
                    ).rowcount
            summary["unanswered"] = db.execute(
                "UPDATE outbox SET state = ?, batch_key = NULL WHERE batch_key = ? AND state = ?",
                [PENDING, batch_key, SENDING],
            ).rowcount
            set_state(db, "last_success_at", now)
            set_state(db, "last_error", None)
        return summary

    @staticmethod
    def _renumber(db: Database, batch_key: str, item_id, server_max: int, now: float) -> int:
        """Gives an item the next device_seq above both this store's and the server's highest."""
        row = db.execute(
            "SELECT payload FROM outbox WHERE id = ? AND batch_key = ? AND state = ?", [item_id, batch_key, SENDING]
        ).fetchone()
        if row is None:
            return 0
        top = db.execute("SELECT max(seq) FROM outbox").fetchone()[0] or 0
        seq = max(int(get_state(db, "device_seq", 0)), top, int(server_max)) + 1
        set_state(db, "device_seq", seq)
        item = json.loads(row[0])
        old, item["device_seq"] = item.get("device_seq"), seq
        db.execute(
            "UPDATE outbox SET seq = ?, payload = ?, state = ?, batch_key = NULL, reason = ? WHERE id = ?",
            [seq, json.dumps(item, ensure_ascii=False), PENDING, f"renumbered from {old}", item_id],
        )
        db.execute(
            "INSERT INTO store_events VALUES (?, 'renumbered', ?)",
            [now, json.dumps({"id": item_id, "from": old, "to": seq})],
        )
        return 1

    def observe_server_seq(self, server_max: int | None) -> bool:
        """The server's highest device_seq of this device (heartbeat answer): numbering continues above it.

        Returns True when this store was behind (it was lost, damaged or re-imaged since)."""
        if not isinstance(server_max, int) or isinstance(server_max, bool) or server_max <= 0:
            return False
        with self._write() as db:
            if int(get_state(db, "device_seq", 0)) >= server_max:
                return False
            set_state(db, "device_seq", server_max)
            return True

    def requeue_server_errors(self, older_than_s: float = SERVER_ERROR_RETRY_S) -> int:
        """Items set aside because the server failed on them are offered again after a while."""
        with self._write() as db:
            return db.execute(
                "UPDATE outbox SET state = ?, batch_key = NULL WHERE state = ? "
                "AND reason LIKE ? AND quarantined_at < ?",
                [PENDING, QUARANTINED, SERVER_ERROR + "%", self.clock() - older_than_s],
            ).rowcount

    def release(self, batch_key: str, error: str, split: bool = False) -> None:
        """The batch did not get through: back to pending, same key (or no key when it must be split)."""
        with self._write() as db:
            if split:
                db.execute(
                    "UPDATE outbox SET state = ?, batch_key = NULL WHERE batch_key = ? AND state = ?",
                    [PENDING, batch_key, SENDING],
                )
            else:
                db.execute(
                    "UPDATE outbox SET state = ? WHERE batch_key = ? AND state = ?", [PENDING, batch_key, SENDING]
                )
            set_state(db, "last_error", error)

    def quarantine_batch(self, batch_key: str, reason: str) -> int:
        """The server refused this batch as a whole and it holds one item: set it aside with the reason."""
        with self._write() as db:
            return db.execute(
                "UPDATE outbox SET state = ?, reason = ?, quarantined_at = ? WHERE batch_key = ? AND state = ?",
                [QUARANTINED, reason, self.clock(), batch_key, SENDING],
            ).rowcount

    # -- small values the device keeps (officer on duty, its change log): through this thread's
    # connection and one write transaction, never through another thread's open transaction
    def state(self, name: str, default=None):
        with self._conns.read() as db:
            return get_state(db, name, default)

    def set_state(self, name: str, value) -> None:
        with self._write() as db:
            set_state(db, name, value)

    def update_state(self, name: str, change, default=None):
        """Reads, changes and writes one value in a single write transaction; returns the new value."""
        with self._write() as db:
            value = change(get_state(db, name, default))
            set_state(db, name, value)
        return value

    def record_error(self, error: str | None) -> None:
        with self._write() as db:
            set_state(db, "last_error", error)

    def retry_quarantined(self) -> int:
        """Quarantined items go back to pending, in new batches with fresh attempts; returns how many."""
        with self._write() as db:  # a new key: the old batch's stored answer must not be replayed
            return db.execute(
                "UPDATE outbox SET state = ?, batch_key = NULL, reason = NULL, attempts = 0 WHERE state = ?",
                [PENDING, QUARANTINED],
            ).rowcount
