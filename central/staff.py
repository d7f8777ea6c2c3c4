"""Officers on the server: adding and changing one (the one way every side does it), and which
office an officer belonged to when.

`add_officer` and `update_officer` are what `motcua-central staff add|move|pin`, the dashboard's
Staff form, the demo seed, the benchmarks and the tests call: the same checks of the name, counter,
photo (JPEG or PNG, at most 2 MB, by its bytes) and PIN (4 to 8 digits, kept as a `motcua.pin`
hash), raising `central.errors.BadInput` with nothing written.

Moves are kept (staff_offices), ratings judged by their time.

A tablet may hold ratings for hours or days (offline, a server outage). When an officer moves to
another office meanwhile, those ratings still name her with her old office: they are hers and the
old office's. `staff.office_code` is where the officer is now; `staff_offices` has one row per
period once she has been moved (an officer never moved has none), written by `record_move` in the
transaction that moves her (CLI `staff move`, the dashboard's staff form).
"""

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from central.devices import checked_text, office_exists
from central.errors import BadInput, NotFound, number_field
from central.storage.schema import staff, staff_offices
from central.timeutil import utcnow
from motcua.pin import hash_pin

__all__ = [
    "MAX_PHOTO_BYTES",
    "add_officer",
    "update_officer",
    "photo_type",
    "pin_hash_of",
    "record_move",
    "belonged_to",
]

MAX_PHOTO_BYTES = 2_000_000
PHOTO_TYPES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
PIN_DIGITS = (4, 8)
_KEEP = object()  # update_officer: leave the column as it is


def photo_type(data: bytes) -> str:
    """The photo's type, told by its bytes (not by a file name); BadInput unless JPEG or PNG of at
    most MAX_PHOTO_BYTES."""
    kind = next((mime for magic, mime in PHOTO_TYPES if data.startswith(magic)), None)
    if kind is None:
        raise BadInput("photo", "the photo must be a JPEG or PNG file", "problem.photo_type")
    if len(data) > MAX_PHOTO_BYTES:
        raise BadInput("photo", "the photo is larger than 2 MB", "problem.photo_too_large")
    return kind


def pin_hash_of(pin: str) -> str:
    """The stored hash of an officer's PIN; BadInput unless it is 4 to 8 digits."""
    low, high = PIN_DIGITS
    if not (isinstance(pin, str) and pin.isascii() and pin.isdigit() and low <= len(pin) <= high):
        raise BadInput("pin", f"the PIN must be {low} to {high} digits", "problem.pin_digits", low=low, high=high)
    return hash_pin(pin)


def _checked(conn: Connection, office, name, title, counter, photo, pin) -> dict:
    """The columns to write of what was given (_KEEP: not given)."""
    values = {}
    if name is not _KEEP:
        values["name"] = checked_text(name, "name", "label.officer_name")
        if not values["name"]:
            raise BadInput("name", "the officer's name is required", "problem.officer_name_required")
    if title is not _KEEP:
        values["title"] = checked_text(title, "title", "label.title")
    if counter is not _KEEP:
        values["counter"] = number_field(counter, "counter", required=False)
    if photo:
        values.update(photo=photo, photo_type=photo_type(photo))
    if pin:
        values["pin_hash"] = pin_hash_of(pin)
    if office is not _KEEP:
        office_exists(conn, office)
        values["office_code"] = office
    return values


def add_officer(
    conn: Connection,
    office: str,
    name: str,
    *,
    title: str = "",
    counter: int | str | None = None,
    active: bool = True,
    photo: bytes | None = None,
    pin: str | None = None,
) -> int:
    """Adds an officer; her id. `photo`: the image's bytes; `pin`: the digits, kept hashed."""
    values = _checked(conn, office, name, title, counter, photo, pin)
    return conn.execute(insert(staff).values(active=active, **values)).inserted_primary_key[0]


def update_officer(
    conn: Connection,
    staff_id: int | str,
    *,
    office=_KEEP,
    name=_KEEP,
    title=_KEEP,
    counter=_KEEP,
    active: bool | None = None,
    photo: bytes | None = None,
    pin: str | None = None,
) -> bool:
    """Changes what is given of an officer (a photo or PIN that is None or empty keeps hers); True
    when she moved to another office: her earlier ratings, even those a tablet sends later, keep
    counting for the office she was in then (record_move). NotFound for an unknown id."""
    staff_id = number_field(staff_id, "staff_id")
    values = _checked(conn, office, name, title, counter, photo, pin)
    if active is not None:
        values["active"] = active
    if conn.execute(select(staff.c.id).where(staff.c.id == staff_id)).first() is None:
        raise NotFound("staff_id", f"no officer with id {staff_id}", "problem.no_officer", id=staff_id)
    moved = "office_code" in values and record_move(conn, staff_id, values["office_code"], utcnow())
    if values:
        conn.execute(update(staff).where(staff.c.id == staff_id).values(**values))
    return moved


def record_move(conn: Connection, staff_id: int, office: str, at) -> bool:
    """Call before setting the officer's office to `office` at time `at` (naive UTC); True when it moves her."""
    row = conn.execute(select(staff.c.office_code).where(staff.c.id == staff_id)).first()
    if row is None or row.office_code == office:
        return False
    closed = conn.execute(
        update(staff_offices)
        .where(staff_offices.c.staff_id == staff_id, staff_offices.c.to_at.is_(None))
        .values(to_at=at)
    ).rowcount
    if not closed:  # her first move: the period before it, since she was added
        conn.execute(
            insert(staff_offices).values(staff_id=staff_id, office_code=row.office_code, from_at=None, to_at=at)
        )
    conn.execute(insert(staff_offices).values(staff_id=staff_id, office_code=office, from_at=at, to_at=None))
    return True


def belonged_to(conn: Connection, staff_id: int, office: str, when, cache: dict | None = None) -> bool:
    """True when the officer is in `office` now, or was at `when` (a rating's created_at, naive UTC).

    `cache` (one dict per batch) keeps the officer's current office and periods between items.
    """
    cache = {} if cache is None else cache
    if staff_id not in cache:
        row = conn.execute(select(staff.c.office_code).where(staff.c.id == staff_id)).first()
        periods = (
            conn.execute(
                select(staff_offices.c.office_code, staff_offices.c.from_at, staff_offices.c.to_at).where(
                    staff_offices.c.staff_id == staff_id, staff_offices.c.to_at.isnot(None)
                )
            ).all()
            if row
            else []
        )
        cache[staff_id] = (row.office_code if row else None, periods)
    current, periods = cache[staff_id]
    if current is None:
        return False
    if current == office:
        return True
    return any(p.office_code == office and (p.from_at is None or p.from_at <= when) and when < p.to_at for p in periods)
