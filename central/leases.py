"""Database leases: one server process at a time runs a background job (a dossier connector's pass,
and later other jobs). A lease is two columns on the job's row, `lease_owner` (host:pid:random) and
`lease_until` (epoch seconds); taking it is one atomic UPDATE, so of several processes exactly one
wins, and a process that dies stops renewing, so after `lease_until` another may take over."""

import os
import socket
import time
import uuid

from sqlalchemy import or_, select, update

from central.storage import is_sqlite, write_lock

__all__ = ["owner_id", "write", "take", "release", "holder"]


def owner_id() -> str:
    """This process as a lease holder: host, pid and a random part."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def write(engine, fn):
    """`fn(conn)` in one transaction; on SQLite under the process's write lock."""
    lock = write_lock(engine) if is_sqlite(engine) else None
    if lock:
        lock.acquire()
    try:
        with engine.begin() as conn:
            return fn(conn)
    finally:
        if lock:
            lock.release()


def take(engine, table, key, value, owner: str, seconds: float) -> bool:
    """True when `owner` now holds the row `key == value` of `table` (free, expired, or its own)."""
    now = time.time()
    c = table.c
    stmt = (
        update(table)
        .where(key == value, or_(c.lease_until.is_(None), c.lease_until < now, c.lease_owner == owner))
        .values(lease_owner=owner, lease_until=now + seconds)
    )
    return write(engine, lambda conn: conn.execute(stmt).rowcount) == 1


def release(engine, table, key, value, owner: str) -> None:
    """Frees the lease; the owner's name stays (who ran it last), without a time."""
    c = table.c
    stmt = update(table).where(key == value, c.lease_owner == owner).values(lease_until=None)
    write(engine, lambda conn: conn.execute(stmt))


def holder(engine, table, key, value) -> str | None:
    """Who holds the lease now, or None when it is free or expired."""
    with engine.connect() as conn:
        row = conn.execute(select(table.c.lease_owner, table.c.lease_until).where(key == value)).first()
    return row.lease_owner if row and row.lease_until and row.lease_until > time.time() else None
