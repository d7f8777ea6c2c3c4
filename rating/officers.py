"""Who is on duty at this counter: offline PIN check against the staff list, and the change log."""

import logging
from typing import Callable, Iterable, Optional

from motcua.pin import check_pin

log = logging.getLogger(__name__)


class Duty:
    """The staff list of this office and the officer on duty at this counter.

    `staff` is a callable returning the cached list (so a refreshed cache is seen at once);
    `on_change(officer_or_None)` tells the flow. Changes are logged with ids, never PINs.
    """

    def __init__(
        self,
        staff: Callable[[], Iterable[dict]],
        counter: int,
        on_change: Callable[[Optional[dict]], None],
        record_event=None,
    ):
        self._staff = staff
        self.counter = counter
        self._on_change = on_change
        self._record_event = record_event
        self.officer: Optional[dict] = None

    def officers(self) -> list[dict]:
        """Officers to pick from: this counter's first, then the rest, each in the server's order (Vietnamese
        alphabetical order, motcua.text.sort_key: the tablet needs no collation library of its own)."""
        items = list(self._staff() or [])
        return sorted(items, key=lambda o: o.get("counter") != self.counter)

    def find(self, staff_id) -> Optional[dict]:
        for o in self._staff() or []:
            if str(o.get("id")) == str(staff_id):
                return o
        return None

    def assign(self, staff_id, reason: str = "config") -> bool:
        """Puts an officer on duty without a PIN (assignment from config or the server)."""
        officer = self.find(staff_id)
        if officer is None:
            log.warning("staff id %s (from %s) is not in this office's staff list", staff_id, reason)
            return False
        self._set(officer, reason)
        return True

    def sign_in(self, staff_id, pin: str) -> bool:
        officer = self.find(staff_id)
        if officer is None or not check_pin(pin, officer.get("pin_hash")):
            log.info("officer sign-in refused at counter %s (staff id %s)", self.counter, staff_id)
            return False
        self._set(officer, "pin")
        return True

    def sign_out(self) -> None:
        self._set(None, "sign_out")

    def _set(self, officer: Optional[dict], reason: str) -> None:
        before = self.officer["id"] if self.officer else None
        self.officer = officer
        after = officer["id"] if officer else None
        log.info("counter %s officer change %s -> %s (%s)", self.counter, before, after, reason)
        if self._record_event:
            try:
                self._record_event(
                    {"counter": self.counter, "from_staff_id": before, "to_staff_id": after, "how": reason}
                )
            except Exception:
                log.exception("officer change could not be written to the local log")
        self._on_change(officer)
