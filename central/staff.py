"""Which office an officer belonged to when: moves are kept (staff_offices), ratings judged by their time.

A tablet may hold ratings for hours or days (offline, a server outage). When an officer moves to
another office meanwhile, those ratings still name her with her old office: they are hers and the
old office's. `staff.office_code` is where the officer is now; `staff_offices` has one row per
period once she has been moved (an officer never moved has none), written by `record_move` in the
transaction that moves her (CLI `staff move`, the dashboard's staff form).
"""
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from central.storage.schema import staff, staff_offices

__all__ = ["record_move", "belonged_to"]


def record_move(conn: Connection, staff_id: int, office: str, at) -> bool:
    """Call before setting the officer's office to `office` at time `at` (naive UTC); True when it moves her."""
    row = conn.execute(select(staff.c.office_code).where(staff.c.id == staff_id)).first()
    if row is None or row.office_code == office:
        return False
    closed = conn.execute(update(staff_offices).where(staff_offices.c.staff_id == staff_id,
                                                      staff_offices.c.to_at.is_(None)).values(to_at=at)).rowcount
    if not closed:   # her first move: the period before it, since she was added
        conn.execute(insert(staff_offices).values(staff_id=staff_id, office_code=row.office_code,
                                                  from_at=None, to_at=at))
    conn.execute(insert(staff_offices).values(staff_id=staff_id, office_code=office, from_at=at, to_at=None))
    return True


def belonged_to(conn: Connection, staff_id: int, office: str, when, cache: dict | None = None) -> bool:
    """True when the officer is in `office` now, or was at `when` (a rating's created_at, naive UTC).

    `cache` (one dict per batch) keeps the officer's current office and periods between items.
    """
    cache = {} if cache is None else cache
    if staff_id not in cache:
        row = conn.execute(select(staff.c.office_code).where(staff.c.id == staff_id)).first()
        periods = conn.execute(select(staff_offices.c.office_code, staff_offices.c.from_at, staff_offices.c.to_at)
                               .where(staff_offices.c.staff_id == staff_id,
                                      staff_offices.c.to_at.isnot(None))).all() if row else []
        cache[staff_id] = (row.office_code if row else None, periods)
    current, periods = cache[staff_id]
    if current is None:
        return False
    if current == office:
        return True
    return any(p.office_code == office and (p.from_at is None or p.from_at <= when) and when < p.to_at
               for p in periods)
