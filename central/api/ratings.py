"""POST /api/v1/ratings: one transaction per batch, per-item results, replayable Idempotency-Key."""

import json
from typing import Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from central.api.auth import Caller, device_caller
from central.api.deps import Db
from central.api.errors import ERROR_RESPONSES, ApiError
from central.errors import BadInput
from central.ratings import ingest, reason_codes
from central.storage import is_sqlite, write_lock
from central.storage.schema import idempotency_keys
from central.timeutil import utcnow

router = APIRouter(prefix="/api/v1", tags=["ratings"], responses=ERROR_RESPONSES)


class RatingBatch(BaseModel):
    """Items are checked one by one (an invalid item is `rejected`, the others still count)."""

    ratings: list[Any] = Field(
        ...,
        min_length=1,
        max_length=500,
        description=(
            "rating items: id (uuid4), device_seq, created_at, office, counter, staff_id, scale, "
            "score, reasons, comment, phone, dossier_code (docs/ARCHITECTURE.md)"
        ),
    )


class RatingResult(BaseModel):
    id: Any = None
    status: str
    reason: str | None = None


class BatchResult(BaseModel):
    results: list[RatingResult]
    gaps: list[list[int]] = []
    max_seq: int | None = Field(
        None,
        description=(
            "the device's highest device_seq the server holds: an item answered `seq_taken` is numbered "
            "again above it by the device"
        ),
    )


class EscapedJSONResponse(JSONResponse):
    """JSON in ASCII: each result echoes the item's id as sent, and a lone surrogate there (JSON
    "\\ud800") is no UTF-8, so it goes back as the same escape instead of failing the answer."""

    def render(self, content) -> bytes:
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


def _stored_response(conn, device_id: int, key: str) -> dict | None:
    row = conn.execute(
        select(idempotency_keys.c.response).where(
            idempotency_keys.c.device_id == device_id, idempotency_keys.c.key == key
        )
    ).first()
    return json.loads(row.response) if row else None


@router.post(
    "/ratings",
    response_model=BatchResult,
    response_class=EscapedJSONResponse,
    summary="Deliver a batch of ratings from a tablet's outbox",
)
def post_ratings(
    batch: RatingBatch,
    request: Request,
    db: Db,
    idempotency_key: str | None = Header(None, max_length=64),
    caller: Caller = Depends(device_caller),
):
    if caller.role != "device" or caller.kind != "rating":
        raise ApiError(403, "forbidden", "Only rating tablets post ratings (use a 'rating' device token).")
    limit = request.app.state.settings.max_ratings_per_batch
    if len(batch.ratings) > limit:
        raise BadInput("ratings", f"ratings: at most {limit} items per batch.")
    engine = db.engine
    key = idempotency_key.strip() if idempotency_key else None
    if key:
        with db.read() as conn:
            stored = _stored_response(conn, caller.id, key)
        if stored is not None:
            return stored
    lock = write_lock(engine) if is_sqlite(engine) else None
    try:
        if lock:
            lock.acquire()
        with engine.begin() as conn:
            if key and (stored := _stored_response(conn, caller.id, key)) is not None:
                return stored
            allowed = reason_codes(request.app.state.settings.custom_reason_codes)
            response = ingest(conn, caller.id, caller.office, batch.ratings, allowed)
            if key:
                conn.execute(
                    insert(idempotency_keys).values(
                        device_id=caller.id,
                        key=key,
                        created_at=utcnow(),
                        response=json.dumps(response, ensure_ascii=True),
                    )
                )
        return response
    except IntegrityError:
        # The same key committed by another server process first: answer what it answered.
        with db.read() as conn:
            stored = _stored_response(conn, caller.id, key) if key else None
        if stored is None:
            raise
        return stored
    finally:
        if lock:
            lock.release()
