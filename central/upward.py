"""Sending the month's rating aggregate upward: to a province's exchange platform (LGSP) at
`{url}/Vote/UpdateVote`, with an OAuth2 client-credentials token from `{token_url}` (default
`{url}/token`), as OpenCPS does ([upward] of central.ini, REPORTING.md).

Each month (and office, "" for all) has a row in `upward_pushes`: the body built by
`central.legal.votes`, the attempts, when the platform took it, the next try after a failure and the
last error. A failed push is tried again after [upward] retry_minutes, under `serve` (`Pusher`) or
by `motcua-central report votes --push`, until it succeeds. The client secret is read from a file
only its owner may read and never appears in an error, a log line or the table.

Every server process runs a `Pusher` (`serve --workers N`, or two servers on one database): a month
is sent by the process holding its row's lease (central.leases, migration 0019: taken by one atomic
UPDATE, or by the INSERT of the month's first row), which looks again whether the month is still to
send once it holds it, so of N processes exactly one sends it. A process that dies while sending
stops holding the month after `lease_seconds`, and another then sends it.
"""

import json
import logging
import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from central import leases, legal
from central.connectors.config import read_token
from central.periodic import Periodic
from central.storage.schema import upward_pushes
from central.timeutil import utcnow
from motcua.config import ConfigError
from motcua.officetime import OFFSET

log = logging.getLogger(__name__)

__all__ = ["Upward", "load", "from_config", "push_month", "retry_due", "state", "previous_month", "Pusher"]


@dataclass(frozen=True)
class Upward:
    """[upward] of central.ini, checked; `secret` is the client secret read from its file."""

    url: str
    token_url: str
    client_id: str
    secret: str
    office: str
    timeout_s: float
    retry: timedelta

    def __repr__(self) -> str:  # never the secret
        return f"Upward(url={self.url!r}, client_id={self.client_id!r})"


def from_config(config) -> Upward | None:
    """The [upward] section of a loaded central.ini, or None when url is empty (nothing is sent)."""
    u = config.upward
    url = (u.url or "").strip().rstrip("/")
    if not url:
        return None
    problems = []
    for key, value in (("url", url), ("token_url", u.token_url.strip())):
        if value and not value.startswith(("http://", "https://")):
            problems.append(f"[upward] {key}: {value!r} is not an http(s) URL")
    if not u.client_id.strip():
        problems.append("[upward] client_id: empty; give the OAuth2 client id the province issued")
    if not u.client_secret_file:
        problems.append("[upward] client_secret_file: not set; give the file holding the client secret (chmod 600)")
    if problems:
        raise ConfigError(problems)
    secret = read_token(Path(u.client_secret_file), "[upward] client_secret_file")
    return Upward(
        url=url,
        token_url=u.token_url.strip() or f"{url}/token",
        client_id=u.client_id.strip(),
        secret=secret,
        office=u.office.strip(),
        timeout_s=float(u.timeout_seconds),
        retry=timedelta(minutes=int(u.retry_minutes)),
    )


def load(path: str | None = None) -> Upward:
    """[upward] of central.ini at `path` (or MOTCUA_CENTRAL_CONFIG); a clear error when it is off."""
    from central.settings import load_file

    found = from_config(load_file(path))
    if found is None:
        raise ConfigError("[upward] url: empty, so there is nowhere to send to; set it in central.ini (--config)")
    return found


class PushFailed(Exception):
    """A push the platform did not take; the message names the address and the cause, never a secret."""


def _token(up: Upward, session: requests.Session) -> str:
    data = {"grant_type": "client_credentials", "client_id": up.client_id, "client_secret": up.secret}
    try:
        resp = session.post(up.token_url, data=data, headers={"Accept": "application/json"}, timeout=up.timeout_s)
    except requests.Timeout:
        raise PushFailed(f"POST {up.token_url}: no answer within {up.timeout_s:g} s") from None
    except requests.RequestException as exc:
        raise PushFailed(f"POST {up.token_url}: {type(exc).__name__}") from None
    if resp.status_code != 200:
        raise PushFailed(f"POST {up.token_url}: HTTP {resp.status_code} (client id or secret refused?)")
    try:
        body = resp.json()
        token = body["access_token"]
    except (ValueError, KeyError, TypeError):
        raise PushFailed(f"POST {up.token_url}: the answer has no access_token") from None
    return f"{body.get('token_type') or 'Bearer'} {token}".replace("bearer ", "Bearer ", 1)


def send(up: Upward, body: dict) -> None:
    """One attempt: a token, then the body POSTed as JSON; PushFailed unless the platform took it."""
    target = f"{up.url}/Vote/UpdateVote"
    with requests.Session() as session:
        auth = _token(up, session)
        try:
            resp = session.post(
                target, json=body, headers={"Authorization": auth, "Accept": "application/json"}, timeout=up.timeout_s
            )
        except requests.Timeout:
            raise PushFailed(f"POST {target}: no answer within {up.timeout_s:g} s") from None
        except requests.RequestException as exc:
            raise PushFailed(f"POST {target}: {type(exc).__name__}") from None
    if not 200 <= resp.status_code < 300:
        hint = " (token refused)" if resp.status_code == 401 else ""
        raise PushFailed(f"POST {target}: HTTP {resp.status_code}{hint}")
    try:
        answer = resp.json()
    except ValueError:
        return
    status = answer.get("status") if isinstance(answer, dict) else None
    if isinstance(status, int) and not 200 <= status < 300:
        message = str(answer.get("message") or "")[:200]
        raise PushFailed(f"POST {target}: the platform answered status {status} {message}".rstrip())


def _office_name(conn: Connection, office: str) -> str:
    if not office:
        return ""
    from central import bieu06

    return bieu06.office_name(conn, office) or ""


# A month's row is the lease's key (central.leases): the process holding it is the one sending it.
KEY = tuple_(upward_pushes.c.month, upward_pushes.c.office_code)


def lease_seconds(up: Upward) -> float:
    """How long a process holds a month while sending it: the token and the POST may each take
    timeout_seconds; a process that dies holding it is taken over once this has passed."""
    return 4 * up.timeout_s + 60


def _claim(engine, up: Upward, month: str, office: str, owner: str, now: datetime) -> bool:
    """True when `owner` now holds the month: it took the lease of the month's row, or added the
    row holding it (of processes adding it at once, the database keeps one and the others fail)."""
    if leases.take(engine, upward_pushes, KEY, (month, office), owner, lease_seconds(up)):
        return True

    def add(conn):
        if conn.execute(select(upward_pushes.c.month).where(KEY == (month, office))).first() is not None:
            return False  # the row is there and another process holds it
        conn.execute(
            insert(upward_pushes).values(
                month=month,
                office_code=office,
                body="{}",
                attempts=0,
                next_try_at=now,  # due: if this process dies before its first try, another takes it over
                lease_owner=owner,
                lease_until=time.time() + lease_seconds(up),
            )
        )
        return True

    try:
        return leases.write(engine, add)
    except IntegrityError:  # another process added it at the same moment, holding it
        return False


def _send_held(engine, up: Upward, month: str, office: str, owner: str, now: datetime, again: bool) -> str | None:
    """Builds and sends a month this process holds, records the outcome on its row and frees the
    lease. Unless `again`, a month another process has sent, or tried and not yet due again, in the
    meantime is left alone (None)."""
    try:
        with engine.connect() as conn:
            row = conn.execute(select(upward_pushes).where(KEY == (month, office))).first()
            if row is None or (
                not again and (row.sent_at is not None or (row.next_try_at is not None and row.next_try_at > now))
            ):
                return None
            body = legal.votes(conn, month, office or None, _office_name(conn, office), now)
        # renewed just before sending: building the body may have taken a while
        if not leases.take(engine, upward_pushes, KEY, (month, office), owner, lease_seconds(up)):
            return None
        values = {"body": json.dumps(body, ensure_ascii=False), "last_attempt_at": now}
        try:
            send(up, body)
        except PushFailed as exc:
            error = str(exc)
            values.update(last_error=error, next_try_at=now + up.retry, sent_at=None)
            outcome = f"failed: {error}; next try after {(now + up.retry + OFFSET):%Y-%m-%d %H:%M}"
            log.warning("upward push of %s %s not taken: %s", month, office or "(all offices)", error)
        else:
            values.update(last_error=None, next_try_at=None, sent_at=now)
            outcome = f"sent {month} {office or '(all offices)'}"
        stmt = (
            update(upward_pushes).where(KEY == (month, office)).values(attempts=upward_pushes.c.attempts + 1, **values)
        )
        leases.write(engine, lambda conn: conn.execute(stmt))
        return outcome
    finally:
        leases.release(engine, upward_pushes, KEY, (month, office), owner)


def push_month(engine, up: Upward, month: str, office: str | None = None, now=None, owner: str | None = None) -> str:
    """Build `month`'s aggregate now and send it (again, even when it was taken before); the row
    records the outcome. Returns "sent ...", "failed: <cause>; next try after ..." or, when another
    server process is sending that month right now, "busy: ..." (nothing sent)."""
    now = now or utcnow()
    office = (office if office is not None else up.office) or ""
    owner = owner or leases.owner_id()
    if not _claim(engine, up, month, office, owner, now):
        who = leases.holder(engine, upward_pushes, KEY, (month, office)) or "another server process"
        return f"busy: {who} is sending {month} {office or '(all offices)'} now; its outcome shows on the dashboard"
    return _send_held(engine, up, month, office, owner, now, again=True) or "busy: sent by another process meanwhile"


def previous_month(now: datetime | None = None) -> str:
    """The last whole office month before `now` (YYYY-MM)."""
    today = ((now or utcnow()) + OFFSET).date()
    last = today.replace(day=1) - timedelta(days=1)
    return f"{last.year:04d}-{last.month:02d}"


def retry_due(engine, up: Upward, now: datetime | None = None, owner: str | None = None) -> list[str]:
    """What `serve` does every few minutes, in each server process: the last whole month is sent
    once, and every month not yet taken whose next try has come is built and sent again. Each month
    is sent by the one process that holds its lease (`owner`, default a new central.leases.owner_id);
    the others leave it. Returns this process's outcomes."""
    now = now or utcnow()
    owner = owner or leases.owner_id()
    month, office = previous_month(now), up.office
    with engine.connect() as conn:
        have = conn.execute(select(upward_pushes.c.month).where(KEY == (month, office))).first()
        due = conn.execute(
            select(upward_pushes.c.month, upward_pushes.c.office_code).where(
                upward_pushes.c.sent_at.is_(None), upward_pushes.c.next_try_at <= now
            )
        ).all()
    todo = ([] if have else [(month, office)]) + [(r.month, r.office_code) for r in due]
    outcomes = []
    for m, o in todo:
        if _claim(engine, up, m, o, owner, now):
            outcome = _send_held(engine, up, m, o, owner, now, again=False)
            if outcome is not None:
                outcomes.append(outcome)
    return outcomes


def state(conn: Connection, limit: int = 12) -> list[dict]:
    """The latest months' rows for the dashboard: month, office, attempts, last push, sent, next try, error."""
    rows = conn.execute(
        select(upward_pushes).order_by(upward_pushes.c.month.desc(), upward_pushes.c.office_code).limit(limit)
    ).all()
    return [
        {
            "month": r.month,
            "office": r.office_code,
            "attempts": r.attempts,
            "last_attempt_at": r.last_attempt_at,
            "sent_at": r.sent_at,
            "next_try_at": r.next_try_at,
            "last_error": r.last_error,
        }
        for r in rows
    ]


class Pusher(Periodic):
    """Under `serve`, in every server process: `retry_due` a few seconds after start (2-10 s, at
    random, so the workers do not all ask at once), then every 5 minutes. The month's lease decides
    which process sends it."""

    def __init__(self, engine, up: Upward, every_s: float = 300, first_after_s: float | None = None, clock=None):
        """`clock`: the time retry_due takes as now (tests move it on); default utcnow."""
        self.owner = leases.owner_id()

        def job():
            retry_due(engine, up, clock() if clock else None, self.owner)

        first = first_after_s if first_after_s is not None else random.uniform(2, 10)
        super().__init__("upward-push", job, first, every_s, failed="upward push not done")


def first_day(month: str) -> date:
    return legal.month_span(month)[0]
