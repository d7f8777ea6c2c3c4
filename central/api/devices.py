"""Device endpoints: heartbeat (with queued commands), staff list and photos, office statistics."""

import json

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from central.api.heartbeats import MAX_AGE_S, QUARANTINE_SHOWN, heartbeat_writer

from central import missed as missed_searches
from central import stats
from central.api.auth import Caller, device_caller
from central.api.deps import Db
from central.api.errors import ERROR_RESPONSES, ApiError
from central.cleantext import StorableStr
from central.errors import BadInput
from central.storage.schema import devices, offices, staff
from central.timeutil import BadTime, parse_time, to_db, to_wire
from motcua import missed
from motcua.text import sort_key

router = APIRouter(prefix="/api/v1", tags=["devices"], responses=ERROR_RESPONSES)


class QuarantinedItem(BaseModel):
    """A short summary of an item the device set aside; any other key (a phone, a comment) is dropped."""

    model_config = ConfigDict(extra="ignore")
    id: StorableStr = Field(..., max_length=64)
    device_seq: int | None = Field(None, ge=0, le=2**31 - 1)
    created_at: StorableStr | None = Field(None, max_length=40)
    reason: StorableStr | None = None
    score: int | None = Field(None, ge=0, le=10)


class MissedSearch(BaseModel):
    """A kiosk's running total of one search that ended with nothing offered or nothing tapped."""

    model_config = ConfigDict(extra="forbid")
    day: str = Field(..., pattern=missed.DAY_PATTERN)
    query: StorableStr = Field(..., min_length=1, max_length=missed.QUERY_MAX)
    outcome: str = Field(..., pattern=f"^({'|'.join(missed.OUTCOMES)})$")
    count: int = Field(..., ge=1, le=missed.COUNT_MAX)


class Heartbeat(BaseModel):
    app: str = Field(..., pattern="^(kiosk|rating)$")
    version: StorableStr = Field("", max_length=64)
    pending: int = Field(0, ge=0, le=10**9)
    oldest_pending_age_s: float | None = Field(None, ge=0, le=10**10)
    last_sync_at: StorableStr | None = Field(None, max_length=40)
    catalogue_version: StorableStr | None = Field(None, max_length=64)
    errors: list[StorableStr] = Field(default_factory=list, max_length=50)
    quarantined: int = Field(0, ge=0, le=10**9)
    quarantine_reason: StorableStr | None = None
    quarantined_items: list[QuarantinedItem] = Field(default_factory=list, max_length=500)
    missed_searches: list[MissedSearch] = Field(default_factory=list, max_length=missed.PER_BEAT)


@router.post("/heartbeat", summary="A device reports its state; receives queued commands")
def heartbeat(body: Heartbeat, request: Request, db: Db, caller: Caller = Depends(device_caller)):
    if caller.role != "device":
        raise ApiError(403, "forbidden", "Heartbeats come from devices, not admins.")
    try:
        last_sync = to_db(parse_time(body.last_sync_at)) if body.last_sync_at else None
    except BadTime as bad:
        raise BadInput("last_sync_at", f"last_sync_at: {bad}") from None
    if body.missed_searches and caller.kind != "kiosk":
        raise BadInput("missed_searches", "missed_searches: only a kiosk reports missed searches")
    found_none = missed_searches.checked([m.model_dump() for m in body.missed_searches])
    age = body.oldest_pending_age_s
    state = {
        "app": body.app,
        "version": body.version,
        "pending": body.pending,
        "oldest_pending_age_s": min(int(age), MAX_AGE_S) if age is not None else None,
        "last_sync_at": last_sync,
        "catalogue_version": body.catalogue_version,
        "errors": json.dumps([e[:500] for e in body.errors], ensure_ascii=False),
        "quarantined": body.quarantined,
        "quarantine_reason": (body.quarantine_reason or "")[:500] or None,
        "quarantine_items": json.dumps(
            [
                dict(i.model_dump(), reason=(i.reason or "")[:500] or None)
                for i in body.quarantined_items[:QUARANTINE_SHOWN]
            ],
            ensure_ascii=False,
        ),
        "missed_searches": found_none,  # stored in the beat's transaction (central.missed)
        "office_code": caller.office,
    }
    now, commands = heartbeat_writer(request.app).record(caller.id, state)
    answer = {"ok": True, "server_time": to_wire(now), "commands": commands}
    if caller.kind == "kiosk":  # the kiosk removes the counts it sent once it reads this
        answer["missed_searches"] = {"received": len(body.missed_searches), "stored": len(found_none)}
    if caller.kind == "rating":  # where the tablet's numbering must continue (a store lost or re-imaged)
        with db.read() as conn:
            answer["max_seq"] = conn.execute(select(devices.c.max_seq).where(devices.c.id == caller.id)).scalar() or 0
    return answer


def _office_or_404(conn, code: str):
    if conn.execute(select(offices.c.code).where(offices.c.code == code)).first() is None:
        raise ApiError(404, "office_not_found", f"No office with code {code!r}.")


@router.get("/staff", summary="Officers of an office (photo, counter; PIN hash for its tablets)")
def list_staff(db: Db, office: str = Query(..., max_length=64), caller: Caller = Depends(device_caller)):
    with db.read() as conn:
        _office_or_404(conn, office)
        rows = conn.execute(
            select(
                staff.c.id,
                staff.c.name,
                staff.c.title,
                staff.c.counter,
                staff.c.pin_hash,
                staff.c.photo.isnot(None).label("has_photo"),
            )
            .where(staff.c.office_code == office, staff.c.active.is_(True))
            .order_by(staff.c.id)
        ).all()
    rows = sorted(rows, key=lambda r: sort_key(r.name))  # Vietnamese alphabetical order, the tablet's list
    sees_pins = caller.role == "device" and caller.kind == "rating" and caller.office == office
    return {
        "items": [
            {
                "id": r.id,
                "name": r.name,
                "title": r.title,
                "counter": r.counter,
                "photo_url": f"/api/v1/staff/{r.id}/photo" if r.has_photo else None,
                "pin_hash": r.pin_hash if sees_pins else None,
            }
            for r in rows
        ]
    }


@router.get(
    "/staff/{staff_id}/photo",
    summary="An officer's photo",
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}},
)
def staff_photo(db: Db, staff_id: int = Path(..., ge=1, le=2**31 - 1), _caller: Caller = Depends(device_caller)):
    with db.read() as conn:
        row = conn.execute(select(staff.c.photo, staff.c.photo_type).where(staff.c.id == staff_id)).first()
    if row is None or row.photo is None:
        raise ApiError(404, "photo_not_found", f"Officer {staff_id} has no photo.")
    return Response(row.photo, media_type=row.photo_type or "image/jpeg", headers={"Cache-Control": "max-age=3600"})


@router.get("/stats", summary="On-time and satisfaction figures for the kiosk's statistics screen")
def office_stats(
    db: Db,
    office: str = Query(..., max_length=64),
    period: str = Query("month", pattern="^(30d|month|quarter|year)$"),
    _caller: Caller = Depends(device_caller),
):
    with db.read() as conn:
        _office_or_404(conn, office)
        return stats.office_stats(conn, office, period)
