"""The on-time rule (DOMAIN.md, docs/ARCHITECTURE.md) and the national dossier statuses.

A dossier finishes at the first of finished_at, returned_at, or the time it entered status 3
(refused) or 8 (stopped); status 7 (withdrawn) is not judged. Time spent in status 5 (supplement
requested) is added to due_at. Finished: on time iff finish <= adjusted due. Open at the report
date: late iff the report date is past the adjusted due, else undecided (None).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from motcua import scale

STATUS_LABELS = {
    1: ("Mới đăng ký", "Newly registered"),
    2: ("Được tiếp nhận", "Received"),
    3: ("Không được tiếp nhận", "Not accepted"),
    4: ("Đang xử lý", "In progress"),
    5: ("Yêu cầu bổ sung giấy tờ", "Additional documents requested"),
    6: ("Yêu cầu thực hiện nghĩa vụ tài chính", "Payment of fees requested"),
    7: ("Công dân yêu cầu rút hồ sơ", "Withdrawn by the applicant"),
    8: ("Dừng xử lý", "Processing stopped"),
    9: ("Đã xử lý xong", "Processed, result ready"),
    10: ("Đã trả kết quả", "Result returned"),
}
NEXT_STEP = {
    5: (
        "Vui lòng mang giấy tờ bổ sung theo yêu cầu đến quầy tiếp nhận; thời gian bổ sung không "
        "tính vào thời hạn giải quyết.",
        "Please bring the requested documents to the reception counter; the time this takes does "
        "not count against the deadline.",
    ),
    6: (
        "Vui lòng nộp phí, lệ phí theo thông báo tại quầy hoặc trực tuyến để hồ sơ được tiếp tục xử lý.",
        "Please pay the fees as notified, at the counter or online, so processing can continue.",
    ),
    9: (
        "Kết quả đã sẵn sàng: mời ông/bà mang giấy tiếp nhận đến quầy trả kết quả.",
        "The result is ready: please bring your receipt to the result counter.",
    ),
    3: (
        "Hồ sơ không được tiếp nhận; vui lòng liên hệ quầy tiếp nhận để biết lý do.",
        "The dossier was not accepted; please ask at the reception counter for the reason.",
    ),
    8: (
        "Hồ sơ đã dừng xử lý; vui lòng liên hệ quầy tiếp nhận để biết lý do.",
        "Processing was stopped; please ask at the reception counter for the reason.",
    ),
}
REASON_LABELS = scale.STANDARD_REASONS  # codes always accepted from a tablet, with their names
ENDING_STATUSES = (3, 8)
RULE_VERSION = 1  # stored verdicts (dossiers.verdict_rule) of another version are judged afresh
SUPPLEMENT_STATUS = 5
WITHDRAWN_STATUS = 7


@dataclass
class Step:
    status: int | None
    started_at: datetime | None
    finished_at: datetime | None


@dataclass
class DossierTimes:
    """What the rule needs of a dossier; all times comparable (all naive UTC or all aware)."""

    status: int
    received_at: datetime
    due_at: datetime | None
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    status_at: datetime | None = None
    steps: list[Step] = field(default_factory=list)


@dataclass(frozen=True)
class Verdict:
    finished_at: datetime | None  # the finish time the rule uses (None while open at the date)
    on_time: bool | None  # None: withdrawn, no due date, or open and not yet late
    late: bool
    adjusted_due: datetime | None


def finish_time(d: DossierTimes) -> datetime | None:
    candidates = [t for t in (d.finished_at, d.returned_at) if t is not None]
    if d.status in ENDING_STATUSES or any(s.status in ENDING_STATUSES for s in d.steps):
        entered = [s.started_at for s in d.steps if s.status in ENDING_STATUSES and s.started_at]
        if entered:
            candidates.append(min(entered))
        elif d.status in ENDING_STATUSES and d.status_at is not None:
            candidates.append(d.status_at)
    return min(candidates) if candidates else None


def supplement_time(d: DossierTimes, until: datetime) -> timedelta:
    """Time in status 5 up to `until` (an open supplement request counts until `until`)."""
    total = timedelta(0)
    for s in d.steps:
        if s.status != SUPPLEMENT_STATUS or s.started_at is None or s.started_at >= until:
            continue
        end = min(s.finished_at or until, until)
        if end > s.started_at:
            total += end - s.started_at
    return total


def judge(d: DossierTimes, at: datetime) -> Verdict:
    """The dossier's standing at the report date `at`."""
    if d.status == WITHDRAWN_STATUS:
        return Verdict(None, None, False, None)
    finished = finish_time(d)
    if finished is not None and finished > at:
        finished = None  # finished after the report date: judged as open at that date
    if d.due_at is None:
        return Verdict(finished, None, False, None)
    until = finished or at
    adjusted = d.due_at + supplement_time(d, until)
    if finished is not None:
        on_time = finished <= adjusted
        return Verdict(finished, on_time, not on_time, adjusted)
    if at > adjusted:
        return Verdict(None, False, True, adjusted)
    return Verdict(None, None, False, adjusted)


def settled(d: DossierTimes) -> Verdict | None:
    """The verdict of a finished dossier, which no later report date changes (it equals
    `judge(d, at)` for every `at` at or after its finish); None while open or withdrawn.
    Stored with the dossier when it is written, so reports count finished dossiers in SQL."""
    if d.status == WITHDRAWN_STATUS:
        return None
    finished = finish_time(d)
    return judge(d, finished) if finished is not None else None


is_satisfied, is_negative = scale.is_satisfied, scale.is_negative


# A rating recorded less than this many seconds after the tablet's previous rating (in the tablet's
# own order, device_seq) is "quick": serving a citizen at the counter takes longer, so a run of
# quick ratings is worth a look (an officer tapping his own tablet, a game at an empty counter).
# The tablet's cooldown (rating.ini [rating] cooldown_seconds, default 20) stops faster taps.
# Stored with each rating (ratings.quick, migration 0006); changing it needs a new backfill.
QUICK_SECONDS = 60


def is_quick(gap_s: float | None) -> bool:
    """`gap_s`: seconds since the tablet's previous rating (None: it is the tablet's first). A
    negative gap is a clock set back between two ratings, not a quick rating."""
    return gap_s is not None and 0 <= gap_s < QUICK_SECONDS


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
