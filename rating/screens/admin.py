"""Admin screen (behind the hidden gesture + PIN): outbox counts, last sync, sync now, retry refused items, exit.

While shown it redraws every second (the sync worker delivers in the background) and at once when
"Gửi ngay" has finished; problems read as advice (rating.advice), never as a raw exception.
"""

import logging
from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty

from motcua import officetime
from rating import advice
from rating.screens.base import TabletScreen, t
from touchui.i18n import i18n

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
log = logging.getLogger(__name__)


def _ago(ts) -> str:
    if not ts:
        return ""
    if isinstance(ts, (int, float)):
        ts = officetime.from_timestamp(ts)
    elif isinstance(ts, str):
        parsed = officetime.parse(ts)
        if parsed is None:
            return ts
        ts = parsed
    return officetime.to_office(ts).strftime("%H:%M:%S %d/%m/%Y")


class AdminScreen(TabletScreen):
    pending = StringProperty("")
    quarantined = StringProperty("")
    quarantined_count = NumericProperty(0)
    last_sync = StringProperty("")
    last_error = StringProperty("")
    device_id = StringProperty("")
    officer = StringProperty("")

    _live = None  # the once-a-second redraw while the screen is shown
    _retry_failed = ""  # "Gửi lại" could not write to the store: shown until it works
    refresh_seconds = 1.0

    def open(self):
        self.update()

    def on_enter(self, *_):
        self.update()
        if self._live is None:
            self._live = Clock.schedule_interval(self.update, self.refresh_seconds)

    def on_leave(self, *_):
        if self._live is not None:
            self._live.cancel()
            self._live = None

    def update(self, *_):
        status = self.services.admin_status()
        self.pending = str(status.get("pending", 0))
        oldest = status.get("oldest_pending_age_s")
        if oldest:
            self.pending += f"  ({int(oldest)} s)"
        self.quarantined_count = status.get("quarantined", 0)
        self.quarantined = str(self.quarantined_count)
        if self.quarantined_count:  # why the oldest one was refused
            oldest = self.services.outbox.quarantined()[:1]
            why = advice.refusal(oldest[0]["reason"], i18n.lang) if oldest else ""
            self.quarantined += f"  ({why})" if why else ""
        self.last_sync = _ago(status.get("last_success_at")) or t("never")
        self.last_error = self.problem(status) or t("none")
        self.device_id = self.services.device_id
        o = self.flow.officer
        self.officer = f"{o['name']} (#{o['id']})" if o else t("none")

    def problem(self, status: dict) -> str:
        """The storage failure if there is one, else the last delivery error, as advice."""
        if self.services.storage_error:
            return advice.storage_advice(self.services.storage_failing_since, i18n.lang)
        if self._retry_failed:
            return advice.storage_advice(self._retry_failed, i18n.lang)
        return advice.error_advice(status.get("last_error"), self.services.cfg.server.url, i18n.lang)

    def retry_quarantined(self):
        try:
            self.services.retry_quarantined()
        except Exception as exc:  # the store cannot write: say so on the screen, keep it open
            log.error("refused items not sent again: %s: %s", exc.__class__.__name__, exc)
            self._retry_failed = self._retry_failed or _ago(officetime.now())
            self.update()
            return
        self._retry_failed = ""
        self.update()

    def sync_now(self):
        """One delivery attempt now; the screen redraws when it has finished."""
        self.services.sync_now(on_done=lambda: self.services.call_in_ui(self.update))
        self.update()
