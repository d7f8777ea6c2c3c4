"""Dossier lookup: the masked public view, steps behind the receipt secret, misses rate-limited.

The miss brake (settings `lookup_misses_per_minute`) counts in the database (`lookup_misses`), so
every server process spends one budget per token: a miss is counted by one atomic UPSERT that
answers the count, and a miss past the budget is answered 429 instead of 404. Exactly the budget's
worth of misses get an answer per window, however many processes and requests race.
"""

import math
import time

from anyio.to_thread import run_sync
from fastapi import APIRouter, Depends, Header, Path, Request
from fastapi.responses import JSONResponse
from sqlalchemy import bindparam, case, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from central import dossiers
from central.api.auth import Caller, device_caller, too_many
from central.api.errors import ERROR_RESPONSES, error_body
from central.security import lookup_key, same_secret
from central.storage import is_sqlite, off_loop, read_connection, write_lock
from central.storage.schema import lookup_misses, offices
from motcua import dossier_code

router = APIRouter(prefix="/api/v1", tags=["dossiers"], responses=ERROR_RESPONSES)

# One body for "no such code" and "wrong secret": codes are guessable and must not be probed.
NOT_FOUND = error_body(
    "dossier_not_found",
    "Không tìm thấy hồ sơ với mã và mã tra cứu này. / No dossier matches this "
    "code and lookup secret; check the receipt.",
)


MISS_WINDOW_S = 60
TOO_MANY_MISSES = "Too many dossier lookups that found nothing; wait and retry."
_MISSES_OF = select(lookup_misses.c.window_start, lookup_misses.c.misses).where(lookup_misses.c.key == bindparam("key"))


def _miss_upsert(insert):
    """One miss more for a token, atomically (a row lock on PostgreSQL, the write lock on SQLite):
    a window older than MISS_WINDOW_S starts again at this miss. Answers (misses, window_start)."""
    stale = lookup_misses.c.window_start <= bindparam("now") - MISS_WINDOW_S
    stmt = insert(lookup_misses).values(key=bindparam("key"), window_start=bindparam("now"), misses=1)
    return stmt.on_conflict_do_update(
        index_elements=[lookup_misses.c.key],
        set_={
            "misses": case((stale, 1), else_=lookup_misses.c.misses + 1),
            "window_start": case((stale, bindparam("now")), else_=lookup_misses.c.window_start),
        },
    ).returning(lookup_misses.c.misses, lookup_misses.c.window_start)


_SPEND = {"sqlite": _miss_upsert(sqlite_insert), "postgresql": _miss_upsert(pg_insert)}


def _wait_s(window_start: float, now: float) -> int:
    return max(1, math.ceil(window_start + MISS_WINDOW_S - now))


def _load(engine, code: str, token_key: str, limit: int, need_key: bool):
    """(seconds to wait when the token's misses are spent, else None; the lookup-secret key when
    asked; the dossier or None), in one connection."""
    with read_connection(engine) as conn:  # each statement its own snapshot, no BEGIN needed
        spent = conn.execute(_MISSES_OF, {"key": token_key}).first()
        now = time.time()
        if spent is not None and spent.misses >= limit and spent.window_start > now - MISS_WINDOW_S:
            return _wait_s(spent.window_start, now), None, None
        return None, lookup_key(conn) if need_key else None, dossiers.load(conn, code)


def _spend_miss(engine, token_key: str, limit: int) -> int | None:
    """Counts a miss; seconds to wait when it is past the budget (answer 429), else None (404)."""
    lock = write_lock(engine) if is_sqlite(engine) else None
    if lock:
        lock.acquire()
    try:
        with engine.begin() as conn:
            now = time.time()
            misses, window_start = conn.execute(_SPEND[engine.dialect.name], {"key": token_key, "now": now}).one()
    finally:
        if lock:
            lock.release()
    return _wait_s(window_start, now) if misses > limit else None


async def _not_found(engine, caller: Caller, limit: int):
    wait = await run_sync(_spend_miss, engine, caller.token_key, limit)  # a write: never on the loop
    if wait is not None:
        raise too_many(wait, TOO_MANY_MISSES)
    return JSONResponse(NOT_FOUND, status_code=404)


def _offices_by_unit(engine) -> dict:
    with read_connection(engine) as conn:
        rows = conn.execute(select(offices.c.unit_code, offices.c.code).where(offices.c.unit_code.isnot(None)))
        return dict(rows.all())


async def _ask_source(state, engine, code: str, secret: str | None, found):
    """A connector's live lookup (central.connectors.live): None when none was asked; else ("miss",)
    or (outcome, the dossier as now held or None, whether the source accepted the secret)."""
    from central.connectors import live

    units = await off_loop(engine, _offices_by_unit, engine) if found is None else {}
    asked = await live.lookup(engine, state.connectors, code, secret, found[0] if found else None, units)
    if asked is None:
        return None
    outcome, accepted = asked
    if outcome == live.MISS:
        return ("miss",)
    if outcome == live.FOUND:
        found = await off_loop(engine, _reload, engine, code)
    return outcome, found, accepted


def _reload(engine, code: str):
    with read_connection(engine) as conn:
        return dossiers.load(conn, code)


@router.get("/dossiers/{code}", summary="A dossier's public status; steps with X-Lookup-Secret")
async def get_dossier(
    request: Request,
    code: str = Path(..., max_length=80),
    x_lookup_secret: str | None = Header(None, max_length=128),
    caller: Caller = Depends(device_caller),
):
    state, engine = request.app.state, request.app.state.engine
    limit = state.settings.lookup_misses_per_minute
    key = getattr(state, "lookup_secret_key", None)  # read once per process: it never changes
    wait, read_key, found = await off_loop(
        engine, _load, engine, dossier_code.normalise(code), caller.token_key, limit, key is None
    )
    if wait is not None:  # even a hit waits: probing is slowed
        raise too_many(wait, TOO_MANY_MISSES)
    if key is None:
        key = state.lookup_secret_key = read_key
    if any(c.live_lookup for c in getattr(state, "connectors", {}).values()):
        asked = await _ask_source(state, engine, dossier_code.normalise(code), x_lookup_secret, found)
        if asked is not None:
            if asked[0] == "miss":  # not at the source, or its secret refused (OpenCPS 203): today's 404
                return await _not_found(engine, caller, limit)
            found, accepted = asked[1], asked[2]
            if found is not None and x_lookup_secret is not None and (accepted or found[0].secret_hash is None):
                # The source checked the secret (steps), or none can be checked here: the public view.
                return JSONResponse(dossiers.public_view(*found, with_steps=accepted))
    if found is None:
        same_secret(key, x_lookup_secret, None)  # same work as a wrong secret
        return await _not_found(engine, caller, limit)
    row, office, steps, verdict = found
    with_steps = False
    if x_lookup_secret is not None and row.secret_hash is not None:
        # A dossier held without a secret (read from a province's system without live lookup, or imported
        # without one) has nothing to check it against: it answers the public view, as without a secret,
        # where a 404 made the kiosk tell the citizen the receipt's secret was wrong.
        if not same_secret(key, x_lookup_secret, row.secret_hash):
            return await _not_found(engine, caller, limit)
        with_steps = True
    # The view is plain JSON types already: skip FastAPI's jsonable_encoder walk.
    return JSONResponse(dossiers.public_view(row, office, steps, verdict, with_steps=with_steps))
