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
