"""The classification offices report by (REPORTING.md: Biểu 06, QĐ 766 chỉ tiêu 2.1), in one place.

Every report, the API, the kiosk and the dashboard count the verdicts made here:
- **Universe:** accepted dossiers. Status 1 (submitted online, not accepted) is never received,
  whatever its times say; a refusal (status 3) counts only when the history shows the dossier was
  accepted first (a step in status 2, 4, 5 or 6 before it): else it is a refusal at the counter.
- **End:** the first end status, in this order: 9 Đã xử lý xong (finished_at) wins over 10 Đã trả
  kết quả (returned_at); then the earliest of 8 Dừng xử lý, 3 (after acceptance) and 7 rút hồ sơ
  (a dossier in 3, 7 or 8 with no time for it ends at its acceptance). Withdrawals are judged.
- **Supplements (status 5)** are episodes (start, end) from the step history. A dossier that reached
  its end has each episode's time subtracted from its end. A dossier still waiting on a supplement
  ends at the time of the request when it was the only one, and is quá hạn when requested more than
  once. Time in status 6 (nghĩa vụ tài chính) is subtracted the same way only for the fields an admin
  set so (`pause_fees`, off by default). Subtraction is in calendar time, as QĐ 766 does, even where
  the appointment was counted in working days (an approximation).
- **Verdict**, always against the original appointment (due_at; an extension, extended_due_at, does
  not move it): finished: the effective end's office day before the due day ⇒ early (trước hạn),
  effective end no later than due ⇒ on_time (đúng hạn), else late (quá hạn). Open at the judging
  time (a period's end, or now): in_time (trong hạn) or late, by the same effective end (the judging
  time minus supplement time, or the pending-supplement rule). Without an appointment, the procedure's
  maximum time from acceptance when known, else the dossier cannot be late (đúng hạn / trong hạn).
- **A period [start, end)**: received in it (accepted at ≥ start: trực tuyến when the channel is 2,
  else trực tiếp, bưu chính) or carried over (accepted before start, not ended before start);
  finished in it (ended before end) or open at its end.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from motcua import scale
from motcua.officetime import OFFSET

STATUS_LABELS = {
    1: ("Mới đăng ký", "Submitted, awaiting acceptance"),
    2: ("Được tiếp nhận", "Accepted"),
    3: ("Không được tiếp nhận", "Not accepted"),
    4: ("Đang xử lý", "Being processed"),
    5: ("Yêu cầu bổ sung giấy tờ", "Extra documents needed"),
    6: ("Yêu cầu thực hiện nghĩa vụ tài chính", "Fees or taxes to be paid"),
    7: ("Công dân yêu cầu rút hồ sơ", "Withdrawn at the applicant's request"),
    8: ("Dừng xử lý", "Processing stopped"),
    9: ("Đã xử lý xong", "Processed, result ready"),
    10: ("Đã trả kết quả", "Result handed over"),
}
NEXT_STEP = {
    5: (
        "Mời Ông/Bà mang giấy tờ ghi trong Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ đến quầy tiếp nhận. "
        "Thời gian bổ sung không tính vào thời hạn giải quyết.",
        "Please bring the requested documents to the reception counter; the time this takes does "
        "not count against the deadline.",
    ),
    6: (
        "Mời Ông/Bà thực hiện nghĩa vụ tài chính (nộp thuế, phí, lệ phí) theo thông báo, tại quầy hoặc "
        "trực tuyến, để hồ sơ được tiếp tục giải quyết.",
        "Please pay the fees as notified, at the counter or online, so processing can continue.",
    ),
    9: (
        "Đã có kết quả. Mời Ông/Bà mang giấy hẹn và giấy tờ tùy thân đến quầy trả kết quả.",
        "Your result is ready: please bring your receipt and ID to the result counter.",
    ),
    3: (
        "Hồ sơ không được tiếp nhận. Lý do được ghi trong Phiếu từ chối; Ông/Bà có thể hỏi thêm tại quầy tiếp nhận.",
        "The dossier was not accepted; please ask at the reception counter for the reason.",
    ),
    8: (
        "Hồ sơ đã dừng giải quyết. Lý do được ghi trong Thông báo dừng giải quyết hồ sơ; Ông/Bà có thể hỏi "
        "thêm tại quầy tiếp nhận.",
        "Processing was stopped; please ask at the reception counter for the reason.",
    ),
}
# An open dossier past its appointment: the citizen is not sent back on a date that has passed.
LATE_APOLOGY = (
    "Hồ sơ đã quá ngày hẹn trả. Cơ quan xin lỗi Ông/Bà vì sự chậm trễ này.",
    "Your application is past its appointment date. We apologise for the delay.",
)
LATE_ADVICE = (
    LATE_APOLOGY[0] + " Mời Ông/Bà hỏi cán bộ tại quầy tiếp nhận về ngày trả kết quả.",
    LATE_APOLOGY[1] + " Please ask the staff at the reception counter when the result will be ready.",
)


def late_advice(status: int) -> tuple[str, str]:
    """(vi, en) advice for an open dossier past its appointment: the apology, and what the citizen still
    has to do when the dossier waits on them (documents to add, fees to pay), else ask at the counter."""
    if status in (SUPPLEMENT_STATUS, FEES_STATUS):
        vi, en = NEXT_STEP[status]
        return f"{LATE_APOLOGY[0]} {vi}", f"{LATE_APOLOGY[1]} {en}"
    return LATE_ADVICE


REASON_LABELS = scale.STANDARD_REASONS  # codes always accepted from a tablet, with their names
RULE_VERSION = 2  # stored verdicts (dossiers.verdict_rule) of another version are judged afresh
SUBMITTED_STATUS, REFUSED_STATUS, SUPPLEMENT_STATUS, FEES_STATUS = 1, 3, 5, 6
WITHDRAWN_STATUS, STOPPED_STATUS, FINISHED_STATUS, RETURNED_STATUS = 7, 8, 9, 10
ENDING_STATUSES = (REFUSED_STATUS, WITHDRAWN_STATUS, STOPPED_STATUS)  # ends after 9 and 10
ACCEPTED_STEPS = (2, 4, 5, 6)  # a step in one of these before a refusal: it followed an acceptance
CHANNELS = {1: ("Trực tiếp", "In person"), 2: ("Trực tuyến", "Online"), 3: ("Bưu chính công ích", "By post")}
ONLINE_CHANNEL = 2
CARRIED_OVER = "carried_over"  # Standing.received of a dossier accepted before the period

EARLY, ON_TIME, LATE, IN_TIME = "early", "on_time", "late", "in_time"
VERDICTS = (EARLY, ON_TIME, LATE, IN_TIME)
# The words of Biểu 06 for each verdict (the kiosk and the dashboard show these).
VERDICT_LABELS = {
    EARLY: ("Trước hạn", "Ahead of schedule"),
    ON_TIME: ("Đúng hạn", "On time"),
    LATE: ("Quá hạn", "Overdue"),
    IN_TIME: ("Còn trong hạn", "Within the deadline"),
}


@dataclass
class Step:
    status: int | None
    started_at: datetime | None
    finished_at: datetime | None


@dataclass
class DossierTimes:
    """What the rules need of a dossier; all times comparable (all naive UTC or all aware)."""

    status: int
    received_at: datetime
    due_at: datetime | None
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    status_at: datetime | None = None
    steps: list[Step] = field(default_factory=list)
    channel: int | None = None


@dataclass(frozen=True)
class Verdict:
    """A dossier judged at a moment: `verdict` one of VERDICTS (None: not accepted)."""

    finished_at: datetime | None  # the end the rule uses, when it is no later than the judging time
    on_time: bool | None  # finished: not late; open: False when late, else None (not decided yet)
    late: bool
    adjusted_due: datetime | None  # the appointment moved by the time subtracted (display only)
    verdict: str | None = None
    accepted: bool = True
    supplements: int = 0  # supplement requests (status 5 episodes) up to the judging time
    pending_supplement: bool = False
    effective_end: datetime | None = None  # the end compared with the appointment (supplement time out)
    due_at: datetime | None = None  # the appointment judged against: due_at, else acceptance + maximum time


def _entered(d: DossierTimes, status: int) -> datetime | None:
    """When the dossier first entered `status`: its step history, else status_at for the current one."""
    times = [s.started_at for s in d.steps if s.status == status and s.started_at is not None]
    if times:
        return min(times)
    return d.status_at if d.status == status and d.status_at is not None else None


def end_time(d: DossierTimes) -> datetime | None:
    """The first end status's time: 9 before 10, then the earliest of 8, 3 (after acceptance) and 7."""
    for moment in (d.finished_at or _entered(d, FINISHED_STATUS), d.returned_at or _entered(d, RETURNED_STATUS)):
        if moment is not None:
            return moment
    others = [t for t in (_entered(d, s) for s in ENDING_STATUSES) if t is not None]
    if others:
        return min(others)
    # An end status with no time at all (no step, no status time): it ended, when is unknown; the
    # acceptance is the one time known, so the dossier is not left open (and late) for ever.
    return d.received_at if d.status in ENDING_STATUSES else None


finish_time = end_time


def accepted(d: DossierTimes) -> bool:
    """Counted as received (tiếp nhận): never status 1; a refusal only after an acceptance."""
    if d.status == SUBMITTED_STATUS:
        return False
    refused = _entered(d, REFUSED_STATUS)
    if refused is None or d.finished_at or d.returned_at:
        return True
    return any(s.status in ACCEPTED_STEPS and (s.started_at is None or s.started_at <= refused) for s in d.steps)


def episodes(d: DossierTimes, status: int = SUPPLEMENT_STATUS) -> list[tuple[datetime, datetime | None]]:
    """(start, end or None while pending) of each time the dossier was in `status`, from the steps;
    the current status counts from status_at when no step shows it."""
    out = sorted((s.started_at, s.finished_at) for s in d.steps if s.status == status and s.started_at is not None)
    if d.status == status and d.status_at is not None and not any(end is None for _, end in out):
        if not out or out[-1][0] < d.status_at:
            out.append((d.status_at, None))
    return out


def _paused(spans, until: datetime) -> timedelta:
    """Time of the episodes before `until` (a pending one counts until `until`)."""
    total = timedelta(0)
    for start, end in spans:
        if start >= until:
            continue
        stop = min(end or until, until)
        if stop > start:
            total += stop - start
    return total


def supplement_time(d: DossierTimes, until: datetime, pause_fees: bool = False) -> timedelta:
    total = _paused(episodes(d), until)
    return total + _paused(episodes(d, FEES_STATUS), until) if pause_fees else total


def _day(moment: datetime):
    return (moment + OFFSET).date() if moment.tzinfo is None else moment.astimezone().date()


def judge(
    d: DossierTimes,
    at: datetime,
    pause_fees: bool = False,
    max_time: timedelta | None = None,
    *,
    before: bool = False,
) -> Verdict:
    """The dossier's standing at `at` (a report period's end, or now). `max_time`: the procedure's
    maximum time, used when the dossier has no appointment. `before`: `at` is an exclusive end (a
    dossier ending exactly then is still open)."""
    if not accepted(d):
        return Verdict(None, None, False, None, None, accepted=False)
    due = d.due_at if d.due_at is not None else (d.received_at + max_time if max_time else None)
    ended = end_time(d)
    if ended is not None and (ended > at or (before and ended == at)):
        ended = None  # ended after `at`: open at that time
    supplements = [e for e in episodes(d) if e[0] < (ended or at)]
    paused = supplement_time(d, ended or at, pause_fees)
    adjusted = due + paused if due is not None else None
    if ended is not None:
        effective = ended - paused
        if due is None or effective <= due:
            verdict = EARLY if due is not None and _day(effective) < _day(due) else ON_TIME
        else:
            verdict = LATE
        return Verdict(
            ended, verdict != LATE, verdict == LATE, adjusted, verdict, True, len(supplements), False, effective, due
        )
    pending = [e for e in supplements if e[1] is None or e[1] > at]
    if pending and len(supplements) > 1:
        verdict, effective = LATE, pending[-1][0]
    else:
        if pending:  # the only request: the dossier ends at the time of the request
            effective = pending[0][0] - (paused - _paused(pending, at))
        else:
            effective = at - paused
        verdict = LATE if due is not None and effective > due else IN_TIME
    late = verdict == LATE
    return Verdict(
        None, False if late else None, late, adjusted, verdict, True, len(supplements), bool(pending), effective, due
    )


def settled(d: DossierTimes, pause_fees: bool = False, max_time: timedelta | None = None) -> Verdict | None:
    """The verdict of a dossier that reached its end, which no later judging time changes; None while
    open or when not accepted. Stored with the dossier when it is written (storage.verdicts)."""
    ended = end_time(d)
    if ended is None or not accepted(d):
        return None
    return judge(d, ended, pause_fees, max_time)


@dataclass(frozen=True)
class Standing:
    """A dossier in a report period: how Biểu 06 counts it."""

    received: str  # online | direct_postal | carried_over
    finished: bool  # ended in the period (else open at its end)
    verdict: str  # early | on_time | late (finished); in_time | late (open)
    judged: Verdict  # the whole judgement at the period's end (supplements, effective end)


def standing(
    d: DossierTimes,
    start: datetime,
    end: datetime,
    pause_fees: bool = False,
    max_time: timedelta | None = None,
) -> Standing | None:
    """Where a dossier counts in the period [start, end); None: not in it (not accepted, accepted
    after it, or ended before it)."""
    if not accepted(d) or d.received_at >= end:
        return None
    ended = end_time(d)
    if ended is not None and ended < start:
        return None
    if d.received_at < start:
        received = CARRIED_OVER
    else:
        received = "online" if d.channel == ONLINE_CHANNEL else "direct_postal"
    verdict = judge(d, end, pause_fees, max_time, before=True)
    return Standing(received, verdict.finished_at is not None, verdict.verdict, verdict)


CHANNEL_METHODS = {1: "direct", 2: "online", 3: "postal"}


def deadline(received_at: datetime, amount, unit: str | None) -> datetime | None:
    """The appointment a procedure's maximum time gives a dossier that has none (REPORTING.md: "No due
    date"): `amount` of the catalogue's `unit` from acceptance. Working days skip Saturdays and
    Sundays (public holidays are not known here); months are 30 days, years 365: approximations of a
    fallback. None when the catalogue gives no usable time."""
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount <= 0:
        return None
    if unit in ("hour", "working_hour"):
        return received_at + timedelta(hours=amount)
    if unit == "day":
        return received_at + timedelta(days=amount)
    if unit == "month":
        return received_at + timedelta(days=30 * amount)
    if unit == "year":
        return received_at + timedelta(days=365 * amount)
    if unit != "working_day":
        return None
    moment, left = received_at, int(amount)
    while left > 0:
        moment += timedelta(days=1)
        if (moment + OFFSET if moment.tzinfo is None else moment).weekday() < 5:
            left -= 1
    return moment


def max_time(methods: list | None, received_at: datetime, channel: int | None) -> timedelta | None:
    """The maximum time of a catalogue item's `methods` for the dossier's channel (else in person, else
    the first), as a span from acceptance; None without one."""
    if not methods:
        return None
    wanted = CHANNEL_METHODS.get(channel or 1, "direct")
    method = next((m for m in methods if m.get("channel") == wanted), None)
    method = method or next((m for m in methods if m.get("channel") == "direct"), methods[0])
    due = deadline(received_at, method.get("time"), method.get("unit"))
    return None if due is None else due - received_at


def days_late(due: datetime, at: datetime) -> int:
    """Office days from the appointment's day to `at`'s day (0 when not past)."""
    return max(0, (_day(at) - _day(due)).days)


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
