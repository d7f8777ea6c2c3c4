"""The sync worker: a plain thread that drains the outbox to the server, backing off while it is down."""

import logging
import random as _random
import threading

from motcua.client import Rejected, ServerUnreachable, SyncError
from motcua.outbox import SERVER_ERROR

__all__ = ["SyncWorker", "Backoff"]

log = logging.getLogger(__name__)
SPLIT_STATUSES = (400, 413, 422)  # the batch itself was refused: halve it until the bad item stands alone
# A server that answers 500 to one batch again and again may be failing on one item of it: after this
# many tries the batch is halved until that item stands alone, and the item is set aside (offered again
# an hour later) so it no longer holds back every rating after it. 502/503/504 mean the server is away.
SERVER_ERROR_ATTEMPTS = 3
SERVER_AWAY = (502, 503, 504)
MAX_RETRY_AFTER = 3600
MAX_RETRY_AFTER_JITTER = 30  # seconds added at most on top of a server's Retry-After


def retry_after_jitter(wait: float) -> float:
    """Largest jitter added to a Retry-After of `wait` s: a fifth of it, at least 1 s, at most 30 s."""
    return min(max(1.0, wait / 5), MAX_RETRY_AFTER_JITTER)


class Backoff:
    """Exponential backoff with full jitter: wait uniform(0, min(cap, base * 2**failures)).

    When the server says when to come back (503/429 with Retry-After) the tablet waits about that
    long, plus a little jitter so a storm of tablets does not return in step, and the exponent does
    not grow: the server is alive and asked for a pause, compounding it would only delay delivery.
    """

    def __init__(self, base: float = 1, cap: float = 300, random=_random.random):
        self.base, self.cap, self.random = base, cap, random
        self.failures = 0

    def next_delay(self, retry_after: float | None = None) -> float:
        if retry_after is not None:  # the server said when: never earlier, and not much later
            wait = min(max(0.0, retry_after), MAX_RETRY_AFTER)
            return wait + self.random() * retry_after_jitter(wait)
        delay = self.random() * min(self.cap, self.base * (2 ** min(self.failures, 62)))
        self.failures += 1
        return delay

    def reset(self) -> None:
        self.failures = 0


class SyncWorker:
    """Sends pending ratings in batches of at most 500 with a stable Idempotency-Key per batch."""

    def __init__(
        self,
        outbox,
        client,
        interval: float = 10,
        backoff_base: float = 1,
        backoff_cap: float = 300,
        batch_size: int = 500,
        random=_random.random,
        sleep=None,
        kind: str = "rating",
    ):
        self.outbox, self.client, self.interval, self.kind = outbox, client, interval, kind
        self.batch_size = max(1, min(batch_size, 500))
        self.backoff = Backoff(backoff_base, backoff_cap, random)
        self._sleep = sleep
        self._limit = self.batch_size
        self._server_errors: tuple[str | None, int] = (None, 0)  # (batch key, 500s in a row on it)
        self._isolating = False  # halving batches to find the item the server fails on
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_delay: float | None = None

    def drain_once(self) -> dict:
        """Sends batches until nothing is pending or one fails; says what happened."""
        result = {"delivered": 0, "quarantined": 0, "renumbered": 0, "batches": 0, "error": None, "retry_after": None}
        self.outbox.requeue_server_errors()
        while not self._stop.is_set():
            key, items = self.outbox.next_batch(self.kind, self._limit)
            if not items:
                break
            result["batches"] += 1
            try:
                answer = self.client.post_ratings(items, key)
            except ServerUnreachable as exc:
                if self._isolate(exc, key, items, result):
                    continue
                self.outbox.release(key, str(exc))
                result.update(error=str(exc), retry_after=exc.retry_after)
                break
            except Rejected as exc:
                if exc.status not in SPLIT_STATUSES:  # 401/403/404...: the device or its setup, not the items
                    self.outbox.release(key, str(exc))
                    result["error"] = str(exc)
                    break
                if len(items) > 1:
                    self.outbox.release(key, str(exc), split=True)
                    self._limit = max(1, len(items) // 2)
                    continue
                result["quarantined"] += self.outbox.quarantine_batch(key, f"rejected: {exc}")
                continue
            except SyncError as exc:  # any other client failure: keep the rows, try later
                self.outbox.release(key, str(exc))
                result["error"] = str(exc)
                break
            summary = self.outbox.settle(key, answer["results"], answer.get("max_seq"))
            for name in ("delivered", "quarantined", "renumbered"):
                result[name] += summary[name]
            self._limit = self.batch_size
            if summary["unanswered"] and not (summary["delivered"] or summary["quarantined"] or summary["renumbered"]):
                result["error"] = "the server answered about none of the items sent"
                self.outbox.record_error(result["error"])
                break
        if result["error"]:
            log.warning("rating sync: %s (pending %d)", result["error"], self.outbox.pending())
        return result

    def _isolate(self, exc: ServerUnreachable, key: str, items: list[dict], result: dict) -> bool:
        """After SERVER_ERROR_ATTEMPTS server errors on one batch: halve it, or set its one item aside.

        Returns True when the drain goes on at once (a half to send); an item set aside ends the drain
        with the error, so a server failing on everything sets aside at most one item per backoff."""
        if exc.status is None or exc.status < 500 or exc.status in SERVER_AWAY:
            return False
        if not self._isolating:  # the same batch failing again and again, not a passing fault
            last, count = self._server_errors
            count = count + 1 if last == key else 1
            self._server_errors = (key, count)
            if count < SERVER_ERROR_ATTEMPTS:
                return False
            self._isolating = True
        if len(items) > 1:
            self.outbox.release(key, str(exc), split=True)
            self._limit = max(1, len(items) // 2)
            return True
        result["quarantined"] += self.outbox.quarantine_batch(key, f"{SERVER_ERROR}: {exc}")
        log.warning("rating sync: one item set aside after repeated server errors: %s", exc)
        self._limit, self._isolating, self._server_errors = self.batch_size, False, (None, 0)
        return False

    def run_once(self) -> float:
        """One drain plus the delay chosen for the next one (interval, or backoff after a failure)."""
        result = self.drain_once()
        if result["error"]:
            delay = self.backoff.next_delay(result["retry_after"])
        else:
            self.backoff.reset()
            delay = self.interval
        self.last_delay = delay
        return delay

    def _run(self):
        while not self._stop.is_set():
            try:
                delay = self.run_once()
            except Exception:  # a bug must not kill delivery for good; the rows stay in the outbox
                log.exception("rating sync crashed; retrying")
                delay = self.backoff.next_delay()
            if self._sleep:
                self._sleep(delay)
            else:
                self._wake.wait(delay)
                self._wake.clear()

    def wake(self) -> None:
        """Sync now (e.g. right after a rating was stored) instead of at the next interval."""
        self._wake.set()

    def start(self) -> "SyncWorker":
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="motcua-sync", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)
            self._thread = None
