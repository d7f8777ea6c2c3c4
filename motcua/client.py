"""HTTP client of the central server for kiosks and tablets: timeouts always, one exception root, no POST retries
(but one resend when a kept-alive connection turns out to be closed by the server before it read the request)."""

import email.utils
import http.client
import logging
import threading
import time

import requests
import urllib3

from motcua import dossier_code

__all__ = [
    "Client",
    "SyncError",
    "ServerUnreachable",
    "Rejected",
    "Heartbeat",
    "heartbeat_body",
    "parse_retry_after",
    "RESTART_EXIT_CODE",
]

log = logging.getLogger(__name__)
# An app told to `restart` by the server exits with this (EX_TEMPFAIL); its systemd unit starts it again.
RESTART_EXIT_CODE = 75


class SyncError(Exception):
    """Root of every failure talking to the central server."""


class ServerUnreachable(SyncError):
    """Try again later: no connection, timeout, 408/429/5xx, or a garbled answer."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


class Rejected(SyncError):
    """The server understood the request and refused it (4xx): retrying the same request will not help."""

    def __init__(self, message: str, status: int, code: str | None = None):
        super().__init__(message)
        self.status, self.code = status, code


def parse_retry_after(value: str | None, now=time.time) -> float | None:
    """Retry-After as seconds (it may be a number or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


# What a request sent on a kept-alive connection meets when the server closed that connection as
# idle (uvicorn after 5 s) just as the request left: no status line at all, only an end of file or a
# reset (urllib3 calls it "Connection aborted."). The server read nothing, so it is sent again once.
_STALE_CONNECTION = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


def _stale_connection(exc: BaseException) -> bool:
    """True when a requests.ConnectionError is a connection closed before any answer began."""
    for aborted in exc.args:
        if isinstance(aborted, urllib3.exceptions.ProtocolError) and aborted.args[:1] == ("Connection aborted.",):
            return any(isinstance(cause, _STALE_CONNECTION) for cause in aborted.args[1:])
    return False


class Client:
    """One device's view of the central server's /api/v1. Tests inject a `requests.Session`."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        session: requests.Session | None = None,
        timeout: float = 5,
        user_agent: str = "motcua-device",
    ):
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.timeout = timeout
        self.session = session or requests.Session()
        self.user_agent = user_agent
        self.device_kind: str | None = None  # the kind the server says this token was issued for (kiosk | rating)

    def __repr__(self):  # never show the token
        return f"<Client {self.base_url} token={'set' if self._token else 'missing'}>"

    def _request(self, method: str, path: str, *, ok=(200,), headers=None, **kwargs) -> requests.Response:
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        hdrs = {"User-Agent": self.user_agent, "Accept": "application/json"}
        if self._token:
            hdrs["Authorization"] = f"Bearer {self._token}"
        hdrs.update(headers or {})
        try:
            try:
                resp = self.session.request(method, url, headers=hdrs, timeout=self.timeout, **kwargs)
            except requests.ConnectionError as exc:
                if isinstance(exc, requests.Timeout) or not _stale_connection(exc):
                    raise
                # Once, on a new connection: safe for every call here (GETs, a heartbeat, a rating
                # batch under its Idempotency-Key). A server that is really down fails again.
                log.debug("%s %s: kept-alive connection closed by the server; sending again", method, path)
                resp = self.session.request(method, url, headers=hdrs, timeout=self.timeout, **kwargs)
        except requests.Timeout as exc:
            raise ServerUnreachable(f"{method} {path}: no answer within {self.timeout:g} s") from exc
        except requests.RequestException as exc:
            raise ServerUnreachable(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        if resp.status_code in ok:
            self.device_kind = resp.headers.get("X-Motcua-Device") or self.device_kind
            return resp
        status = resp.status_code
        code, message = None, resp.reason or ""
        try:
            err = resp.json().get("error") or {}
            code, message = err.get("code"), err.get("message") or message
        except (ValueError, AttributeError):
            pass
        if status in (408, 429) or status >= 500:
            raise ServerUnreachable(
                f"{method} {path}: HTTP {status} {message}".strip(),
                status,
                parse_retry_after(resp.headers.get("Retry-After")),
            )
        raise Rejected(
            f"{method} {path}: HTTP {status} {code or ''} {message}".replace("  ", " ").strip(), status, code
        )

    @staticmethod
    def _json(resp: requests.Response, path: str):
        try:
            return resp.json()
        except ValueError as exc:  # a proxy page or a body cut short: try again later
            raise ServerUnreachable(f"{path}: the answer is not valid JSON") from exc

    def procedures(self, since: str | None = None, etag: str | None = None) -> dict | None:
        """The catalogue (or changes since a cursor); None when `etag` is still current (304)."""
        headers = {"If-None-Match": etag} if etag else {}
        params = {"since": since} if since else {}
        resp = self._request("GET", "/api/v1/procedures", ok=(200, 304), headers=headers, params=params)
        if resp.status_code == 304:
            return None
        body = self._json(resp, "/api/v1/procedures")
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise ServerUnreachable("/api/v1/procedures: the answer has no item list")
        body["etag"] = resp.headers.get("ETag")
        return body

    def fields(self) -> list[dict]:
        return self._json(self._request("GET", "/api/v1/fields"), "/api/v1/fields").get("items", [])

    def dossier(self, code: str, secret: str | None = None) -> dict | None:
        """The public view of a dossier, or None when the code (or secret) is unknown."""
        headers = {"X-Lookup-Secret": secret} if secret else {}
        code = dossier_code.normalise(code)
        resp = self._request(
            "GET", f"/api/v1/dossiers/{requests.utils.quote(code, safe='')}", ok=(200, 404), headers=headers
        )
        return None if resp.status_code == 404 else self._json(resp, "/api/v1/dossiers")

    def stats(self, office: str, period: str = "30d") -> dict:
        resp = self._request("GET", "/api/v1/stats", params={"office": office, "period": period})
        return self._json(resp, "/api/v1/stats")

    def staff(self, office: str) -> list[dict]:
        resp = self._request("GET", "/api/v1/staff", params={"office": office})
        return self._json(resp, "/api/v1/staff").get("items", [])

    def staff_photo(self, url: str) -> bytes:
        return self._request("GET", url).content

    def post_ratings(self, items: list[dict], idempotency_key: str) -> dict:
        """Sends one batch; the same key must be reused when the same batch is sent again."""
        resp = self._request(
            "POST", "/api/v1/ratings", json={"ratings": items}, headers={"Idempotency-Key": idempotency_key}
        )
        body = self._json(resp, "/api/v1/ratings")
        if not isinstance(body, dict) or not isinstance(body.get("results"), list):
            raise ServerUnreachable("/api/v1/ratings: the answer has no results list")
        return body

    def heartbeat(self, body: dict) -> dict:
        return self._json(self._request("POST", "/api/v1/heartbeat", json=body), "/api/v1/heartbeat")


QUARANTINE_LISTED = 20  # quarantined items a heartbeat lists (the oldest); the count covers them all


def heartbeat_body(
    app: str,
    version: str,
    *,
    pending: int = 0,
    oldest_pending_age_s: float | None = None,
    last_sync_at: str | None = None,
    catalogue_version: str | None = None,
    errors=(),
    quarantined=(),
    missed_searches=(),
) -> dict:
    """The heartbeat's one shape (docs/ARCHITECTURE.md), for the kiosk and the tablet.

    `quarantined`: the outbox's quarantined items, oldest first (Outbox.quarantined()). The beat carries
    their count, the oldest one's reason, and a summary of the oldest QUARANTINE_LISTED: id, device_seq,
    created_at, reason and score only, never a phone number or a comment.
    `missed_searches`: a kiosk's unacknowledged missed-search counts (kiosk/missed.py), at most
    motcua.missed.PER_BEAT of {day, query, outcome, count}.
    """
    quarantined = list(quarantined)
    return {
        "app": app,
        "version": version,
        "pending": pending,
        "oldest_pending_age_s": oldest_pending_age_s,
        "last_sync_at": last_sync_at,
        "catalogue_version": catalogue_version,
        "errors": list(errors),
        "quarantined": len(quarantined),
        "quarantine_reason": quarantined[0].get("reason") if quarantined else None,
        "quarantined_items": [
            {
                "id": q.get("id"),
                "device_seq": q.get("device_seq"),
                "created_at": (q.get("payload") or {}).get("created_at") or q.get("created_at"),
                "reason": q.get("reason"),
                "score": (q.get("payload") or {}).get("score"),
            }
            for q in quarantined[:QUARANTINE_LISTED]
        ],
        "missed_searches": list(missed_searches),
    }


class Heartbeat:
    """A stoppable thread that reports the device's health and hands server commands to a callback."""

    def __init__(self, client: Client, body, on_commands=None, interval: float = 60, on_answer=None):
        """`on_answer(answer)` sees every answer whole (a tablet reads `max_seq` from it)."""
        self.client, self.body, self.on_commands, self.interval = client, body, on_commands, interval
        self.on_answer = on_answer
        self.last_error: str | None = None
        self.last_sent_at: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> list[dict]:
        """Sends one heartbeat now; returns the commands received (also given to the callback)."""
        try:
            answer = self.client.heartbeat(self.body())
        except SyncError as exc:
            self.last_error = str(exc)
            log.info("heartbeat failed: %s", exc)
            return []
        self.last_error, self.last_sent_at = None, time.time()
        if not isinstance(answer, dict):
            return []
        if self.on_answer:
            self.on_answer(answer)
        commands = answer.get("commands") or []
        if commands and self.on_commands:
            self.on_commands(commands)
        return commands

    def _run(self):
        while not self._stop.is_set():
            self.beat()
            self._stop.wait(self.interval)

    def start(self) -> "Heartbeat":
        self._thread = threading.Thread(target=self._run, name="motcua-heartbeat", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)
