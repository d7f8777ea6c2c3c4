"""Admin screen (behind the hidden gesture + PIN): outbox counts, last sync, sync now, retry refused items, exit."""

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty

from motcua import officetime
from rating.screens.base import TabletScreen, t

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


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

    def open(self):
        self.update()

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
            self.quarantined += f"  ({oldest[0]['reason']})" if oldest and oldest[0]["reason"] else ""
        self.last_sync = _ago(status.get("last_success_at")) or t("never")
        self.last_error = status.get("last_error") or t("none")
        self.device_id = self.services.device_id
        o = self.flow.officer
        self.officer = f"{o['name']} (#{o['id']})" if o else t("none")

    def retry_quarantined(self):
        try:
            self.services.retry_quarantined()
        except Exception as exc:  # the store cannot write: say so on the screen, keep it open
            self.update()
            self.last_error = f"{exc.__class__.__name__}: {exc}"
            return
        self.update()

    def sync_now(self):
        self.services.sync_now()
        self.update()
