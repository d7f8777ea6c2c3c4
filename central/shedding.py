"""Load shedding: past a limit of requests in flight in this process, answer 503 + Retry-After at once.

A reconnect storm (thousands of tablets coming back after an outage) must not turn into timeouts and
dropped connections: a request the server cannot start soon is refused before its body is read, with
the JSON error envelope and a jittered `Retry-After`, so the tablets' outboxes come back spread out.
`/healthz` is never shed (a load balancer must not take an overloaded server for a dead one).

Requests that carry a body (POST, PUT, PATCH, DELETE) have their bearer token checked first, before
the body is read. Those without a valid device or admin token (strangers, dashboard forms) share a
small budget of their own, `max_in_flight_unauthenticated` (default 16): stalled uploads from anyone
can then never take the devices' places, and the body timeout (`body_timeout`, central/api/errors.py)
ends each of them. Without this, 128 stalled anonymous POSTs made every device wait on 503s.

Settings `max_in_flight` (0 = never shed), `max_in_flight_unauthenticated` (0 = no separate limit)
and `shed_retry_after` (largest Retry-After in seconds; each answer picks 1..this) are declared, with
their defaults, in central/settings.py (docs/CONFIG.md); the environment (MOTCUA_MAX_IN_FLIGHT,
MOTCUA_SHED_RETRY_AFTER, ...) overrides them.
"""

import json
import random

EXEMPT_PATHS = ("/healthz",)
WITHOUT_BODY = ("GET", "HEAD", "OPTIONS")
MESSAGE = (
    "Máy chủ đang quá tải, thiết bị sẽ tự gửi lại sau. / The server is busy; retry after the "
    "number of seconds in Retry-After (nothing was processed)."
)


class LoadShedding:
    """ASGI middleware counting HTTP requests in flight; over `max_in_flight` it answers 503."""

    def __init__(
        self,
        app,
        max_in_flight: int,
        retry_after: int,
        exempt=EXEMPT_PATHS,
        rng=random.random,
        max_unauthenticated: int = 0,
        identify=None,
    ):
        self.app, self.max_in_flight, self.exempt, self.rng = app, max_in_flight, tuple(exempt), rng
        self.retry_after = max(1, retry_after)
        # identify(scope) -> the caller of a valid token, else None (central.api.auth.caller_before_body)
        self.max_unauthenticated, self.identify = max_unauthenticated, identify
        self.in_flight = 0  # one event loop per process: no lock needed between awaits
        self.unauthenticated = 0  # of those: requests with a body and no valid token
        self.shed = 0
        self.peak = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("path") in self.exempt:
            return await self.app(scope, receive, send)
        if 0 < self.max_in_flight <= self.in_flight:
            self.shed += 1
            return await self._refuse(send)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        counted = False
        try:
            if (
                self.max_unauthenticated > 0
                and self.identify is not None
                and scope.get("method") not in WITHOUT_BODY
                and await self.identify(scope) is None
            ):
                if self.unauthenticated >= self.max_unauthenticated:
                    self.shed += 1
                    return await self._refuse(send, close=True)  # its body is never read: hang up
                self.unauthenticated += 1
                counted = True
            return await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
            if counted:
                self.unauthenticated -= 1

    async def _refuse(self, send, close: bool = False):
        wait = 1 + int(self.rng() * self.retry_after)  # 1..retry_after: the storm comes back spread out
        wait = min(wait, self.retry_after)
        body = json.dumps({"error": {"code": "overloaded", "message": MESSAGE}}, ensure_ascii=False).encode("utf-8")
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(wait).encode()),
        ]
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": headers + ([(b"connection", b"close")] if close else []),
            }
        )
        await send({"type": "http.response.body", "body": body})


def install(app, settings, identify=None) -> None:
    """Adds the middleware outermost (call after every other add_middleware) with the configured limits
    (central.settings); `identify(scope)` tells requests with a valid token from the others (see the
    module's text)."""
    app.add_middleware(
        LoadShedding,
        max_in_flight=settings.max_in_flight,
        retry_after=settings.shed_retry_after,
        max_unauthenticated=settings.max_in_flight_unauthenticated,
        identify=identify,
    )
