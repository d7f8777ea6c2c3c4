"""Attract slideshow: the office's announcements while nobody uses the kiosk; a touch goes home."""

from kivy.clock import Clock
from kivy.properties import ListProperty, NumericProperty, StringProperty

from kiosk.screens.base import KioskScreen


class AttractScreen(KioskScreen):
    slides = ListProperty([])  # [("image", path) | ("text", words)]
    index = NumericProperty(0)
    image = StringProperty("")
    text = StringProperty("")
    slide_seconds = NumericProperty(8)

    def on_enter(self, *_):
        self.index = 0
        self._show_slide()
        self._event = Clock.schedule_interval(self.next_slide, self.slide_seconds)

    def on_leave(self, *_):
        event = getattr(self, "_event", None)
        if event is not None:
            event.cancel()

    def next_slide(self, *_):
        if self.slides:
            self.index = (self.index + 1) % len(self.slides)
        self._show_slide()

    def _show_slide(self):
        if not self.slides:
            self.image, self.text = "", ""
            return
        kind, value = self.slides[self.index]
        self.image, self.text = (value, "") if kind == "image" else ("", value)

    def on_touch_down(self, touch):
        self.nav.home()
        return True
