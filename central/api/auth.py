"""Who is calling: device or admin bearer tokens (stored hashed, revocable), and rate limits."""
import math
import threading
import time
from collections import deque
from dataclasses import dataclass

from fastapi import Depends, Request
from sqlalchemy import select

from central.api.errors import ApiError
from central.security import token_hash
from central.storage.schema import admin_tokens, admins, devices


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
    """Per-process sliding windows: a request budget per token and a lookup-miss budget per device."""

    def __init__(self, requests_per_minute: int, misses_per_minute: int, clock=time.monotonic):
        self.requests_per_minute, self.misses_per_minute = requests_per_minute, misses_per_minute
        self.clock = clock
        self._lock = threading.Lock()
        self._requests: dict[str, deque] = {}
        self._misses: dict[str, deque] = {}

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

    def check_misses(self, key: str) -> None:
        with self._lock:
            wait = self._retry_after(self._misses.setdefault(key, deque()),
                                     self.misses_per_minute, self.clock())
        if wait is not None:
            raise too_many(wait, "Too many dossier lookups that found nothing; wait and retry.")

    def record_miss(self, key: str) -> None:
        with self._lock:
            self._misses.setdefault(key, deque()).append(self.clock())


def too_many(seconds: int, message: str) -> ApiError:
    return ApiError(429, "rate_limited", message, {"Retry-After": str(seconds)})


UNAUTHORIZED = ("Missing, unknown or revoked token: send 'Authorization: Bearer <token>' with a "
                "token issued by 'motcua-central device add' or 'admin token'.")


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", UNAUTHORIZED, {"WWW-Authenticate": "Bearer"})
    return token.strip()


def authenticate(request: Request) -> Caller:
    """Looks the token up by its hash; spends one request of the token's budget."""
    key = token_hash(_bearer(request))
    engine = request.app.state.engine
    with engine.connect().execution_options(sqlite_begin="DEFERRED") as conn:
        row = conn.execute(select(devices).where(devices.c.token_hash == key,
                                                 devices.c.revoked_at.is_(None))).first()
        if row is not None:
            caller = Caller("device", row.id, key, row.kind, row.office_code, row.counter, row.name)
        else:
            admin = conn.execute(
                select(admins.c.id, admins.c.name).join(admin_tokens, admin_tokens.c.admin_id == admins.c.id)
                .where(admin_tokens.c.token_hash == key, admin_tokens.c.revoked_at.is_(None))).first()
            if admin is None:
                raise ApiError(401, "unauthorized", UNAUTHORIZED, {"WWW-Authenticate": "Bearer"})
            caller = Caller("admin", admin.id, key, name=admin.name)
    request.app.state.limiter.spend_request(key)
    return caller


def any_caller(caller: Caller = Depends(authenticate)) -> Caller:
    return caller


def device_caller(caller: Caller = Depends(authenticate)) -> Caller:
    """Device endpoints also accept admins (they act as a device of any office)."""
    return caller


def admin_caller(caller: Caller = Depends(authenticate)) -> Caller:
    if caller.role != "admin":
        raise ApiError(403, "forbidden", "This endpoint needs an admin token; a device token is not enough.")
    return caller
