"""Report figures for the dashboard and /api/v1/reports: one function per figure, both callers share it.

The on-time rule is `central.rules` (finished dossiers: `rules.settled`, stored with the dossier at
import and counted here with SQL GROUP BY; dossiers open at the period's end: `rules.judge` now), the
satisfaction rule `central.rules.is_satisfied`; this module picks the rows a period needs, groups
them (by officer, counter, field, procedure, day/week/month) and never decides on its own whether a
dossier is late or a rating satisfied. Tests hold the totals equal to `central.stats`.
"""
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.engine import Connection

from central import rules, stats
from central.dossiers import times_of
from central.storage.schema import dossier_steps, dossiers, procedures, ratings, staff
from central.timeutil import to_wire, utcnow

OFFSET = timedelta(hours=7)  # office time, Asia/Ho_Chi_Minh (no daylight saving)
PRESETS = ("30d", "month", "quarter", "year")
GRANULARITIES = ("day", "week", "month")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DIMENSIONS = ("officer", "counter", "field", "procedure", "day")
REASON_LABELS = {  # the rating tablet's default reasons (rating/texts.py); unknown codes show as is
    "thai_do": ("Thái độ chưa tốt", "Unfriendly attitude"),
    "cho_lau": ("Phải chờ lâu", "Long waiting time"),
    "huong_dan": ("Hướng dẫn chưa rõ", "Unclear guidance"),
    "giay_to_ngoai_quy_dinh": ("Yêu cầu giấy tờ ngoài quy định", "Asked for papers not required"),
}
PHONE_IN_TEXT = re.compile(r"(?:\+?84|0)(?:[\s.\-]?\d){8,10}")
HIDDEN_PHONE = "[số điện thoại đã ẩn]"


class BadPeriod(ValueError):
    """A period the admin asked for that cannot be read (the message names the parameter)."""


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
        return {"from": to_wire(self.start), "to": to_wire(self.end), "name": self.name,
                "granularity": self.granularity, "first_day": self.first_day().isoformat(),
                "last_day": self.last_day().isoformat()}


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadPeriod(f"{name}: \"{text}\" is not a day (expected YYYY-MM-DD, e.g. 2026-11-01)") from None


def parse_period(period: str | None = None, day_from: str | None = None, day_to: str | None = None,
                 granularity: str | None = None, now: datetime | None = None) -> Period:
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
            raise BadPeriod(f"period: \"{name}\" is not one of {', '.join(PRESETS)} (or give from and to)")
        start, end = stats.period_bounds(name, now)
    span = (end - start).days
    granularity = granularity or ("day" if span <= 31 else "week" if span <= 120 else "month")
    if granularity not in GRANULARITIES:
        raise BadPeriod(f"granularity: \"{granularity}\" is not one of {', '.join(GRANULARITIES)}")
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


@dataclass
class DossierTally:
    """The dossier figures of a period: `finished` rows (key, local day of finish, on_time, negative,
    n) counted in SQL from stored verdicts plus those judged at report time, `received` and
    `open_late` (dossiers still open at the period's end, judged by rules.judge then)."""
    received: int
    open_late: int
    finished: list[tuple]


def _stored() -> object:
    return dossiers.c.verdict_rule == rules.RULE_VERSION


def _negative_ratings(conn: Connection, office: str | None, period: Period):
    """SELECT of dossier codes with a negative rating (rules.is_negative) given since the period began,
    or None; the rule is applied in Python to the few distinct (score, scale) pairs present."""
    where = [ratings.c.dossier_code.isnot(None), ratings.c.created_at >= period.start]
    if office:
        where.append(ratings.c.office_code == office)
    pairs = conn.execute(select(ratings.c.score, ratings.c.scale).where(*where).distinct()).all()
    negative = [and_(ratings.c.score == p.score, ratings.c.scale == p.scale)
                for p in pairs if rules.is_negative(p.score, p.scale)]
    return select(ratings.c.dossier_code).where(*where, or_(*negative)) if negative else None


def _judged_now(conn: Connection, office: str | None, period: Period) -> list[tuple]:
    """(row, rules.judge verdict at the period's end) of the dossiers whose stored verdict does not
    settle them by then: open at the end (or finished after it), or not judged by the current rule.
    Withdrawn dossiers and open ones without a due date are left out: they count nowhere."""
    start, end = period.start, period.end
    done_before = or_(and_(dossiers.c.finished_at.isnot(None), dossiers.c.finished_at < start),
                      and_(dossiers.c.returned_at.isnot(None), dossiers.c.returned_at < start))
    keep = [dossiers.c.received_at < end, or_(dossiers.c.received_at >= start, ~done_before)]
    if office:
        keep.append(dossiers.c.office_code == office)
    judgeable = [_stored(), dossiers.c.status != rules.WITHDRAWN_STATUS, dossiers.c.due_at.isnot(None)]
    columns = (dossiers.c.code, dossiers.c.procedure_code, dossiers.c.procedure_name, dossiers.c.status,
               dossiers.c.status_at, dossiers.c.received_at, dossiers.c.due_at, dossiers.c.finished_at,
               dossiers.c.returned_at)
    # Three disjoint parts, each served by ix_dossiers_office_finished (an OR would scan the office).
    parts = [select(*columns).where(*keep, *judgeable, dossiers.c.finished_effective_at.is_(None)),
             select(*columns).where(*keep, *judgeable, dossiers.c.finished_effective_at > end),
             select(*columns).where(*keep, or_(dossiers.c.verdict_rule.is_(None),
                                               dossiers.c.verdict_rule != rules.RULE_VERSION))]
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


def dossier_tally(conn: Connection, office: str | None, period: Period, by_procedure: bool = False,
                  with_negative: bool = False, per_hour: bool = True) -> DossierTally:
    """Counts of the dossiers finished in the period per local day of finish and verdict (and per
    procedure, and whether rated negatively): SQL GROUP BY over verdicts stored at import, plus the
    few dossiers judged now. Same numbers as `stats.dossier_figures` (a test holds them equal)."""
    start, end = period.start, period.end
    negative_codes = _negative_ratings(conn, office, period) if with_negative else None
    day = (utc_hour(conn, dossiers.c.finished_effective_at) if per_hour else literal(None)).label("day")
    key = dossiers.c.procedure_code if by_procedure else literal(None)
    negative = (case((dossiers.c.code.in_(negative_codes), 1), else_=0) if negative_codes is not None
                else literal(0))
    query = (select(key.label("key"), func.max(dossiers.c.procedure_name).label("name"), day,
                    dossiers.c.on_time, negative.label("negative"), func.count().label("n"))
             .where(_stored(), dossiers.c.finished_effective_at >= start, dossiers.c.finished_effective_at < end,
                    dossiers.c.on_time.isnot(None))
             .group_by(key, day, dossiers.c.on_time, negative))
    received = select(func.count()).select_from(dossiers).where(dossiers.c.received_at >= start,
                                                                dossiers.c.received_at < end)
    if office:
        query = query.where(dossiers.c.office_code == office)
        received = received.where(dossiers.c.office_code == office)
    finished = [(r.key, r.name, hour_start(r.day) if per_hour else None, bool(r.on_time), bool(r.negative), r.n)
                for r in conn.execute(query)]
    judged = _judged_now(conn, office, period)
    finished_now = [(r, v) for r, v in judged if v.finished_at is not None and start <= v.finished_at < end
                and v.on_time is not None]
    rated_badly = set()
    if finished_now and negative_codes is not None:
        codes = [r.code for r, _ in finished_now]
        for i in range(0, len(codes), 500):
            rated_badly.update(conn.scalars(negative_codes.where(ratings.c.dossier_code.in_(codes[i:i + 500]))))
    for r, v in finished_now:
        finished.append((r.procedure_code if by_procedure else None, r.procedure_name,
                         v.finished_at.replace(minute=0, second=0, microsecond=0) if per_hour else None,
                         bool(v.on_time),
                         r.code in rated_badly, 1))
    open_late = sum(1 for _, v in judged if v.finished_at is None and v.late)
    return DossierTally(conn.scalar(received), open_late, finished)


def _figures(rows, received: int | None = None, open_late: int | None = None) -> dict:
    """received, finished, on_time, late, on_time_rate, open_late: the shape of stats.dossier_figures."""
    finished = sum(r[5] for r in rows)
    on_time = sum(r[5] for r in rows if r[3])
    return {"received": received, "finished": finished, "on_time": on_time, "late": finished - on_time,
            "on_time_rate": rules.rate(on_time, finished), "open_late": open_late}


def _per_bucket(period: Period, rows) -> list[list]:
    spans = buckets(period)
    starts = [b[0] for b in spans]
    out: list[list] = [[] for _ in spans]
    for row in rows:
        out[_bucket_index(starts, row[2])].append(row)
    return out


def on_time(conn: Connection, office: str | None, period: Period, tally: DossierTally | None = None) -> dict:
    """Dossier figures of the period and their trend per bucket."""
    tally = tally if tally is not None else dossier_tally(conn, office, period)
    totals = _figures(tally.finished, tally.received, tally.open_late)
    series = []
    for (b_start, b_end, first), rows in zip(buckets(period), _per_bucket(period, tally.finished)):
        f = _figures(rows)
        series.append({"label": bucket_label(first, period.granularity),
                       "label_en": bucket_label(first, period.granularity, "en"), "from": to_wire(b_start),
                       "to": to_wire(b_end), "finished": f["finished"], "on_time": f["on_time"],
                       "late": f["late"], "on_time_rate": f["on_time_rate"]})
    return {"office": office, "period": period.as_dict(), "dossiers": totals, "series": series}


def local_day(conn: Connection, column):
    """SQL for the office-time day (YYYY-MM-DD) of a stored naive-UTC time, on SQLite or PostgreSQL."""
    if conn.dialect.name == "sqlite":
        return func.strftime("%Y-%m-%d", column, "+7 hours")
    return func.to_char(column + OFFSET, "YYYY-MM-DD")


def utc_hour(conn: Connection, column):
    """SQL for the UTC hour ('YYYY-MM-DD HH') of a stored naive-UTC time: on SQLite a substring of the
    stored text, far cheaper than date functions over a year of rows. Buckets start on office
    midnights, which are whole UTC hours (+07:00), so grouping by hour loses nothing."""
    if conn.dialect.name == "sqlite":
        return func.substr(column, 1, 13)
    return func.to_char(column, "YYYY-MM-DD HH24")


@lru_cache(maxsize=65536)
def hour_start(key: str) -> datetime:
    """'YYYY-MM-DD HH' → naive-UTC datetime (cached: a year has fewer than 9,000 hours)."""
    return datetime(int(key[0:4]), int(key[5:7]), int(key[8:10]), int(key[11:13]))


def _rating_groups(conn: Connection, office: str | None, period: Period, key=None, comments: bool = True) -> list:
    """(key, score, scale, has_comment, n): the period's ratings counted in SQL, so a year of a busy
    office is a few thousand rows, not a hundred thousand. Satisfaction is decided in Python (rules)."""
    has_comment = (case((and_(ratings.c.comment.isnot(None), ratings.c.comment != ""), 1), else_=0)
                   if comments else literal(0))  # without: the ratings index covers the query
    key = key if key is not None else literal(None)
    query = (select(key.label("key"), ratings.c.score, ratings.c.scale, has_comment.label("has_comment"),
                    func.count().label("n"))
             .where(ratings.c.created_at >= period.start, ratings.c.created_at < period.end)
             .group_by(key, ratings.c.score, ratings.c.scale, has_comment))
    if office:
        query = query.where(ratings.c.office_code == office)
    return conn.execute(query).all()


def _scale_of(groups) -> int:
    scales = Counter()
    for g in groups:
        scales[g.scale] += g.n
    return scales.most_common(1)[0][0] if scales else 3


def rating_totals(groups) -> dict:
    """The shape and numbers of stats.rating_figures, from grouped counts (a test holds them equal)."""
    scale = _scale_of(groups)
    count = sum(g.n for g in groups)
    satisfied = sum(g.n for g in groups if rules.is_satisfied(g.score, g.scale))
    distribution = {str(i): 0 for i in range(1, scale + 1)}
    for g in groups:
        if g.scale == scale:
            distribution[str(g.score)] += g.n
    return {"count": count, "satisfied": satisfied, "satisfaction_rate": rules.rate(satisfied, count),
            "distribution": distribution, "scale": scale}


def satisfaction_trend(conn: Connection, office: str | None, period: Period, groups=None) -> list[dict]:
    """Ratings, satisfied and satisfaction rate per bucket of the period."""
    groups = groups if groups is not None else _rating_groups(conn, office, period, utc_hour(conn, ratings.c.created_at),
                                                              comments=False)
    spans = buckets(period)
    starts = [b[0] for b in spans]
    counts = [[0, 0] for _ in spans]
    for g in groups:
        cell = counts[_bucket_index(starts, hour_start(g.key))]
        cell[0] += g.n
        cell[1] += g.n if rules.is_satisfied(g.score, g.scale) else 0
    return [{"label": bucket_label(first, period.granularity), "label_en": bucket_label(first, period.granularity, "en"),
             "from": to_wire(b_start), "to": to_wire(b_end),
             "ratings": n, "satisfied": s, "satisfaction_rate": rules.rate(s, n)}
            for (b_start, b_end, first), (n, s) in zip(spans, counts)]


def _d766(rows) -> dict:
    base = sum(r[5] for r in rows)
    late = sum(r[5] for r in rows if not r[3])
    negative = sum(r[5] for r in rows if r[4])
    score = None if not base else round(max(0.0, 1 - late / base - negative / base), 4)
    return {"finished": base, "late": late, "negative_rated": negative, "late_share": rules.rate(late, base),
            "negative_share": rules.rate(negative, base), "score": score,
            "full_marks": score is not None and score >= 0.9}


def decision_766(period: Period, tally: DossierTally) -> dict:
    """Decision 766/QĐ-TTg: 100% − (late-dossier % + % of dossiers with a negative rating), over the
    dossiers finished in the period, and per bucket. No complaints register exists yet: only
    negative ratings count as the second term."""
    out = _d766(tally.finished)
    out["series"] = [_d766(rows)["score"] for rows in _per_bucket(period, tally.finished)]
    return out


def overview(conn: Connection, office: str | None, period: Period) -> dict:
    """Everything the overview page shows: the same dict /api/v1/reports/overview answers."""
    tally = dossier_tally(conn, office, period, with_negative=True)
    dossier_part = on_time(conn, office, period, tally)
    groups = _rating_groups(conn, office, period, utc_hour(conn, ratings.c.created_at), comments=False)
    trend = satisfaction_trend(conn, office, period, groups)
    for point, d in zip(trend, dossier_part["series"]):
        point.update({k: d[k] for k in ("finished", "on_time", "late", "on_time_rate")})
    return {"office": office, "period": period.as_dict(),
            "ratings": rating_totals(groups),
            "dossiers": dossier_part["dossiers"], "decision_766": decision_766(period, tally),
            "series": trend, "generated_at": to_wire(utcnow())}


def hide_phones(text: str | None) -> str | None:
    """A comment as lists show it: phone numbers a citizen typed are hidden."""
    return PHONE_IN_TEXT.sub(HIDDEN_PHONE, text) if text else text


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
        query = (select(dossiers.c.code, dossiers.c.procedure_code, dossiers.c.procedure_name,
                        procedures.c.field_code, procedures.c.field_name)
                 .join(procedures, procedures.c.code == dossiers.c.procedure_code, isouter=True)
                 .where(dossiers.c.code.in_(codes[i:i + 500])))
        for r in conn.execute(query):
            out[r.code] = (r.procedure_code, r.procedure_name, r.field_code, r.field_name)
    return out


def _new_group(key, label) -> dict:
    return {"key": key, "label": label, "count": 0, "satisfied": 0, "negative": 0, "comments": 0,
            "_dist": Counter(), "_reasons": Counter()}


def satisfaction_by(conn: Connection, dimension: str, office: str | None, period: Period) -> dict:
    """One row per officer / counter / field / procedure / day: counts, satisfaction rate,
    distribution, most frequent reasons on scores below 'satisfied', number of comments; for
    field and procedure also the on-time figures of dossiers finished in the period."""
    if dimension not in DIMENSIONS:
        raise BadPeriod(f"by: \"{dimension}\" is not one of {', '.join(DIMENSIONS)}")
    column = {"officer": ratings.c.staff_id, "counter": ratings.c.counter,
              "day": local_day(conn, ratings.c.created_at)}.get(dimension, ratings.c.dossier_code)
    rows = _rating_groups(conn, office, period, column)
    scale = _scale_of(rows)
    via_dossier = dimension in ("field", "procedure")
    rated = _dossier_keys(conn, office, {r.key for r in rows if r.key}) if via_dossier else {}
    groups: dict = {}
    for r in rows:
        key, label = _key_of(dimension, r.key, rated)
        g = groups.get(key) or groups.setdefault(key, _new_group(key, label))
        g["count"] += r.n
        g["satisfied"] += r.n if rules.is_satisfied(r.score, r.scale) else 0
        g["negative"] += r.n if rules.is_negative(r.score, r.scale) else 0
        g["comments"] += r.n if r.has_comment else 0
        if r.scale == scale:
            g["_dist"][r.score] += r.n
    reason_query = select(column.label("key"), ratings.c.score, ratings.c.scale, ratings.c.reasons).where(
        ratings.c.created_at >= period.start, ratings.c.created_at < period.end, ratings.c.reasons != "[]")
    if office:
        reason_query = reason_query.where(ratings.c.office_code == office)
    for r in conn.execute(reason_query):
        if not rules.is_satisfied(r.score, r.scale):
            groups[_key_of(dimension, r.key, rated)[0]]["_reasons"].update(json.loads(r.reasons or "[]"))
    if via_dossier:
        _add_on_time(conn, dimension, office, period, groups)
    names = _labels(conn, dimension, set(groups))
    out = []
    for g in groups.values():
        if g["label"] is None:
            g["label"] = names.get(g["key"], str(g["key"]))
        dist, reasons = g.pop("_dist"), g.pop("_reasons")
        g["satisfaction_rate"] = rules.rate(g["satisfied"], g["count"])
        g["distribution"] = {str(i): dist.get(i, 0) for i in range(1, scale + 1)}
        g["top_reasons"] = [{"code": c, "label": REASON_LABELS.get(c, (c, c))[0],
                             "label_en": REASON_LABELS.get(c, (c, c))[1], "count": n}
                            for c, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
        out.append(g)
    out.sort(key=lambda g: (g["key"] is None, g["key"] if dimension in ("counter", "day") else "",
                            str(g["label"])))
    return {"office": office, "period": period.as_dict(), "by": dimension, "scale": scale, "items": out}


def _key_of(dimension: str, value, rated: dict):
    """(key, label or None to look up) of a grouped value: staff id, counter, day or dossier code."""
    if dimension == "officer":
        return value, (None if value is not None else "(không rõ cán bộ)")
    if dimension == "counter":
        return value, (f"Quầy {value}" if value is not None else "(không rõ quầy)")
    if dimension == "day":
        day = date.fromisoformat(value)
        return value, f"{day:%d/%m/%Y}"
    facts = rated.get(value) if value else None
    if facts is None:
        return None, "(không gắn hồ sơ)"
    if dimension == "procedure":
        return facts[0], facts[1] or None
    return facts[2] or "?", facts[3] or "(lĩnh vực chưa rõ)"


def _add_on_time(conn: Connection, dimension: str, office: str | None, period: Period, groups: dict) -> None:
    """On-time figures of the dossiers finished in the period, per procedure or per field."""
    tally = dossier_tally(conn, office, period, by_procedure=True, per_hour=False)
    fields = {}
    if dimension == "field":
        fields = {r.code: (r.field_code or "?", r.field_name) for r in
                  conn.execute(select(procedures.c.code, procedures.c.field_code, procedures.c.field_name))}
    per_key: dict = {}
    for row in tally.finished:
        if dimension == "procedure":
            key, label = row[0], row[1] or None
        else:
            key, name = fields.get(row[0], ("?", None))
            label = name or "(lĩnh vực chưa rõ)"
        per_key.setdefault(key, [label, []])[1].append(row)
    for key, (label, rows) in per_key.items():
        f = _figures(rows)
        g = groups.get(key) or groups.setdefault(key, _new_group(key, label))
        g.update(finished=f["finished"], on_time=f["on_time"], late=f["late"], on_time_rate=f["on_time_rate"])
    for g in groups.values():
        g.setdefault("finished", 0)
        g.setdefault("on_time", 0)
        g.setdefault("late", 0)
        g.setdefault("on_time_rate", None)


def comments(conn: Connection, office: str | None, period: Period, limit: int = 100) -> list[dict]:
    """Latest comments of the period, newest first: time, officer, counter, score, text (phones hidden)."""
    query = (select(ratings.c.created_at, ratings.c.counter, ratings.c.score, ratings.c.scale,
                    ratings.c.comment, staff.c.name.label("officer"))
             .join(staff, staff.c.id == ratings.c.staff_id, isouter=True)
             .where(ratings.c.created_at >= period.start, ratings.c.created_at < period.end,
                    ratings.c.comment.isnot(None), ratings.c.comment != "")
             .order_by(ratings.c.created_at.desc()).limit(limit))
    if office:
        query = query.where(ratings.c.office_code == office)
    return [{"created_at": to_wire(r.created_at), "officer": r.officer, "counter": r.counter,
             "score": r.score, "scale": r.scale, "satisfied": rules.is_satisfied(r.score, r.scale),
             "comment": hide_phones(r.comment)} for r in conn.execute(query)]


def sort_items(items: list[dict], column: str, descending: bool) -> list[dict]:
    """Rows sorted by any column; empty values (no rating, no dossier) always last."""
    present = [i for i in items if i.get(column) is not None]
    missing = [i for i in items if i.get(column) is None]
    try:
        present.sort(key=lambda i: i[column], reverse=descending)
    except TypeError:
        present.sort(key=lambda i: str(i[column]), reverse=descending)
    return present + missing
