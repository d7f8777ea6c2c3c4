"""Reference figures the tests hold the server's reports equal to: every dossier judged at the time
(`rules.judge`), every rating read one by one. Slow and simple on purpose; nothing the server runs
uses them. `central.stats` counts the same figures in SQL from the verdicts stored at import."""

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from central import rules
from central.dossiers import times_of
from central.stats import month_spans, period_bounds
from central.storage.schema import dossier_steps, dossiers, ratings
from central.timeutil import to_wire, utcnow
from motcua.officetime import OFFICE_TZ, OFFSET


def judged_dossiers(conn: Connection, office: str | None, end: datetime) -> list[tuple]:
    """(row, verdict at `end`) for every dossier received before `end`."""
    query = select(dossiers).where(dossiers.c.received_at < end)
    if office:
        query = query.where(dossiers.c.office_code == office)
    rows = conn.execute(query).all()
    steps: dict[str, list] = {}
    step_query = select(dossier_steps).where(dossier_steps.c.status.in_((3, 5, 8)))
    if office:
        step_query = step_query.where(
            dossier_steps.c.dossier_code.in_(select(dossiers.c.code).where(dossiers.c.office_code == office))
        )
    for s in conn.execute(step_query):
        steps.setdefault(s.dossier_code, []).append(s)
    return [(r, rules.judge(times_of(r, steps.get(r.code, [])), end)) for r in rows]


def dossier_figures(
    conn: Connection, office: str | None, start: datetime, end: datetime, judged: list[tuple] | None = None
) -> dict:
    """received, finished (by finish time in the period), on_time, late, on_time_rate, open_late."""
    judged = judged if judged is not None else judged_dossiers(conn, office, end)
    received = sum(1 for r, _ in judged if start <= r.received_at < end)
    finished = [
        v for _, v in judged if v.finished_at is not None and start <= v.finished_at < end and v.on_time is not None
    ]
    on_time = sum(1 for v in finished if v.on_time)
    open_late = sum(1 for _, v in judged if v.finished_at is None and v.late)
    return {
        "received": received,
        "finished": len(finished),
        "on_time": on_time,
        "late": len(finished) - on_time,
        "on_time_rate": rules.rate(on_time, len(finished)),
        "open_late": open_late,
    }


def rating_figures(
    conn: Connection, office: str | None, start: datetime, end: datetime, staff_id: int | None = None
) -> dict:
    """count, satisfied (top two levels), satisfaction_rate, distribution by score, usual scale."""
    query = select(ratings.c.score, ratings.c.scale).where(ratings.c.created_at >= start, ratings.c.created_at < end)
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
    return {
        "count": len(rows),
        "satisfied": satisfied,
        "satisfaction_rate": rules.rate(satisfied, len(rows)),
        "distribution": distribution,
        "scale": scale,
    }


def office_stats_judged(conn: Connection, office: str | None, period: str, now: datetime | None = None) -> dict:
    """`stats.office_stats` (GET /api/v1/stats) by judging every dossier of the office now."""
    start, end = period_bounds(period, now)
    judged = judged_dossiers(conn, office, end)
    series = []
    for m_start, m_end in month_spans(end, 12 if period == "year" else 6):
        d = dossier_figures(conn, office, m_start, m_end, judged)
        r = rating_figures(conn, office, m_start, m_end)
        local = m_start + OFFSET
        series.append(
            {
                "label": f"T{local.month}/{local.year}",
                "on_time_rate": d["on_time_rate"],
                "satisfaction_rate": r["satisfaction_rate"],
                "ratings": r["count"],
                "finished": d["finished"],
            }
        )
    return {
        "office": office,
        "period": {"from": to_wire(start), "to": to_wire(end), "name": period},
        "dossiers": dossier_figures(conn, office, start, end, judged),
        "ratings": rating_figures(conn, office, start, end),
        "series": series,
        "generated_at": to_wire(utcnow()),
    }


def _as_local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=OFFICE_TZ)
    return moment.astimezone(OFFICE_TZ).replace(second=0, microsecond=0)


def sample_on_time(dossier: dict, at: datetime) -> bool | None:
    """The on-time rule of docs/ARCHITECTURE.md over a sample dossier as the demo generates it (wire
    shape, ISO times): True, False or None (open, not late)."""
    status, due = dossier["status"], dossier["due_at"]
    if status == 7 or due is None:
        return None
    supplement = timedelta(0)
    for step in dossier["steps"]:
        if step["status"] == 5:
            end = datetime.fromisoformat(step["finished_at"]) if step["finished_at"] else _as_local(at)
            supplement += end - datetime.fromisoformat(step["started_at"])
    deadline = datetime.fromisoformat(due) + supplement
    ends = [datetime.fromisoformat(t) for t in (dossier["finished_at"], dossier["returned_at"]) if t]
    if ends:
        return min(ends) <= deadline
    return False if _as_local(at) > deadline else None
