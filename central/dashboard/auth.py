"""Dashboard sign-in: server-side expiring sessions, CSRF tokens, and a brake on failed logins."""
import hmac
import math
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table, delete, insert, select, update

from central.api.auth import authenticate
from central.api.errors import ApiError
from central.security import check_password, token_hash
from central.storage.schema import admins, metadata
from central.timeutil import utcnow

SESSION_COOKIE = "motcua_session"
LOGIN_COOKIE = "motcua_login"  # double-submit token of the login form (before any session exists)
SESSION_HOURS = 8  # absolute lifetime of a session
IDLE_MINUTES = 30  # a session unused this long is over
TOUCH_EVERY_S = 60  # last_seen_at is written at most this often (no write per page view)

admin_sessions = Table(  # created by migration 0003
    "admin_sessions", metadata,
    Column("id", String(64), primary_key=True),  # sha256 of the cookie value, never the value
    Column("admin_id", Integer, ForeignKey("admins.id"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
)


@dataclass(frozen=True)
class Session:
    """A signed-in admin as the dashboard sees them."""
    id: str
    admin_id: int
    name: str
    csrf: str


class NeedLogin(Exception):
    """A page was asked for without a valid session: the answer is the login page."""


class BadCsrf(Exception):
    """A form came back without the token of this session (or of the login page)."""


class LoginBrake:
    """At most `limit` failed logins per client address and per account name in `window_s`."""

    def __init__(self, limit: int = 5, window_s: int = 300, clock=time.monotonic):
        self.limit, self.window_s, self.clock = limit, window_s, clock
        self._failures: dict[str, deque] = {}
        self._lock = threading.Lock()

    def _keys(self, address: str, name: str) -> list[str]:
        return ["ip:" + address, "name:" + name.strip().lower()]

    def wait_s(self, address: str, name: str) -> int:
        """Seconds until another attempt is allowed (0: now)."""
        now = self.clock()
        wait = 0
        with self._lock:
            for key in self._keys(address, name):
                window = self._failures.get(key, deque())
                while window and window[0] <= now - self.window_s:
                    window.popleft()
                if len(window) >= self.limit:
                    wait = max(wait, math.ceil(window[0] + self.window_s - now))
        return wait

    def failed(self, address: str, name: str) -> None:
        with self._lock:
            for key in self._keys(address, name):
                self._failures.setdefault(key, deque()).append(self.clock())

    def succeeded(self, address: str, name: str) -> None:
        with self._lock:
            self._failures.pop("name:" + name.strip().lower(), None)


def sign_in(engine, name: str, password: str) -> tuple[str, Session] | None:
    """(cookie value, session) for a right name and password, else None."""
    with engine.connect() as conn:
        row = conn.execute(select(admins.c.id, admins.c.name, admins.c.password_hash)
                           .where(admins.c.name == name.strip())).first()
    if row is None:
        check_password(password, "scrypt$16384$8$1$00$00")  # same cost for an unknown name
        return None
    if not check_password(password, row.password_hash):
        return None
    token, csrf, now = secrets.token_urlsafe(32), secrets.token_urlsafe(24), utcnow()
    with engine.begin() as conn:
        conn.execute(delete(admin_sessions).where(admin_sessions.c.expires_at < now))
        conn.execute(insert(admin_sessions).values(
            id=token_hash(token), admin_id=row.id, csrf=csrf, created_at=now, last_seen_at=now,
            expires_at=now + timedelta(hours=SESSION_HOURS)))
    return token, Session(token_hash(token), row.id, row.name, csrf)


def sign_out(engine, request: Request) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with engine.begin() as conn:
            conn.execute(delete(admin_sessions).where(admin_sessions.c.id == token_hash(token)))


def current_session(request: Request) -> Session | None:
    """The request's live session (expired or idle ones count as none)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    engine = request.app.state.engine
    key, now = token_hash(token), utcnow()
    with engine.connect().execution_options(sqlite_begin="DEFERRED") as conn:
        row = conn.execute(select(admin_sessions, admins.c.name)
                           .join(admins, admins.c.id == admin_sessions.c.admin_id)
                           .where(admin_sessions.c.id == key)).first()
    if row is None or row.expires_at <= now or now - row.last_seen_at > timedelta(minutes=IDLE_MINUTES):
        return None
    if (now - row.last_seen_at).total_seconds() > TOUCH_EVERY_S:
        with engine.begin() as conn:
            conn.execute(update(admin_sessions).where(admin_sessions.c.id == key).values(last_seen_at=now))
    return Session(key, row.admin_id, row.name, row.csrf)


def page_admin(request: Request) -> Session:
    """Dependency of every dashboard page: the session, or the login page."""
    session = current_session(request)
    if session is None:
        raise NeedLogin()
    request.state.session = session
    return session


def check_csrf(session: Session, sent: str | None) -> None:
    if not sent or not hmac.compare_digest(sent, session.csrf):
        raise BadCsrf()


def report_admin(request: Request):
    """Dependency of /api/v1/reports: an admin bearer token, or a dashboard session; devices get 403."""
    if request.headers.get("authorization"):
        caller = authenticate(request)
        if caller.role != "admin":
            raise ApiError(403, "forbidden", "Reports need an admin token or a dashboard session; "
                                             "a device token is not enough.")
        return caller
    session = current_session(request)
    if session is None:
        raise ApiError(401, "unauthorized", "Sign in at /admin/login or send 'Authorization: Bearer "
                                            "<admin token>' (motcua-central admin token NAME).",
                       {"WWW-Authenticate": "Bearer"})
    return session
