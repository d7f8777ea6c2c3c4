"""Office time: the one home of the offices' clock, for the kiosk, the tablet and the server.

Offices work in Asia/Ho_Chi_Minh. Every time a citizen, an officer or an admin sees is office time,
whatever time zone the device or the server machine is set to (a tablet image is often in UTC).
Vietnam has kept +07:00 all year since 1975, so day boundaries that SQL computes with a fixed
offset use `OFFSET`, taken from the zone itself.
"""

import datetime as dt
from zoneinfo import ZoneInfo

__all__ = [
    "ZONE",
    "OFFICE_TZ",
    "OFFSET",
    "now",
    "from_timestamp",
    "to_office",
    "parse",
    "parse_any",
    "iso",
    "utc_to_local",
    "local_to_utc",
    "OPENS",
    "CLOSES",
    "is_working_day",
    "add_working_days",
    "working_day_before",
    "is_office_hours",
    "office_hours_at_or_after",
    "office_hours_at_or_before",
]

ZONE = "Asia/Ho_Chi_Minh"
OFFICE_TZ = ZoneInfo(ZONE)
OFFSET: dt.timedelta = OFFICE_TZ.utcoffset(dt.datetime(2000, 1, 1))


def now() -> dt.datetime:
    """Now, in office time (aware)."""
    return dt.datetime.now(OFFICE_TZ)


def from_timestamp(ts: float) -> dt.datetime:
    """A Unix time in office time (aware)."""
    return dt.datetime.fromtimestamp(ts, OFFICE_TZ)


def to_office(moment: dt.datetime) -> dt.datetime:
    """An aware time in office time; a naive one is taken as office time already."""
    return moment.replace(tzinfo=OFFICE_TZ) if moment.tzinfo is None else moment.astimezone(OFFICE_TZ)


def parse(text: str | None) -> dt.datetime | None:
    """ISO 8601 text from the server → office time; None for nothing or for text that is not a time."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return to_office(moment)


_SHAPES = (
    "%Y%m%d%H%M%S",  # the exchange API: 20251103170000
    "%d/%m/%Y %H:%M:%S",  # OpenCPS: 03/11/2025 17:00:00
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
)


def parse_any(value) -> dt.datetime | None:
    """A time as the provinces' systems send it → aware, in office time when it carries no offset:
    yyyyMMddHHmmss, dd/MM/yyyy HH:mm:ss (or HH:mm, or no time), yyyy-MM-dd HH:mm:ss, ISO 8601 with
    +07:00, +0700 or Z, and epoch milliseconds (a number, or 12-13 digits). None for nothing
    (None, "", 0); ValueError naming the shapes for anything else."""
    if value is None or value == "" or value == 0:
        return None
    if isinstance(value, dt.datetime):
        return to_office(value)
    text = str(value).strip()
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if (number or text.isdigit()) and len(text.split(".")[0]) in (12, 13):
        try:
            return from_timestamp(float(text) / 1000)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f'"{text[:40]}" is not a time in epoch milliseconds') from None
    for shape in _SHAPES:
        try:
            return dt.datetime.strptime(text, shape).replace(tzinfo=OFFICE_TZ)
        except ValueError:
            pass
    try:
        return to_office(dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00")))
    except ValueError:
        raise ValueError(
            f'"{text[:40]}" is not a time (expected yyyyMMddHHmmss, dd/MM/yyyy HH:mm:ss, yyyy-MM-dd HH:mm:ss, '
            "ISO 8601 or epoch milliseconds)"
        ) from None


def iso(moment: dt.datetime) -> str:
    """ISO 8601 with the office offset, to the second: 2026-11-21T09:15:02+07:00."""
    return to_office(moment).isoformat(timespec="seconds")


def utc_to_local(naive_utc: dt.datetime) -> dt.datetime:
    """A stored naive-UTC time → the naive office wall time (for calendar arithmetic)."""
    return naive_utc + OFFSET


def local_to_utc(naive_local: dt.datetime) -> dt.datetime:
    """A naive office wall time → naive UTC (as stored)."""
    return naive_local - OFFSET


# ---- office hours ------------------------------------------------------------------------------------
# Monday to Friday, 07:30 to 17:00 (the receiving counters' usual hours); public holidays and Saturday
# morning sessions are not modelled. The demo data keeps every officer's action inside them.
OPENS = dt.time(7, 30)
CLOSES = dt.time(17, 0)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (n = 0: `day` itself)."""
    while n > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def working_day_before(day: dt.date, n: int) -> dt.date:
    """`day` if it is a working day (else the one before it), then n working days earlier."""
    while n > 0 or not is_working_day(day):
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def is_office_hours(moment: dt.datetime) -> bool:
    """True when `moment` (aware) falls on a working day between OPENS and CLOSES, office time."""
    local = to_office(moment)
    return is_working_day(local.date()) and OPENS <= local.time() <= CLOSES


def office_hours_at_or_after(moment: dt.datetime) -> dt.datetime:
    """The first moment of office hours at or after `moment` (aware, office time)."""
    local = to_office(moment)
    if is_working_day(local.date()) and local.time() <= CLOSES:
        return max(local, dt.datetime.combine(local.date(), OPENS, OFFICE_TZ))
    return dt.datetime.combine(add_working_days(local.date(), 1), OPENS, OFFICE_TZ)


def office_hours_at_or_before(moment: dt.datetime) -> dt.datetime:
    """The last moment of office hours at or before `moment` (aware, office time)."""
    local = to_office(moment)
    if is_working_day(local.date()) and local.time() >= OPENS:
        return min(local, dt.datetime.combine(local.date(), CLOSES, OFFICE_TZ))
    return dt.datetime.combine(working_day_before(local.date() - dt.timedelta(days=1), 0), CLOSES, OFFICE_TZ)
