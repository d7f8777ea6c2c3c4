"""Admin screen (behind the hidden gesture + PIN): outbox counts, last sync, sync now, exit."""
import datetime
from pathlib import Path

from kivy.lang import Builder
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.screenmanager import Screen

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


def _ago(ts) -> str:
    if not ts:
        return ""
    if isinstance(ts, (int, float)):
        ts = datetime.datetime.fromtimestamp(ts).astimezone()
    elif isinstance(ts, str):
        try:
            ts = datetime.datetime.fromisoformat(ts)
        except ValueError:
            return ts
    return ts.strftime("%H:%M:%S %d/%m/%Y")


class AdminScreen(Screen):
    services = ObjectProperty(None, allownone=True)
    pending = StringProperty("")
    quarantined = StringProperty("")
    last_sync = StringProperty("")
    last_error = StringProperty("")
    device_id = StringProperty("")
    officer = StringProperty("")

    def open(self, services):
        self.services = services
        self.update()

    def update(self, *_):
        from kivy.app import App
        app = App.get_running_app()
        status = self.services.admin_status()
        self.pending = str(status.get("pending", 0))
        oldest = status.get("oldest_pending_age_s")
        if oldest:
            self.pending += f"  ({int(oldest)} s)"
        self.quarantined = str(status.get("quarantined", 0))
        self.last_sync = _ago(status.get("last_success_at")) or app.t("never")
        self.last_error = status.get("last_error") or app.t("none")
        self.device_id = self.services.device_id
        o = self.services.flow.officer
        self.officer = f"{o['name']} (#{o['id']})" if o else app.t("none")

    def sync_now(self):
        self.services.sync_now()
        self.update()
