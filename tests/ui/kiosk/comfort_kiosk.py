"""Run by test_kiosk_comfort.py in a process of its own, the window made at 1920×1080 (MOTCUA_KIOSK_SIZE):
the kiosk as a visitor meets it, with real taps and key events against the real demo server.

- "Home" keeps the language the visitor chose; the idle reset brings the office's back.
- Before the idle reset a countdown says so; a touch cancels it and keeps the visitor's place.
- The help screen names the office's opening hours, address and hotline ([help] in kiosk.ini).
- Nothing a citizen reads is cut short: with font_scale = 1.3 and with the keyboard open at 1.0,
  long procedure and field names wrap onto more lines instead of ending in "…".
- A person typing on a USB keyboard (120–200 ms between keys) reaches the search and dossier fields;
  a scanner's burst on the same screens still opens the dossier, and leaves the fields clean.
Screenshots go to $MOTCUA_ARTIFACTS/kiosk/ for people to look at.
"""

import pytest

from tests.ui.kiosk.kiosk_harness import KioskTestCase, demo_hints, write_kiosk_config  # noqa: E402

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


@pytest.fixture(scope="module")
def large_text_config(demo_server, tmp_path_factory):
    """The same kiosk with font_scale = 1.3, the value CONFIG.md suggests for elderly readers."""
    from kiosk.__main__ import main

    ini = comfort_config(tmp_path_factory.mktemp("kiosk13"), demo_server, font_scale="1.3")
    assert main(["sync", "--config", str(ini)]) == 0
    return ini


def _hidden(widget) -> bool:
    while widget is not None and widget is not widget.parent:
        if getattr(widget, "opacity", 1) == 0:
            return True
        widget = widget.parent
    return False


def cut_short(screen) -> list[str]:
    """The visible labels of `screen` whose text does not fit: shortened with "…" or clipped."""
    from kivy.core.text import Label as CoreLabel
    from kivy.uix.label import Label

    from kivy.uix.textinput import TextInput

    problems = []
    for field in screen.walk(restrict=True):
        if isinstance(field, TextInput) and not field.text and field.hint_text and not _hidden(field):
            core = CoreLabel(font_size=field.font_size, font_name=field.font_name)
            width = core.get_extents(field.hint_text)[0]
            room = field.width - field.padding[0] - field.padding[2]
            if width > room + 1:
                problems.append(f"hint cut: {field.hint_text[:60]!r} ({width:.0f} px in {room:.0f})")
    for label in screen.walk(restrict=True):
        if not isinstance(label, Label) or not label.text or label.opacity == 0 or label.width < 2:
            continue
        if label.get_root_window() is None or _hidden(label):
            continue
        if label.shorten:
            core = CoreLabel(text=label.text, font_size=label.font_size, bold=label.bold, font_name=label.font_name)
            width = core.get_extents(label.text)[0]
            room = (label.text_size[0] or label.width) - 2 * label.padding[0]
            if width > room + 1:
                problems.append(f"shortened: {label.text[:60]!r} ({width:.0f} px in {room:.0f})")
        elif label.text_size[0] and label.texture_size[1] > label.height + 2:
            problems.append(f"clipped: {label.text[:60]!r} ({label.texture_size[1]:.0f} px in {label.height:.0f})")
        elif not label.text_size[0] and label.texture_size[0] > label.width + 2:  # runs into its neighbours
            problems.append(f"overflows: {label.text[:60]!r} ({label.texture_size[0]:.0f} px in {label.width:.0f})")
    return problems


def check_nothing_cut(test, name):
    """Fails naming every label on the test's screen whose text is cut short or overflows (`cut_short`)."""
    test.advance_frames(6)
    problems = cut_short(test.screen)
    assert not problems, f"{name}: {problems}"


class KioskComfortTest(KioskTestCase):
    @pytest.fixture(autouse=True)
    def _kiosk(self, kiosk_config, large_text_config):
        self.config_path, self.server = kiosk_config
        self.large_text_path = large_text_config

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

    # ---- a physical keyboard --------------------------------------------------------------
    def type_physically(self, text, gap=0.15):
        """Keys pressed by a person on a USB keyboard: key down, the character, key up, `gap` s apart."""
        from kivy.core.window import Window

        for char in text:
            self.clock.t += gap
            Window.dispatch("on_key_down", ord(char.lower()), 0, char, [])
            Window.dispatch("on_textinput", char)
            Window.dispatch("on_key_up", ord(char.lower()), 0)
            self.advance_frames(1)
        self.clock.t += gap

    def press_physically(self, key, scancode):
        from kivy.core.window import Window

        Window.dispatch("on_key_down", key, scancode, None, [])
        Window.dispatch("on_key_up", key, scancode)
        self.advance_frames(2)

    def test_typing_on_a_usb_keyboard_reaches_the_search_field(self):
        self.start_kiosk()
        self.tap(self.ids("home")["procedures"])
        query = self.ids()["query"]
        assert not self.screen.keyboard_open  # landscape: the on-screen keyboard is not even open
        self.type_physically("ket hon", gap=0.12)
        self.wait_for(lambda: query.text == "ket hon", seconds=3, what=f"the typed words (field: {query.text!r})")
        self.wait_for(
            lambda: self.ids()["results"].data and self.ids()["results"].data[0]["code"] == "1.000894",
            what="results for ket hon",
        )
        for _ in range(3):
            self.clock.t += 0.2
            self.press_physically(8, 42)  # Backspace
        assert query.text == "ket "
        self.type_physically("khai sinh", gap=0.2)
        self.wait_for(lambda: query.text == "ket khai sinh", seconds=3, what="typing on after erasing")
        # A scanner on the same screen: the dossier opens, nothing of the code lands in the search field.
        code, _secret, _status = demo_hints(self.server)[-1]
        self.scan(code.lower())
        self.wait_for(lambda: self.app.root.current == "dossier", seconds=3, what="the scanned dossier")
        assert query.text == "ket khai sinh"

    def test_typing_a_dossier_code_on_a_usb_keyboard_and_enter_looks_it_up(self):
        code, _secret, _status = demo_hints(self.server)[0]
        self.start_kiosk()
        self.tap(self.ids("home")["dossier"])
        assert self.app.root.current == "dossier"
        self.type_physically(code.lower(), gap=0.13)
        self.wait_for(lambda: self.ids()["code"].text == code.upper(), seconds=3, what="the typed code")
        self.press_physically(13, 40)  # a person's Enter: the lookup, as the on-screen Enter key does
        self.wait_for(lambda: self.screen.state == "found", what="the dossier typed in")

    # ---- large text: wrapped, never cut ---------------------------------------------------------
    def visible_rows(self, recycleview):
        return [v for v in recycleview.children[0].children if v.opacity > 0]

    def check_nothing_cut(self, name):
        check_nothing_cut(self, name)

    def test_large_text_wraps_long_names_in_the_list_and_the_detail(self):
        from touchui.theme import theme

        self.config_path = self.large_text_path
        self.start_kiosk()
        assert theme.font_scale == 1.3
        self.tap(self.ids("home")["procedures"])
        self.check_nothing_cut("the empty search at 1.3")
        fields = self.ids()["fields"]
        residence = next(row for row in fields.data if "cư trú" in row["title"])
        self.tap(self.row_for(fields, code=residence["code"]))
        self.check_nothing_cut("procedures at 1.3")
        self.shot("procedures-font-1.3")
        self.go("detail", code="1.000689")  # Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con
        self.check_nothing_cut("detail at 1.3")
        self.shot("detail-font-1.3")

    def test_long_names_wrap_with_the_keyboard_open(self):
        self.start_kiosk()
        self.tap(self.ids("home")["procedures"])
        self.tap(self.ids()["keyboard_toggle"])
        self.tap_keys(self.screen.keyboard, "khai sinh")
        self.wait_for(lambda: len(self.ids()["results"].data) > 5, what="results")
        self.check_nothing_cut("procedures with the keyboard at 1.0")
        self.shot("procedures-keyboard-font-1.0")
        self.tap(self.ids()["keyboard_toggle"])
        self.check_nothing_cut("procedures at 1.0")
        self.shot("procedures-font-1.0")
        self.go("detail", code="1.000689")
        self.check_nothing_cut("detail at 1.0")
        self.shot("detail-font-1.0")

    def test_large_text_cuts_nothing_on_the_other_screens(self):
        """font_scale = 1.3 on the screens a citizen reads besides the list and the detail: home, a found
        dossier with its steps, the statistics and the help screen."""
        from touchui.theme import theme

        code, secret, _status = demo_hints(self.server)[0]
        self.config_path = self.large_text_path
        self.start_kiosk()
        assert theme.font_scale == 1.3
        self.check_nothing_cut("home at 1.3")
        self.open_dossier_steps(code, secret)
        self.check_nothing_cut("dossier at 1.3")
        self.shot("dossier-font-1.3")
        self.tap(self.screen.ids.topbar.ids.home)
        self.tap(self.ids("home")["stats"])
        self.check_nothing_cut("statistics at 1.3")
        self.shot("stats-font-1.3")
        self.tap(self.screen.ids.topbar.ids.home)
        self.tap(self.ids("home")["info"])
        self.check_nothing_cut("help at 1.3")
        self.shot("info-font-1.3")

    def test_the_lookup_code_typed_on_a_usb_keyboard_after_the_dossier_shows_its_steps(self):
        code, secret, _status = demo_hints(self.server)[0]
        self.start_kiosk()
        self.tap(self.ids("home")["dossier"])
        self.type_physically(code.lower(), gap=0.15)
        self.press_physically(13, 40)
        self.wait_for(lambda: self.screen.state == "found" and not self.screen.busy, what="the dossier typed in")
        self.type_physically(secret.lower(), gap=0.18)
        self.wait_for(
            lambda: self.ids()["secret"].text == secret.upper(),
            seconds=3,
            what=f"the typed lookup code (field: {self.ids()['secret'].text!r})",
        )
        self.press_physically(13, 40)
        self.wait_for(lambda: "steps" in self.screen.dossier and not self.screen.busy, what="the steps")
