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


def iso(moment: dt.datetime) -> str:
    """ISO 8601 with the office offset, to the second: 2026-11-21T09:15:02+07:00."""
    return to_office(moment).isoformat(timespec="seconds")


def utc_to_local(naive_utc: dt.datetime) -> dt.datetime:
    """A stored naive-UTC time → the naive office wall time (for calendar arithmetic)."""
    return naive_utc + OFFSET


def local_to_utc(naive_local: dt.datetime) -> dt.datetime:
    """A naive office wall time → naive UTC (as stored)."""
    return naive_local - OFFSET
