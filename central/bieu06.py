"""Biểu số 06/VPCP/KSTT (Thông tư 01/2020/TT-VPCP) and the late-dossier list, for an office or all offices.

Every dossier of the period is classified by `central.rules.standing` (REPORTING.md): received in
the period (online, or in person / by post) or carried over, then finished in it (early, on time,
late) or open at its end (in time, late). Rows per field (lĩnh vực, the procedure's field in the
catalogue), then a total row; `received.total = online + direct_postal + carried_over =
finished.total + open.total` by construction. The two rates of REPORTING.md are named for what
they are: `finished_on_time` (Biểu 06: trước hạn + đúng hạn over đã giải quyết) and `indicator_2_1`
(QĐ 766 chỉ tiêu 2.1, an estimate: finished early or on time plus open in time, over all of them).
"""

import io
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, literal, or_, select, true, tuple_
from sqlalchemy.engine import Connection

from central import exports, rules
from central.errors import BadPeriod
from central.storage import for_reports
from central.storage.schema import dossier_steps, dossiers, offices, procedures, ratings
from central.storage.verdicts import max_time_of, pausing_procedures, procedure_methods, supplemented, times
from central.timeutil import to_wire, utcnow
from motcua.officetime import OFFSET

KINDS = ("month", "quarter", "half", "year")
UNKNOWN_FIELD = ("?", "(lĩnh vực chưa rõ)")


def _field_of(r) -> tuple[str, str]:
    """A row's field in the catalogue (its field_code and field_name), or UNKNOWN_FIELD."""
    return (r.field_code, r.field_name or r.field_code) if r.field_code else UNKNOWN_FIELD


CHUNK = 500  # codes per IN list (SQLite's limit on parameters)
BIG_CHUNK = 20000  # on PostgreSQL (at most 65,535 parameters): fewer round trips at province scale


@dataclass(frozen=True)
class ReportPeriod:
    """Office days first..last (both included); [start, end) in naive UTC as stored."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, datetime.min.time()) - OFFSET

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), datetime.min.time()) - OFFSET

    def label(self, lang: str = "vi") -> str:
        if lang == "vi":
            return f"Từ ngày {self.first:%d/%m/%Y} đến ngày {self.last:%d/%m/%Y}"
        return f"From {self.first:%d/%m/%Y} to {self.last:%d/%m/%Y}"


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise BadPeriod(f'{name}: "{text}" is not a day (expected YYYY-MM-DD, e.g. 2026-11-01)') from None


def period_of(
    kind: str | None = None,
    year: int | str | None = None,
    number: int | str | None = None,
    day_from: str | None = None,
    day_to: str | None = None,
) -> ReportPeriod:
    """A month (number 1-12), quarter (1-4), half year (1-2) or year of `year`, or days from..to."""
    if day_from or day_to:
        if not (day_from and day_to):
            raise BadPeriod("from and to: give both days (YYYY-MM-DD)")
        first, last = _day(day_from, "from"), _day(day_to, "to")
        if last < first:
            raise BadPeriod(f"to: {last} is before from: {first}")
        if (last - first).days > 3 * 366:
            raise BadPeriod("from/to: a period is at most three years long")
        return ReportPeriod(first, last)
    kind = kind or "month"
    if kind not in KINDS:
        raise BadPeriod(f'kind: "{kind}" is not one of {", ".join(KINDS)} (or give from and to)')
    today = (utcnow() + OFFSET).date()
    try:
        y = int(year) if year not in (None, "") else today.year
    except ValueError:
        raise BadPeriod(f'year: "{year}" is not a year') from None
    if not 2000 <= y <= 2099:
        raise BadPeriod(f"year: {y} is outside 2000 .. 2099")
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12}[kind]
    count = 12 // months
    default = (today.month - 1) // months + 1 if y == today.year else count
    try:
        n = int(number) if number not in (None, "") else default
    except ValueError:
        raise BadPeriod(f'number: "{number}" is not a number 1-{count}') from None
    if not 1 <= n <= count:
        raise BadPeriod(f"number: {n} is not 1-{count} for a {kind}")
    first = date(y, (n - 1) * months + 1, 1)
    after = date(y + 1, 1, 1) if first.month + months > 12 else date(y, first.month + months, 1)
    return ReportPeriod(first, after - timedelta(days=1))


def _empty() -> dict:
    return {
        "received": {"total": 0, "online": 0, "direct_postal": 0, "carried_over": 0},
        "finished": {"total": 0, "early": 0, "on_time": 0, "late": 0},
        "open": {"total": 0, "in_time": 0, "late": 0},
    }


def _add(cell: dict, standing: rules.Standing) -> None:
    cell["received"]["total"] += 1
    cell["received"][standing.received] += 1
    group = cell["finished"] if standing.finished else cell["open"]
    group["total"] += 1
    group[standing.verdict] += 1


def rates(total: dict) -> dict:
    """The two rates of REPORTING.md, each named for what it is (fractions, None without dossiers)."""
    finished, open_ = total["finished"], total["open"]
    good = finished["early"] + finished["on_time"]
    return {
        "finished_on_time": rules.rate(good, finished["total"]),
        "indicator_2_1": rules.rate(good + open_["in_time"], finished["total"] + open_["total"]),
    }


@dataclass
class Classified:
    """A dossier of the period with its standing (and what the late list shows)."""

    row: object
    field: tuple[str, str]
    standing: rules.Standing


def _row_columns() -> list:
    """The columns rules.standing and the late list read, with the catalogue's field and name."""
    return [
        dossiers.c.code,
        dossiers.c.office_code,
        dossiers.c.procedure_code,
        dossiers.c.procedure_name,
        dossiers.c.status,
        dossiers.c.status_at,
        dossiers.c.received_at,
        dossiers.c.due_at,
        dossiers.c.extended_due_at,
        dossiers.c.apology_at,
        dossiers.c.finished_at,
        dossiers.c.returned_at,
        dossiers.c.channel,
        dossiers.c.complaint,
        dossiers.c.finished_effective_at,
        dossiers.c.verdict,
        procedures.c.field_code,
        procedures.c.field_name,
        procedures.c.name.label("catalogue_name"),
    ]


_JOINED = dossiers.outerjoin(procedures, procedures.c.code == dossiers.c.procedure_code)


def classified(
    conn: Connection, office: str | None, start: datetime, end: datetime, narrow: list | None = None
) -> list[Classified]:
    """Every dossier counted in [start, end), classified by rules.standing (only those meeting the
    conditions `narrow`, when given). A period not over yet ends now: a dossier is not judged at a
    future date."""
    end = max(min(end, utcnow()), start)
    fe = dossiers.c.finished_effective_at
    stale = or_(dossiers.c.verdict_rule.is_(None), dossiers.c.verdict_rule != rules.RULE_VERSION)
    query = (
        select(*_row_columns())
        .select_from(_JOINED)
        .where(
            dossiers.c.received_at < end,
            or_(stale, dossiers.c.accepted == true()),
            or_(stale, fe.is_(None), fe >= start),
        )
        .order_by(dossiers.c.code)
    )
    if office:
        query = query.where(dossiers.c.office_code == office)
    if narrow:
        query = query.where(*narrow)
    return _judged(conn, conn.execute(query).all(), start, end)


def _judged(conn: Connection, rows, start: datetime, end: datetime) -> list[Classified]:
    """Fetched dossier rows (`_row_columns`) with their steps, judged by rules.standing for [start, end)."""
    steps: dict[str, list] = {}
    codes = [r.code for r in rows]
    chunk = BIG_CHUNK if conn.dialect.name == "postgresql" else CHUNK
    for i in range(0, len(codes), chunk):
        for s in conn.execute(
            select(
                dossier_steps.c.dossier_code,
                dossier_steps.c.status,
                dossier_steps.c.started_at,
                dossier_steps.c.finished_at,
            ).where(dossier_steps.c.status.isnot(None), dossier_steps.c.dossier_code.in_(codes[i : i + chunk]))
        ).all():
            steps.setdefault(s.dossier_code, []).append(s)
    pausing = pausing_procedures(conn)
    methods = procedure_methods(conn, {r.procedure_code for r in rows if r.due_at is None})
    out = []
    for r in rows:
        d, pause = times(r, steps.get(r.code, ())), r.procedure_code in pausing
        standing = rules.standing(d, start, end, pause, max_time_of(r, methods))
        if standing is not None:
            out.append(Classified(r, _field_of(r), standing))
    return out


def _stale():
    rule = dossiers.c.verdict_rule  # ranges, not !=, so an index finds the (usually no) rows
    return or_(rule.is_(None), rule < rules.RULE_VERSION, rule > rules.RULE_VERSION)


def _classified_stale(conn: Connection, office: str | None, start: datetime, end: datetime) -> list:
    """`classified` of the rows not judged by the current rule: usually none, which the verdict-rule index
    says at once (asked with the office too, the planner reads the office's dossiers to find none)."""
    rule = dossiers.c.verdict_rule  # one probe per range: the planner scans the table for the OR of the three
    probes = (rule.is_(None), rule < rules.RULE_VERSION, rule > rules.RULE_VERSION)
    if all(conn.scalar(select(dossiers.c.code).where(p).limit(1)) is None for p in probes):
        return []
    return classified(conn, office, start, end, [_stale()])


@dataclass(frozen=True)
class Tally:
    """`n` dossiers of a period that count alike: Biểu 06's cell (field, received, finished or open,
    verdict), the bucket of the period they fall in (finished: when they ended; open: the last), and
    for chỉ tiêu 5.4 whether they have a complaint and a negative rating."""

    field: tuple[str, str]
    received: str
    finished: bool
    verdict: str
    bucket: int
    complaint: bool
    negative: bool
    n: int


def _bucket(buckets: list[datetime] | None, moment: datetime) -> int:
    return max(0, bisect_right(buckets, moment) - 1) if buckets else 0


def _negative_rating(office: str | None, end: datetime) -> list:
    """Conditions on `ratings`: a negative score (rules.is_negative, every level of every scale a
    tablet may use) given before `end` with a dossier code (in the office, when given)."""
    levels = [
        (score, scale) for scale in range(2, 11) for score in range(1, scale + 1) if rules.is_negative(score, scale)
    ]
    where = [
        ratings.c.dossier_code.isnot(None),
        ratings.c.created_at < end,
        tuple_(ratings.c.score, ratings.c.scale).in_(levels),
    ]
    return where + ([ratings.c.office_code == office] if office else [])


def _fields(conn: Connection) -> dict[str, tuple[str, str]]:
    """procedure code → its field in the catalogue (`_field_of`)."""
    rows = conn.execute(select(procedures.c.code, procedures.c.field_code, procedures.c.field_name))
    return {r.code: _field_of(r) for r in rows if r.field_code}


def _complex():
    """Dossiers SQL cannot judge from their stored columns: a supplement or fees (storage.verdicts.
    supplemented) or no appointment (the procedure's maximum time decides). They are judged by
    rules.standing with their steps."""
    return or_(supplemented(), dossiers.c.due_at.is_(None))


def _received(r, start: datetime) -> str:
    if r.received_at < start:
        return rules.CARRIED_OVER
    return "online" if r.channel == rules.ONLINE_CHANNEL else "direct_postal"


def _plain_standing(r, start: datetime, end: datetime) -> rules.Standing:
    """rules.standing of a dossier that is not `_complex`, accepted before `end`: nothing is subtracted, so a dossier
    that ended in the period (stored `finished_effective_at` and verdict) ended then, and one open at
    `end` is late exactly when its appointment is before it."""
    fe = r.finished_effective_at
    due = r.due_at
    if fe is not None and fe < end:
        verdict = r.verdict
        judged = rules.Verdict(fe, verdict != rules.LATE, verdict == rules.LATE, due, verdict, True, 0, False, fe, due)
        return rules.Standing(_received(r, start), True, verdict, judged)
    late = due < end
    verdict = rules.LATE if late else rules.IN_TIME
    judged = rules.Verdict(None, False if late else None, late, due, verdict, True, 0, False, end, due)
    return rules.Standing(_received(r, start), False, verdict, judged)


def tallies(
    conn: Connection,
    office: str | None,
    start: datetime,
    end: datetime,
    buckets: list[datetime] | None = None,
    feelings: bool = False,
    by_field: bool | str = True,
) -> list[Tally]:
    """The dossiers of [start, end) counted as `classified` + rules.standing would, at province scale.
    Dossiers that ended in the period by their stored verdict (rules.settled, the verdict
    rules.standing gives them) in one SQL GROUP BY; the dossiers open at its end are read once: those
    without supplement, fees or missing appointment are late exactly when the appointment is before
    the end, the rest are judged by rules.standing with their steps; rows not judged by the current
    rule are classified afresh. `buckets`: the start of each bucket of the period; `feelings`: with
    complaint and negative-rating flags (chỉ tiêu 5.4); without `by_field`, the dossiers that ended
    in the period are not told apart by field and received (their Tally has field None and received
    "") (chỉ tiêu 5.4 needs neither, and a province-year groups fast without them); with
    `by_field="received"` they are told apart by received only (field None: the overview). Equal to
    `classified` (tests/central/test_province.py, tests/central/test_reporting.py)."""
    end = max(min(end, utcnow()), start)
    fields = _fields(conn)
    fe = dossiers.c.finished_effective_at
    received = case(
        (dossiers.c.received_at < start, rules.CARRIED_OVER),
        (dossiers.c.channel == rules.ONLINE_CHANNEL, "online"),
        else_="direct_postal",
    ).label("received")
    base = [~_stale(), dossiers.c.accepted == true(), dossiers.c.received_at < end]
    base += [dossiers.c.office_code == office] if office else []
    # a hashed set of the rated-negatively dossiers, not a look-up per dossier
    negative = dossiers.c.code.in_(select(ratings.c.dossier_code).where(*_negative_rating(office, end)))
    complaint = and_(dossiers.c.complaint.isnot(None), dossiers.c.complaint != "")
    flags = [complaint.label("complaint"), negative.label("negative")] if feelings else []
    bucket = (
        case(*[(fe >= b, i) for i, b in reversed(list(enumerate(buckets))[1:])], else_=0)
        if buckets and len(buckets) > 1
        else literal(0)
    ).label("bucket")
    for_reports(conn)
    keys = [dossiers.c.procedure_code, received] if by_field is True else [received] if by_field else []
    finished = (
        select(*keys, dossiers.c.verdict, bucket, *flags, func.count().label("n"))
        .where(*base, fe >= start, fe < end, dossiers.c.verdict.isnot(None))
        .group_by(*keys, dossiers.c.verdict, bucket, *flags)
    )
    out = [
        Tally(
            fields.get(r.procedure_code, UNKNOWN_FIELD) if by_field is True else None,
            r.received if by_field else "",
            True,
            r.verdict,
            r.bucket,
            bool(feelings and r.complaint),
            bool(feelings and r.negative),
            r.n,
        )
        for r in conn.execute(finished)
    ]
    last = _bucket(buckets, end - timedelta(microseconds=1))
    # open at the end: plain dossiers counted in SQL, the rest fetched and judged with their steps
    open_at_end = or_(fe.is_(None), fe >= end)
    open_verdict = case((dossiers.c.due_at < end, rules.LATE), else_=rules.IN_TIME).label("verdict")
    plain = (
        select(dossiers.c.procedure_code, received, open_verdict, *flags, func.count().label("n"))
        .where(*base, open_at_end, ~_complex())
        .group_by(dossiers.c.procedure_code, received, open_verdict, *flags)
    )
    out += [
        Tally(
            fields.get(r.procedure_code, UNKNOWN_FIELD),
            r.received,
            False,
            r.verdict,
            last,
            bool(feelings and r.complaint),
            bool(feelings and r.negative),
            r.n,
        )
        for r in conn.execute(plain)
    ]
    negative_column = (negative if feelings else literal(False)).label("negative")
    opened = select(*_row_columns(), negative_column).select_from(_JOINED)
    complex_rows = conn.execute(opened.where(*base, open_at_end, _complex())).all()
    judged = _judged(conn, complex_rows, start, end)
    stale = _classified_stale(conn, office, start, end)
    negative_codes = (
        {r.code for r in complex_rows if r.negative} | _negatively_rated(conn, office, [i.row.code for i in stale], end)
        if feelings
        else set()
    )
    for item in judged + stale:
        st = item.standing
        out.append(
            Tally(
                item.field,
                st.received,
                st.finished,
                st.verdict,
                _bucket(buckets, st.judged.finished_at) if st.finished else last,
                feelings and bool(item.row.complaint),
                item.row.code in negative_codes,
                1,
            )
        )
    return out


def counted(conn: Connection, office: str | None, start: datetime, end: datetime) -> dict[tuple, dict]:
    """Biểu 06's cells per field for [start, end) (`tallies`)."""
    cells: dict[tuple, dict] = {}
    for t in tallies(conn, office, start, end):
        cell = cells.setdefault(t.field, _empty())
        cell["received"]["total"] += t.n
        cell["received"][t.received] += t.n
        group = cell["finished" if t.finished else "open"]
        group["total"] += t.n
        group[t.verdict] += t.n
    return cells


def office_name(conn: Connection, office: str | None) -> str | None:
    if not office:
        return None
    name = conn.scalar(select(offices.c.name).where(offices.c.code == office))
    if name is None:
        raise BadPeriod(f'office: "{office}" is not a known office (motcua-central office list)')
    return name


def report(conn: Connection, office: str | None, period: ReportPeriod, items: list | None = None) -> dict:
    """Biểu 06 as the command's JSON: rows per field (by field name), a total row and the two rates."""
    office_name(conn, office)
    if items is None:
        by_field = counted(conn, office, period.start, period.end)
    else:
        by_field = {}
        for item in items:
            _add(by_field.setdefault(item.field, _empty()), item.standing)
    total = _empty()
    for cell in by_field.values():
        for group, counts in cell.items():
            for key, n in counts.items():
                total[group][key] += n
    rows = [
        {"field": {"code": code, "name": name}} | cell
        for (code, name), cell in sorted(by_field.items(), key=lambda kv: (kv[0] == UNKNOWN_FIELD, kv[0][1]))
    ]
    return {
        "office": office,
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "rows": rows,
        "total": total,
        "rates": rates(total),
    }


def _maybe_late(conn: Connection, office: str | None, start: datetime, end: datetime) -> list[Classified]:
    """The dossiers of [start, end) that may be late, classified as `classified` would: those that
    ended late in it by their stored verdict and those open at its end past their appointment
    (`_plain_standing`, no steps needed), the rest with supplement, fees or no appointment judged by
    rules.standing, and rows not judged by the current rule classified afresh."""
    end = max(min(end, utcnow()), start)
    fe = dossiers.c.finished_effective_at
    base = [~_stale(), dossiers.c.accepted == true(), dossiers.c.received_at < end]
    base += [dossiers.c.office_code == office] if office else []
    ended_late = and_(fe >= start, fe < end, dossiers.c.verdict == rules.LATE)
    open_at_end = or_(fe.is_(None), fe >= end)
    for_reports(conn)
    query = select(*_row_columns()).select_from(_JOINED).where(*base)
    plain = conn.execute(query.where(~_complex(), or_(ended_late, and_(open_at_end, dossiers.c.due_at < end)))).all()
    out = []
    for r in plain:
        out.append(Classified(r, _field_of(r), _plain_standing(r, start, end)))
    complex_rows = conn.execute(query.where(_complex(), or_(ended_late, open_at_end))).all()
    return out + _judged(conn, complex_rows, start, end) + _classified_stale(conn, office, start, end)


def late_list(conn: Connection, office: str | None, period: ReportPeriod, items: list | None = None) -> list[dict]:
    """The period's late dossiers (finished late in it, or open and late at its end), most days late
    first: code, procedure, field, appointment, days late, apology issued or not. Without `items`, only
    the dossiers that may be late are read (`_maybe_late`)."""
    return late_top(conn, office, period, None, items)[1]


def late_top(
    conn: Connection, office: str | None, period: ReportPeriod, limit: int | None, items: list | None = None
) -> tuple[int, list[dict]]:
    """How many dossiers `late_list` has, and its first `limit` (all with None)."""
    if items is None:
        items = _maybe_late(conn, office, period.start, period.end)
    keyed = []
    for item in items:
        if item.standing.verdict != rules.LATE:
            continue
        judged = item.standing.judged
        due = judged.due_at  # the appointment the verdict used: due_at, else acceptance + maximum time
        # an open dossier is judged at the (exclusive) period end: its last day is the day before
        late_at = judged.effective_end - (timedelta(0) if item.standing.finished else timedelta(microseconds=1))
        days = rules.days_late(due, late_at) if due is not None else None
        keyed.append((-(days or 0), item.row.code, days, item))
    keyed.sort(key=lambda k: (k[0], k[1]))
    return len(keyed), [_late_entry(item, days) for _, _, days, item in keyed[:limit]]


def _late_entry(item: Classified, days: int | None) -> dict:
    r, judged = item.row, item.standing.judged
    return {
        "code": r.code,
        "office": r.office_code,
        "procedure": {"code": r.procedure_code, "name": r.catalogue_name or r.procedure_name},
        "field": {"code": item.field[0], "name": item.field[1]},
        "status": r.status,
        "finished": item.standing.finished,
        "due_at": to_wire(judged.due_at),
        # no appointment recorded: due_at is the procedure's maximum time from acceptance
        "due_from_max_time": r.due_at is None,
        "extended_due_at": to_wire(r.extended_due_at),
        "days_late": days,
        "apology": r.apology_at is not None,
        "apology_at": to_wire(r.apology_at),
        "supplements": judged.supplements,
    }


# The form's layout (CSV and XLSX), in Vietnamese as the form is.
TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC"
GROUPS = (("Số hồ sơ nhận giải quyết", 4), ("Số hồ sơ đã giải quyết", 4), ("Số hồ sơ đang giải quyết", 3))
COLUMNS = (
    ("received", "total", "Tổng số"),
    ("received", "online", "Trong kỳ: trực tuyến"),
    ("received", "direct_postal", "Trong kỳ: trực tiếp, dịch vụ bưu chính"),
    ("received", "carried_over", "Từ kỳ trước"),
    ("finished", "total", "Tổng số"),
    ("finished", "early", "Trước hạn"),
    ("finished", "on_time", "Đúng hạn"),
    ("finished", "late", "Quá hạn"),
    ("open", "total", "Tổng số"),
    ("open", "in_time", "Trong hạn"),
    ("open", "late", "Quá hạn"),
)
RATE_LABELS = {
    "finished_on_time": "Tỷ lệ hồ sơ đã giải quyết trước hạn, đúng hạn (Biểu 06)",
    "indicator_2_1": "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn — chỉ tiêu 2.1 QĐ 766 (ước tính)",
}


def sheet(data: dict, office_label: str, recipient: str = "") -> tuple[list[list], int]:
    """The form as rows of cells (numbers as numbers, rates as fractions) and the header row's index."""
    first, last = date.fromisoformat(data["from"]), date.fromisoformat(data["to"])
    rows: list[list] = [
        ["Biểu số 06/VPCP/KSTT"],
        [TITLE],
        [f"Kỳ báo cáo: Từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}"],
        [f"Đơn vị báo cáo: {office_label}"],
        [f"Đơn vị nhận báo cáo: {recipient}"],
        ["Đơn vị tính: Số hồ sơ TTHC"],
    ]
    header = len(rows)
    groups: list = ["STT", "Lĩnh vực giải quyết"]
    for name, span in GROUPS:
        groups += [name] + [None] * (span - 1)
    rows.append(groups)
    rows.append([None, None] + [c[2] for c in COLUMNS])
    rows.append([f"({i})" for i in range(1, len(COLUMNS) + 3)])
    for i, row in enumerate(data["rows"], 1):
        rows.append([i, row["field"]["name"]] + [row[g][k] for g, k, _ in COLUMNS])
    rows.append([None, "Tổng số"] + [data["total"][g][k] for g, k, _ in COLUMNS])
    rows.append([])
    for key, label in RATE_LABELS.items():
        rows.append([None, label, data["rates"][key]])
    return rows, header


def to_csv(data: dict, office_label: str, recipient: str = "") -> str:
    """The form as CSV (UTF-8 with BOM so spreadsheets read the Vietnamese; rates as percentages)."""
    rows, _ = sheet(data, office_label, recipient)
    n = len(rows)
    rate_rows = set(range(n - len(RATE_LABELS), n))
    shown = [
        [(f"{v * 100:.1f}%" if isinstance(v, float) else v) if i in rate_rows else v for v in row]
        for i, row in enumerate(rows)
    ]
    out = io.StringIO()
    exports.write_csv(out, shown, lineterminator="\r\n")
    return "\ufeff" + out.getvalue()


def to_xlsx(data: dict, office_label: str, recipient: str = "") -> bytes:
    """The form as a workbook: merged group headings, counts as numbers, rates as numbers with a % format."""
    rows, header = sheet(data, office_label, recipient)
    merges = [(header + 1, 1, header + 2, 1), (header + 1, 2, header + 2, 2)]
    column = 3
    for _name, span in GROUPS:
        merges.append((header + 1, column, header + 1, column + span - 1))
        column += span
    n = len(rows)
    percent = [(r, 3) for r in range(n - len(RATE_LABELS) + 1, n + 1)]
    return exports.xlsx_bytes(
        rows,
        "Biểu 06",
        bold_first_row=False,
        widths={"B": 48, **{chr(ord("C") + i): 14 for i in range(len(COLUMNS))}},
        merges=merges,
        bold_rows=[2, header + 1, header + 2, n - len(RATE_LABELS) - 1],
        cell_formats={cell: "0.0%" for cell in percent},
    )


LATE_HEADINGS = (
    "Mã hồ sơ",
    "Thủ tục",
    "Lĩnh vực",
    "Ngày hẹn trả",
    "Ngày hẹn lại",
    "Số ngày quá hạn",
    "Đã có văn bản xin lỗi",
    "Tình trạng",
)


def late_rows(items: list[dict]) -> list[list]:
    """The late list as spreadsheet rows (appointments as office days, days late as numbers)."""

    def day(wire):
        return None if wire is None else datetime.fromisoformat(wire).strftime("%d/%m/%Y")

    return [list(LATE_HEADINGS)] + [
        [
            d["code"],
            d["procedure"]["name"] or d["procedure"]["code"],
            d["field"]["name"],
            day(d["due_at"]) + (" (thời hạn tối đa, không có ngày hẹn)" if d.get("due_from_max_time") else "")
            if d["due_at"]
            else None,
            day(d["extended_due_at"]),
            d["days_late"],
            "Có" if d["apology"] else "Chưa",
            "Đã giải quyết" if d["finished"] else "Đang giải quyết",
        ]
        for d in items
    ]


def _negatively_rated(conn: Connection, office: str | None, codes: list[str], end: datetime) -> set:
    """Which of these dossiers a citizen rated negatively (rules.is_negative) before `end`."""
    out = set()
    for i in range(0, len(codes), CHUNK):
        query = select(ratings.c.dossier_code, ratings.c.score, ratings.c.scale).where(
            ratings.c.dossier_code.in_(codes[i : i + CHUNK]), ratings.c.created_at < end
        )
        if office:
            query = query.where(ratings.c.office_code == office)
        out.update(r.dossier_code for r in conn.execute(query) if rules.is_negative(r.score, r.scale))
    return out


def _figures_5_4(base: int, late: int, complaints: int, negative: int, unhappy: int) -> dict:
    """Chỉ tiêu 5.4 of `base` distinct dossiers: the headline's figures (or a bucket's). `unhappy`:
    with a complaint or a negative rating and not late (a dossier counts once)."""
    score = None if not base else round(max(0.0, 1 - late / base - unhappy / base), 4)
    return {
        "dossiers": base,
        "finished": base,  # the old name of the base, kept for API readers
        "late": late,
        "complaints": complaints,
        "negative_rated": negative,
        "unhappy": unhappy,
        "late_share": rules.rate(late, base),
        "negative_share": rules.rate(unhappy, base),
        "score": score,
        "full_marks": score is not None and score >= 0.9,
        "points_share": None if score is None else round(min(1.0, score / 0.9), 4),
    }


def _sum_5_4(parts: list[Tally]) -> dict:
    late = [t for t in parts if t.verdict == rules.LATE]
    return _figures_5_4(
        sum(t.n for t in parts),
        sum(t.n for t in late),
        sum(t.n for t in parts if t.complaint),
        sum(t.n for t in parts if t.negative),
        sum(t.n for t in parts if (t.complaint or t.negative) and t.verdict != rules.LATE),
    )


def satisfaction_5_4(
    conn: Connection,
    office: str | None,
    start: datetime,
    end: datetime,
    buckets: list[datetime] | None = None,
    counted: list[Tally] | None = None,
) -> dict:
    """QĐ 766 chỉ tiêu 5.4 as a local estimate (REPORTING.md): 100% − (share of dossiers late + share
    of dossiers with a complaint (PAKN) or a negative rating), over chỉ tiêu 2.1's dossiers (finished
    in the period and open at its end). Distinct dossiers: a late dossier also rated badly counts once.
    The official figure is the national portal's (portal dislikes and the complaints system).

    `buckets`: the start of each bucket of the period, in order: then `series_counts` (and `series`,
    their scores) split the same dossiers, each in the bucket it finished in and an open one in the
    bucket of the judging time, so the buckets' dossiers, late and unhappy add up to the headline.
    `counted`: the period's `tallies` with these buckets and feelings, when the caller has them."""
    counted_ = (
        counted if counted is not None else tallies(conn, office, start, end, buckets, feelings=True, by_field=False)
    )
    out = _sum_5_4(counted_)
    if buckets:
        counts = [_sum_5_4([t for t in counted_ if t.bucket == i]) for i in range(len(buckets))]
        out["series_counts"] = [{k: c[k] for k in ("dossiers", "late", "unhappy", "score")} for c in counts]
        out["series"] = [c["score"] for c in counts]
    return out
