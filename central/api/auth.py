"""Who is calling: device or admin bearer tokens (stored hashed, revocable), and rate limits."""

import math
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Depends, Request, Response
from sqlalchemy import bindparam, select

from central.api.errors import ApiError
from central.security import token_hash
from central.storage import off_loop, read_connection
from central.storage.schema import admin_tokens, admins, devices
from central.timeutil import utcnow


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: a device (kiosk or rating tablet) or an admin."""

    role: str  # device | admin
    id: int
    token_key: str  # the token's hash, used as the rate-limit key
    kind: str | None = None  # kiosk | rating for devices
    office: str | None = None
    counter: int | None = None
    name: str = ""


class RateLimiter:
    """Per-process sliding windows: a request budget per token. (The dossier-miss budget is counted
    in the database, by central/api/dossiers.py.)"""

    def __init__(self, requests_per_minute: int, clock=time.monotonic):
        self.requests_per_minute = requests_per_minute
        self.clock = clock
        self._lock = threading.Lock()
        self._requests: dict[str, deque] = {}

    def _retry_after(self, window: deque, limit: int, now: float) -> int | None:
        while window and window[0] <= now - 60:
            window.popleft()
        if len(window) >= limit:
            return max(1, math.ceil(window[0] + 60 - now))
        return None

    def spend_request(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            window = self._requests.setdefault(key, deque())
            wait = self._retry_after(window, self.requests_per_minute, now)
            if wait is not None:
                raise too_many(wait, "Too many requests for this token; wait and retry.")
            window.append(now)


def too_many(seconds: int, message: str) -> ApiError:
    return ApiError(429, "rate_limited", message, {"Retry-After": str(seconds)})


UNAUTHORIZED = (
    "Missing, unknown, revoked or expired token: send 'Authorization: Bearer <token>' with a "
    "token issued by 'motcua-central device add' or 'admin token'."
)


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", UNAUTHORIZED, {"WWW-Authenticate": "Bearer"})
    return token.strip()


# One statement, built once: the token's device, else its admin (SQLAlchemy caches the compiled form).
_DEVICE_BY_TOKEN = select(devices.c.id, devices.c.kind, devices.c.office_code, devices.c.counter, devices.c.name).where(
    devices.c.token_hash == bindparam("key"), devices.c.revoked_at.is_(None)
)
_ADMIN_BY_TOKEN = (
    select(admins.c.id, admins.c.name)
    .join(admin_tokens, admin_tokens.c.admin_id == admins.c.id)
    .where(
        admin_tokens.c.token_hash == bindparam("key"),
        admin_tokens.c.revoked_at.is_(None),
        admin_tokens.c.created_at >= bindparam("issued_since"),
        admins.c.disabled_at.is_(None),
    )
)
NEVER_EXPIRES = datetime(1970, 1, 1)  # issued_since when admin_token_days is 0


def admin_tokens_issued_since(token_days: int, now: datetime | None = None) -> datetime:
    """The oldest issue time of an admin token that still works ([server] admin_token_days; 0: any)."""
    if token_days <= 0:
        return NEVER_EXPIRES
    return (now or utcnow()) - timedelta(days=token_days)


def _caller_for(engine, key: str, token_days: int = 0) -> Caller:
    """Looks the token's hash up (never cached: a revoked token, an expired admin token or a disabled
    admin's token gets 401 on its very next request)."""
    with read_connection(engine) as conn:
        row = conn.execute(_DEVICE_BY_TOKEN, {"key": key}).first()
        if row is not None:
            return Caller("device", row.id, key, row.kind, row.office_code, row.counter, row.name)
        admin = conn.execute(
            _ADMIN_BY_TOKEN, {"key": key, "issued_since": admin_tokens_issued_since(token_days)}
        ).first()
    if admin is None:
        raise ApiError(401, "unauthorized", UNAUTHORIZED, {"WWW-Authenticate": "Bearer"})
    return Caller("admin", admin.id, key, name=admin.name)


def _token_days(request: Request) -> int:
    return request.app.state.settings.admin_token_days


def authenticate(request: Request) -> Caller:
    """Looks the token up by its hash; spends one request of the token's budget (sync callers)."""
    key = token_hash(_bearer(request))
    caller = _caller_for(request.app.state.engine, key, _token_days(request))
    request.app.state.limiter.spend_request(key)
    return caller


async def _look_up(request: Request) -> Caller:
    """The request's caller (or ApiError 401): on SQLite the indexed read runs on the event loop
    (tens of microseconds; a WAL reader does not wait for writers), cheaper than a thread hop;
    on PostgreSQL it goes to the threadpool (a network round trip must not block the loop)."""
    key = token_hash(_bearer(request))
    return await off_loop(request.app.state.engine, _caller_for, request.app.state.engine, key, _token_days(request))


EARLY_CALLER = "motcua.caller"  # the scope key of a caller looked up before the body was read


async def caller_before_body(scope) -> Caller | None:
    """The caller of a request's bearer token, or None (no or unknown token), looked up before its
    body is read: central/shedding.py keeps a small budget for requests without a valid token. The
    caller is kept in the scope, so authenticate_async does not look it up twice."""
    try:
        caller = await _look_up(Request(scope))
    except ApiError:
        return None
    scope[EARLY_CALLER] = caller
    return caller


DEVICE_KIND_HEADER = "X-Motcua-Device"  # on a device's answers: the kind its token was issued for


async def authenticate_async(request: Request, response: Response) -> Caller:
    """`authenticate` for the API's dependencies (the lookup made before the body, if any, is reused).
    A device's answers name the kind its token was issued for, so `check` on a kiosk holding a tablet's
    token (or the other way round) says so instead of "everything works"."""
    caller = request.scope.get(EARLY_CALLER) or await _look_up(request)
    request.app.state.limiter.spend_request(caller.token_key)
    if caller.role == "device" and caller.kind:
        response.headers[DEVICE_KIND_HEADER] = caller.kind
    return caller


# Any valid token; device endpoints also accept admins (they act as a device of any office).
# Aliases, not wrappers: every level of dependencies costs FastAPI a round of parameter solving.
any_caller = device_caller = authenticate_async


async def admin_caller(caller: Caller = Depends(authenticate_async)) -> Caller:
    if caller.role != "admin":
        raise ApiError(403, "forbidden", "This endpoint needs an admin token; a device token is not enough.")
    return caller
