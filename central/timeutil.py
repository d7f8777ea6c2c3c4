"""Times: parse ISO 8601 from the wire, store naive UTC, answer with the office offset (+07:00)."""
from datetime import datetime, timedelta, timezone

OFFICE_TZ = timezone(timedelta(hours=7))


class BadTime(ValueError):
    """A value that is not an ISO 8601 time with an offset."""


def parse_time(value, *, allow_naive: bool = False) -> datetime:
    """ISO 8601 text → aware datetime. Naive text is read as office time only when allowed."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise BadTime(f"\"{value}\" is not a date (expected ISO 8601 like "
                          "2025-11-03T17:00:00+07:00)") from None
    else:
        raise BadTime(f"\"{value}\" is not a date (expected ISO 8601 like 2025-11-03T17:00:00+07:00)")
    if dt.tzinfo is None:
        if not allow_naive:
            raise BadTime(f"\"{value}\" has no UTC offset (expected like 2025-11-03T17:00:00+07:00)")
        dt = dt.replace(tzinfo=OFFICE_TZ)
    return dt


def to_db(dt: datetime | None) -> datetime | None:
    """Aware datetime → naive UTC for storage."""
    if dt is None:
        return None
    return dt.astimezone(timezone.utc).replace(tzinfo=None)


def from_db(dt: datetime | None) -> datetime | None:
    """Stored naive UTC → aware office time."""
    if dt is None:
        return None
    return dt.replace(tzinfo=timezone.utc).astimezone(OFFICE_TZ)


def to_wire(dt: datetime | None) -> str | None:
    """Stored naive UTC → ISO 8601 text with +07:00."""
    aware = from_db(dt)
    return aware.isoformat(timespec="seconds") if aware else None


def utcnow() -> datetime:
    """Now as stored: naive UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
