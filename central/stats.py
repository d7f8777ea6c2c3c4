"""The one reporting pipeline: the rows every figure is counted from (kiosk statistics, dashboard, reports).

All functions take a Connection and naive-UTC bounds [start, end); `office=None` means all offices.
Dossiers: `dossier_tally` counts finished dossiers in SQL from the verdicts stored at import
(`rules.settled`) and judges only the dossiers still open at the end; its named rows (`Finished`)
are summed by `tally_figures` (the overview counts its dossiers with Biểu 06's own
`central.bieu06.tallies`). Ratings: `rating_groups` counts them in SQL by (key, score, scale),
summed by `rating_totals`. `central.reports` groups the same rows by officer, counter, field,
procedure or day; `office_stats` is the kiosk's screen. The reference the tests hold these equal
to (every dossier judged now) is tests/central/reference.py.
"""

import json
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import and_, case, func, literal, or_, select, true
from sqlalchemy.engine import Connection

from central import rules
from central.dossiers import times_of
from central.storage import for_reports
from central.storage.schema import dossier_steps, dossiers, procedures, ratings
from central.storage.verdicts import max_time_of, pausing_procedures, procedure_methods, supplemented
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
        start = local.replace(month=(local.month - 1) // 3 * 3 + 1, day=1, hour=0, minute=0, second=0, microsecond=0)
    elif name == "year":
        start = local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    else:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    return start - OFFSET, now


def month_spans(end: datetime, count: int) -> list[tuple[datetime, datetime]]:
    """[start, end) of the last `count` office-time months up to `end` (the last one ends at `end`)."""
    local = (end + OFFSET).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    starts = []
    for _ in range(count):
        starts.append(local - OFFSET)
        local = (local - timedelta(days=1)).replace(day=1)
    starts.reverse()
    return list(zip(starts, starts[1:] + [end]))


def office_stats(conn: Connection, office: str | None, period: str, now: datetime | None = None) -> dict:
    """The kiosk statistics screen's figures (GET /api/v1/stats): the period and the last 6 (12 for a
    year) months, from `dossier_tally` and `rating_groups`, so the cost follows the months shown, not
    the office's whole history. Equal to tests/central/reference.py's `office_stats_judged`."""
    start, end = period_bounds(period, now)
    spans = month_spans(end, 12 if period == "year" else 6)
    first = min(spans[0][0], start)
    tally = dossier_tally(conn, office, start, end)
    history = dossier_tally(conn, office, first, end) if first < start else tally
    starts = [m_start for m_start, _ in spans]
    finished, rated = (
        _by_month(starts, history.finished, lambda r: r.day),
        _by_month(
            starts,
            rating_groups(conn, office, first, end, day_key(conn, ratings.c.created_at), comments=False),
            lambda g: day_start(g.key),
        ),
    )
    series = []
    for (m_start, _), month_finished, month_rated in zip(spans, finished, rated):
        d, r = tally_figures(month_finished), rating_totals(month_rated)
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
        "dossiers": tally.figures(),
        "ratings": rating_totals(rating_groups(conn, office, start, end, comments=False)),
        "series": series,
        "generated_at": to_wire(utcnow()),
    }


def _by_month(starts: list[datetime], rows, day_of) -> list[list]:
    """Rows split by the month (of `starts`, the last one open-ended) their day falls in; earlier rows dropped."""
    out: list[list] = [[] for _ in starts]
    for row in rows:
        i = bisect_right(starts, day_of(row)) - 1
        if i >= 0:
            out[i].append(row)
    return out


class RatingGroup(NamedTuple):
    """Ratings counted together (`rating_groups`): the same key, score, scale, comment or not and
    reasons ticked (a JSON list, "[]" unless asked for)."""

    key: object
    score: int
    scale: int
    has_comment: int
    reasons: str
    n: int


def rating_groups(
    conn: Connection,
    office: str | None,
    start: datetime,
    end: datetime,
    key=None,
    comments: bool = True,
    reasons: bool = False,
) -> list[RatingGroup]:
    """The ratings of [start, end) counted in SQL per (key, score, scale, comment or not, reasons),
    so a year of a busy office is a few thousand rows, not a hundred thousand. Satisfaction is
    decided in Python (rules). `key` is an SQL expression (officer, counter, `day_key`...) or None.
    Without `comments` and `reasons` the ratings' (office, created_at, scale, score) index covers
    the query; with `reasons`, one pass gives counts, comments and reasons."""
    has_comment = (
        case((and_(ratings.c.comment.isnot(None), ratings.c.comment != ""), 1), else_=0) if comments else literal(0)
    )
    key = key if key is not None else literal(None)
    reason_sets = ratings.c.reasons if reasons else literal("[]")
    query = (
        select(
            key.label("key"),
            ratings.c.score,
            ratings.c.scale,
            has_comment.label("has_comment"),
            reason_sets.label("reasons"),
            func.count().label("n"),
        )
        .where(ratings.c.created_at >= start, ratings.c.created_at < end)
        .group_by(key, ratings.c.score, ratings.c.scale, has_comment, reason_sets)
    )
    if office:
        query = query.where(ratings.c.office_code == office)
    return conn.execute(query).all()  # Rows named as RatingGroup: no copy into tuples of our own


def scale_of(groups: list[RatingGroup]) -> int:
    """The scale most of the ratings use (3 when there are none): the distribution's levels."""
    scales = Counter()
    for g in groups:
        scales[g.scale] += g.n
    return scales.most_common(1)[0][0] if scales else 3


def rating_totals(groups: list[RatingGroup]) -> dict:
    """count, satisfied (rules.is_satisfied), satisfaction_rate, distribution by score on the usual
    scale, scale: the rating figures of the API, the kiosk and the dashboard. (One pass, unpacking
    each group: the kiosk's screen sums every month of a year this way.)"""
    scales, levels, count, satisfied = Counter(), Counter(), 0, 0
    for _key, score, scale, _comment, _reasons, n in groups:
        scales[scale] += n
        levels[score, scale] += n
        count += n
        if rules.is_satisfied(score, scale):
            satisfied += n
    scale = scales.most_common(1)[0][0] if scales else 3
    return {
        "count": count,
        "satisfied": satisfied,
        "satisfaction_rate": rules.rate(satisfied, count),
        "distribution": {str(i): levels[i, scale] for i in range(1, scale + 1)},
        "scale": scale,
    }


def reasons_of(group: RatingGroup) -> list[str]:
    """The reason codes of a group counted with `reasons=True`."""
    return json.loads(group.reasons) if group.reasons and group.reasons != "[]" else []


class Finished(NamedTuple):
    """`n` dossiers finished in the period with the same verdict (and procedure, and office day)."""

    procedure: str | None  # procedure code when counted by procedure, else None
    name: str | None  # its name (the catalogue's, else the dossier's), when counted by procedure
    day: datetime | None  # naive-UTC start of the office day of the finish, when counted per day
    on_time: bool
    n: int
    verdict: str | None = None  # rules.EARLY | ON_TIME | LATE


@dataclass
class DossierTally:
    """The dossiers of a period: `received` (accepted in it); `open_late` (still open and late at the
    period's end, judged then by rules.judge); `finished` rows counted in SQL from stored verdicts
    plus those judged at report time; `open` (open at the period's end) and `carried_over` (accepted
    before it, not ended before it), for Biểu 06's balance and chỉ tiêu 2.1."""

    received: int
    open_late: int
    finished: list[Finished]
    open: int | None = None
    carried_over: int | None = None

    def figures(self) -> dict:
        """The API's "dossiers" (tally_figures) with the open ones and the two rates."""
        out = tally_figures(self.finished, self.received, self.open_late)
        if self.open is not None:
            good = out["on_time"] + self.open - self.open_late
            out.update(
                carried_over=self.carried_over,
                open=self.open,
                open_in_time=self.open - self.open_late,
                finished_on_time_rate=out["on_time_rate"],
                indicator_2_1=rules.rate(good, out["finished"] + self.open),
            )
        return out


def _stored() -> object:
    return dossiers.c.verdict_rule == rules.RULE_VERSION


def _in_office_by(office: str | None, start: datetime, end: datetime, received=dossiers.c.received_at) -> list:
    """Dossiers of the office received by the period's end and not done before it began."""
    done_before = or_(
        and_(dossiers.c.finished_at.isnot(None), dossiers.c.finished_at < start),
        and_(dossiers.c.returned_at.isnot(None), dossiers.c.returned_at < start),
    )
    keep = [received < end, or_(dossiers.c.received_at >= start, ~done_before)]
    return keep + ([dossiers.c.office_code == office] if office else [])


def _open_at_end(office: str | None, start: datetime, end: datetime) -> tuple[list, list]:
    """(conditions, disjoint parts) picking the dossiers whose stored verdict leaves them open at the
    period's end (never finished, or finished after it), accepted. Each part is served by an index
    (an OR would scan the office's dossiers)."""
    # received_at through COALESCE (the same value; received_at is NOT NULL): an expression no index
    # serves, so the planner takes ix_dossiers_office_finished for the (few) open dossiers instead of
    # reading every dossier of the office by received date (bench/bench_dashboard.py: 28 → 9 ms).
    received = func.coalesce(dossiers.c.received_at, dossiers.c.received_at)
    keep = _in_office_by(office, start, end, received) + [
        _stored(),
        dossiers.c.accepted == true(),
    ]
    fe = dossiers.c.finished_effective_at
    return keep, [fe.is_(None), fe >= end]


def late_unsupplemented(conn: Connection, office: str | None, start: datetime, end: datetime) -> int:
    """Dossiers open at the period's end without a status-5 step whose due date has passed: by
    `rules.judge` exactly the late ones among them (no supplement time: the adjusted due date is the
    due date, and open at `end` is late iff `end` > due). Counted in SQL, not fetched and judged."""
    keep, parts = _open_at_end(office, start, end)
    late = [dossiers.c.due_at.isnot(None), dossiers.c.due_at < end, ~supplemented()]
    return sum(conn.scalar(select(func.count()).select_from(dossiers).where(*keep, part, *late)) for part in parts)


def judged_open(conn: Connection, office: str | None, start: datetime, end: datetime) -> list[tuple]:
    """(row, rules.judge verdict at the period's end) of the dossiers the stored verdicts cannot
    count alone: open at the end (or finished after it) with a status-5 step (the supplement time
    moves their due date), and any dossier not judged by the current rule. The other dossiers open at
    the end are counted by `late_unsupplemented`."""
    keep, open_parts = _open_at_end(office, start, end)
    columns = (
        dossiers.c.code,
        dossiers.c.procedure_code,
        dossiers.c.procedure_name,
        dossiers.c.status,
        dossiers.c.status_at,
        dossiers.c.received_at,
        dossiers.c.due_at,
        dossiers.c.finished_at,
        dossiers.c.returned_at,
        dossiers.c.channel,
        dossiers.c.verdict_rule,
    )
    # without an appointment, the procedure's maximum time decides (rules.max_time): judged here too
    judged_here = or_(supplemented(), dossiers.c.due_at.is_(None))
    parts = [select(*columns).where(*keep, part, judged_here) for part in open_parts]
    rule = dossiers.c.verdict_rule  # ranges, not !=, each its own query: ix_dossiers_verdict_rule finds the
    # (usually no) rows, where the planner scans the table for the OR of the three
    unjudged = [
        code
        for stale in (rule.is_(None), rule < rules.RULE_VERSION, rule > rules.RULE_VERSION)
        for code in conn.scalars(select(dossiers.c.code).where(stale))
    ]
    parts += [
        select(*columns).where(*_in_office_by(office, start, end), dossiers.c.code.in_(unjudged[i : i + 500]))
        for i in range(0, len(unjudged), 500)
    ]
    rows = [r for part in parts for r in conn.execute(part)]
    if not rows:
        return []
    steps: dict[str, list] = defaultdict(list)
    codes = [r.code for r in rows]
    for i in range(0, len(codes), 500):
        for s in conn.execute(
            select(
                dossier_steps.c.dossier_code,
                dossier_steps.c.status,
                dossier_steps.c.started_at,
                dossier_steps.c.finished_at,
            ).where(dossier_steps.c.status.isnot(None), dossier_steps.c.dossier_code.in_(codes[i : i + 500]))
        ):
            steps[s.dossier_code].append(s)
    pausing = pausing_procedures(conn)
    methods = procedure_methods(conn, {r.procedure_code for r in rows if r.due_at is None})
    return [
        (r, rules.judge(times_of(r, steps.get(r.code, ())), end, r.procedure_code in pausing, max_time_of(r, methods)))
        for r in rows
    ]


def dossier_tally(
    conn: Connection,
    office: str | None,
    start: datetime,
    end: datetime,
    by_procedure: bool = False,
    per_day: bool = True,
) -> DossierTally:
    """Counts of the dossiers finished in the period per office day of finish and verdict (and per
    procedure): SQL GROUP BY over verdicts stored at import, plus
    the few dossiers judged now. Same numbers as judging every dossier (tests/central/reference.py)."""
    day = (day_key(conn, dossiers.c.finished_effective_at) if per_day else literal(None)).label("day")
    key = dossiers.c.procedure_code if by_procedure else literal(None)
    in_period = [
        _stored(),
        dossiers.c.finished_effective_at >= start,
        dossiers.c.finished_effective_at < end,
        dossiers.c.verdict.isnot(None),
        dossiers.c.accepted == true(),
    ] + ([dossiers.c.office_code == office] if office else [])
    # Only columns of ix_dossiers_office_finished: a year of an office is read from the index alone.
    query = (
        select(key.label("key"), day, dossiers.c.verdict, func.count().label("n"))
        .where(*in_period)
        .group_by(key, day, dossiers.c.verdict)
    )
    received = (
        select(func.count())
        .select_from(dossiers)
        .where(dossiers.c.received_at >= start, dossiers.c.received_at < end, dossiers.c.accepted == true())
    )
    if office:
        received = received.where(dossiers.c.office_code == office)
    for_reports(conn)
    grouped = conn.execute(query).all()
    names = procedure_names(conn, {r.key for r in grouped}) if by_procedure else {}
    make = Finished._make  # a year of an office per day: ~700 rows, built without keyword parsing
    finished = [
        make((key, names.get(key), day_start(d) if per_day else None, verdict != rules.LATE, n, verdict))
        for key, d, verdict, n in grouped
    ]
    judged = judged_open(conn, office, start, end)
    finished_now = [
        (r, v)
        for r, v in judged
        if v.finished_at is not None and start <= v.finished_at < end and v.verdict is not None
    ]
    for r, v in finished_now:
        finish_day = _office_day(v.finished_at) if per_day else None
        finished.append(
            Finished(
                r.procedure_code if by_procedure else None, r.procedure_name, finish_day, bool(v.on_time), 1, v.verdict
            )
        )
    open_late = sum(1 for _, v in judged if v.finished_at is None and v.late) + late_unsupplemented(
        conn, office, start, end
    )
    still_open, carried = open_and_carried(conn, office, start, end)
    for r, v in judged:  # rows not judged by the current rule: counted from their verdict now
        if r.verdict_rule == rules.RULE_VERSION or not v.accepted:
            continue
        if v.finished_at is None:
            still_open += 1
        if r.received_at < start and (v.finished_at is None or v.finished_at >= start):
            carried += 1
    return DossierTally(conn.scalar(received), open_late, finished, still_open, carried)


def open_and_carried(conn: Connection, office: str | None, start: datetime, end: datetime) -> tuple[int, int]:
    """(open at the period's end, carried over into it) among accepted dossiers: counted in SQL from
    the stored end (finished_effective_at, NULL while open)."""
    fe = dossiers.c.finished_effective_at
    base = [dossiers.c.accepted == true(), _stored()] + ([dossiers.c.office_code == office] if office else [])
    still_open = conn.scalar(
        select(func.count()).where(*base, dossiers.c.received_at < end, or_(fe.is_(None), fe >= end))
    )
    carried = conn.scalar(
        select(func.count()).where(*base, dossiers.c.received_at < start, or_(fe.is_(None), fe >= start))
    )
    return still_open, carried


def _office_day(moment: datetime) -> datetime:
    """The naive-UTC start of the office day of a naive-UTC time."""
    return (moment + OFFSET).replace(hour=0, minute=0, second=0, microsecond=0) - OFFSET


def procedure_names(conn: Connection, codes: set) -> dict:
    """Procedure code → name: the catalogue's, else the name a dossier of that code was imported with."""
    codes = sorted(c for c in codes if c)
    names = {}
    for i in range(0, len(codes), 500):
        names.update(
            conn.execute(
                select(procedures.c.code, procedures.c.name).where(procedures.c.code.in_(codes[i : i + 500]))
            ).all()
        )
    for code in codes:  # procedure names are national: any office's dossier will do
        if not names.get(code):
            names[code] = (
                conn.scalar(select(func.max(dossiers.c.procedure_name)).where(dossiers.c.procedure_code == code))
                or None
            )
    return names


def tally_figures(rows: list[Finished], received: int | None = None, open_late: int | None = None) -> dict:
    """received, finished, early, on_time (early included), late, on_time_rate, open_late of `Finished`
    rows (the API's "dossiers"): on_time_rate is Biểu 06's rate, (trước hạn + đúng hạn) / đã giải quyết."""
    finished = sum(r.n for r in rows)
    on_time = sum(r.n for r in rows if r.on_time)
    return {
        "received": received,
        "finished": finished,
        "early": sum(r.n for r in rows if r.verdict == rules.EARLY),
        "on_time": on_time,
        "late": finished - on_time,
        "on_time_rate": rules.rate(on_time, finished),
        "open_late": open_late,
    }


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


__all__ = [
    "PERIODS",
    "period_bounds",
    "month_spans",
    "office_stats",
    "dossier_tally",
    "tally_figures",
    "DossierTally",
    "Finished",
    "RatingGroup",
    "rating_groups",
    "rating_totals",
    "scale_of",
    "reasons_of",
    "day_key",
    "day_start",
    "OFFICE_TZ",
    "to_db",
]
