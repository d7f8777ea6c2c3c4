"""Dossier lookup: the masked public view, steps behind the receipt secret, misses rate-limited."""
from fastapi import APIRouter, Depends, Header, Path, Request
from fastapi.responses import JSONResponse

from central import dossiers
from central.api.auth import Caller, device_caller
from central.api.errors import ERROR_RESPONSES, error_body
from central.security import same_secret

router = APIRouter(prefix="/api/v1", tags=["dossiers"], responses=ERROR_RESPONSES)

# One body for "no such code" and "wrong secret": codes are guessable and must not be probed.
NOT_FOUND = error_body("dossier_not_found",
                       "Không tìm thấy hồ sơ với mã và mã tra cứu này. / No dossier matches this "
                       "code and lookup secret; check the receipt.")


@router.get("/dossiers/{code}", summary="A dossier's public status; steps with X-Lookup-Secret")
def get_dossier(request: Request, code: str = Path(..., max_length=80),
                x_lookup_secret: str | None = Header(None, max_length=128),
                caller: Caller = Depends(device_caller)):
    limiter = request.app.state.limiter
    limiter.check_misses(caller.token_key)
    with request.app.state.engine.connect().execution_options(sqlite_begin="DEFERRED") as conn:
        found = dossiers.load(conn, dossiers.normalize_code(code))
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
    return dossiers.public_view(row, office, steps, with_steps=with_steps)
