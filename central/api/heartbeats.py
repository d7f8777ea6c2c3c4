"""Group commit of device heartbeats: many devices' beats in one transaction, each answered after its commit.

A province's 2,500 devices beat every 30 s (~83 a second). One transaction each meant ~83 durable
commits a second racing the rating batches for SQLite's single writer. Here a beat that arrives while
another transaction is being written waits and goes, with every beat that arrived meanwhile, into
the next one: under load one commit serves dozens of devices, when quiet a beat is written at once.
Each caller is answered only after its own beat is committed, so the dashboard's device page never
shows less than a device was told, and its queued commands are marked delivered in that same
transaction (`UPDATE ... WHERE delivered_at IS NULL RETURNING`: exactly once, also with several
server processes on one PostgreSQL). On SQLite the transaction takes the same in-process write lock
as the rating batches, so writers queue on the lock instead of spinning in SQLite's busy loop.
A beat is checked before it joins a group (text the database cannot store is a 422 for that device
alone), and a group whose transaction still fails is written again one beat at a time, so a bad
beat fails only itself.
"""

import logging
import threading

from sqlalchemy import bindparam, or_, update

from central import missed
from central.api.errors import ApiError
from central.cleantext import UNSTORABLE, storable
from central.storage import is_sqlite, write_lock
from central.storage.schema import device_commands, devices
from central.timeutil import utcnow

__all__ = ["HeartbeatWriter", "heartbeat_writer", "MAX_AGE_S"]

log = logging.getLogger(__name__)
MAX_AGE_S = 2**31 - 1  # oldest_pending_age_s column is a 32-bit integer
MAX_BEATS_PER_TRANSACTION = 500
STATE_COLUMNS = (
    "app",
    "version",
    "pending",
    "oldest_pending_age_s",
    "last_sync_at",
    "catalogue_version",
    "errors",
    "quarantined",
    "quarantine_reason",
    "quarantine_items",
)
QUARANTINE_SHOWN = 50  # quarantined items a beat may list (the count says how many there are)
NOT_STORED = (
    "Máy chủ chưa ghi được nhịp tim, thiết bị sẽ gửi lại ở nhịp sau. / The server could not "
    "store the heartbeat; the device will report again at its next beat."
)

# Bound names differ from column names (SQLAlchemy reserves those for its own SET parameters).
# A beat never overwrites a newer one: two server processes on one PostgreSQL each read their clock
# before their transaction, and the one with the older time may commit second (it waited on the
# row lock, or its machine's clock is behind). PostgreSQL re-checks the condition on the row the
# first one committed.
_UPDATE_DEVICE = (
    update(devices)
    .where(
        devices.c.id == bindparam("b_device_id"),
        or_(devices.c.last_seen_at.is_(None), devices.c.last_seen_at <= bindparam("b_seen_at")),
    )
    .values(last_seen_at=bindparam("b_seen_at"), **{c: bindparam("b_" + c) for c in STATE_COLUMNS})
)


class _Beat:
    __slots__ = ("device_id", "state", "done", "commands", "failed", "stored_at")

    def __init__(self, device_id: int, state: dict):
        self.device_id, self.state = device_id, state
        self.done, self.commands, self.failed, self.stored_at = False, [], False, None


class HeartbeatWriter:
    """One per server process and database. `record` blocks until the beat is committed."""

    def __init__(self, engine, clock=utcnow):
        self.engine, self.clock = engine, clock
        self._lock = write_lock(engine) if is_sqlite(engine) else None
        self._cond = threading.Condition()
        self._queue: list[_Beat] = []
        self._writing = False
        self.transactions = 0  # how many commits served how many beats (tests, benchmarks)
        self.beats = 0

    def record(self, device_id: int, state: dict) -> tuple:
        """Stores the device's state as its last heartbeat; returns (server time, commands delivered)."""
        refuse_unstorable(state)
        beat = _Beat(device_id, state)
        with self._cond:
            self._queue.append(beat)
        while True:
            with self._cond:
                while not beat.done and self._writing:
                    self._cond.wait()
                if beat.done:
                    break
                self._writing = True  # this caller writes everything queued, its own beat included
            batch, now, failed = [], None, []
            if self._lock:  # beats that arrive while a rating batch holds the lock join this transaction
                self._lock.acquire()
            try:
                with self._cond:
                    batch = self._queue[:MAX_BEATS_PER_TRANSACTION]
                    del self._queue[:MAX_BEATS_PER_TRANSACTION]
                now = self.clock()
                self._write(batch, now)
            except Exception:
                failed = self._write_alone(batch, now) if len(batch) > 1 and now is not None else batch
                log.exception("a transaction of %d heartbeats failed; %d of them not stored", len(batch), len(failed))
            finally:
                if self._lock:
                    self._lock.release()
                with self._cond:
                    for b in batch:
                        b.done, b.failed, b.stored_at = True, b in failed, now
                    self._writing = False
                    self._cond.notify_all()
        if beat.failed:
            raise ApiError(503, "unavailable", NOT_STORED, {"Retry-After": "5"})
        return beat.stored_at, beat.commands

    def _write_alone(self, batch: list[_Beat], now) -> list[_Beat]:
        """The group's transaction failed (nothing of it is stored): each beat in its own; returns those that fail."""
        failed = []
        for b in batch:
            try:
                self._write([b], now)
            except Exception:
                b.commands.clear()
                failed.append(b)
        return failed

    def _write(self, batch: list[_Beat], now) -> None:
        """One transaction (the caller holds SQLite's in-process write lock) for the whole batch."""
        latest: dict[int, _Beat] = {}
        first: dict[int, _Beat] = {}
        for b in batch:
            latest[b.device_id] = b  # the newest state of a device wins
            first.setdefault(b.device_id, b)  # its queued commands go to one answer only
        rows = [
            {"b_device_id": d, "b_seen_at": now, **{"b_" + c: latest[d].state.get(c) for c in STATE_COLUMNS}}
            for d in sorted(latest)
        ]  # one lock order
        with self.engine.begin() as conn:
            conn.execute(_UPDATE_DEVICE, rows)
            delivered = conn.execute(
                update(device_commands)
                .where(device_commands.c.device_id.in_(sorted(latest)), device_commands.c.delivered_at.is_(None))
                .values(delivered_at=now)
                .returning(device_commands.c.id, device_commands.c.device_id, device_commands.c.name)
            ).all()
            for b in batch:  # every beat's counts (a total sent twice is kept once: central.missed)
                if b.state.get("missed_searches"):
                    missed.store(conn, b.device_id, b.state["office_code"], b.state["missed_searches"], now)
        for c in sorted(delivered, key=lambda c: c.id):
            first[c.device_id].commands.append({"id": c.id, "name": c.name})
        self.transactions += 1
        self.beats += len(batch)


def refuse_unstorable(state: dict) -> None:
    """A 422 naming the field for text no database stores (NUL, a lone surrogate), before the beat joins a group."""
    for name, value in state.items():
        if isinstance(value, str) and not storable(value):
            raise ApiError(422, "invalid_request", f"{name}: {UNSTORABLE}")


_create_lock = threading.Lock()


def heartbeat_writer(app) -> HeartbeatWriter:
    """The app's writer, made on first use (one per process: each worker process builds its own app)."""
    writer = getattr(app.state, "heartbeat_writer", None)
    if writer is None:
        with _create_lock:
            writer = getattr(app.state, "heartbeat_writer", None)
            if writer is None:
                writer = app.state.heartbeat_writer = HeartbeatWriter(app.state.engine)
    return writer
