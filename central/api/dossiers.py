"""Dossier lookup: the masked public view, steps behind the receipt secret, misses rate-limited."""
from fastapi import APIRouter, Depends, Header, Path, Request
from fastapi.responses import JSONResponse

from central import dossiers
from central.api.auth import Caller, device_caller
from central.api.errors import ERROR_RESPONSES, error_body
from central.security import same_secret
from central.storage import off_loop, read_connection

router = APIRouter(prefix="/api/v1", tags=["dossiers"], responses=ERROR_RESPONSES)

# One body for "no such code" and "wrong secret": codes are guessable and must not be probed.
NOT_FOUND = error_body("dossier_not_found",
                       "Không tìm thấy hồ sơ với mã và mã tra cứu này. / No dossier matches this "
                       "code and lookup secret; check the receipt.")


def _load(engine, code: str):
    with read_connection(engine) as conn:  # one statement: its own snapshot, no BEGIN needed
        return dossiers.load(conn, code)


@router.get("/dossiers/{code}", summary="A dossier's public status; steps with X-Lookup-Secret")
async def get_dossier(request: Request, code: str = Path(..., max_length=80),
                      x_lookup_secret: str | None = Header(None, max_length=128),
                      caller: Caller = Depends(device_caller)):
    limiter = request.app.state.limiter
    limiter.check_misses(caller.token_key)
    engine = request.app.state.engine
    found = await off_loop(engine, _load, engine, dossiers.normalize_code(code))
    if found is None:
        same_secret(x_lookup_secret, None)  # same work as a wrong secret
        limiter.record_miss(caller.token_key)
        return JSONResponse(NOT_FOUND, status_code=404)
    row, office, steps = found
    with_steps = False
    if x_lookup_secret is not None:
        if not same_secret(x_lookup_secret, row.secret_hash):
            limiter.record_miss(caller.token_key)
            return JSONResponse(NOT_FOUND, status_code=404)
        with_steps = True
    # The view is plain JSON types already: skip FastAPI's jsonable_encoder walk.
    return JSONResponse(dossiers.public_view(row, office, steps, with_steps=with_steps))
