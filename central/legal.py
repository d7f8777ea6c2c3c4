"""Satisfaction in the legal frame (REPORTING.md): the "Bảng đánh giá" section II percentages
(% Không hài lòng, % Hài lòng, % Rất hài lòng), the reasons ticked by criterion of Điều 33 NĐ
61/2018, and the monthly aggregate in the shape OpenCPS pushes to a province's exchange platform
(LGSP `/Vote/UpdateVote`).

Every scale maps onto the three legal levels by `motcua.scale.legal_level`; reasons are named by
`motcua.scale.reason_name` (an office's own code by its configured label, else "Lý do riêng của văn
phòng: CODE"). The ratings are counted in SQL by `central.stats.rating_groups`, as every report does.
"""

import calendar
import re
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Connection

from central import stats
from central.errors import BadInput
from central.timeutil import to_wire, utcnow
from motcua import scale
from motcua.officetime import OFFSET

__all__ = ["levels_of", "reasons_by_criterion", "month_span", "votes", "section_ii", "custom_labels"]

QUESTION = "Mức độ hài lòng của Ông/Bà đối với việc tiếp nhận, giải quyết thủ tục hành chính"


def custom_labels(text: str) -> dict:
    """[upward] custom_reason_labels ("code=Nhãn|code2=Nhãn 2") as {code: (vi, vi)}."""
    out = {}
    for part in (text or "").split("|"):
        code, sep, label = part.partition("=")
        if sep and code.strip() and label.strip():
            out[code.strip()] = (label.strip(), label.strip())
    return out


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def levels_of(groups) -> dict:
    """{"total", "counts": {level: n}, "percent": {level: % or None}} over ratings of any scale."""
    counts = Counter()
    for g in groups:
        counts[scale.legal_level(g.score, g.scale)] += g.n
    total = sum(counts.values())
    return {
        "total": total,
        "counts": {lv: counts[lv] for lv in scale.LEGAL_LEVELS},
        "percent": {lv: _percent(counts[lv], total) for lv in scale.LEGAL_LEVELS},
    }


def reasons_by_criterion(groups, custom: dict | None = None, lang: str = "vi") -> list[dict]:
    """The reasons ticked, grouped by the criterion they speak to (1..9, then those tied to none):
    [{"criterion": n|None, "name", "count", "reasons": [{"code", "label", "count"}]}]. Every criterion
    is listed, with 0 when no reason was ticked for it."""
    per_reason = Counter()
    for g in groups:
        for code in stats.reasons_of(g):
            per_reason[code] += g.n
    rows = {}
    for n, names in scale.CRITERIA.items():
        rows[n] = {"criterion": n, "name": names[1 if lang == "en" else 0], "count": 0, "reasons": []}
    rows[None] = {
        "criterion": None,
        "name": "No criterion" if lang == "en" else "Không gắn với tiêu chí",
        "count": 0,
        "reasons": [],
    }
    for code, n in sorted(per_reason.items(), key=lambda kv: (-kv[1], kv[0])):
        row = rows[scale.reason_criterion(code)]
        row["count"] += n
        row["reasons"].append({"code": code, "label": scale.reason_name(code, lang, custom), "count": n})
    return list(rows.values())


def _rating_groups(conn: Connection, office: str | None, start: datetime, end: datetime, reasons: bool = False):
    return stats.rating_groups(conn, office, start, end, comments=False, reasons=reasons)


def _months(first: date, last: date) -> list[tuple[date, date]]:
    out, day = [], first.replace(day=1)
    while day <= last:
        end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        out.append((max(day, first), min(end, last)))
        day = end + timedelta(days=1)
    return out


def _utc(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time()) - OFFSET


def section_ii(conn: Connection, office: str | None, first: date, last: date, custom=None, lang="vi") -> dict:
    """The period's figures: the three levels' percentages for the whole period and per month,
    and the reasons by criterion. `first`..`last` are office days, both included."""
    start, end = _utc(first), _utc(last + timedelta(days=1))
    groups = _rating_groups(conn, office, start, end, reasons=True)
    months = []
    for a, b in _months(first, last):
        months.append(
            {
                "from": a.isoformat(),
                "to": b.isoformat(),
                **levels_of(_rating_groups(conn, office, _utc(a), _utc(b + timedelta(days=1)))),
            }
        )
    scales = sorted({g.scale for g in groups})
    return {
        "office": office,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "scales": scales,
        "levels": levels_of(groups),
        "months": months,
        "criteria": reasons_by_criterion(groups, custom, lang),
    }


MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_span(text: str) -> tuple[date, date]:
    """ "YYYY-MM" → its first and last office day; a clear error otherwise."""
    m = MONTH.match(text or "")
    if not m or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
        raise BadInput("month", f'--month: "{text}" is not a month; give YYYY-MM, e.g. 2026-11')
    year, month = int(m.group(1)), int(m.group(2))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def votes(conn: Connection, month: str, office: str | None = None, office_name: str = "", now=None) -> dict:
    """The month's rating aggregate in the shape OpenCPS sends to `/Vote/UpdateVote`: DateCreated,
    TotalVoted, PercentVeryGood / PercentGood / PercentBad (0-100, two decimals; Rất hài lòng, Hài
    lòng, Không hài lòng of `levels_of`), and Questions, one per question the tablet asks, each with
    its own total and percentages. Month and office are carried alongside for the receiver."""
    first, last = month_span(month)
    groups = _rating_groups(conn, office, _utc(first), _utc(last + timedelta(days=1)))
    lv = levels_of(groups)

    def shares(x: dict) -> dict:
        p = x["percent"]
        return {
            "TotalVoted": x["total"],
            "PercentVeryGood": p["rat_hai_long"] or 0.0,
            "PercentGood": p["hai_long"] or 0.0,
            "PercentBad": p["khong_hai_long"] or 0.0,
        }

    moment = (now or utcnow()).replace(microsecond=0)
    return {
        "DateCreated": to_wire(moment),
        **shares(lv),
        "Questions": [{"DocTypeCode": "", "Content": QUESTION, **shares(lv)}],
        "OrganizationInchargeIdlevel1": office or "",
        "OrganizationInchargeName": office_name or "",
        "Month": first.month,
        "Year": first.year,
    }
