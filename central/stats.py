"""Reusable figures: on-time and satisfaction for an office and a period (API, dashboard, reports).

All functions take a Connection and naive-UTC bounds [start, end); `office=None` means all offices.
"""
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from central import rules
from central.dossiers import times_of
from central.storage.schema import dossier_steps, dossiers, ratings
from central.timeutil import OFFICE_TZ, to_db, to_wire, utcnow

PERIODS = ("30d", "month", "quarter", "year")


def period_bounds(name: str, now: datetime | None = None) -> tuple[datetime, datetime]:
    """Naive-UTC [start, end) of a named period ending now, in office time."""
    now = now or utcnow()
    local = now.replace(tzinfo=None) + timedelta(hours=7)
    if name == "30d":
        return now - timedelta(days=30), now
    if name == "month":
        start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    elif name == "quarter":
        start = local.replace(month=(local.month - 1) // 3 * 3 + 1, day=1, hour=0, minute=0,
                              second=0, microsecond=0)
    elif name == "year":
        start = local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    else:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    return start - timedelta(hours=7), now


def _month_starts(end: datetime, count: int) -> list[datetime]:
    local = (end + timedelta(hours=7)).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    starts = []
    for _ in range(count):
        starts.append(local - timedelta(hours=7))
        local = (local - timedelta(days=1)).replace(day=1)
    return list(reversed(starts))


def judged_dossiers(conn: Connection, office: str | None, end: datetime) -> list[tuple]:
    """(row, verdict at `end`) for every dossier received before `end`."""
    query = select(dossiers).where(dossiers.c.received_at < end)
    if office:
        query = query.where(dossiers.c.office_code == office)
    rows = conn.execute(query).all()
    steps: dict[str, list] = {}
    step_query = select(dossier_steps).where(dossier_steps.c.status.in_((3, 5, 8)))
    if office:
        step_query = step_query.where(dossier_steps.c.dossier_code.in_(
            select(dossiers.c.code).where(dossiers.c.office_code == office)))
    for s in conn.execute(step_query):
        steps.setdefault(s.dossier_code, []).append(s)
    return [(r, rules.judge(times_of(r, steps.get(r.code, [])), end)) for r in rows]


def dossier_figures(conn: Connection, office: str | None, start: datetime, end: datetime,
                    judged: list[tuple] | None = None) -> dict:
    """received, finished (by finish time in the period), on_time, late, on_time_rate, open_late."""
    judged = judged if judged is not None else judged_dossiers(conn, office, end)
    received = sum(1 for r, _ in judged if start <= r.received_at < end)
    finished = [v for _, v in judged if v.finished_at is not None and start <= v.finished_at < end
                and v.on_time is not None]
    on_time = sum(1 for v in finished if v.on_time)
    open_late = sum(1 for _, v in judged if v.finished_at is None and v.late)
    return {"received": received, "finished": len(finished), "on_time": on_time,
            "late": len(finished) - on_time, "on_time_rate": rules.rate(on_time, len(finished)),
            "open_late": open_late}


def rating_figures(conn: Connection, office: str | None, start: datetime, end: datetime,
                   staff_id: int | None = None) -> dict:
    """count, satisfied (top two levels), satisfaction_rate, distribution by score, usual scale."""
    query = select(ratings.c.score, ratings.c.scale).where(ratings.c.created_at >= start,
                                                           ratings.c.created_at < end)
    if office:
        query = query.where(ratings.c.office_code == office)
    if staff_id is not None:
        query = query.where(ratings.c.staff_id == staff_id)
    rows = conn.execute(query).all()
    scales = Counter(r.scale for r in rows)
    scale = scales.most_common(1)[0][0] if rows else 3
    satisfied = sum(1 for r in rows if rules.is_satisfied(r.score, r.scale))
    distribution = {str(i): 0 for i in range(1, scale + 1)}
    for r in rows:
        if r.scale == scale:
            distribution[str(r.score)] += 1
    return {"count": len(rows), "satisfied": satisfied,
            "satisfaction_rate": rules.rate(satisfied, len(rows)),
            "distribution": distribution, "scale": scale}


def office_stats(conn: Connection, office: str | None, period: str, now: datetime | None = None) -> dict:
    """The kiosk statistics screen's figures (GET /api/v1/stats)."""
    start, end = period_bounds(period, now)
    judged = judged_dossiers(conn, office, end)
    months = 12 if period == "year" else 6
    series = []
    for i, m_start in enumerate(starts := _month_starts(end, months)):
        m_end = starts[i + 1] if i + 1 < len(starts) else end
        d = dossier_figures(conn, office, m_start, m_end, judged)
        r = rating_figures(conn, office, m_start, m_end)
        local = m_start + timedelta(hours=7)
        series.append({"label": f"T{local.month}/{local.year}", "on_time_rate": d["on_time_rate"],
                       "satisfaction_rate": r["satisfaction_rate"], "ratings": r["count"],
                       "finished": d["finished"]})
    return {"office": office, "period": {"from": to_wire(start), "to": to_wire(end), "name": period},
            "dossiers": dossier_figures(conn, office, start, end, judged),
            "ratings": rating_figures(conn, office, start, end),
            "series": series, "generated_at": to_wire(utcnow())}


__all__ = ["PERIODS", "period_bounds", "judged_dossiers", "dossier_figures", "rating_figures",
           "office_stats", "OFFICE_TZ", "to_db"]
