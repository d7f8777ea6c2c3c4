"""Run by test_kiosk_comfort.py in a process of its own, the window made at 1920×1080 (MOTCUA_KIOSK_SIZE):
the kiosk as a visitor meets it, with real taps and key events against the real demo server.

- "Home" keeps the language the visitor chose; the idle reset brings the office's back.
- Before the idle reset a countdown says so; a touch cancels it and keeps the visitor's place.
- The help screen names the office's opening hours, address and hotline ([help] in kiosk.ini).
Screenshots go to $MOTCUA_ARTIFACTS/kiosk/ for people to look at.
"""

import pytest

from tests.ui.kiosk.kiosk_harness import KioskTestCase, write_kiosk_config  # noqa: E402

HOURS = "Sáng 7 giờ 30 – 11 giờ 30, chiều 13 giờ 30 – 17 giờ 00, thứ Hai đến thứ Sáu"
HELP = f"""[help]
opening_hours = {HOURS} | Sáng thứ Bảy: tiếp nhận hồ sơ
address = Số 1 đường Trần Hưng Đạo, xã Phước Long
hotline = 0291 3 870 123
"""


def comfort_config(folder, server, font_scale="1.0"):
    ini = write_kiosk_config(folder, server)
    text = ini.read_text(encoding="utf-8").replace("kiosk_mode = no", f"kiosk_mode = no\nfont_scale = {font_scale}")
    ini.write_text(text + HELP, encoding="utf-8")
    return ini


@pytest.fixture(scope="module")
def kiosk_config(demo_server, tmp_path_factory):
    from kiosk.__main__ import main

    ini = comfort_config(tmp_path_factory.mktemp("kiosk"), demo_server)
    assert main(["sync", "--config", str(ini)]) == 0
    return ini, demo_server


class KioskComfortTest(KioskTestCase):
    @pytest.fixture(autouse=True)
    def _kiosk(self, kiosk_config):
        self.config_path, self.server = kiosk_config

    def texts(self, widget=None):
        from kivy.uix.label import Label

        root = widget or self.screen
        return [w.text for w in root.walk() if isinstance(w, Label) and w.text and w.opacity > 0]

    def test_home_keeps_the_chosen_language_until_the_idle_reset(self):
        from touchui.i18n import i18n

        self.start_kiosk()
        self.tap(self.ids("home")["lang"])
        assert i18n.lang == "en"
        self.tap(self.ids("home")["procedures"])
        self.tap(self.ids()["keyboard_toggle"])
        self.tap_keys(self.screen.keyboard, "birth")
        self.tap(self.screen.ids.topbar.ids.home)
        assert self.app.root.current == "home"
        assert i18n.lang == "en", "Home switched the visitor back to Vietnamese"
        assert "Administrative procedures" in " ".join(self.texts())
        assert self.app.root.get_screen("procedures").ids.query.text == ""  # what was typed is still forgotten
        self.clock.t += self.cfg.kiosk.idle_seconds + 1
        self.wait_for(lambda: i18n.lang == "vi", seconds=3, what="the idle reset")
        assert self.app.root.current == "home"

    def test_a_countdown_comes_before_the_idle_reset_and_a_touch_cancels_it(self):
        self.start_kiosk()
        idle = self.cfg.kiosk.idle_seconds
        assert self.cfg.kiosk.idle_warning_seconds == 10
        self.tap(self.ids("home")["procedures"])
        self.tap(self.ids()["keyboard_toggle"])
        self.tap_keys(self.screen.keyboard, "khai sinh")
        self.wait_for(lambda: self.ids()["results"].data, what="results")
        countdown = self.app.countdown
        self.clock.t += idle - 11
        self.advance_frames(40)
        assert not countdown.showing, "the countdown came too early"
        self.clock.t += 3  # 8 seconds left
        self.wait_for(lambda: countdown.showing, seconds=3, what="the countdown")
        message = countdown.ids.message.text
        assert message == "Màn hình sẽ trở về trang chủ sau 8 giây — chạm để tiếp tục", message
        assert countdown.ids.number.text == "8"
        self.shot("idle-countdown")
        self.clock.t += 3
        self.wait_for(lambda: countdown.whole_seconds == 5, seconds=3, what="the countdown to go on")
        # A touch anywhere (here on a result row) cancels it: nothing is pressed, nothing is lost.
        row = self.row_for(self.ids()["results"], code=self.ids()["results"].data[0]["code"])
        self.tap(row)
        self.advance_frames(20)
        assert not countdown.showing
        assert self.app.root.current == "procedures" and self.ids()["query"].text == "khai sinh"
        # Left alone again: the countdown, then the reset.
        self.clock.t += idle - 5
        self.wait_for(lambda: countdown.showing, seconds=3, what="the second countdown")
        self.clock.t += 6
        self.wait_for(lambda: self.app.root.current == "home", seconds=3, what="the idle reset")
        self.advance_frames(10)
        assert not countdown.showing and countdown.parent is None
        assert self.app.root.get_screen("procedures").ids.query.text == ""

    def test_no_countdown_on_an_untouched_home_screen(self):
        self.start_kiosk()
        self.clock.t += self.cfg.kiosk.idle_seconds - 5
        self.advance_frames(40)
        assert not self.app.countdown.showing  # nothing to reset: no one is told to touch anything

    def test_the_help_screen_names_opening_hours_address_and_hotline(self):
        from touchui.i18n import i18n

        self.start_kiosk()
        self.tap(self.ids("home")["info"])
        assert self.app.root.current == "info"
        shown = "\n".join(self.texts())
        for text in (
            "Giờ làm việc",
            f"{HOURS}\nSáng thứ Bảy: tiếp nhận hồ sơ",
            "Địa chỉ",
            "Số 1 đường Trần Hưng Đạo, xã Phước Long",
            "Đường dây nóng",
            "0291 3 870 123",
        ):
            assert text in shown, f"{text!r} is not on the help screen"
        self.shot("info-office")
        i18n.switch()
        self.advance_frames(4)
        shown = "\n".join(self.texts())
        assert "Opening hours" in shown and "Hotline" in shown and "0291 3 870 123" in shown
        self.shot("info-office-en")
