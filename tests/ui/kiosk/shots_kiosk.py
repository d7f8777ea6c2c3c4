"""Run by test_kiosk_screenshots.py, once per window size in a process of its own (MOTCUA_KIOSK_SIZE).

Screenshots of every kiosk screen with real demo data, for people to look at.
Written to $MOTCUA_ARTIFACTS/kiosk/ (default artifacts/kiosk/). Besides saving them, each screen is
checked for what a citizen could not read: text below 28 px, targets below 88 px, widgets off-screen.
"""

import pytest

from tests.ui.kiosk.kiosk_harness import KioskTestCase, demo_hints, write_kiosk_config  # noqa: E402


@pytest.fixture(scope="module")
def kiosk_config(demo_server, tmp_path_factory):
    from kiosk.__main__ import main

    ini = write_kiosk_config(tmp_path_factory.mktemp("kiosk"), demo_server, attract="yes")
    assert main(["sync", "--config", str(ini)]) == 0
    return ini, demo_server


class KioskScreenshotTest(KioskTestCase):
    @pytest.fixture(autouse=True)
    def _kiosk(self, kiosk_config):
        self.config_path, self.server = kiosk_config

    def check_readable(self, name):
        """No visible label under 28 px, no visible button under 88 px high, nothing off the window."""
        from kivy.core.window import Window
        from kivy.uix.label import Label

        from touchui.widgets import BigButton

        problems = []
        for widget in self.screen.walk(restrict=True):
            if not isinstance(widget, Label) or not widget.text or widget.opacity == 0 or widget.height < 2:
                continue
            if widget.get_root_window() is None:
                continue
            x, y = widget.to_window(widget.x, widget.y)
            if widget.font_size < 28 and "keyboard" not in type(widget.parent).__name__.lower():
                problems.append(f"{widget.text[:30]!r}: font {widget.font_size:.0f} px")
            if isinstance(widget, BigButton) and widget.height < 88:
                problems.append(f"button {widget.text[:30]!r}: {widget.height:.0f} px high")
            if x < -1 or x + widget.width > Window.width + 1:
                problems.append(f"{widget.text[:30]!r}: off the window horizontally")
        assert not problems, f"{name}: {problems}"

    def search_and_shoot(self, text, name, keyboard=False):
        """A new search typed on the on-screen keyboard, photographed with the keyboard open or closed."""
        screen = self.screen
        screen.search_again()
        self.tap_keys(screen.keyboard, text)
        self.wait_for(lambda: screen.ids.results.data or screen.nothing_fits, what=f"{text}: an answer")
        if not keyboard:
            screen.close_keyboard()
        self.advance_frames(4)
        self.check_readable(name)
        self.shot(name)

    def visit_all(self, size):
        code, secret, _status = demo_hints(self.server)[-1]
        self.start_kiosk(size=size)
        self.check_readable("home")
        self.shot("home")
        self.tap(self.ids()["procedures"])
        self.tap(self.ids()["keyboard_toggle"]) if not self.screen.keyboard_open else None
        self.tap_keys(self.screen.keyboard, "khai sinh")
        self.wait_for(lambda: self.ids()["results"].data, what="results")
        self.check_readable("procedures")
        self.shot("procedures-search")
        self.tap(self.ids()["keyboard_toggle"])
        self.shot("procedures-results")
        self.search_and_shoot("bao tu", "procedures-everyday-word")  # everyday words: báo tử -> khai tử
        self.search_and_shoot("qxz vvb", "procedures-nothing-fits", keyboard=True)
        self.tap(self.ids()["ask_counter"])
        self.advance_frames(4)
        self.check_readable("procedures-nothing-fits-counter")
        self.shot("procedures-nothing-fits-counter")
        self.screen.browse_fields()
        self.go("detail", code="1.001193")
        self.check_readable("detail")
        self.shot("detail")
        self.go("dossier", code=code)
        self.wait_for(lambda: self.screen.state == "found", what="dossier")
        self.tap(self.ids()["secret"])
        self.tap_keys(self.screen.keyboard, secret)
        self.tap(self.ids()["reveal"])
        self.wait_for(lambda: "steps" in self.screen.dossier and not self.screen.busy, what="steps")
        self.check_readable("dossier")
        self.shot("dossier")
        self.go("stats")
        self.check_readable("stats")
        self.shot("stats")
        self.go("info")
        self.check_readable("info")
        self.shot("info")
        self.go("admin")
        self.shot("admin")
        self.app.show_attract()
        self.advance_frames(3)
        self.shot("attract")
        self.app.home()
        self.advance_frames(3)  # the slideshow has left: the tap reaches home
        self.tap(self.ids()["lang"])
        from touchui.i18n import i18n

        assert i18n.lang == "en", "the language switch did not reach the home screen"
        self.shot("home-en")
        self.go("dossier", code="000.00.31.H29-200101-9999")
        self.wait_for(lambda: self.screen.state == "message", what="not found")
        self.shot("dossier-not-found-en")

    def test_every_screen_at_this_size(self):
        import os

        width, height = (int(v) for v in os.environ.get("MOTCUA_KIOSK_SIZE", "1920x1080").split("x"))
        self.visit_all((width, height))
