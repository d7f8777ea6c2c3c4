"""Run by test_kiosk_dossier_screen.py in a process of its own, the window made at 1080×1920
(MOTCUA_KIOSK_SIZE): the dossier screen on a portrait kiosk. After a lookup the code field and the
receipt's lookup code (secret) field are at the top, the result card right under them, and no half-screen
gap between; once the steps are shown the history fills the room below, nothing pushed off the screen.
Screenshots go to $MOTCUA_ARTIFACTS/kiosk/."""

import pytest

from tests.ui.kiosk.kiosk_harness import KioskTestCase, demo_hints, write_kiosk_config  # noqa: E402


@pytest.fixture(scope="module")
def kiosk_config(demo_server, tmp_path_factory):
    from kiosk.__main__ import main

    ini = write_kiosk_config(tmp_path_factory.mktemp("kiosk"), demo_server)
    assert main(["sync", "--config", str(ini)]) == 0
    return ini, demo_server


def top(widget):
    return widget.to_window(widget.x, widget.top)[1]


def bottom(widget):
    return widget.to_window(widget.x, widget.y)[1]


class DossierPortraitTest(KioskTestCase):
    size = (1080, 1920)

    @pytest.fixture(autouse=True)
    def _kiosk(self, kiosk_config):
        self.config_path, self.server = kiosk_config

    def test_fields_on_top_the_card_right_under_them_the_history_filling_the_rest(self):
        from kivy.core.window import Window

        code, secret, _status = demo_hints(self.server)[0]
        self.start_kiosk()
        self.tap(self.ids("home")["dossier"])
        screen, ids = self.screen, self.ids()
        assert screen.portrait
        self.tap_keys(screen.keyboard, code)
        self.tap(screen.keyboard.find_key("enter"))  # "Xong": looks up and closes the keyboard
        self.wait_for(lambda: screen.state == "found" and not screen.busy, what="the dossier")
        self.advance_frames(6)
        height = Window.height
        facts = screen.cards["facts"]
        # the code field is near the top, under the top bar
        assert height - top(ids["code"]) <= 320, f"the code field starts {height - top(ids['code']):.0f} px down"
        # the secret field right under the code field, not at the bottom of the screen
        gap = bottom(ids["code"]) - top(ids["secret"])
        assert 0 <= gap <= 40, f"{gap:.0f} px between the code field and the lookup code field"
        # the result card right under the secret field: no half screen empty between them
        gap = bottom(ids["secret"]) - top(facts)
        assert 0 <= gap <= 60, f"{gap:.0f} px between the lookup code field and the result card"
        assert bottom(facts) >= 0
        self.shot("dossier-portrait-found")
        # the keyboard comes back for the secret, at the bottom, the fields still at the top
        self.tap(ids["secret"])
        self.advance_frames(4)
        assert screen.keyboard.get_root_window() is not None
        assert bottom(ids["secret"]) > top(screen.keyboard), "the keyboard covers the lookup code field"
        assert bottom(screen.keyboard) >= 0
        self.tap_keys(screen.keyboard, secret)
        self.shot("dossier-portrait-secret-typing")
        self.tap(screen.keyboard.find_key("enter"))
        self.wait_for(lambda: "steps" in screen.dossier and not screen.busy, what="its steps")
        self.advance_frames(6)
        assert screen.keyboard.get_root_window() is None, "Xong left the keyboard open"
        steps, scroll = screen.cards["steps"], ids["scroll"]
        assert steps.get_root_window() is not None and steps.parent == ids["result"]
        gap = bottom(ids["secret"]) - top(facts)
        assert 0 <= gap <= 60, f"{gap:.0f} px between the lookup code field and the result card"
        # the history uses the room below: the scrolling area reaches the bottom of the screen
        assert bottom(scroll) <= 60, f"{bottom(scroll):.0f} px left empty under the step history"
        assert bottom(scroll) >= 0
        # and the history starts on screen, without scrolling
        assert top(steps) - bottom(scroll) >= 300, "the step history starts below the fold"
        self.shot("dossier-portrait-steps")
