"""Load shedding: past a limit of requests in flight in this process, answer 503 + Retry-After at once.

A reconnect storm (thousands of tablets coming back after an outage) must not turn into timeouts and
dropped connections: a request the server cannot start soon is refused before its body is read, with
the JSON error envelope and a jittered `Retry-After`, so the tablets' outboxes come back spread out.
`/healthz` is never shed (a load balancer must not take an overloaded server for a dead one).

Settings `max_in_flight` (0 = never shed; default 128) and `shed_retry_after` (largest Retry-After in
seconds; each answer picks 1..this; default 5) are declared in central/settings.py and documented in
config/central.ini; the environment (MOTCUA_MAX_IN_FLIGHT, MOTCUA_SHED_RETRY_AFTER) overrides them.
"""
import json
import os
import random

DEFAULT_MAX_IN_FLIGHT = 128
DEFAULT_RETRY_AFTER = 5
EXEMPT_PATHS = ("/healthz",)
MESSAGE = ("Máy chủ đang quá tải, thiết bị sẽ tự gửi lại sau. / The server is busy; retry after the "
           "number of seconds in Retry-After (nothing was processed).")


def _setting(settings, name: str, default: int) -> int:
    """The app's setting (load_settings already applied the environment), else env, else default."""
    value = None
    if settings is not None:
        value = settings.get(name) if hasattr(settings, "get") else getattr(settings, name, None)
    if value is None:
        value = os.environ.get("MOTCUA_" + name.upper())
    if value is None:
        return default
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        raise SystemExit(f"setting {name}: {value!r} is not a whole number") from None


class LoadShedding:
    """ASGI middleware counting HTTP requests in flight; over `max_in_flight` it answers 503."""

    def __init__(self, app, max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
                 retry_after: int = DEFAULT_RETRY_AFTER, exempt=EXEMPT_PATHS, rng=random.random):
        self.app, self.max_in_flight, self.exempt, self.rng = app, max_in_flight, tuple(exempt), rng
        self.retry_after = max(1, retry_after)
        self.in_flight = 0   # one event loop per process: no lock needed between awaits
        self.shed = 0
        self.peak = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.max_in_flight <= 0 or scope.get("path") in self.exempt:
            return await self.app(scope, receive, send)
        if self.in_flight >= self.max_in_flight:
            self.shed += 1
            return await self._refuse(send)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            return await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1

    async def _refuse(self, send):
        wait = 1 + int(self.rng() * self.retry_after)   # 1..retry_after: the storm comes back spread out
        wait = min(wait, self.retry_after)
        body = json.dumps({"error": {"code": "overloaded", "message": MESSAGE}}, ensure_ascii=False).encode("utf-8")
        await send({"type": "http.response.start", "status": 503,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"retry-after", str(wait).encode())]})
        await send({"type": "http.response.body", "body": body})


def install(app, settings=None) -> None:
    """Adds the middleware outermost (call after every other add_middleware) with the configured limits."""
    app.add_middleware(LoadShedding,
                       max_in_flight=_setting(settings, "max_in_flight", DEFAULT_MAX_IN_FLIGHT),
                       retry_after=_setting(settings, "shed_retry_after", DEFAULT_RETRY_AFTER))
