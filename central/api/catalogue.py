"""Catalogue endpoints: procedures with a change cursor and ETag/304, fields with counts."""

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from central.api.auth import Caller, device_caller
from central.api.deps import Db
from central.api.errors import ERROR_RESPONSES, ApiError
from central.catalogue import catalogue_version, changes_since, field_counts

router = APIRouter(prefix="/api/v1", tags=["catalogue"], responses=ERROR_RESPONSES)


@router.get(
    "/procedures",
    summary="The procedure catalogue, whole or changes since a cursor",
    responses={304: {"description": "Not modified (If-None-Match matched the ETag)"}},
)
def list_procedures(
    request: Request,
    db: Db,
    since: str | None = Query(None, max_length=32, description="cursor from a previous answer"),
    _caller: Caller = Depends(device_caller),
):
    since_seq = None
    if since not in (None, ""):
        if not (since.isascii() and since.isdigit() and len(since) <= 18):
            raise ApiError(400, "bad_cursor", "since must be a cursor returned by this server.")
        since_seq = int(since)
    with db.read() as conn:
        version = catalogue_version(conn)
        etag = f'"cat-{version}-{since_seq if since_seq is not None else "all"}"'
        if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
            return Response(status_code=304, headers={"ETag": etag})
        body = changes_since(conn, since_seq)
    body["cursor"] = str(version)
    return JSONResponse(body, headers={"ETag": etag, "Cache-Control": "no-cache"})


@router.get("/fields", summary="Fields (lĩnh vực) with their number of procedures")
def list_fields(db: Db, _caller: Caller = Depends(device_caller)):
    with db.read() as conn:
        return {"items": field_counts(conn)}
