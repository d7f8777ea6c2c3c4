"""Housekeeping each server process runs in the background: stored batch answers expire.

A rating batch's answer is stored under its Idempotency-Key so a tablet that lost the answer and
sends the batch again gets the same answer ([server] idempotency_keep_days, 30 by default). Older
ones are deleted, a chunk at a time; a batch sent again after that is still safe: its items are
recognised by their ids and answered `duplicate`.
"""

import logging
import threading
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine

from central.storage import is_sqlite, write_lock
from central.storage.schema import idempotency_keys
from central.timeutil import utcnow

log = logging.getLogger(__name__)
EVERY_S = 3600
CHUNK = 5000


def purge_idempotency_keys(engine: Engine, keep_days: int, now=None) -> int:
    """Deletes stored answers older than `keep_days`; returns how many."""
    cutoff = (now or utcnow()) - timedelta(days=keep_days)
    lock = write_lock(engine) if is_sqlite(engine) else None
    purged = 0
    while True:
        old = (
            select(idempotency_keys.c.device_id, idempotency_keys.c.key)
            .where(idempotency_keys.c.created_at < cutoff)
            .limit(CHUNK)
        )
        if lock:
            lock.acquire()
        try:
            with engine.begin() as conn:
                rows = conn.execute(old).all()
                for device_id, key in rows:
                    conn.execute(
                        delete(idempotency_keys).where(
                            idempotency_keys.c.device_id == device_id, idempotency_keys.c.key == key
                        )
                    )
        finally:
            if lock:
                lock.release()
        purged += len(rows)
        if len(rows) < CHUNK:
            return purged


class Housekeeper:
    """A daemon thread: the purge soon after start, then hourly; `stop()` ends it."""

    def __init__(self, engine: Engine, keep_days: int, first_after_s: float = 5.0, every_s: float = EVERY_S):
        self.engine, self.keep_days, self.first_after_s, self.every_s = engine, keep_days, first_after_s, every_s
        self.runs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="housekeeping", daemon=True)

    def start(self) -> "Housekeeper":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        wait = self.first_after_s
        while not self._stop.wait(wait):
            try:
                purged = purge_idempotency_keys(self.engine, self.keep_days)
                if purged:
                    log.info("housekeeping: %d stored batch answers older than %d days removed", purged, self.keep_days)
                self.runs += 1
            except Exception:  # noqa: BLE001 - a busy or read-only database: try again next time
                log.warning("housekeeping not done", exc_info=True)
            wait = self.every_s
