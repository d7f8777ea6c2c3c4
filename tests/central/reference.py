"""Reference figures the tests hold the server's reports equal to, written from REPORTING.md (not from
central.rules): every dossier and every step read one by one, every rating read one by one. Slow and
plain on purpose; nothing the server runs uses it.

REPORTING.md, as this file reads it:
- only accepted dossiers count: never status 1; a refusal (3) only if a step in 2, 4, 5 or 6 came
  before it (else it was refused at the counter);
- the end is the first of: 9 (finished_at), 10 (returned_at), then the earliest of 8, 3, 7;
- supplement requests (steps in status 5) are subtracted from the end; a dossier still waiting on
  one (at the judging time) ends at the request, and is late when there were two or more requests;
- finished: effective end's office day before the due day → early; effective end ≤ due → on time;
  else late. Open at the judging time: effective end (judging time minus supplement time) ≤ due →
  in time, else late. No appointment: the procedure's maximum time from acceptance, else never late;
- carried over: accepted before the period, not ended before it.
"""

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from central.stats import month_spans, period_bounds
from central.storage.schema import dossier_steps, dossiers, procedures, ratings
from central.timeutil import to_wire, utcnow
from motcua.officetime import OFFICE_TZ, OFFSET


def _rate(part: int, whole: int):
    return round(part / whole, 4) if whole else None


def _office_day(moment: datetime):
    return (moment + OFFSET).date()


def _first_time(row, steps, status: int):
    times = [s.started_at for s in steps if s.status == status and s.started_at is not None]
    if times:
        return min(times)
    if row.status == status and row.status_at is not None:
        return row.status_at
    return None


def _fallback_due(row, items: dict):
    """No appointment: the procedure's maximum time for the dossier's channel, from acceptance
    (working days skip Saturday and Sunday, office time)."""
    methods = items.get(row.procedure_code) or []
    if row.due_at is not None or not methods:
        return row.due_at
    name = {1: "direct", 2: "online", 3: "postal"}.get(row.channel or 1)
    method = next((m for m in methods if m.get("channel") == name), None)
    method = method or next((m for m in methods if m.get("channel") == "direct"), methods[0])
    amount, unit = method.get("time"), method.get("unit")
    if not isinstance(amount, int) or amount <= 0:
        return None
    if unit == "working_day":
        moment, n = row.received_at, 0
        while n < amount:
            moment += timedelta(days=1)
            n += (moment + OFFSET).weekday() < 5
        return moment
    spans = {"day": timedelta(days=1), "hour": timedelta(hours=1), "working_hour": timedelta(hours=1)}
    spans |= {"month": timedelta(days=30), "year": timedelta(days=365)}
    return row.received_at + amount * spans[unit] if unit in spans else None


def _items(conn: Connection) -> dict:
    import json

    return {r.code: json.loads(r.item).get("methods") or [] for r in conn.execute(select(procedures))}


def classify(row, steps, at: datetime, items: dict | None = None) -> dict | None:
    """{'accepted_at', 'ended_at' (None if open at `at`), 'verdict', 'requests'} by REPORTING.md at
    the judging time `at`; None when the dossier was never accepted. `items`: procedure code → the
    catalogue's methods (the maximum time of a dossier without an appointment)."""
    if row.status == 1:
        return None
    nine = row.finished_at or _first_time(row, steps, 9)
    ten = row.returned_at or _first_time(row, steps, 10)
    others = [t for t in (_first_time(row, steps, s) for s in (8, 3, 7)) if t is not None]
    refused = _first_time(row, steps, 3)
    if refused is not None and nine is None and ten is None:
        accepted_first = [
            s for s in steps if s.status in (2, 4, 5, 6) and (s.started_at is None or s.started_at <= refused)
        ]
        if not accepted_first:
            return None
    end = nine if nine is not None else ten if ten is not None else (min(others) if others else None)
    if end is None and row.status in (3, 7, 8):
        end = row.received_at  # an end status without any time: REPORTING.md leaves it; see central.rules
    if end is not None and end >= at:
        end = None
    # the supplement requests, as (start, end or None)
    requests = [(s.started_at, s.finished_at) for s in steps if s.status == 5 and s.started_at is not None]
    if row.status == 5 and row.status_at is not None and all(e is not None for _, e in requests):
        if not requests or max(st for st, _ in requests) < row.status_at:
            requests.append((row.status_at, None))
    stop = end if end is not None else at
    requests = [(st, e) for st, e in requests if st < stop]
    waited = timedelta(0)
    for st, e in requests:
        e = stop if e is None or e > stop else e
        waited += e - st
    due = _fallback_due(row, items or {})
    if end is not None:
        effective = end - waited
        if due is None:
            verdict = "on_time"
        elif _office_day(effective) < _office_day(due):
            verdict = "early"
        elif effective <= due:
            verdict = "on_time"
        else:
            verdict = "late"
        return {"accepted_at": row.received_at, "ended_at": end, "verdict": verdict, "requests": len(requests)}
    waiting = [(st, e) for st, e in requests if e is None or e > at]
    if waiting and len(requests) >= 2:
        verdict = "late"
    else:
        effective = waiting[0][0] if waiting else at - waited
        verdict = "late" if due is not None and effective > due else "in_time"
    return {"accepted_at": row.received_at, "ended_at": None, "verdict": verdict, "requests": len(requests)}


def _rows_and_steps(conn: Connection, office: str | None):
    query = select(dossiers)
    if office:
        query = query.where(dossiers.c.office_code == office)
    rows = conn.execute(query).all()
    steps: dict[str, list] = {}
    for s in conn.execute(select(dossier_steps)):
        steps.setdefault(s.dossier_code, []).append(s)
    return rows, steps


def judged_dossiers(conn: Connection, office: str | None, end: datetime) -> list[tuple]:
    """(row, classification at `end`) for every accepted dossier received before `end`."""
    rows, steps = _rows_and_steps(conn, office)
    items = _items(conn)
    out = []
    for r in rows:
        if r.received_at >= end:
            continue
        c = classify(r, steps.get(r.code, []), end, items)
        if c is not None:
            out.append((r, c))
    return out


def dossier_figures(
    conn: Connection, office: str | None, start: datetime, end: datetime, judged: list[tuple] | None = None
) -> dict:
    """The API's "dossiers" for [start, end): received in it, finished in it (early / on time / late),
    open at its end (in time / late), carried over, and the two rates."""
    judged = judged if judged is not None else judged_dossiers(conn, office, end)
    in_period = [(r, c) for r, c in judged if r.received_at < end and (c["ended_at"] is None or c["ended_at"] >= start)]
    received = sum(1 for r, _ in in_period if r.received_at >= start)
    carried = sum(1 for r, _ in in_period if r.received_at < start)
    finished = [c for _, c in in_period if c["ended_at"] is not None]
    still_open = [c for _, c in in_period if c["ended_at"] is None]
    early = sum(1 for c in finished if c["verdict"] == "early")
    good = sum(1 for c in finished if c["verdict"] in ("early", "on_time"))
    open_late = sum(1 for c in still_open if c["verdict"] == "late")
    return {
        "received": received,
        "finished": len(finished),
        "early": early,
        "on_time": good,
        "late": len(finished) - good,
        "on_time_rate": _rate(good, len(finished)),
        "open_late": open_late,
        "carried_over": carried,
        "open": len(still_open),
        "open_in_time": len(still_open) - open_late,
        "finished_on_time_rate": _rate(good, len(finished)),
        "indicator_2_1": _rate(good + len(still_open) - open_late, len(finished) + len(still_open)),
    }


def bieu06(conn: Connection, office: str | None, start: datetime, end: datetime) -> dict:
    """Biểu 06's total row and rows per field name, recounted dossier by dossier."""
    at = min(end, utcnow())
    rows, steps = _rows_and_steps(conn, office)
    fields = {r.code: (r.field_code, r.field_name) for r in conn.execute(select(procedures))}
    channels = {r.code: r.channel for r in rows}
    items = _items(conn)
    per_field: dict = {}

    def empty():
        return {
            "received": {"total": 0, "online": 0, "direct_postal": 0, "carried_over": 0},
            "finished": {"total": 0, "early": 0, "on_time": 0, "late": 0},
            "open": {"total": 0, "in_time": 0, "late": 0},
        }

    total = empty()
    for r in rows:
        if r.received_at >= at:
            continue
        c = classify(r, steps.get(r.code, []), at, items)
        if c is None or (c["ended_at"] is not None and c["ended_at"] < start):
            continue
        code, name = fields.get(r.procedure_code, (None, None))
        field = (code, name or code) if code else ("?", "(lĩnh vực chưa rõ)")
        for cell in (total, per_field.setdefault(field, empty())):
            how = "carried_over" if r.received_at < start else ("online" if channels[r.code] == 2 else "direct_postal")
            cell["received"]["total"] += 1
            cell["received"][how] += 1
            group = cell["open"] if c["ended_at"] is None else cell["finished"]
            group["total"] += 1
            group[c["verdict"]] += 1
    good = total["finished"]["early"] + total["finished"]["on_time"]
    return {
        "rows": {f: cell for f, cell in per_field.items()},
        "total": total,
        "rates": {
            "finished_on_time": _rate(good, total["finished"]["total"]),
            "indicator_2_1": _rate(
                good + total["open"]["in_time"], total["finished"]["total"] + total["open"]["total"]
            ),
        },
    }


def satisfaction_5_4(conn: Connection, office: str | None, start: datetime, end: datetime) -> dict:
    """Chỉ tiêu 5.4 estimate: 100% − (late share + share of dossiers with a complaint or a negative
    rating), over the 2.1 universe (finished in the period and open at its end); distinct dossiers."""
    at = min(end, utcnow())
    judged = [(r, c) for r, c in judged_dossiers(conn, office, at) if c["ended_at"] is None or c["ended_at"] >= start]
    codes = {r.code for r, _ in judged}
    negative = set()
    for x in conn.execute(select(ratings).where(ratings.c.dossier_code.isnot(None))):
        below_middle = x.score < (x.scale + 1) / 2  # below the middle level of the scale
        if below_middle and x.dossier_code in codes and (office is None or x.office_code == office):
            negative.add(x.dossier_code)
    late = {r.code for r, c in judged if c["verdict"] == "late"}
    complained = {r.code for r, _ in judged if r.complaint}
    unhappy = (negative | complained) - late
    base = len(judged)
    score = None if not base else round(max(0.0, 1 - len(late) / base - len(unhappy) / base), 4)
    return {"dossiers": base, "late": len(late), "unhappy": len(unhappy), "score": score}


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
    satisfied = sum(1 for r in rows if r.score >= r.scale - 1)
    distribution = {str(i): 0 for i in range(1, scale + 1)}
    for r in rows:
        if r.scale == scale:
            distribution[str(r.score)] += 1
    return {
        "count": len(rows),
        "satisfied": satisfied,
        "satisfaction_rate": _rate(satisfied, len(rows)),
        "distribution": distribution,
        "scale": scale,
    }


def office_stats_judged(conn: Connection, office: str | None, period: str, now: datetime | None = None) -> dict:
    """`stats.office_stats` (GET /api/v1/stats) by judging every dossier of the office."""
    start, end = period_bounds(period, now)
    judged = judged_dossiers(conn, office, end)
    series = []
    for m_start, m_end in month_spans(end, 12 if period == "year" else 6):
        d = dossier_figures(conn, office, m_start, m_end, judged_dossiers(conn, office, m_end))
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
    """REPORTING.md over a sample dossier as the demo generates it (wire shape, ISO times): True
    (early or on time), False (late, finished or open), None (open, in time)."""
    status, due = dossier["status"], dossier["due_at"]
    if status == 1 or due is None:
        return None
    at = _as_local(at)

    def entered(code):
        times = [datetime.fromisoformat(s["started_at"]) for s in dossier["steps"] if s["status"] == code]
        return min(times) if times else None

    nine = dossier["finished_at"] and datetime.fromisoformat(dossier["finished_at"])
    ten = dossier["returned_at"] and datetime.fromisoformat(dossier["returned_at"])
    others = [t for t in (entered(8), entered(3), entered(7)) if t]
    end = nine or ten or (min(others) if others else None)
    requests = [s for s in dossier["steps"] if s["status"] == 5]
    stop = end or at
    waited = timedelta(0)
    for s in requests:
        st = datetime.fromisoformat(s["started_at"])
        e = datetime.fromisoformat(s["finished_at"]) if s["finished_at"] else stop
        waited += min(e, stop) - st
    deadline = datetime.fromisoformat(due)
    if end is not None:
        return end - waited <= deadline
    waiting = [s for s in requests if not s["finished_at"]]
    if waiting and len(requests) >= 2:
        return False
    effective = datetime.fromisoformat(waiting[0]["started_at"]) if waiting else at - waited
    return False if effective > deadline else None
