"""Missed kiosk searches on the server: checked as heartbeats bring them, stored per kiosk, office day and
query, and listed for the dashboard (the most missed first), so an admin can add the citizens' words
to the search lexicon.

A kiosk sends each day's running totals until they are acknowledged (kiosk/missed.py); the server
keeps the highest total it received for a (kiosk, day, query, outcome), so a heartbeat whose answer
was lost and is sent again, or an older beat arriving after a newer one, never adds twice.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from central.errors import BadInput
from central.storage.schema import missed_searches, offices
from motcua import missed, officetime

__all__ = ["checked", "store", "top"]

TOP_SHOWN = 100


def checked(items: list[dict], today: date | None = None) -> list[dict]:
    """The counts of one heartbeat as stored: each query folded again (motcua.missed.key), personal-
    looking ones dropped, days older than motcua.missed.OLDEST_DAYS or after tomorrow dropped (a kiosk
    clock gone wrong), one row per (day, query, outcome) with the highest count. BadInput naming the
    item for a day that is not a date."""
    today = today or officetime.now().date()
    rows: dict[tuple, int] = {}
    for n, item in enumerate(items):
        where = f"missed_searches[{n}].day"
        try:
            day = date.fromisoformat(item["day"])
        except ValueError:
            raise BadInput(where, f"{where}: {item['day']!r} is not a date (YYYY-MM-DD)") from None
        if day > today + timedelta(days=1) or day < today - timedelta(days=missed.OLDEST_DAYS):
            continue
        query = missed.key(item["query"])
        if query is None:  # looks like a phone, ID number or dossier code: never stored
            continue
        k = (day.isoformat(), query, item["outcome"])
        rows[k] = max(rows.get(k, 0), int(item["count"]))
    return [{"day": d, "query": q, "outcome": o, "count": c} for (d, q, o), c in sorted(rows.items())]


def _upsert(insert):
    stmt = insert(missed_searches)
    return stmt.on_conflict_do_update(
        index_elements=[
            missed_searches.c.device_id,
            missed_searches.c.day,
            missed_searches.c.query,
            missed_searches.c.outcome,
        ],
        set_={
            "count": case(
                (stmt.excluded["count"] > missed_searches.c["count"], stmt.excluded["count"]),
                else_=missed_searches.c["count"],
            ),
            "office_code": stmt.excluded.office_code,
            "updated_at": stmt.excluded.updated_at,
        },
    )


_UPSERT = {"sqlite": _upsert(sqlite_insert), "postgresql": _upsert(pg_insert)}


def store(conn: Connection, device_id: int, office_code: str, items: list[dict], now) -> None:
    """Writes checked counts of one kiosk (inside the heartbeat's transaction)."""
    if not items:
        return
    conn.execute(
        _UPSERT[conn.dialect.name],
        [dict(i, device_id=device_id, office_code=office_code, updated_at=now) for i in items],
    )


def top(conn: Connection, office: str | None, first_day: date, last_day: date, limit: int = TOP_SHOWN) -> list[dict]:
    """The most missed queries of an office (None: every office) over office days first..last, each with
    its total, how many of them found nothing, on how many days and by how many kiosks."""
    c = missed_searches.c
    none = func.sum(case((c.outcome == missed.NO_MATCH, c["count"]), else_=0))
    total = func.sum(c["count"])
    columns = [
        c.query,
        total.label("total"),
        none.label("no_match"),
        func.count(func.distinct(c.day)).label("days"),
        func.count(func.distinct(c.device_id)).label("kiosks"),
        func.max(c.day).label("last_day"),
    ]
    group = [c.query]
    if office is None:
        columns.insert(0, c.office_code)
        columns.insert(1, offices.c.name.label("office_name"))
        group = [c.office_code, offices.c.name, c.query]
    stmt = (
        select(*columns)
        .select_from(missed_searches.join(offices, offices.c.code == c.office_code))
        .where(c.day >= first_day.isoformat(), c.day <= last_day.isoformat())
        .group_by(*group)
        .order_by(total.desc(), c.query)
        .limit(limit)
    )
    if office is not None:
        stmt = stmt.where(c.office_code == office)
    return [dict(r._mapping) for r in conn.execute(stmt)]
