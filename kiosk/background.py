"""While the kiosk runs: refresh the catalogue and statistics now and then, backing off while the server is down."""

import logging
import threading

from motcua.client import Heartbeat, ServerUnreachable, SyncError, heartbeat_body
from motcua.outbox import iso_time
from motcua.worker import Backoff

log = logging.getLogger(__name__)


class CatalogueRefresher:
    """A stoppable thread: `services.sync_catalogue()` every `interval` s; jittered backoff on failure."""

    def __init__(
        self, services, interval: float = 300, backoff_base: float = 1, backoff_cap: float = 300, on_change=None
    ):
        self.services, self.interval = services, interval
        self.backoff = Backoff(backoff_base, backoff_cap)
        self.on_change = on_change
        self.last_error: str | None = None
        self.last_sync_at: float | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> float:
        """One sync; returns how long to wait before the next."""
        try:
            self.services.sync_catalogue()
        except ServerUnreachable as exc:
            self.last_error = exc.__class__.__name__
            delay = self.backoff.next_delay(getattr(exc, "retry_after", None))
            log.info("catalogue sync: server unreachable, next try in %.0f s", delay)
            return delay
        except SyncError as exc:  # refused (token revoked...): the admin must act; retry slowly
            self.last_error = f"{exc.__class__.__name__}: HTTP {getattr(exc, 'status', '?')}"
            log.warning("catalogue sync refused: %s", self.last_error)
            return self.interval
        finally:
            if self.on_change:
                self.on_change()
        self.backoff.reset()
        self.last_error = None
        self.last_sync_at = self.services.clock()
        return self.interval

    def _run(self):
        while not self._stop.is_set():
            delay = self.run_once()
            self._wake.wait(delay)
            self._wake.clear()

    def wake(self):
        """Sync now (admin "sync now", a server `sync_now` command)."""
        self._wake.set()

    def start(self):
        self._thread = threading.Thread(target=self._run, name="kiosk-catalogue-sync", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5):
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)


def kiosk_heartbeat(client, services, refresher, version: str, interval: float, commands=None) -> Heartbeat:
    """The core's heartbeat thread with the kiosk's health: catalogue age, the last errors, and the
    missed-search counts not yet acknowledged (`services.missed`, kiosk/missed.py).

    `commands` (a motcua.commands.DeviceCommands) carries out what the server asks; without it only
    `sync_now` is understood.
    """
    missed = getattr(services, "missed", None)
    carried: list[dict] = []  # the counts in the beat on its way (body and answer run on the beat's thread)

    def body():
        errors = [refresher.last_error] if refresher.last_error else []
        errors += list(getattr(commands, "errors", []) or [])
        carried[:] = missed.pending() if missed is not None else []
        return heartbeat_body(
            "kiosk",
            version,
            last_sync_at=iso_time(refresher.last_sync_at),
            catalogue_version=services.catalogue.version(),
            errors=errors,
            missed_searches=list(carried),
        )

    def on_answer(answer):
        # Only a server that stores missed searches says so; an older one ignores them: keep them.
        if missed is not None and carried and isinstance(answer.get("missed_searches"), dict):
            missed.acknowledge(list(carried))
            carried.clear()

    def on_commands(received):
        if commands is not None:
            commands(received)
        elif any(c.get("name") == "sync_now" for c in received):
            refresher.wake()

    return Heartbeat(client, body, on_commands=on_commands, interval=interval, on_answer=on_answer)
