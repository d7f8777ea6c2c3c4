"""Home: office name and logo, the four big doors, a clock and a quiet data-age indicator."""

import os

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty

from motcua import officetime
from kiosk.screens.base import KioskScreen
from touchui.i18n import i18n

DEFAULT_LOGO = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "kiosk", "logo.png")


class HomeScreen(KioskScreen):
    clock_text = StringProperty("")
    date_text = StringProperty("")
    status_text = StringProperty("")
    offline = BooleanProperty(False)

    logo = StringProperty("")

    def on_kv_post(self, _):
        logo = self.settings.kiosk.logo if self.settings else None
        self.logo = str(logo or DEFAULT_LOGO)
        self.tick()
        Clock.schedule_interval(self.tick, 1)
        i18n.bind(lang=self.tick)

    def tick(self, *_):
        now = officetime.now()
        self.clock_text = now.strftime("%H:%M")
        self.date_text = now.strftime("%d/%m/%Y")
        if self.services is not None:
            self.status_text = self.services.status_line(i18n.lang)
            self.offline = self.services.online is False
