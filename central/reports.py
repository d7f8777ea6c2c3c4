"""Report figures for the dashboard and /api/v1/reports: one function per figure, both callers share it.

The on-time rule is `central.rules.judge`, the satisfaction rule `central.rules.is_satisfied`, and
the office totals `central.stats.dossier_figures` / `rating_figures`; this module picks the rows a
period needs, groups them (by officer, counter, field, procedure, day/week/month) and never decides
on its own whether a dossier is late or a rating satisfied.
"""
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.engine import Connection

from central import rules, stats
from central.dossiers import times_of
from central.storage.schema import dossier_steps, dossiers, procedures, ratings, staff
from central.timeutil import to_wire, utcnow

OFFSET = timedelta(hours=7)  # office time, Asia/Ho_Chi_Minh (no daylight saving)
PRESETS = ("30d", "month", "quarter", "year")
GRANULARITIES = ("day", "week", "month")
DIMENSIONS = ("officer", "counter", "field", "procedure", "day")
REASON_LABELS = {  # the rating tablet's default reasons (rating/texts.py); unknown codes show as is
    "thai_do": ("Thái độ chưa tốt", "Unfriendly attitude"),
    "cho_lau": ("Phải chờ lâu", "Long waiting time"),
    "huong_dan": ("Hướng dẫn chưa rõ", "Unclear guidance"),
    "giay_to_ngoai_quy_dinh": ("Yêu cầu giấy tờ ngoài quy định", "Asked for papers not required"),
}
PHONE_IN_TEXT = re.compile(r"(?:\+?84|0)(?:[\s.\-]?\d){8,10}")
HIDDEN_PHONE = "[số điện thoại đã ẩn]"


_VERDICTS: dict[str, dict] = {}  # database → dossier code → (updated_at, verdict) of finished dossiers


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
        return f"T{first.month}/{first.year}" if lang == "vi" else f"{first.month}/{first.year}"
    if granularity == "week":
        return f"Tuần {first:%d/%m}" if lang == "vi" else f"Wk {first:%d/%m}"
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


def judged_for_period(conn: Connection, office: str | None, period: Period) -> list[tuple]:
    """(row, rules.judge verdict at the period's end) for the dossiers the period's figures can use.

    Same verdicts as `stats.judged_dossiers`; dossiers that certainly finished before the period
    (a finish or return time before its start, so received before it too) are left out unread."""
    start, end = period.start, period.end
    done_before = or_(and_(dossiers.c.finished_at.isnot(None), dossiers.c.finished_at < start),
                      and_(dossiers.c.returned_at.isnot(None), dossiers.c.returned_at < start))
    keep = and_(dossiers.c.received_at < end, or_(dossiers.c.received_at >= start, ~done_before))
    query = select(dossiers.c.code, dossiers.c.office_code, dossiers.c.procedure_code,
                   dossiers.c.procedure_name, dossiers.c.status, dossiers.c.status_at,
                   dossiers.c.received_at, dossiers.c.due_at, dossiers.c.finished_at,
                   dossiers.c.returned_at).where(keep)
    step_query = (select(dossier_steps.c.dossier_code, dossier_steps.c.status,
                         dossier_steps.c.started_at, dossier_steps.c.finished_at)
                  .join(dossiers, dossiers.c.code == dossier_steps.c.dossier_code)
                  .where(dossier_steps.c.status.in_((3, 5, 8)), keep))
    if office:
        query = query.where(dossiers.c.office_code == office)
        step_query = step_query.where(dossiers.c.office_code == office)
    steps: dict[str, list] = defaultdict(list)
    for s in conn.execute(step_query):
        steps[s.dossier_code].append(s)
    cache = _VERDICTS.setdefault(str(conn.engine.url), {})
    out = []
    for r in conn.execute(query.add_columns(dossiers.c.updated_at)):
        known = cache.get(r.code)
        if known is not None and known[0] == r.updated_at and known[1].finished_at <= end:
            out.append((r, known[1]))
            continue
        verdict = rules.judge(times_of(r, steps.get(r.code, ())), end)
        if verdict.finished_at is not None:  # a finished dossier's verdict no longer depends on the date
            cache[r.code] = (r.updated_at, verdict)
        out.append((r, verdict))
    return out


def _finished_in(judged: list[tuple], start: datetime, end: datetime) -> list[tuple]:
    return [(r, v) for r, v in judged
            if v.finished_at is not None and start <= v.finished_at < end and v.on_time is not None]


def on_time(conn: Connection, office: str | None, period: Period, judged: list[tuple] | None = None) -> dict:
    """Dossier figures of the period (stats.dossier_figures) and their trend per bucket."""
    judged = judged if judged is not None else judged_for_period(conn, office, period)
    totals = stats.dossier_figures(conn, office, period.start, period.end, judged)
    spans = buckets(period)
    starts = [b[0] for b in spans]
    per_bucket: list[list] = [[] for _ in spans]
    for pair in _finished_in(judged, period.start, period.end):
        per_bucket[_bucket_index(starts, pair[1].finished_at)].append(pair)
    series = []
    for (b_start, b_end, first), pairs in zip(spans, per_bucket):
        f = stats.dossier_figures(conn, office, b_start, b_end, pairs)
        series.append({"label": bucket_label(first, period.granularity), "from": to_wire(b_start),
                       "to": to_wire(b_end), "finished": f["finished"], "on_time": f["on_time"],
                       "late": f["late"], "on_time_rate": f["on_time_rate"]})
    return {"office": office, "period": period.as_dict(), "dossiers": totals, "series": series}


def local_day(conn: Connection, column):
    """SQL for the office-time day (YYYY-MM-DD) of a stored naive-UTC time, on SQLite or PostgreSQL."""
    if conn.dialect.name == "sqlite":
        return func.strftime("%Y-%m-%d", column, "+7 hours")
    return func.to_char(column + OFFSET, "YYYY-MM-DD")


def _rating_groups(conn: Connection, office: str | None, period: Period, key=None) -> list:
    """(key, score, scale, has_comment, n): the period's ratings counted in SQL, so a year of a busy
    office is a few thousand rows, not a hundred thousand. Satisfaction is decided in Python (rules)."""
    has_comment = case((and_(ratings.c.comment.isnot(None), ratings.c.comment != ""), 1), else_=0)
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
    groups = groups if groups is not None else _rating_groups(conn, office, period, local_day(conn, ratings.c.created_at))
    spans = buckets(period)
    starts = [b[0] for b in spans]
    counts = [[0, 0] for _ in spans]
    for g in groups:
        day_start = datetime.fromisoformat(g.key) - OFFSET
        cell = counts[_bucket_index(starts, day_start)]
        cell[0] += g.n
        cell[1] += g.n if rules.is_satisfied(g.score, g.scale) else 0
    return [{"label": bucket_label(first, period.granularity), "from": to_wire(b_start), "to": to_wire(b_end),
             "ratings": n, "satisfied": s, "satisfaction_rate": rules.rate(s, n)}
            for (b_start, b_end, first), (n, s) in zip(spans, counts)]


def _negative_codes(conn: Connection, office: str | None, period: Period) -> set:
    """Dossier codes with a negative rating (rules.is_negative) given since the period began."""
    query = select(ratings.c.dossier_code, ratings.c.score, ratings.c.scale).where(
        ratings.c.dossier_code.isnot(None), ratings.c.created_at >= period.start)
    if office:
        query = query.where(ratings.c.office_code == office)
    return {r.dossier_code for r in conn.execute(query) if rules.is_negative(r.score, r.scale)}


def _d766(finished: list[tuple], negative_codes: set) -> dict:
    base = len(finished)
    late = sum(1 for _, v in finished if not v.on_time)
    negative = sum(1 for r, _ in finished if r.code in negative_codes)
    score = None if not base else round(max(0.0, 1 - late / base - negative / base), 4)
    return {"finished": base, "late": late, "negative_rated": negative, "late_share": rules.rate(late, base),
            "negative_share": rules.rate(negative, base), "score": score,
            "full_marks": score is not None and score >= 0.9}


def decision_766(conn: Connection, office: str | None, period: Period, judged: list[tuple]) -> dict:
    """Decision 766/QĐ-TTg: 100% − (late-dossier % + % of dossiers with a negative rating), over the
    dossiers finished in the period, and per bucket. No complaints register exists yet: only
    negative ratings count as the second term."""
    negative = _negative_codes(conn, office, period)
    finished = _finished_in(judged, period.start, period.end)
    out = _d766(finished, negative)
    spans = buckets(period)
    starts = [b[0] for b in spans]
    per_bucket: list[list] = [[] for _ in spans]
    for pair in finished:
        per_bucket[_bucket_index(starts, pair[1].finished_at)].append(pair)
    out["series"] = [_d766(pairs, negative)["score"] for pairs in per_bucket]
    return out


def overview(conn: Connection, office: str | None, period: Period) -> dict:
    """Everything the overview page shows: the same dict /api/v1/reports/overview answers."""
    judged = judged_for_period(conn, office, period)
    dossier_part = on_time(conn, office, period, judged)
    groups = _rating_groups(conn, office, period, local_day(conn, ratings.c.created_at))
    trend = satisfaction_trend(conn, office, period, groups)
    for point, d in zip(trend, dossier_part["series"]):
        point.update({k: d[k] for k in ("finished", "on_time", "late", "on_time_rate")})
    return {"office": office, "period": period.as_dict(),
            "ratings": rating_totals(groups),
            "dossiers": dossier_part["dossiers"], "decision_766": decision_766(conn, office, period, judged),
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
    judged = judged_for_period(conn, office, period)
    per_key: dict = defaultdict(list)
    fields = {}
    if dimension == "field":
        fields = {r.code: (r.field_code or "?", r.field_name) for r in
                  conn.execute(select(procedures.c.code, procedures.c.field_code, procedures.c.field_name))}
    for row, verdict in _finished_in(judged, period.start, period.end):
        if dimension == "procedure":
            key, label = row.procedure_code, row.procedure_name or None
        else:
            key, name = fields.get(row.procedure_code, ("?", None))
            label = name or "(lĩnh vực chưa rõ)"
        per_key[(key, label)].append((row, verdict))
    for (key, label), pairs in per_key.items():
        f = stats.dossier_figures(conn, office, period.start, period.end, pairs)
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
