"""Reusable figures: on-time and satisfaction for an office and a period (API, dashboard, reports).

All functions take a Connection and naive-UTC bounds [start, end); `office=None` means all offices.
`judged_dossiers` judges every dossier now (the kiosk's figures, and the reference tests compare
with); `dossier_tally` counts finished dossiers in SQL from the verdicts stored at import
(`rules.settled`) and judges only the dossiers still open at the end (the dashboard's reports).
"""
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import and_, case, func, literal, or_, select, tuple_
from sqlalchemy.engine import Connection

from central import rules
from central.dossiers import times_of
from central.storage.schema import dossier_steps, dossiers, procedures, ratings
from central.timeutil import OFFICE_TZ, to_db, to_wire, utcnow
from motcua.officetime import OFFSET

PERIODS = ("30d", "month", "quarter", "year")


def period_bounds(name: str, now: datetime | None = None) -> tuple[datetime, datetime]:
    """Naive-UTC [start, end) of a named period ending now, in office time."""
    now = now or utcnow()
    local = now.replace(tzinfo=None) + OFFSET
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
    return start - OFFSET, now


def _month_starts(end: datetime, count: int) -> list[datetime]:
    local = (end + OFFSET).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    starts = []
    for _ in range(count):
        starts.append(local - OFFSET)
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
    """The kiosk statistics screen's figures (GET /api/v1/stats): finished dossiers counted in SQL
    from their stored verdicts (`dossier_tally`), ratings grouped in SQL, so the cost follows the
    months shown, not the office's whole history. Equal to `office_stats_judged` (a test holds it)."""
    start, end = period_bounds(period, now)
    months = 12 if period == "year" else 6
    starts = _month_starts(end, months)
    first = min(starts[0], start)
    spans = [(m, starts[i + 1] if i + 1 < len(starts) else end) for i, m in enumerate(starts)]
    tally = dossier_tally(conn, office, start, end)
    history = dossier_tally(conn, office, first, end) if first < start else tally
    rated = _rating_counts(conn, office, first, end, by_day=True)
    series = []
    for m_start, m_end in spans:
        d = tally_figures([r for r in history.finished if m_start <= r[2] < m_end])
        r = _grouped_rating_figures([g for g in rated if m_start <= g[0] < m_end])
        local = m_start + OFFSET
        series.append({"label": f"T{local.month}/{local.year}", "on_time_rate": d["on_time_rate"],
                       "satisfaction_rate": r["satisfaction_rate"], "ratings": r["count"],
                       "finished": d["finished"]})
    return {"office": office, "period": {"from": to_wire(start), "to": to_wire(end), "name": period},
            "dossiers": tally_figures(tally.finished, tally.received, tally.open_late),
            "ratings": _grouped_rating_figures(_rating_counts(conn, office, start, end)),
            "series": series, "generated_at": to_wire(utcnow())}


def _rating_counts(conn: Connection, office: str | None, start: datetime, end: datetime,
                   by_day: bool = False) -> list[tuple]:
    """(start of the office day or None, score, scale, n): ratings of [start, end) counted in SQL,
    read from the ratings' (office, created_at, scale, score) index alone."""
    day = (day_key(conn, ratings.c.created_at) if by_day else literal(None)).label("day")
    query = (select(day, ratings.c.score, ratings.c.scale, func.count().label("n"))
             .where(ratings.c.created_at >= start, ratings.c.created_at < end)
             .group_by(day, ratings.c.score, ratings.c.scale))
    if office:
        query = query.where(ratings.c.office_code == office)
    return [(day_start(r.day) if by_day else None, r.score, r.scale, r.n) for r in conn.execute(query)]


def _grouped_rating_figures(groups) -> dict:
    """`rating_figures` from (day start, score, scale, n) groups."""
    scales = Counter()
    for _, _score, scale, n in groups:
        scales[scale] += n
    scale = scales.most_common(1)[0][0] if scales else 3
    count = sum(g[3] for g in groups)
    satisfied = sum(g[3] for g in groups if rules.is_satisfied(g[1], g[2]))
    distribution = {str(i): 0 for i in range(1, scale + 1)}
    for _, score, s, n in groups:
        if s == scale:
            distribution[str(score)] += n
    return {"count": count, "satisfied": satisfied, "satisfaction_rate": rules.rate(satisfied, count),
            "distribution": distribution, "scale": scale}


def office_stats_judged(conn: Connection, office: str | None, period: str, now: datetime | None = None) -> dict:
    """The same figures by judging every dossier of the office now: the reference office_stats is
    tested against (and what it did before verdicts were stored)."""
    start, end = period_bounds(period, now)
    judged = judged_dossiers(conn, office, end)
    months = 12 if period == "year" else 6
    series = []
    for i, m_start in enumerate(starts := _month_starts(end, months)):
        m_end = starts[i + 1] if i + 1 < len(starts) else end
        d = dossier_figures(conn, office, m_start, m_end, judged)
        r = rating_figures(conn, office, m_start, m_end)
        local = m_start + OFFSET
        series.append({"label": f"T{local.month}/{local.year}", "on_time_rate": d["on_time_rate"],
                       "satisfaction_rate": r["satisfaction_rate"], "ratings": r["count"],
                       "finished": d["finished"]})
    return {"office": office, "period": {"from": to_wire(start), "to": to_wire(end), "name": period},
            "dossiers": dossier_figures(conn, office, start, end, judged),
            "ratings": rating_figures(conn, office, start, end),
            "series": series, "generated_at": to_wire(utcnow())}


@dataclass
class DossierTally:
    """The dossier figures of a period: `finished` rows (procedure code or None, procedure name,
    start of the office day of the finish or None, on_time, how many rated negatively, count) counted in SQL from stored verdicts
    plus those judged at report time; `received`; `open_late` (dossiers still open and late at the
    period's end, judged then by rules.judge)."""
    received: int
    open_late: int
    finished: list[tuple]


def _stored() -> object:
    return dossiers.c.verdict_rule == rules.RULE_VERSION


def _negative(since: datetime, office: str | None) -> list:
    """Conditions on ratings given since `since` with a dossier code and a negative score
    (rules.is_negative over every level of every scale a tablet may use)."""
    levels = [(score, scale) for scale in range(2, 11) for score in range(1, scale + 1)
              if rules.is_negative(score, scale)]
    where = [ratings.c.dossier_code.isnot(None), ratings.c.created_at >= since,
             tuple_(ratings.c.score, ratings.c.scale).in_(levels)]
    return where + ([ratings.c.office_code == office] if office else [])


def _in_office_by(office: str | None, start: datetime, end: datetime, received=dossiers.c.received_at) -> list:
    """Dossiers of the office received by the period's end and not done before it began."""
    done_before = or_(and_(dossiers.c.finished_at.isnot(None), dossiers.c.finished_at < start),
                      and_(dossiers.c.returned_at.isnot(None), dossiers.c.returned_at < start))
    keep = [received < end, or_(dossiers.c.received_at >= start, ~done_before)]
    return keep + ([dossiers.c.office_code == office] if office else [])


def _open_at_end(office: str | None, start: datetime, end: datetime) -> tuple[list, list]:
    """(conditions, disjoint parts) picking the dossiers whose stored verdict leaves them open at the
    period's end (never finished, or finished after it) and that the rule can judge: not withdrawn,
    with a due date. Each part is served by an index (an OR would scan the office's dossiers)."""
    # received_at through COALESCE (the same value; received_at is NOT NULL): an expression no index
    # serves, so the planner takes ix_dossiers_office_finished for the (few) open dossiers instead of
    # reading every dossier of the office by received date (bench/bench_dashboard.py: 28 → 9 ms).
    received = func.coalesce(dossiers.c.received_at, dossiers.c.received_at)
    keep = _in_office_by(office, start, end, received) + [
        _stored(), dossiers.c.status != rules.WITHDRAWN_STATUS, dossiers.c.due_at.isnot(None)]
    fe = dossiers.c.finished_effective_at
    return keep, [fe.is_(None), fe > end]


def _supplemented():
    """The dossier has a step in status 5, whose time the rule adds to the due date. (IN over the
    steps' status index: the database reads those few steps once, not a lookup per dossier.)"""
    return dossiers.c.code.in_(select(dossier_steps.c.dossier_code)
                               .where(dossier_steps.c.status == rules.SUPPLEMENT_STATUS))


def late_unsupplemented(conn: Connection, office: str | None, start: datetime, end: datetime) -> int:
    """Dossiers open at the period's end without a status-5 step whose due date has passed: by
    `rules.judge` exactly the late ones among them (no supplement time: the adjusted due date is the
    due date, and open at `end` is late iff `end` > due). Counted in SQL, not fetched and judged."""
    keep, parts = _open_at_end(office, start, end)
    late = [dossiers.c.due_at < end, ~_supplemented()]
    return sum(conn.scalar(select(func.count()).select_from(dossiers).where(*keep, part, *late))
               for part in parts)


def judged_open(conn: Connection, office: str | None, start: datetime, end: datetime) -> list[tuple]:
    """(row, rules.judge verdict at the period's end) of the dossiers the stored verdicts cannot
    count alone: open at the end (or finished after it) with a status-5 step (the supplement time
    moves their due date), and any dossier not judged by the current rule. The other dossiers open at
    the end are counted by `late_unsupplemented`."""
    keep, open_parts = _open_at_end(office, start, end)
    columns = (dossiers.c.code, dossiers.c.procedure_code, dossiers.c.procedure_name, dossiers.c.status,
               dossiers.c.status_at, dossiers.c.received_at, dossiers.c.due_at, dossiers.c.finished_at,
               dossiers.c.returned_at)
    parts = [select(*columns).where(*keep, part, _supplemented()) for part in open_parts]
    rule = dossiers.c.verdict_rule  # ranges, not !=, so ix_dossiers_verdict_rule finds the (usually no) rows
    unjudged = conn.scalars(select(dossiers.c.code).where(
        or_(rule.is_(None), rule < rules.RULE_VERSION, rule > rules.RULE_VERSION))).all()
    parts += [select(*columns).where(*_in_office_by(office, start, end), dossiers.c.code.in_(unjudged[i:i + 500]))
              for i in range(0, len(unjudged), 500)]
    rows = [r for part in parts for r in conn.execute(part)]
    if not rows:
        return []
    steps: dict[str, list] = defaultdict(list)
    codes = [r.code for r in rows]
    for i in range(0, len(codes), 500):
        for s in conn.execute(select(dossier_steps.c.dossier_code, dossier_steps.c.status,
                                     dossier_steps.c.started_at, dossier_steps.c.finished_at)
                              .where(dossier_steps.c.status.in_((3, 5, 8)),
                                     dossier_steps.c.dossier_code.in_(codes[i:i + 500]))):
            steps[s.dossier_code].append(s)
    return [(r, rules.judge(times_of(r, steps.get(r.code, ())), end)) for r in rows]


def dossier_tally(conn: Connection, office: str | None, start: datetime, end: datetime,
                  by_procedure: bool = False, with_negative: bool = False, per_day: bool = True) -> DossierTally:
    """Counts of the dossiers finished in the period per office day of finish and verdict (and per
    procedure; and how many were rated negatively): SQL GROUP BY over verdicts stored at import, plus
    the few dossiers judged now. Same numbers as `stats.dossier_figures` (a test holds them equal)."""
    day = (day_key(conn, dossiers.c.finished_effective_at) if per_day else literal(None)).label("day")
    key = dossiers.c.procedure_code if by_procedure else literal(None)
    in_period = [_stored(), dossiers.c.finished_effective_at >= start, dossiers.c.finished_effective_at < end,
                 dossiers.c.on_time.isnot(None)] + ([dossiers.c.office_code == office] if office else [])
    # Only columns of ix_dossiers_office_finished: a year of an office is read from the index alone.
    query = (select(key.label("key"), day, dossiers.c.on_time, func.count().label("n"))
             .where(*in_period).group_by(key, day, dossiers.c.on_time))
    received = select(func.count()).select_from(dossiers).where(dossiers.c.received_at >= start,
                                                                dossiers.c.received_at < end)
    if office:
        received = received.where(dossiers.c.office_code == office)
    grouped = conn.execute(query).all()
    names = procedure_names(conn, {r.key for r in grouped}) if by_procedure else {}
    finished = [(r.key, names.get(r.key), day_start(r.day) if per_day else None, bool(r.on_time), 0, r.n)
                for r in grouped]
    if with_negative:  # driven by the (few) negative ratings, joined to their dossiers
        negative = (select(day, func.count(dossiers.c.code.distinct()).label("n"))
                    .select_from(ratings.join(dossiers, dossiers.c.code == ratings.c.dossier_code))
                    .where(*in_period, *_negative(start, office)).group_by(day))
        finished += [(None, None, day_start(r.day) if per_day else None, True, r.n, 0)
                     for r in conn.execute(negative)]
    judged = judged_open(conn, office, start, end)
    finished_now = [(r, v) for r, v in judged
                    if v.finished_at is not None and start <= v.finished_at < end and v.on_time is not None]
    rated_badly = set()
    if finished_now and with_negative:
        codes = [r.code for r, _ in finished_now]
        for i in range(0, len(codes), 500):
            rated_badly.update(conn.scalars(select(ratings.c.dossier_code).where(
                *_negative(start, office), ratings.c.dossier_code.in_(codes[i:i + 500]))))
    for r, v in finished_now:
        local = v.finished_at + OFFSET
        finished.append((r.procedure_code if by_procedure else None, r.procedure_name,
                         local.replace(hour=0, minute=0, second=0, microsecond=0) - OFFSET if per_day else None,
                         bool(v.on_time), int(r.code in rated_badly), 1))
    open_late = (sum(1 for _, v in judged if v.finished_at is None and v.late)
                 + late_unsupplemented(conn, office, start, end))
    return DossierTally(conn.scalar(received), open_late, finished)


def procedure_names(conn: Connection, codes: set) -> dict:
    """Procedure code → name: the catalogue's, else the name a dossier of that code was imported with."""
    codes = sorted(c for c in codes if c)
    names = {}
    for i in range(0, len(codes), 500):
        names.update(conn.execute(select(procedures.c.code, procedures.c.name)
                                  .where(procedures.c.code.in_(codes[i:i + 500]))).all())
    for code in codes:  # procedure names are national: any office's dossier will do
        if not names.get(code):
            names[code] = conn.scalar(select(func.max(dossiers.c.procedure_name))
                                      .where(dossiers.c.procedure_code == code)) or None
    return names


def tally_figures(rows, received: int | None = None, open_late: int | None = None) -> dict:
    """received, finished, on_time, late, on_time_rate, open_late: the shape of stats.dossier_figures."""
    finished = sum(r[5] for r in rows)
    on_time = sum(r[5] for r in rows if r[3])
    return {"received": received, "finished": finished, "on_time": on_time, "late": finished - on_time,
            "on_time_rate": rules.rate(on_time, finished), "open_late": open_late}


def day_key(conn: Connection, column):
    """SQL naming the office day (+07:00) of a stored naive-UTC time. On SQLite it is the stored
    text's UTC date, marked '+' from 17:00 UTC (already the next office day): substrings, far cheaper
    than date functions over a year of rows. `day_start` reads either form."""
    if conn.dialect.name == "sqlite":
        return func.substr(column, 1, 10).op("||")(case((func.substr(column, 12, 2) >= "17", "+"), else_=""))
    return func.to_char(column + OFFSET, "YYYY-MM-DD")


@lru_cache(maxsize=16384)
def day_start(key: str) -> datetime:
    """A `day_key` → the naive-UTC start of that office day."""
    day = datetime(int(key[0:4]), int(key[5:7]), int(key[8:10]))
    return day + timedelta(days=1) - OFFSET if key.endswith("+") else day - OFFSET


__all__ = ["PERIODS", "period_bounds", "judged_dossiers", "dossier_figures", "rating_figures",
           "office_stats", "dossier_tally", "tally_figures", "DossierTally", "day_key", "day_start",
           "OFFICE_TZ", "to_db"]
