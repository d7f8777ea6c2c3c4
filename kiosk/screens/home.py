"""Home: office name and logo, the four big doors, a clock and a quiet data-age indicator."""
import datetime as dt

from kivy.clock import Clock
from kivy.properties import StringProperty

from kiosk import present
from kiosk.present import OFFICE_TZ
from kiosk.screens.base import KioskScreen
from touchui.i18n import i18n


class HomeScreen(KioskScreen):
    clock_text = StringProperty("")
    date_text = StringProperty("")
    status_text = StringProperty("")

    def on_kv_post(self, _):
        self.tick()
        Clock.schedule_interval(self.tick, 1)
        i18n.bind(lang=self.tick)

    def tick(self, *_):
        now = dt.datetime.now(OFFICE_TZ)
        self.clock_text = now.strftime("%H:%M")
        self.date_text = now.strftime("%d/%m/%Y")
        if self.services is not None:
            self.status_text = self.services.status_line(i18n.lang)
