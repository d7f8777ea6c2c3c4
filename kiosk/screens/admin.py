"""Admin screen (after the hidden gesture and the PIN): sync now, data age, device id, exit."""

import threading

from kivy.clock import Clock
from kivy.properties import StringProperty

from kiosk import present
from kiosk.screens.base import KioskScreen
from motcua.client import SyncError
from touchui.i18n import i18n


class AdminScreen(KioskScreen):
    info_text = StringProperty("")
    sync_text = StringProperty("")

    def show(self, **_):
        self.sync_text = ""
        self.refresh()

    def reset(self):
        self.sync_text = ""

    def refresh(self, *_):
        lang = i18n.lang
        device = self.settings.device if self.settings else None
        count = sum(f.get("count", 0) for f in self.services.fields())
        rows = [
            (i18n.t("admin.device", lang), self.nav.device_id()),
            (i18n.t("admin.server", lang), self.settings.server.url if self.settings else ""),
            (i18n.t("info.office", lang), f"{device.office_code} — {device.office_name}" if device else ""),
            (i18n.t("admin.data_age", lang), present.data_age_text(self.services.data_age(), lang)),
            (i18n.t("admin.procedures", lang), str(count)),
        ]
        self.info_text = "\n".join(f"[b]{k}:[/b] {v}" for k, v in rows)

    def sync_now(self):
        self.sync_text = i18n.t("admin.syncing", i18n.lang)
        threading.Thread(target=self._sync_worker, daemon=True, name="admin-sync").start()

    def _sync_worker(self):
        try:
            self.services.sync_catalogue()
            count = sum(f.get("count", 0) for f in self.services.fields())
            text = i18n.t("admin.synced", i18n.lang, n=count)
        except SyncError as exc:
            text = i18n.t("admin.sync_failed", i18n.lang, why=exc.__class__.__name__)
        Clock.schedule_once(lambda _: self._synced(text))

    def _synced(self, text):
        self.sync_text = text
        self.refresh()

    def exit_app(self):
        self.nav.exit_app()
