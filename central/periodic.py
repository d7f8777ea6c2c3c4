"""A job a server process repeats in the background: soon after it starts, then every so often."""

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Periodic:
    """A daemon thread running `job()` after `first_after_s`, then every `every_s`; `stop()` ends it.

    A failing run (a busy or read-only database) is logged and tried again at the next time."""

    def __init__(
        self, name: str, job: Callable[[], object], first_after_s: float, every_s: float, failed: str | None = None
    ):
        """`failed`: the log line when a run fails (default: "<name> not done")."""
        self.name, self.job, self.first_after_s, self.every_s = name, job, first_after_s, every_s
        self.failed = failed or f"{name} not done"
        self.runs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        wait = self.first_after_s
        while not self._stop.wait(wait):
            try:
                self.job()
                self.runs += 1
            except Exception:  # noqa: BLE001 - try again next time
                log.warning("%s", self.failed, exc_info=True)
            wait = self.every_s
