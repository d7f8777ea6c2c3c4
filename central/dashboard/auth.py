"""Dashboard sign-in: server-side expiring sessions, CSRF tokens, and a brake on failed logins."""

import hmac
import json
import math
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table, Text, delete, insert, select, update

from central.api.deps import Database
from central.dashboard.uploads import sweep_now_and_then
from central.security import check_password, token_hash
from central.storage.schema import admins, metadata
from central.timeutil import utcnow

SESSION_COOKIE = "motcua_session"
LOGIN_COOKIE = "motcua_login"  # double-submit token of the login form (before any session exists)
SESSION_HOURS = 8  # absolute lifetime of a session
IDLE_MINUTES = 30  # a session unused this long is over
TOUCH_EVERY_S = 60  # last_seen_at is written at most this often (no write per page view)

admin_sessions = Table(  # created by migration 0003
    "admin_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # sha256 of the cookie value, never the value
    Column("admin_id", Integer, ForeignKey("admins.id"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("flash", Text),  # JSON {"level", "vi", "en"}: the next page's message (migration 0008)
)


@dataclass(frozen=True)
class Session:
    """A signed-in admin as the dashboard sees them."""

    id: str
    admin_id: int
    name: str
    csrf: str
    flash: str | None = None  # the message left for this page view (set_flash), JSON


class NeedLogin(Exception):
    """A page was asked for without a valid session: the answer is the login page."""


class BadCsrf(Exception):
    """A form came back without the token of this session (or of the login page)."""


class LoginBrake:
    """At most `limit` failed logins per account name from one client address in `window_s`, and
    `address_limit` per address whatever the names. Keyed by account AND address: someone guessing
    a password from one address never locks the account for its owner at another address."""

    def __init__(self, limit: int = 5, window_s: int = 300, address_limit: int = 20, clock=time.monotonic):
        self.limit, self.window_s, self.address_limit, self.clock = limit, window_s, address_limit, clock
        self._failures: dict[str, deque] = {}
        self._lock = threading.Lock()

    def _keys(self, address: str, name: str) -> list[tuple[str, int]]:
        return [("ip:" + address, self.address_limit), ("name:" + name.strip().lower() + "@" + address, self.limit)]

    def wait_s(self, address: str, name: str) -> int:
        """Seconds until another attempt is allowed (0: now)."""
        now = self.clock()
        wait = 0
        with self._lock:
            for key, limit in self._keys(address, name):
                window = self._failures.get(key)
                if window is None:
                    continue
                while window and window[0] <= now - self.window_s:
                    window.popleft()
                if not window:
                    del self._failures[key]  # forgotten: the table holds only recent failures
                elif len(window) >= limit:
                    wait = max(wait, math.ceil(window[0] + self.window_s - now))
        return wait

    def failed(self, address: str, name: str) -> None:
        with self._lock:
            for key, _limit in self._keys(address, name):
                self._failures.setdefault(key, deque()).append(self.clock())

    def succeeded(self, address: str, name: str) -> None:
        with self._lock:
            self._failures.pop(self._keys(address, name)[1][0], None)


DISABLED = "disabled"  # sign_in's answer for the right password of a disabled account


def sign_in(engine, name: str, password: str) -> tuple[str, Session] | str | None:
    """(cookie value, session) for a right name and password, DISABLED for a disabled account's
    right password, else None."""
    with engine.connect() as conn:
        row = conn.execute(
            select(admins.c.id, admins.c.name, admins.c.password_hash, admins.c.disabled_at).where(
                admins.c.name == name.strip()
            )
        ).first()
    if row is None:
        check_password(password, "scrypt$16384$8$1$00$00")  # same cost for an unknown name
        return None
    if not check_password(password, row.password_hash):
        return None
    if row.disabled_at is not None:
        return DISABLED
    token, csrf, now = secrets.token_urlsafe(32), secrets.token_urlsafe(24), utcnow()
    with engine.begin() as conn:
        conn.execute(delete(admin_sessions).where(admin_sessions.c.expires_at < now))
        conn.execute(
            insert(admin_sessions).values(
                id=token_hash(token),
                admin_id=row.id,
                csrf=csrf,
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(hours=SESSION_HOURS),
            )
        )
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
    with Database(engine).read() as conn:
        row = conn.execute(
            select(admin_sessions, admins.c.name)
            .join(admins, admins.c.id == admin_sessions.c.admin_id)
            .where(admin_sessions.c.id == key, admins.c.disabled_at.is_(None))
        ).first()
    if row is None or row.expires_at <= now or now - row.last_seen_at > timedelta(minutes=IDLE_MINUTES):
        return None
    if (now - row.last_seen_at).total_seconds() > TOUCH_EVERY_S:
        with engine.begin() as conn:
            conn.execute(update(admin_sessions).where(admin_sessions.c.id == key).values(last_seen_at=now))
    return Session(key, row.admin_id, row.name, row.csrf, row.flash)


def set_flash(engine, session: Session, vi: str, en: str, level: str = "ok") -> None:
    """Leaves a message for the session's next page (kept in its row: the address carries no text)."""
    with engine.begin() as conn:
        conn.execute(
            update(admin_sessions)
            .where(admin_sessions.c.id == session.id)
            .values(flash=json.dumps({"level": level, "vi": vi, "en": en}, ensure_ascii=False))
        )


def take_flash(engine, session: Session) -> dict | None:
    """The message set_flash left for this page view, removed so it shows once; None when none."""
    if not session.flash:
        return None
    with engine.begin() as conn:
        taken = conn.execute(
            update(admin_sessions)
            .where(admin_sessions.c.id == session.id, admin_sessions.c.flash == session.flash)
            .values(flash=None)
        ).rowcount
    return json.loads(session.flash) if taken else None


def end_sessions(conn, admin_id: int, keep: str | None = None) -> int:
    """Signs an admin out everywhere (but the session `keep`): after a password change or disabling."""
    query = delete(admin_sessions).where(admin_sessions.c.admin_id == admin_id)
    if keep is not None:
        query = query.where(admin_sessions.c.id != keep)
    return conn.execute(query).rowcount


def page_admin(request: Request) -> Session:
    """Dependency of every dashboard page: the session, or the login page."""
    session = current_session(request)
    if session is None:
        raise NeedLogin()
    request.state.session = session
    sweep_now_and_then()  # checked import files left over an hour go, whichever page is opened
    return session


def check_csrf(session: Session, sent: str | None) -> None:
    if not sent or not hmac.compare_digest(sent, session.csrf):
        raise BadCsrf()
