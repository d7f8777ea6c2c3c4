"""The call-back list: ratings whose citizen left a phone number on the tablet, and who called back.

The only place a call-back number is shown (dashboard page /admin/callbacks, `motcua-central
callbacks`, `GET /api/v1/reports/callbacks`, admins only). The comment next to it hides any other
number typed into it (motcua.text.hide_phones), keeping the call-back number itself.
"""

import json
import re

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from central import rules
from central.cleantext import storable
from central.errors import BadInput
from central.storage.schema import admins, callbacks, ratings, staff
from central.timeutil import to_wire, utcnow
from motcua.text import hide_phones

STATES = ("open", "done", "all")
NOTE_MAX = 500  # characters
RATING_ID = re.compile(r"[0-9a-fA-F-]{1,36}")  # what a rating id (a UUID) can be
ID_PREFIX_MIN = 8  # the CLI takes a rating id's first characters when they name one rating


class CallbackProblem(BadInput):
    """A call-back that cannot be recorded: `problem` is not_found (404) | already_done (409) |
    bad_note (422)."""

    def __init__(self, problem: str, message: str):
        super().__init__("note" if problem == "bad_note" else "rating_id", message)
        self.problem = problem
        self.status, self.code = {"not_found": (404, "not_found"), "already_done": (409, "conflict")}.get(
            problem, (422, "invalid_request")
        )


def _query(office: str | None, state: str):
    caller = admins.alias("caller")
    query = (
        select(
            ratings.c.id,
            ratings.c.created_at,
            ratings.c.office_code,
            ratings.c.counter,
            ratings.c.score,
            ratings.c.scale,
            ratings.c.reasons,
            ratings.c.comment,
            ratings.c.phone,
            ratings.c.dossier_code,
            staff.c.name.label("officer"),
            callbacks.c.done_at,
            callbacks.c.note,
            caller.c.name.label("done_by"),
        )
        .join(staff, staff.c.id == ratings.c.staff_id, isouter=True)
        .join(callbacks, callbacks.c.rating_id == ratings.c.id, isouter=True)
        .join(caller, caller.c.id == callbacks.c.admin_id, isouter=True)
        .where(ratings.c.phone.isnot(None))
        .order_by(ratings.c.created_at.desc(), ratings.c.id)
    )
    if office:
        query = query.where(ratings.c.office_code == office)
    if state == "open":
        query = query.where(callbacks.c.rating_id.is_(None))
    elif state == "done":
        query = query.where(callbacks.c.rating_id.isnot(None))
    return query


def _item(r) -> dict:
    return {
        "id": r.id,
        "created_at": to_wire(r.created_at),
        "office": r.office_code,
        "counter": r.counter,
        "officer": r.officer,
        "score": r.score,
        "scale": r.scale,
        "satisfied": rules.is_satisfied(r.score, r.scale),
        "reasons": json.loads(r.reasons or "[]"),
        "comment": hide_phones(r.comment, keep=r.phone),
        "phone": r.phone,
        "dossier_code": r.dossier_code,
        "called_back": None if r.done_at is None else {"by": r.done_by, "at": to_wire(r.done_at), "note": r.note},
    }


def list_callbacks(conn: Connection, office: str | None = None, state: str = "all", limit: int = 200) -> list[dict]:
    """Ratings that left a phone number, newest first; `state`: open (not called back yet) | done | all."""
    if state not in STATES:
        raise ValueError(f'state: "{state}" is not one of {", ".join(STATES)}')
    return [_item(r) for r in conn.execute(_query(office, state).limit(limit))]


def get_callback(conn: Connection, rating_id: str) -> dict | None:
    row = conn.execute(_query(None, "all").where(ratings.c.id == rating_id)).first()
    return _item(row) if row else None


def resolve_id(conn: Connection, ref: str) -> str:
    """A rating id from the whole id or its first ID_PREFIX_MIN+ characters (one rating with a phone)."""
    ref = ref.strip().lower()
    if not RATING_ID.fullmatch(ref):
        raise CallbackProblem("not_found", "a rating id has only the characters 0-9, a-f and -")
    if len(ref) < ID_PREFIX_MIN:
        raise CallbackProblem("not_found", f"give at least {ID_PREFIX_MIN} characters of the rating id")
    found = (
        conn.execute(select(ratings.c.id).where(ratings.c.phone.isnot(None), ratings.c.id.startswith(ref)).limit(2))
        .scalars()
        .all()
    )
    if len(found) != 1:
        raise CallbackProblem(
            "not_found",
            f"no call-back with the id {ref}"
            if not found
            else f"{ref} starts more than one rating id; give more of it",
        )
    return found[0]


def mark_done(engine: Engine, rating_id: str, admin_id: int, note: str | None) -> dict:
    """Records that `admin_id` called the citizen of `rating_id` back now; returns the item.
    CallbackProblem when the rating left no number, was already called back, or the note is unusable."""
    note = (note or "").strip() or None
    if note is not None and (len(note) > NOTE_MAX or not storable(note)):
        raise CallbackProblem("bad_note", f"the note must be at most {NOTE_MAX} characters of plain text")
    inserted = False
    try:
        with engine.begin() as conn:
            item = get_callback(conn, rating_id)
            if item is None:
                raise CallbackProblem("not_found", f"no rating {rating_id} with a call-back number")
            if item["called_back"] is None:
                conn.execute(
                    insert(callbacks).values(rating_id=rating_id, admin_id=admin_id, done_at=utcnow(), note=note)
                )
                inserted = True
    except IntegrityError:  # another admin recorded it at the same moment
        inserted = False
    with engine.connect() as conn:
        item = get_callback(conn, rating_id)
    if not inserted:
        done = item["called_back"]
        raise CallbackProblem("already_done", f"already called back by {done['by']} at {done['at']}")
    return item
