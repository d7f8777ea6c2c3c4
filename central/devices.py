"""Devices on the server: registering a kiosk or a rating tablet, the one way every side does it
(`motcua-central device add`, the dashboard's Devices page, the demo seed, the benchmarks, the tests).
"""

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from central import security
from central.cleantext import storable
from central.errors import BadInput, number_field
from central.storage.schema import devices, offices
from central.timeutil import utcnow

__all__ = ["KINDS", "NAME_MAX", "add_device", "checked_text", "office_exists"]

KINDS = ("kiosk", "rating")
NAME_MAX = 200  # characters of a device's or an officer's name (the dashboard's forms say so too)


def office_exists(conn: Connection, code: str) -> None:
    """BadInput naming the office when there is none with `code` (offices are added with the CLI)."""
    if (
        not isinstance(code, str)
        or not storable(code)
        or conn.execute(select(offices.c.code).where(offices.c.code == code)).first() is None
    ):
        raise BadInput(
            "office",
            f'no office {code!r}; add it first: motcua-central office add {code} "NAME"',
            "problem.no_office",
            code=code,
        )


def checked_text(text: str | None, field: str = "name", label: str = "label.name") -> str:
    """`text` stripped; BadInput when it is longer than NAME_MAX or holds text no database stores
    (`label`: the dashboard catalogue's key of the field's name on the page)."""
    text = (text or "").strip()
    if len(text) > NAME_MAX or not storable(text):
        raise BadInput(
            field,
            f"{field}: at most {NAME_MAX} characters of plain text",
            "problem.text_too_long",
            label=label,
            max=NAME_MAX,
        )
    return text


def add_device(
    conn: Connection,
    kind: str,
    office: str,
    counter: int | str | None = None,
    name: str = "",
    *,
    revoked: bool = False,
    token: str | None = None,
) -> tuple[int, str]:
    """Registers a device of `kind` (kiosk | rating) in `office`: (its id, its token). The token is
    shown once and only its hash is kept; `token` gives one (tests, benchmarks), `revoked` adds it
    already revoked (the demo seed's pseudo-tablets). A rating tablet needs the counter it faces
    (0..9999). BadInput, with nothing written, for any of these wrong or an unknown office."""
    if kind not in KINDS:
        raise BadInput("kind", f'kind: "{kind}" is not kiosk or rating', "problem.device_kind")
    counter = number_field(counter, "counter", required=False)
    if kind == "rating" and counter is None:
        raise BadInput(
            "counter",
            "a rating tablet needs the counter it faces (--counter N)",
            "problem.tablet_needs_counter",
        )
    name = checked_text(name, "name", "label.device_name")
    office_exists(conn, office)
    token = token or security.new_token()
    now = utcnow()
    device_id = conn.execute(
        insert(devices).values(
            kind=kind,
            office_code=office,
            counter=counter,
            name=name,
            token_hash=security.token_hash(token),
            created_at=now,
            revoked_at=now if revoked else None,
        )
    ).inserted_primary_key[0]
    return device_id, token
