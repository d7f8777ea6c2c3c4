"""Times: parse ISO 8601 from the wire, store naive UTC, answer in office time (motcua.officetime)."""

from datetime import datetime, timezone

from central.cleantext import UNSTORABLE, storable
from central.errors import BadInput
from motcua.officetime import OFFICE_TZ


class BadTime(BadInput):
    """A value that is not an ISO 8601 time with an offset, or one outside the years 1..9999 in UTC."""

    def __init__(self, message: str):
        super().__init__(None, message)


# Years of the times an admin types (imports, report periods); 0001 or 9999 there is a typing error.
FIRST_YEAR, LAST_YEAR = 2000, 2099


def parse_time(value, *, allow_naive: bool = False) -> datetime:
    """ISO 8601 text → aware datetime. Naive text is read as office time only when allowed."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str) and not storable(value):
        raise BadTime(f"a date {UNSTORABLE}")  # (Python reads "…T09:15:02\x00+07:00" as a time)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise BadTime(f'"{value}" is not a date (expected ISO 8601 like 2025-11-03T17:00:00+07:00)') from None
    else:
        raise BadTime(f'"{value}" is not a date (expected ISO 8601 like 2025-11-03T17:00:00+07:00)')
    if dt.tzinfo is None:
        if not allow_naive:
            raise BadTime(f'"{value}" has no UTC offset (expected like 2025-11-03T17:00:00+07:00)')
        dt = dt.replace(tzinfo=OFFICE_TZ)
    return dt


def to_db(dt: datetime | None) -> datetime | None:
    """Aware datetime → naive UTC for storage; BadTime when UTC falls outside the years 1..9999
    (0001-01-01T00:00:00+07:00, 9999-12-31T23:00:00-05:00)."""
    if dt is None:
        return None
    try:
        return dt.astimezone(timezone.utc).replace(tzinfo=None)
    except OverflowError:
        raise BadTime(f"{dt.isoformat()} is outside the years 1..9999 in UTC") from None


def from_db(dt: datetime | None) -> datetime | None:
    """Stored naive UTC → aware office time (in UTC for a time too close to the year 1 or 9999 to
    move, so an odd stored row is still shown)."""
    if dt is None:
        return None
    aware = dt.replace(tzinfo=timezone.utc)
    try:
        return aware.astimezone(OFFICE_TZ)
    except OverflowError:
        return aware


def to_wire(dt: datetime | None) -> str | None:
    """Stored naive UTC → ISO 8601 text with +07:00."""
    aware = from_db(dt)
    return aware.isoformat(timespec="seconds") if aware else None


def utcnow() -> datetime:
    """Now as stored: naive UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
