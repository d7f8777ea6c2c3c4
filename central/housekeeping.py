"""Housekeeping each server process runs in the background: stored batch answers expire.

A rating batch's answer is stored under its Idempotency-Key so a tablet that lost the answer and
sends the batch again gets the same answer ([server] idempotency_keep_days, 30 by default). Older
ones are deleted, a chunk at a time; a batch sent again after that is still safe: its items are
recognised by their ids and answered `duplicate`.
"""

import logging
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine

from central.periodic import Periodic
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


class Housekeeper(Periodic):
    """The purge soon after the server starts, then hourly."""

    def __init__(self, engine: Engine, keep_days: int, first_after_s: float = 5.0, every_s: float = EVERY_S):
        self.engine, self.keep_days = engine, keep_days
        super().__init__("housekeeping", self._purge, first_after_s, every_s)

    def _purge(self) -> None:
        purged = purge_idempotency_keys(self.engine, self.keep_days)
        if purged:
            log.info("housekeeping: %d stored batch answers older than %d days removed", purged, self.keep_days)
