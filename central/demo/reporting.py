"""The reporting facts of the demo dossiers (REPORTING.md): channel, submission time, apology letters
with a new appointment, a complaint, and the cases the classification must meet that the sample
plan lacks (a pending second supplement request, a refusal at the counter, a withdrawal after the
appointment, a dossier carried over from last month and still open, one late open dossier that got
an apology and one that did not). Deterministic for a given `now`: a second seed adds nothing."""

import random
from datetime import date, datetime, time, timedelta

from central.demo import sample
from motcua.officetime import OFFICE_TZ


def add_working_days(day: date, n: int) -> date:
    """`n` Monday-to-Friday days after `day` (holidays are not known here)."""
    while n > 0:
        day += timedelta(days=1)
        n -= day.weekday() < 5
    return day


def working_day_before(day: date, n: int) -> date:
    """`n` Monday-to-Friday days before `day` (`day` itself, moved back to a weekday, when 0)."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    while n > 0:
        day -= timedelta(days=1)
        n -= day.weekday() < 5
    return day


def _at(moment: datetime) -> str:
    return moment.isoformat()


def _day(now: datetime, days_back: int, hour: int = 9, minute: int = 0) -> datetime:
    """An office time `days_back` working days before `now`."""
    day = working_day_before(now.date(), days_back)
    return datetime.combine(day, time(hour, minute), OFFICE_TZ)


def _officer_time(moment: datetime, latest: datetime) -> datetime:
    """An officer's act (an apology letter) at `moment`, moved into office hours, and not after `latest`."""
    moment = sample.office_time(moment, forward=True)
    return moment if moment <= latest else sample.office_time(latest, forward=False)


def enrich(records: list[dict], now: datetime, office: str) -> list[dict]:
    """Adds channel and submitted_at to every demo dossier; an apology letter (with a new appointment)
    to some late ones; a complaint to one. Returns the same records."""
    rng = random.Random(f"reporting:{office}")
    late_open = late_finished = 0
    for record in records:
        roll = rng.random()
        channel = 2 if record["status"] == 1 or roll < 0.35 else 3 if roll < 0.42 else 1
        received = datetime.fromisoformat(record["received_at"])
        record["channel"] = channel
        submitted = received - timedelta(hours=rng.randrange(2, 30)) if channel != 1 else received
        if channel == 3:  # the post delivers it while the office is open; online is any hour
            submitted = sample.office_time(submitted, forward=False)
        record["submitted_at"] = _at(submitted)
        due = record.get("due_at") and datetime.fromisoformat(record["due_at"])
        finished = record.get("finished_at") or record.get("returned_at")
        if not due or due >= now:
            continue
        if not finished and record["status"] in (2, 4):  # open past its appointment
            late_open += 1
            if late_open == 1:  # the first one got its apology letter and a new date
                record["apology_at"] = _at(_officer_time(due + timedelta(days=1), now))
                record["extended_due_at"] = _at(
                    datetime.combine(add_working_days(now.date(), 3), time(16, 30), OFFICE_TZ)
                )
        elif finished and datetime.fromisoformat(finished) > due:
            late_finished += 1
            if late_finished % 2 == 1:
                done = datetime.fromisoformat(finished)
                record["apology_at"] = _at(_officer_time(due + timedelta(hours=20), done))
                record["extended_due_at"] = _at(sample.office_time(done + timedelta(hours=2), forward=True))
            if late_finished == 2:
                record["complaint"] = "Hẹn trả kết quả nhưng phải đi lại thêm hai lần mới nhận được."
    return records


def extra(now: datetime, office: str, unit_code: str) -> list[dict]:
    """Dossiers for the cases the sample plan does not make, numbered 9001… on their day."""
    rng = random.Random(f"reporting-extra:{office}")
    procedures = {p["code"]: p for p in sample.load_sample_procedures()}
    birth, copy, residence = procedures["1.001193"], procedures["2.000815"], procedures["1.004194"]

    def record(n, procedure, status, received, due, steps, channel=1, **extra_fields):
        return {
            "code": f"{unit_code}-{received:%y%m%d}-{9000 + n:04d}",
            "procedure_code": procedure["code"],
            "holder_name": sample.holder_name(rng),
            "phone": sample.phone_number(rng),
            "status": status,
            "received_at": _at(received),
            "due_at": _at(due) if due else None,
            "finished_at": None,
            "returned_at": None,
            "secret": sample.receipt_secret(rng),
            "channel": channel,
            "submitted_at": _at(received),
            "steps": steps,
            **extra_fields,
        }

    def step(name, status, start, end=None):
        return {
            "name": name,
            "unit": sample.COUNTER_UNIT,
            "status": status,
            "started_at": _at(start),
            "finished_at": _at(end) if end else None,
        }

    out = []
    # supplement requested twice, still waiting: quá hạn whatever the appointment says
    received = _day(now, 6, 8, 15)
    first, back, second = _day(now, 5, 10), _day(now, 4, 9), _day(now, 2, 14)
    out.append(
        record(
            1,
            residence,
            5,
            received,
            datetime.combine(add_working_days(now.date(), 2), time(16, 30), OFFICE_TZ),
            [
                step("Tiếp nhận hồ sơ", 2, received, received + timedelta(minutes=10)),
                step("Yêu cầu bổ sung lần 1", 5, first, back),
                step("Thẩm định hồ sơ", 4, back, second),
                step("Yêu cầu bổ sung lần 2", 5, second),
            ],
            channel=2,
        )
    )
    # refused at the counter (never accepted): not counted as received
    refused = _day(now, 3, 10, 20)
    out.append(record(2, copy, 3, refused, None, [step("Từ chối tiếp nhận", 3, refused, refused)]))
    # withdrawn after its appointment had passed: judged, quá hạn
    received = _day(now, 15, 9)
    due = datetime.combine(add_working_days(received.date(), 5), time(16, 30), OFFICE_TZ)
    withdrawn = _day(now, 3, 15)
    out.append(
        record(
            3,
            birth,
            7,
            received,
            due,
            [
                step("Tiếp nhận hồ sơ", 2, received, received + timedelta(minutes=15)),
                step("Giải quyết hồ sơ", 4, received + timedelta(minutes=15), withdrawn),
                step("Công dân rút hồ sơ", 7, withdrawn, withdrawn),
            ],
        )
    )
    # accepted last month, still being processed: từ kỳ trước, and late
    received = _day(now, 30, 10)
    due = datetime.combine(add_working_days(received.date(), 10), time(16, 30), OFFICE_TZ)
    out.append(
        record(
            4,
            residence,
            4,
            received,
            due,
            [
                step("Tiếp nhận hồ sơ", 2, received, received + timedelta(minutes=10)),
                step("Giải quyết hồ sơ", 4, received + timedelta(minutes=10)),
            ],
            channel=3,
        )
    )
    return [r for r in out if datetime.fromisoformat(r["received_at"]) < now]
