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

from sqlalchemy import and_, case, exists, func, or_, select, true
from sqlalchemy.engine import Connection

from central import exports, rules
from central.errors import BadPeriod
from central.storage.schema import dossier_steps, dossiers, offices, procedures, ratings
from central.storage.verdicts import max_time_of, pausing_procedures, procedure_methods, times
from central.timeutil import to_wire, utcnow
from motcua.officetime import OFFSET

KINDS = ("month", "quarter", "half", "year")
UNKNOWN_FIELD = ("?", "(lĩnh vực chưa rõ)")
CHUNK = 500


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
        select(
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
            procedures.c.field_code,
            procedures.c.field_name,
            procedures.c.name.label("catalogue_name"),
        )
        .select_from(dossiers.outerjoin(procedures, procedures.c.code == dossiers.c.procedure_code))
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
    rows = conn.execute(query).all()
    steps: dict[str, list] = {}
    codes = [r.code for r in rows]
    for i in range(0, len(codes), CHUNK):
        for s in conn.execute(
            select(
                dossier_steps.c.dossier_code,
                dossier_steps.c.status,
                dossier_steps.c.started_at,
                dossier_steps.c.finished_at,
            ).where(dossier_steps.c.status.isnot(None), dossier_steps.c.dossier_code.in_(codes[i : i + CHUNK]))
        ):
            steps.setdefault(s.dossier_code, []).append(s)
    pausing = pausing_procedures(conn)
    methods = procedure_methods(conn, {r.procedure_code for r in rows if r.due_at is None})
    out = []
    for r in rows:
        d, pause = times(r, steps.get(r.code, ())), r.procedure_code in pausing
        standing = rules.standing(d, start, end, pause, max_time_of(r, methods))
        if standing is not None:
            field = (r.field_code, r.field_name or r.field_code) if r.field_code else UNKNOWN_FIELD
            out.append(Classified(r, field, standing))
    return out


def _stale():
    rule = dossiers.c.verdict_rule  # ranges, not !=, so an index finds the (usually no) rows
    return or_(rule.is_(None), rule < rules.RULE_VERSION, rule > rules.RULE_VERSION)


def _judged_in_python(end: datetime):
    """Dossiers open at `end` whose verdict SQL cannot give from the stored columns: a supplement or
    fees (status 5 or 6, now or in a step: their time may move the end, or a pending request decides),
    or no appointment (the procedure's maximum time decides); and any row not judged by the current rule.
    EXISTS, not IN: an anti-join on PostgreSQL, however many supplement steps the province has."""
    fe = dossiers.c.finished_effective_at
    paused = (rules.SUPPLEMENT_STATUS, rules.FEES_STATUS)
    stepped = exists().where(dossier_steps.c.dossier_code == dossiers.c.code, dossier_steps.c.status.in_(paused))
    complex_ = or_(dossiers.c.status.in_(paused), stepped, dossiers.c.due_at.is_(None))
    return complex_, or_(_stale(), and_(or_(fe.is_(None), fe >= end), complex_))


def counted(conn: Connection, office: str | None, start: datetime, end: datetime) -> dict[tuple, dict]:
    """Biểu 06's cells per field for [start, end), counted as `classified` + rules.standing would, at
    province scale: dossiers that ended in the period by their stored verdict (rules.settled, the same
    verdict rules.standing gives them) and dossiers open at its end without supplement, fees or missing
    appointment (late exactly when the appointment is before the end) by SQL GROUP BY; only the rest is
    fetched and judged by rules.standing. Equal to `classified` (tests/central/test_province.py)."""
    end = max(min(end, utcnow()), start)
    fe = dossiers.c.finished_effective_at
    complex_, in_python = _judged_in_python(end)
    received = case(
        (dossiers.c.received_at < start, "carried_over"),
        (dossiers.c.channel == rules.ONLINE_CHANNEL, "online"),
        else_="direct_postal",
    ).label("received")
    base = [~_stale(), dossiers.c.accepted == true(), dossiers.c.received_at < end]
    base += [dossiers.c.office_code == office] if office else []
    joined = dossiers.outerjoin(procedures, procedures.c.code == dossiers.c.procedure_code)
    open_verdict = case((dossiers.c.due_at < end, rules.LATE), else_=rules.IN_TIME).label("verdict")
    parts = (
        (True, dossiers.c.verdict.label("verdict"), [fe >= start, fe < end, dossiers.c.verdict.isnot(None)]),
        (False, open_verdict, [or_(fe.is_(None), fe >= end), ~complex_]),
    )
    cells: dict[tuple, dict] = {}
    for finished, verdict, where in parts:
        query = (
            select(procedures.c.field_code, procedures.c.field_name, received, verdict, func.count().label("n"))
            .select_from(joined)
            .where(*base, *where)
            .group_by(procedures.c.field_code, procedures.c.field_name, received, verdict)
        )
        for r in conn.execute(query):
            field = (r.field_code, r.field_name or r.field_code) if r.field_code else UNKNOWN_FIELD
            cell = cells.setdefault(field, _empty())
            cell["received"]["total"] += r.n
            cell["received"][r.received] += r.n
            group = cell["finished" if finished else "open"]
            group["total"] += r.n
            group[r.verdict] += r.n
    for item in classified(conn, office, start, end, [in_python]):
        _add(cells.setdefault(item.field, _empty()), item.standing)
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


def late_list(conn: Connection, office: str | None, period: ReportPeriod, items: list | None = None) -> list[dict]:
    """The period's late dossiers (finished late in it, or open and late at its end), most days late
    first: code, procedure, field, appointment, days late, apology issued or not. Without `items`, only
    the dossiers that may be late are fetched and judged (finished late by their stored verdict, open
    past their appointment, and those `counted` judges in Python)."""
    if items is None:
        end = max(min(period.end, utcnow()), period.start)
        fe = dossiers.c.finished_effective_at
        _complex, in_python = _judged_in_python(end)
        maybe_late = or_(
            in_python,
            and_(fe >= period.start, fe < end, dossiers.c.verdict == rules.LATE),
            and_(or_(fe.is_(None), fe >= end), dossiers.c.due_at < end),
        )
        items = classified(conn, office, period.start, period.end, [maybe_late])
    out = []
    for item in items:
        if item.standing.verdict != rules.LATE:
            continue
        r, judged = item.row, item.standing.judged
        due = judged.due_at  # the appointment the verdict used: due_at, else acceptance + maximum time
        # an open dossier is judged at the (exclusive) period end: its last day is the day before
        late_at = judged.effective_end - (timedelta(0) if item.standing.finished else timedelta(microseconds=1))
        out.append(
            {
                "code": r.code,
                "office": r.office_code,
                "procedure": {"code": r.procedure_code, "name": r.catalogue_name or r.procedure_name},
                "field": {"code": item.field[0], "name": item.field[1]},
                "status": r.status,
                "finished": item.standing.finished,
                "due_at": to_wire(due),
                # no appointment recorded: due_at is the procedure's maximum time from acceptance
                "due_from_max_time": r.due_at is None,
                "extended_due_at": to_wire(r.extended_due_at),
                "days_late": rules.days_late(due, late_at) if due is not None else None,
                "apology": r.apology_at is not None,
                "apology_at": to_wire(r.apology_at),
                "supplements": judged.supplements,
            }
        )
    out.sort(key=lambda d: (-(d["days_late"] or 0), d["code"]))
    return out


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


def _figures_5_4(codes: list, late: set, complained: set, negative: set) -> dict:
    """Chỉ tiêu 5.4 over `codes` (distinct dossiers): the headline's figures and each bucket's."""
    codes = set(codes)
    late, complained, negative = late & codes, complained & codes, negative & codes
    unhappy = (complained | negative) - late
    base = len(codes)
    score = None if not base else round(max(0.0, 1 - len(late) / base - len(unhappy) / base), 4)
    return {
        "dossiers": base,
        "finished": base,  # the old name of the base, kept for API readers
        "late": len(late),
        "complaints": len(complained),
        "negative_rated": len(negative),
        "unhappy": len(unhappy),
        "late_share": rules.rate(len(late), base),
        "negative_share": rules.rate(len(unhappy), base),
        "score": score,
        "full_marks": score is not None and score >= 0.9,
        "points_share": None if score is None else round(min(1.0, score / 0.9), 4),
    }


def satisfaction_5_4(
    conn: Connection,
    office: str | None,
    start: datetime,
    end: datetime,
    items: list | None = None,
    buckets: list[datetime] | None = None,
) -> dict:
    """QĐ 766 chỉ tiêu 5.4 as a local estimate (REPORTING.md): 100% − (share of dossiers late + share
    of dossiers with a complaint (PAKN) or a negative rating), over chỉ tiêu 2.1's dossiers (finished
    in the period and open at its end). Distinct dossiers: a late dossier also rated badly counts once.
    The official figure is the national portal's (portal dislikes and the complaints system).

    `buckets`: the start of each bucket of the period, in order: then `series_counts` (and `series`,
    their scores) split the same dossiers, each in the bucket it finished in and an open one in the
    bucket of the judging time, so the buckets' dossiers, late and unhappy add up to the headline."""
    end = max(min(end, utcnow()), start)
    items = classified(conn, office, start, end) if items is None else items
    codes = [item.row.code for item in items]
    late = {item.row.code for item in items if item.standing.verdict == rules.LATE}
    complained = {item.row.code for item in items if item.row.complaint}
    negative = _negatively_rated(conn, office, codes, end)
    out = _figures_5_4(codes, late, complained, negative)
    if buckets:
        split: list[list] = [[] for _ in buckets]
        for item in items:
            moment = item.standing.judged.finished_at if item.standing.finished else end - timedelta(microseconds=1)
            index = max(0, bisect_right(buckets, moment) - 1)
            split[index].append(item.row.code)
        counts = [_figures_5_4(part, late, complained, negative) for part in split]
        out["series_counts"] = [{k: c[k] for k in ("dossiers", "late", "unhappy", "score")} for c in counts]
        out["series"] = [c["score"] for c in counts]
    return out
