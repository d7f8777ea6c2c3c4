"""Missed searches on the kiosk: counted in the local store, sent with the heartbeat, removed once delivered.

The kiosk keeps, per office day, how many searches for each folded query ended with nothing offered
(motcua.missed.NO_MATCH) or with nothing tapped (NO_TAP). Each heartbeat carries the counts that grew
since the server last acknowledged them, as the day's running totals; the server keeps the highest
total it received for a kiosk, day and query, so a total sent twice (an answer lost on the way back)
is never counted twice. Once acknowledged (the answer's `missed_searches`), the rows of past days
are deleted; today's stay (with what was acknowledged) until the day is over, so the next totals are
still whole. Days older than motcua.missed.OLDEST_DAYS are deleted unsent (the server drops them).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from motcua import missed, officetime
from motcua.store import ThreadConnections

__all__ = ["MissedSearches", "DAILY_MAX"]

log = logging.getLogger(__name__)
DAILY_MAX = 500  # distinct queries kept per day (a kiosk someone types nonsense into does not grow without end)


def office_day() -> str:
    return officetime.now().date().isoformat()


class MissedSearches:
    """The counts in the kiosk's store (table missed_searches, motcua/store.py m004).

    The screen records on the UI thread, the heartbeat reads and acknowledges on its own: each thread
    writes through its own connection to the store (motcua.store.ThreadConnections), in its own write
    transaction, never inside another thread's (a catalogue sync's) open one."""

    def __init__(self, db, today=office_day, daily_max: int = DAILY_MAX):
        self.db, self.today, self.daily_max = db, today, daily_max
        self._conn = ThreadConnections(db)
        self._lock = threading.Lock()  # one count at a time (the day's limit holds across threads)

    def record(self, query: str, outcome: str) -> bool:
        """Counts one ended search; False when it is not kept (empty, personal-looking, day full)."""
        if outcome not in missed.OUTCOMES:
            raise ValueError(f"outcome: {outcome!r} is not one of {missed.OUTCOMES}")
        text = missed.key(query)
        if text is None:
            return False
        day = self.today()
        with self._lock, self._conn.write() as db:
            conn = db.conn
            known = conn.execute(
                "SELECT 1 FROM missed_searches WHERE day = ? AND query = ? AND outcome = ?", [day, text, outcome]
            ).fetchone()
            if known is None:
                (distinct,) = conn.execute("SELECT count(*) FROM missed_searches WHERE day = ?", [day]).fetchone()
                if distinct >= self.daily_max:
                    log.info("missed searches: %d distinct queries today already; one more not kept", distinct)
                    return False
            conn.execute(
                "INSERT INTO missed_searches (day, query, outcome, count) VALUES (?, ?, ?, 1) "
                "ON CONFLICT (day, query, outcome) DO UPDATE SET count = min(count + 1, ?)",
                [day, text, outcome, missed.COUNT_MAX],
            )
        return True

    def pending(self, limit: int = missed.PER_BEAT) -> list[dict]:
        """The counts the server has not acknowledged yet (oldest day first), at most `limit`: the
        heartbeat's `missed_searches`. Days the server no longer takes (motcua.missed.OLDEST_DAYS) are
        deleted first."""
        oldest = (dt.date.fromisoformat(self.today()) - dt.timedelta(days=missed.OLDEST_DAYS)).isoformat()
        with self._lock, self._conn.write() as db:
            db.conn.execute("DELETE FROM missed_searches WHERE day < ?", [oldest])
            rows = db.conn.execute(
                "SELECT day, query, outcome, count FROM missed_searches WHERE count > sent_count "
                "ORDER BY day, count DESC, query, outcome LIMIT ?",
                [limit],
            ).fetchall()
        return [{"day": d, "query": q, "outcome": o, "count": c} for d, q, o, c in rows]

    def acknowledge(self, items: list[dict]) -> None:
        """The server stored `items` (the heartbeat that carried them was answered): mark them sent,
        delete past days' rows that have nothing more to send."""
        if not items:
            return
        with self._lock, self._conn.write() as db:
            conn = db.conn
            conn.executemany(
                "UPDATE missed_searches SET sent_count = max(sent_count, ?) "
                "WHERE day = ? AND query = ? AND outcome = ?",
                [(i["count"], i["day"], i["query"], i["outcome"]) for i in items],
            )
            conn.execute("DELETE FROM missed_searches WHERE day < ? AND sent_count >= count", [self.today()])

    def counts(self) -> list[dict]:
        """Every row kept (the admin screen, tests)."""
        with self._lock, self._conn.read() as db:
            rows = db.conn.execute(
                "SELECT day, query, outcome, count, sent_count FROM missed_searches ORDER BY day, query, outcome"
            ).fetchall()
        return [{"day": d, "query": q, "outcome": o, "count": c, "sent_count": s} for d, q, o, c, s in rows]
