"""Report figures for the dashboard and /api/v1/reports: one function per figure, both callers share it.

The on-time rule is `central.rules` (finished dossiers: `rules.settled`, stored with the dossier at
import and counted here with SQL GROUP BY; dossiers open at the period's end: `rules.judge` now), the
satisfaction rule `central.rules.is_satisfied`; this module picks the rows a period needs, groups
them (by officer, counter, field, procedure, day/week/month) and never decides on its own whether a
dossier is late or a rating satisfied. The rows it groups are `central.stats`' (one pipeline for
every figure); tests hold the totals equal to judging every dossier (tests/central/reference.py).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, literal, select, true
from sqlalchemy.engine import Connection

from central import bieu06, rules, stats
from central.errors import BadPeriod
from central.storage.schema import dossiers, procedures, ratings, staff
from central.timeutil import FIRST_YEAR, LAST_YEAR, to_wire, utcnow
from motcua import scale
from motcua.officetime import OFFSET
from motcua.text import hide_phones, sort_key

PRESETS = ("30d", "month", "quarter", "year")
GRANULARITIES = ("day", "week", "month")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DIMENSIONS = ("officer", "counter", "field", "procedure", "day")


@dataclass(frozen=True)
class Period:
    """[start, end) in naive UTC, as stored; `granularity` is the trend's bucket size."""

    start: datetime
    end: datetime
    name: str  # 30d | month | quarter | year | custom
    granularity: str

    def first_day(self) -> date:
        return (self.start + OFFSET).date()

    def last_day(self) -> date:
        return (self.end + OFFSET - timedelta(microseconds=1)).date()

    def as_dict(self) -> dict:
        return {
            "from": to_wire(self.start),
            "to": to_wire(self.end),
            "name": self.name,
            "granularity": self.granularity,
            "first_day": self.first_day().isoformat(),
            "last_day": self.last_day().isoformat(),
        }


def _day(text: str, name: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise BadPeriod(f'{name}: "{text}" is not a day (expected YYYY-MM-DD, e.g. 2026-11-01)') from None
    if not FIRST_DAY <= day <= LAST_DAY:  # year 0001 or 9999: a typing error (and no UTC time exists)
        raise BadPeriod(f"{name}: {day} is outside {FIRST_DAY} .. {LAST_DAY}")
    return day


FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)  # the days a report period may cover


def parse_period(
    period: str | None = None,
    day_from: str | None = None,
    day_to: str | None = None,
    granularity: str | None = None,
    now: datetime | None = None,
) -> Period:
    """A named period ending now, or days `from`..`to` (both included, office time); the end is never
    later than now, so dossiers still open are judged today, not at a future date."""
    now = now or utcnow()
    if (day_from or day_to) and period in (None, "", "custom"):
        if not (day_from and day_to):
            raise BadPeriod("from and to: give both days of a custom period (YYYY-MM-DD)")
        first, last = _day(day_from, "from"), _day(day_to, "to")
        if last < first:
            raise BadPeriod(f"to: {last} is before from: {first}")
        if (last - first).days > 3 * 366:
            raise BadPeriod("from/to: a period is at most three years long")
        start = datetime.combine(first, datetime.min.time()) - OFFSET
        end = min(datetime.combine(last + timedelta(days=1), datetime.min.time()) - OFFSET, now)
        if end <= start:
            raise BadPeriod(f"from: {first} is in the future")
        name = "custom"
    else:
        name = period or "month"
        if name not in PRESETS:
            raise BadPeriod(f'period: "{name}" is not one of {", ".join(PRESETS)} (or give from and to)')
        start, end = stats.period_bounds(name, now)
    span = (end - start).days
    granularity = granularity or ("day" if span <= 31 else "week" if span <= 120 else "month")
    if granularity not in GRANULARITIES:
        raise BadPeriod(f'granularity: "{granularity}" is not one of {", ".join(GRANULARITIES)}')
    return Period(start, end, name, granularity)


def buckets(period: Period) -> list[tuple[datetime, datetime, date]]:
    """(start, end, first local day) of each day/week (Monday)/month of the period, clipped to it."""
    out = []
    local = (period.start + OFFSET).replace(hour=0, minute=0, second=0, microsecond=0)
    if period.granularity == "week":
        local -= timedelta(days=local.weekday())
    elif period.granularity == "month":
        local = local.replace(day=1)
    while local - OFFSET < period.end:
        if period.granularity == "day":
            nxt = local + timedelta(days=1)
        elif period.granularity == "week":
            nxt = local + timedelta(days=7)
        else:
            nxt = (local + timedelta(days=32)).replace(day=1)
        out.append((max(local - OFFSET, period.start), min(nxt - OFFSET, period.end), local.date()))
        local = nxt
    return out


def bucket_label(first: date, granularity: str, lang: str = "vi") -> str:
    if granularity == "month":
        return f"T{first.month}/{first.year}" if lang == "vi" else f"{MONTHS_EN[first.month - 1]} {first.year}"
    if granularity == "week":
        return f"Tuần {first:%d/%m}" if lang == "vi" else f"Week of {first:%d/%m}"
    return f"{first:%d/%m}"


def _bucket_index(starts: list[datetime], moment: datetime) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:  # last bucket whose start <= moment
        mid = (lo + hi + 1) // 2
        if starts[mid] <= moment:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _per_bucket(period: Period, rows) -> list[list]:
    """Named rows with a `day` (stats.Finished) split into the period's buckets."""
    spans = buckets(period)
    starts = [b[0] for b in spans]
    out: list[list] = [[] for _ in spans]
    for row in rows:
        out[_bucket_index(starts, row.day)].append(row)
    return out


def on_time(conn: Connection, office: str | None, period: Period, tally: stats.DossierTally | None = None) -> dict:
    """Dossier figures of the period and their trend per bucket."""
    tally = tally if tally is not None else stats.dossier_tally(conn, office, period.start, period.end)
    totals = tally.figures()
    series = []
    for (b_start, b_end, first), rows in zip(buckets(period), _per_bucket(period, tally.finished)):
        f = stats.tally_figures(rows)
        series.append(
            {
                "label": bucket_label(first, period.granularity),
                "label_en": bucket_label(first, period.granularity, "en"),
                "from": to_wire(b_start),
                "to": to_wire(b_end),
                "finished": f["finished"],
                "on_time": f["on_time"],
                "late": f["late"],
                "on_time_rate": f["on_time_rate"],
            }
        )
    return {"office": office, "period": period.as_dict(), "dossiers": totals, "series": series}


def local_day(conn: Connection, column):
    """SQL for the office-time day (YYYY-MM-DD) of a stored naive-UTC time, on SQLite or PostgreSQL."""
    if conn.dialect.name == "sqlite":
        return func.strftime("%Y-%m-%d", column, "+7 hours")
    return func.to_char(column + OFFSET, "YYYY-MM-DD")


def quick_counts(conn: Connection, office: str | None, period: Period, key=None) -> dict:
    """{key: quick ratings of the period}: ratings recorded less than rules.QUICK_SECONDS after their
    tablet's previous one (ratings.quick, set at ingest). Reads only the quick ratings, by index."""
    key = key if key is not None else literal(None)
    query = (
        select(key.label("key"), func.count().label("n"))
        .where(ratings.c.quick == true(), ratings.c.created_at >= period.start, ratings.c.created_at < period.end)
        .group_by(key)
    )
    if office:
        query = query.where(ratings.c.office_code == office)
    return {r.key: r.n for r in conn.execute(query)}


def satisfaction_trend(conn: Connection, office: str | None, period: Period, groups=None) -> list[dict]:
    """Ratings, satisfied and satisfaction rate per bucket of the period."""
    if groups is None:
        groups = _day_groups(conn, office, period)
    spans = buckets(period)
    starts = [b[0] for b in spans]
    counts = [[0, 0] for _ in spans]
    for g in groups:
        cell = counts[_bucket_index(starts, stats.day_start(g.key))]
        cell[0] += g.n
        cell[1] += g.n if rules.is_satisfied(g.score, g.scale) else 0
    return [
        {
            "label": bucket_label(first, period.granularity),
            "label_en": bucket_label(first, period.granularity, "en"),
            "from": to_wire(b_start),
            "to": to_wire(b_end),
            "ratings": n,
            "satisfied": s,
            "satisfaction_rate": rules.rate(s, n),
        }
        for (b_start, b_end, first), (n, s) in zip(spans, counts)
    ]


def _day_groups(conn: Connection, office: str | None, period: Period) -> list[stats.RatingGroup]:
    """The period's ratings counted per office day, score and scale."""
    return stats.rating_groups(
        conn, office, period.start, period.end, stats.day_key(conn, ratings.c.created_at), comments=False
    )


def _tally_of(counted: list[bieu06.Tally], starts: list[datetime]) -> stats.DossierTally:
    """The overview's dossier figures from Biểu 06's own count of the period (bieu06.tallies with the
    period's buckets): received in the period, finished per bucket by verdict, open at its end (and
    late), carried over into it. So the overview and Biểu 06 say the same numbers."""
    open_ = [t for t in counted if not t.finished]
    return stats.DossierTally(
        received=sum(t.n for t in counted if t.received != rules.CARRIED_OVER),
        open_late=sum(t.n for t in open_ if t.verdict == rules.LATE),
        finished=[
            stats.Finished(None, None, starts[t.bucket], t.verdict != rules.LATE, t.n, t.verdict)
            for t in counted
            if t.finished
        ],
        open=sum(t.n for t in open_),
        carried_over=sum(t.n for t in counted if t.received == rules.CARRIED_OVER),
    )


def overview(conn: Connection, office: str | None, period: Period) -> dict:
    """Everything the overview page shows: the same dict /api/v1/reports/overview answers.

    The dossiers of the period are counted once (bieu06.tallies, with the complaint and negative-rating
    flags and the period's buckets) for both the dossier figures and QĐ 766 chỉ tiêu 5.4."""
    starts = [b[0] for b in buckets(period)]
    counted = bieu06.tallies(conn, office, period.start, period.end, starts, feelings=True, by_field="received")
    tally = _tally_of(counted, starts)
    dossier_part = on_time(conn, office, period, tally)
    groups = _day_groups(conn, office, period)
    trend = satisfaction_trend(conn, office, period, groups)
    for point, d in zip(trend, dossier_part["series"]):
        point.update({k: d[k] for k in ("finished", "on_time", "late", "on_time_rate")})
    totals = stats.rating_totals(groups)
    totals["quick"] = sum(quick_counts(conn, office, period).values())
    return {
        "office": office,
        "period": period.as_dict(),
        "ratings": totals,
        "dossiers": dossier_part["dossiers"],
        "decision_766": bieu06.satisfaction_5_4(conn, office, period.start, period.end, starts, counted),
        "series": trend,
        "generated_at": to_wire(utcnow()),
    }


def _labels(conn: Connection, dimension: str, keys: set) -> dict:
    keys = {k for k in keys if k is not None}
    if dimension == "officer" and keys:
        rows = conn.execute(select(staff.c.id, staff.c.name).where(staff.c.id.in_(keys)))
        return {r.id: r.name for r in rows}
    if dimension == "procedure" and keys:
        rows = conn.execute(select(procedures.c.code, procedures.c.name).where(procedures.c.code.in_(keys)))
        return {r.code: r.name for r in rows}
    return {}


def _dossier_keys(conn: Connection, office: str | None, codes: set) -> dict:
    """dossier code → (procedure code, procedure name, field code, field name) for rated dossiers."""
    if not codes:
        return {}
    out = {}
    codes = sorted(codes)
    for i in range(0, len(codes), 500):
        query = (
            select(
                dossiers.c.code,
                dossiers.c.procedure_code,
                dossiers.c.procedure_name,
                procedures.c.field_code,
                procedures.c.field_name,
            )
            .join(procedures, procedures.c.code == dossiers.c.procedure_code, isouter=True)
            .where(dossiers.c.code.in_(codes[i : i + 500]))
        )
        for r in conn.execute(query):
            out[r.code] = (r.procedure_code, r.procedure_name, r.field_code, r.field_name)
    return out


VIA_DOSSIER = ("field", "procedure")  # dimensions a rating reaches through its dossier
ON_TIME_KEYS = ("finished", "on_time", "late", "on_time_rate")


@dataclass
class _Group:
    """One row of `satisfaction_by` while it is counted."""

    key: object
    label: str | None  # None: looked up by key (officer and procedure names), else str(key)
    count: int = 0
    satisfied: int = 0
    negative: int = 0
    comments: int = 0
    quick: int = 0
    dossiers: dict | None = None  # ON_TIME_KEYS of the dossiers finished in the period (VIA_DOSSIER)
    levels: Counter = field(default_factory=Counter)  # ratings per score, on the report's scale
    reasons: Counter = field(default_factory=Counter)  # reasons ticked on scores below 'satisfied'

    def add(self, row: stats.RatingGroup, scale: int) -> None:
        satisfied = rules.is_satisfied(row.score, row.scale)
        self.count += row.n
        self.satisfied += row.n if satisfied else 0
        self.negative += row.n if rules.is_negative(row.score, row.scale) else 0
        self.comments += row.n if row.has_comment else 0
        if row.scale == scale:
            self.levels[row.score] += row.n
        if not satisfied:
            for reason in stats.reasons_of(row):
                self.reasons[reason] += row.n

    def item(self, scale: int, names: dict, with_dossiers: bool) -> dict:
        """The row as the API and the pages show it."""
        out = {
            "key": self.key,
            "label": self.label if self.label is not None else names.get(self.key, str(self.key)),
            "count": self.count,
            "satisfied": self.satisfied,
            "negative": self.negative,
            "comments": self.comments,
            "quick": self.quick,
        }
        if with_dossiers:
            out.update(self.dossiers or dict.fromkeys(ON_TIME_KEYS, 0) | {"on_time_rate": None})
        out.update(
            satisfaction_rate=rules.rate(self.satisfied, self.count),
            distribution={str(i): self.levels.get(i, 0) for i in range(1, scale + 1)},
            top_reasons=_top_reasons(self.reasons),
        )
        return out


class _Groups(dict):
    """`satisfaction_by`'s rows by key, each made on first use."""

    def __init__(self, dimension: str, rated: dict):
        super().__init__()
        self.dimension, self.rated = dimension, rated

    def of(self, value) -> _Group:
        """The row of a grouped value (staff id, counter, day or dossier code)."""
        return self.named(*_key_of(self.dimension, value, self.rated))

    def named(self, key, label) -> _Group:
        group = self.get(key)
        if group is None:
            group = self[key] = _Group(key, label)
        return group


def _top_reasons(reasons: Counter) -> list[dict]:
    """The three reasons ticked most often (ties by code), with their labels in both languages."""
    top = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    return [
        {
            "code": c,
            "label": scale.reason_name(c, "vi"),
            "label_en": scale.reason_name(c, "en"),
            "criterion": scale.reason_criterion(c),
            "count": n,
        }
        for c, n in top
    ]


def _grouping_column(conn: Connection, dimension: str):
    """SQL for what `satisfaction_by` groups ratings by: officer, counter, office day, else the dossier."""
    return {
        "officer": ratings.c.staff_id,
        "counter": ratings.c.counter,
        "day": local_day(conn, ratings.c.created_at),
    }.get(dimension, ratings.c.dossier_code)


def satisfaction_by(conn: Connection, dimension: str, office: str | None, period: Period) -> dict:
    """One row per officer / counter / field / procedure / day: counts, satisfaction rate,
    distribution, most frequent reasons on scores below 'satisfied', number of comments, number of
    quick ratings (rules.QUICK_SECONDS); for field and procedure also the on-time figures of
    dossiers finished in the period."""
    if dimension not in DIMENSIONS:
        raise BadPeriod(f'by: "{dimension}" is not one of {", ".join(DIMENSIONS)}')
    column = _grouping_column(conn, dimension)
    rows = stats.rating_groups(conn, office, period.start, period.end, column, reasons=True)
    scale = stats.scale_of(rows)
    via_dossier = dimension in VIA_DOSSIER
    groups = _Groups(dimension, _dossier_keys(conn, office, {r.key for r in rows if r.key}) if via_dossier else {})
    for r in rows:
        groups.of(r.key).add(r, scale)
    for value, n in quick_counts(conn, office, period, column).items():
        groups.of(value).quick += n
    if via_dossier:
        _add_on_time(conn, dimension, office, period, groups)
    names = _labels(conn, dimension, set(groups))
    items = [g.item(scale, names, via_dossier) for g in groups.values()]
    for item in items:
        item["label_key"] = label_key(dimension, item)
    items.sort(
        key=lambda i: (i["key"] is None, i["key"] if dimension in ("counter", "day") else "", sort_key(i["label"]))
    )
    return {"office": office, "period": period.as_dict(), "by": dimension, "scale": scale, "items": items}


# Labels of rows that have no name of their own; each row also carries its key ("label_key"), which the
# dashboard translates (breakdown.<label_key> in its catalogue), so the English pages show no Vietnamese.
ROW_LABELS = {
    "unknown_officer": "(không rõ cán bộ)",
    "counter": "Quầy {counter}",
    "unknown_counter": "(không rõ quầy)",
    "no_dossier": "(đánh giá không gắn với hồ sơ)",
    "unknown_field": "(lĩnh vực chưa rõ)",
}


def _key_of(dimension: str, value, rated: dict):
    """(key, label or None to look up) of a grouped value: staff id, counter, day or dossier code."""
    if dimension == "officer":
        return value, (None if value is not None else ROW_LABELS["unknown_officer"])
    if dimension == "counter":
        return value, (
            ROW_LABELS["counter"].format(counter=value) if value is not None else ROW_LABELS["unknown_counter"]
        )
    if dimension == "day":
        day = date.fromisoformat(value)
        return value, f"{day:%d/%m/%Y}"
    facts = rated.get(value) if value else None
    if facts is None:
        return None, ROW_LABELS["no_dossier"]
    if dimension == "procedure":
        return facts[0], facts[1] or None
    return facts[2] or "?", facts[3] or ROW_LABELS["unknown_field"]


def label_key(dimension: str, item: dict) -> str | None:
    """Which ROW_LABELS text a row of `satisfaction_by` shows, or None when it shows a name or a date."""
    if item["key"] is None:
        return {"officer": "unknown_officer", "counter": "unknown_counter"}.get(dimension, "no_dossier")
    if dimension == "counter":
        return "counter"
    if dimension == "field" and item["label"] == ROW_LABELS["unknown_field"]:
        return "unknown_field"
    return None


def _add_on_time(conn: Connection, dimension: str, office: str | None, period: Period, groups: _Groups) -> None:
    """On-time figures of the dossiers finished in the period, per procedure or per field."""
    tally = stats.dossier_tally(conn, office, period.start, period.end, by_procedure=True, per_day=False)
    fields = {}
    if dimension == "field":
        fields = {
            r.code: (r.field_code or "?", r.field_name)
            for r in conn.execute(select(procedures.c.code, procedures.c.field_code, procedures.c.field_name))
        }
    per_key: dict = {}
    for row in tally.finished:
        if dimension == "procedure":
            key, label = row.procedure, row.name or None
        else:
            key, name = fields.get(row.procedure, ("?", None))
            label = name or ROW_LABELS["unknown_field"]
        per_key.setdefault(key, [label, []])[1].append(row)
    for key, (label, rows) in per_key.items():
        figures = stats.tally_figures(rows)
        groups.named(key, label).dossiers = {k: figures[k] for k in ON_TIME_KEYS}


def comments(conn: Connection, office: str | None, period: Period, limit: int = 100) -> list[dict]:
    """Latest comments of the period, newest first: time, officer, counter, score, text (phones hidden)."""
    query = (
        select(
            ratings.c.created_at,
            ratings.c.counter,
            ratings.c.score,
            ratings.c.scale,
            ratings.c.comment,
            staff.c.name.label("officer"),
        )
        .join(staff, staff.c.id == ratings.c.staff_id, isouter=True)
        .where(
            ratings.c.created_at >= period.start,
            ratings.c.created_at < period.end,
            ratings.c.comment.isnot(None),
            ratings.c.comment != "",
        )
        .order_by(ratings.c.created_at.desc())
        .limit(limit)
    )
    if office:
        query = query.where(ratings.c.office_code == office)
    return [
        {
            "created_at": to_wire(r.created_at),
            "officer": r.officer,
            "counter": r.counter,
            "score": r.score,
            "scale": r.scale,
            "satisfied": rules.is_satisfied(r.score, r.scale),
            "comment": hide_phones(r.comment),
        }
        for r in conn.execute(query)
    ]


def sort_items(items: list[dict], column: str, descending: bool) -> list[dict]:
    """Rows sorted by any column; empty values (no rating, no dossier) always last."""
    present = [i for i in items if i.get(column) is not None]
    missing = [i for i in items if i.get(column) is None]
    if all(isinstance(i[column], (int, float)) for i in present):
        present.sort(key=lambda i: i[column], reverse=descending)
    else:  # names and labels: Vietnamese alphabetical order
        present.sort(key=lambda i: sort_key(i[column]), reverse=descending)
    return present + missing
