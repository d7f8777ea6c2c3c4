"""The shared touch widgets in one offscreen window: real taps on keys, PIN pad, idle, scanner."""

from tests.support.ui import FakeClock, WindowGestures  # noqa: E402  (first: Kivy runs headless)

from kivy.tests.common import GraphicUnitTest  # noqa: E402


class TouchUITestCase(WindowGestures, GraphicUnitTest):
    """Helpers: a sized window and real taps (screenshots: test_screenshots.py, one process per size)."""

    frames_after_tap = 1

    def set_window(self, width, height):
        from kivy.core.window import Window

        Window.size = (width, height)
        self.advance_frames(3)
        assert tuple(Window.size) == (width, height)

    def tearDown(self, fake=False):
        from touchui.i18n import i18n
        from touchui.theme import theme

        i18n.lang = "vi"
        theme.reset()
        super().tearDown(fake)


def keyboard_with_field(**kwargs):
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.textinput import TextInput

    from touchui.keyboard import VietKeyboard

    root = BoxLayout(orientation="vertical")
    field = TextInput(multiline=False, font_size=40, size_hint_y=None, height=96)
    root.add_widget(field)
    root.add_widget(BoxLayout())
    keyboard = VietKeyboard(target=field, **kwargs)
    root.add_widget(keyboard)
    return root, field, keyboard


class KeyboardTest(TouchUITestCase):
    def type_by_taps(self, keyboard, keys):
        for kind, value in keys:
            self.tap(keyboard.find_key(kind, value))

    def test_telex_taps_on_the_keys_type_dang_ky(self):
        self.set_window(1920, 1080)
        root, field, keyboard = keyboard_with_field()
        self.render(root)
        self.tap(keyboard.find_key("telex"))
        assert keyboard.telex
        keys = [("char", c) for c in "ddawng"] + [("space", " ")] + [("char", c) for c in "kys"]
        self.type_by_taps(keyboard, keys)
        assert field.text == "đăng ký"
        assert keyboard.text == "đăng ký"
        assert field.keyboard_mode == "managed"

    def test_diacritic_and_tone_keys_type_dang_ky(self):
        self.set_window(1080, 1920)
        root, field, keyboard = keyboard_with_field()
        self.render(root)
        self.type_by_taps(
            keyboard,
            [
                ("letter", "đ"),
                ("letter", "ă"),
                ("char", "n"),
                ("char", "g"),
                ("space", " "),
                ("char", "k"),
                ("char", "y"),
                ("tone", "sac"),
            ],
        )
        assert field.text == "đăng ký"
        self.tap(keyboard.find_key("tone", "sac"))  # the same tone again takes it off
        assert field.text == "đăng ky"
        self.tap(keyboard.find_key("tone", "nang"))
        assert field.text == "đăng kỵ"
        self.tap(keyboard.find_key("tone", "sac"))  # another tone replaces it
        assert field.text == "đăng ký"
        self.tap(keyboard.find_key("shift"))
        self.tap(keyboard.find_key("letter", "ư"))
        assert field.text == "đăng kýƯ"
        assert keyboard.find_key("char", "q").text == "Q"
        self.tap(keyboard.find_key("shift"))
        self.tap(keyboard.find_key("backspace"))
        # backspace and clear
        self.tap(keyboard.find_key("backspace"))
        assert field.text == "đăng k"
        self.tap(keyboard.find_key("clear"))
        assert field.text == ""

    def test_code_mode_types_a_dossier_code_and_enter_delivers_it(self):
        self.set_window(1920, 1080)
        root, field, keyboard = keyboard_with_field()
        entered = []
        keyboard.bind(on_enter=lambda _, text: entered.append(text))
        self.render(root)
        self.tap(keyboard.find_key("mode"))
        assert keyboard.mode == "code"
        code = "000.00.31.H29-251103-0007"
        self.type_by_taps(keyboard, [("char", c) for c in code])
        self.tap(keyboard.find_key("enter"))
        assert entered == [code]
        # characters a code cannot hold are refused
        keyboard.type_text("a b!")
        assert field.text == code + "AB"

    def test_keys_are_big_enough_in_landscape_and_portrait(self):
        from touchui.widgets import MIN_TOUCH_HEIGHT, TopBar

        for width, height in ((1920, 1080), (1080, 1920)):
            self.set_window(width, height)
            root, field, keyboard = keyboard_with_field()
            bar = TopBar(title="Tra cứu thủ tục hành chính")
            root.add_widget(bar, index=len(root.children))
            self.render(root)
            keyboard.type_text("thủ tục đăng ký khai sinh")
            self.advance_frames(2)
            for key in keyboard.keys:
                assert key.height >= 64, (key.kind, key.value, key.height)
                assert key.width >= 64, (key.kind, key.value, key.width)
            assert bar.ids.back.height >= MIN_TOUCH_HEIGHT
            self.tap(keyboard.find_key("mode"))
            self.advance_frames(2)
            for key in keyboard.keys:
                assert key.height >= 64 and key.width >= 64, (key.value, key.size)
            self.clear_window_and_event_loop()

    def test_language_switch_relabels_keys_live(self):
        from touchui.widgets import TopBar

        self.set_window(1920, 1080)
        root, field, keyboard = keyboard_with_field()
        bar = TopBar(title="Trang chủ")
        root.add_widget(bar, index=len(root.children))
        self.render(root)
        assert keyboard.find_key("space").text == "Dấu cách"
        self.tap(bar.ids.language)
        assert keyboard.find_key("space").text == "Space"
        assert bar.ids.language.text == "Tiếng Việt"
        self.tap(bar.ids.language)
        assert keyboard.find_key("space").text == "Dấu cách"


class PinPadTest(TouchUITestCase):
    def open_pad(self, guard, **kwargs):
        from kivy.uix.widget import Widget

        from touchui.admin import PinPad

        self.render(Widget())
        pad = PinPad(guard, **kwargs)
        pad.open(animation=False)
        self.advance_frames(3)
        return pad

    def digit_key(self, pad, digit):
        for child in pad.ids.digits.children:
            if child.text == str(digit):
                return child
        raise LookupError(digit)

    def type_digits(self, pad, digits):
        for digit in digits:
            self.tap(self.digit_key(pad, digit))

    def enter_pin(self, pad, pin):
        self.type_digits(pad, pin)
        self.tap(pad.ids.ok)

    def test_wrong_pin_is_refused_right_pin_unlocks(self):
        from touchui.admin import PinGuard, plain_pin_checker

        self.set_window(1920, 1080)
        unlocked = []
        pad = self.open_pad(PinGuard(plain_pin_checker("2468")), on_success=lambda: unlocked.append(True))
        self.enter_pin(pad, "1111")
        assert unlocked == []
        assert "Sai mã PIN" in pad.message and "2" in pad.message
        self.type_digits(pad, "246")
        self.tap(pad.ids.delete)  # typo corrected: 24 then 68
        self.type_digits(pad, "68")
        assert pad.dots == "• • • •"
        self.tap(pad.ids.ok)
        assert unlocked == [True]

    def test_three_wrong_pins_lock_out_for_sixty_seconds(self):
        from touchui.admin import PinGuard, plain_pin_checker

        self.set_window(1920, 1080)
        clock = FakeClock()
        guard = PinGuard(plain_pin_checker("2468"), now=clock)
        unlocked = []
        pad = self.open_pad(guard, on_success=lambda: unlocked.append(True))
        for _ in range(3):
            self.enter_pin(pad, "0000")
        assert "Đã tạm khóa" in pad.message
        self.enter_pin(pad, "2468")  # right PIN, but locked out
        assert unlocked == []
        clock.t += 59
        self.enter_pin(pad, "2468")
        assert unlocked == []
        clock.t += 2
        self.enter_pin(pad, "2468")
        assert unlocked == [True]

    def test_pin_pad_keys_are_big_enough(self):
        from touchui.admin import PinGuard, plain_pin_checker

        for width, height in ((1920, 1080), (1080, 1920)):
            self.set_window(width, height)
            pad = self.open_pad(PinGuard(plain_pin_checker("2468")))
            for digit in "13":
                self.tap(self.digit_key(pad, digit))
            self.tap(pad.ids.ok)
            for digit in "24":
                self.tap(self.digit_key(pad, digit))
            for key in pad.ids.digits.children:
                assert key.height >= 88 and key.width >= 88, (key.text, key.size)
            pad.dismiss(animation=False)
            self.advance_frames(2)
            self.clear_window_and_event_loop()


class AdminGestureTest(TouchUITestCase):
    def test_five_quick_taps_in_the_corner_open_the_admin(self):
        from kivy.core.window import Window
        from kivy.uix.widget import Widget

        from touchui.admin import AdminGesture

        self.set_window(1920, 1080)
        self.render(Widget())
        clock = FakeClock()
        opened = []
        gesture = AdminGesture(on_gesture=lambda: opened.append(True), now=clock).start()
        try:
            corner = (20, Window.height - 20)
            for _ in range(4):
                self.tap_at(*corner)
                clock.t += 0.5
            self.tap_at(960, 540)  # a tap elsewhere starts the count again
            for _ in range(4):
                self.tap_at(*corner)
                clock.t += 0.5
            assert opened == []
            self.tap_at(*corner)
            assert opened == [True]
            for _ in range(5):  # five taps spread over 4 s: not the gesture
                self.tap_at(*corner)
                clock.t += 1.0
            assert opened == [True]
        finally:
            gesture.stop()


class IdleTimerTest(TouchUITestCase):
    def test_idle_fires_after_timeout_and_a_touch_resets_it(self):
        from kivy.core.window import Window
        from kivy.uix.widget import Widget

        from touchui.idle import IdleTimer

        self.set_window(1280, 800)
        self.render(Widget())
        clock = FakeClock()
        fired = []
        idle = IdleTimer(timeout=30, on_idle=lambda: fired.append(clock.t), now=clock, check_interval=0).start()
        try:
            clock.t += 29
            self.advance_frames(2)
            assert fired == []
            self.tap_at(640, 400)  # the citizen touches the screen
            clock.t += 29
            self.advance_frames(2)
            assert fired == []
            clock.t += 20
            Window.dispatch("on_key_down", 97, 4, "a", [])  # a key counts as activity too
            clock.t += 20
            self.advance_frames(2)
            assert fired == []
            clock.t += 11
            self.advance_frames(2)
            assert len(fired) == 1
            clock.t += 100  # fires once, not every 30 s
            self.advance_frames(2)
            assert len(fired) == 1
            idle.pause()
            self.tap_at(640, 400)
            clock.t += 100
            self.advance_frames(2)
            assert len(fired) == 1  # paused: nothing fires
            idle.resume()
            clock.t += 31
            self.advance_frames(2)
            assert len(fired) == 2
        finally:
            idle.stop()


class IdleCountdownTest(TouchUITestCase):
    def test_the_last_second_is_said_in_the_singular(self):
        from kivy.uix.widget import Widget

        from touchui.countdown import IdleCountdown
        from touchui.i18n import i18n

        self.set_window(1280, 800)
        self.render(Widget())
        countdown = IdleCountdown(seconds=10)
        countdown.open()
        try:
            for lang, many, one in (
                ("en", "home page in 2 seconds — touch", "home page in 1 second — touch"),
                ("vi", "trang chủ sau 2 giây — chạm", "trang chủ sau 1 giây — chạm"),
            ):
                i18n.lang = lang
                countdown.seconds = 1.5
                self.advance_frames(2)
                assert many in countdown.ids.message.text, countdown.ids.message.text
                countdown.seconds = 0.4
                self.advance_frames(2)
                assert one in countdown.ids.message.text, countdown.ids.message.text
        finally:
            countdown.dismiss()


class ScannerTest(TouchUITestCase):
    def setup_field(self):
        from kivy.uix.boxlayout import BoxLayout
        from kivy.uix.textinput import TextInput

        self.set_window(1280, 800)
        root = BoxLayout()
        field = TextInput(multiline=False)
        root.add_widget(field)
        self.render(root)
        field.focus = True
        self.advance_frames(2)
        return field

    def type_keys(self, clock, text, gap, enter=True):
        from kivy.core.window import Window

        for char in text:
            clock.t += gap
            Window.dispatch("on_key_down", ord(char.lower()), 0, char, [])
            Window.dispatch("on_textinput", char)
        if enter:
            clock.t += gap
            Window.dispatch("on_key_down", 13, 40, None, [])
        self.advance_frames(1)

    def test_fast_keys_ended_by_enter_deliver_a_code_and_leave_the_field_clean(self):
        from touchui.scanner import ScannerInput

        field = self.setup_field()
        field.text = "khai sinh"
        field.cursor = field.get_cursor_from_index(len(field.text))
        clock = FakeClock()
        codes = []
        validated = []
        field.bind(on_text_validate=lambda *_: validated.append(field.text))
        scanner = ScannerInput(on_scan=codes.append, now=clock).start()
        try:
            self.type_keys(clock, " 000.00.31.h29-251103-0007", gap=0.004)
            assert codes == ["000.00.31.H29-251103-0007"]
            assert field.text == "khai sinh"
            assert validated == []  # the scan's Enter did not submit the field
        finally:
            scanner.stop()

    def test_scan_into_a_field_focused_after_the_scanner_started_is_cleaned_up(self):
        from touchui.scanner import ScannerInput

        clock = FakeClock()
        codes = []
        scanner = ScannerInput(on_scan=codes.append, now=clock).start()
        try:
            # The field takes the keyboard after the scanner: it sees the first key first.
            field = self.setup_field()
            field.text = "ho tich"
            field.cursor = field.get_cursor_from_index(len(field.text))
            self.type_keys(clock, "000.00.31.H29-251103-0008", gap=0.003)
            assert codes == ["000.00.31.H29-251103-0008"]
            assert field.text == "ho tich"
        finally:
            scanner.stop()

    def test_slow_typing_is_not_a_scan_and_reaches_the_field(self):
        from touchui.scanner import ScannerInput

        field = self.setup_field()
        clock = FakeClock()
        codes = []
        validated = []
        field.bind(on_text_validate=lambda *_: validated.append(field.text))
        scanner = ScannerInput(on_scan=codes.append, now=clock).start()
        try:
            self.type_keys(clock, "1234567", gap=0.2)
            assert codes == []
            assert field.text == "1234567"
            assert validated == ["1234567"]  # a person's Enter still submits the field
        finally:
            scanner.stop()

    def test_short_fast_burst_is_given_back_to_the_field(self):
        from touchui.scanner import ScannerInput

        field = self.setup_field()
        clock = FakeClock()
        codes = []
        scanner = ScannerInput(on_scan=codes.append, now=clock).start()
        try:
            self.type_keys(clock, "abc", gap=0.01)  # key rollover, then Enter: too short
            assert codes == []
            assert field.text == "abc"
        finally:
            scanner.stop()


class LockdownTest(TouchUITestCase):
    def test_escape_close_and_settings_are_refused_until_the_admin_allows_exit(self):
        from kivy.app import App
        from kivy.config import Config
        from kivy.core.window import Window
        from kivy.uix.widget import Widget

        from touchui.lockdown import lock_down

        self.set_window(1280, 800)
        self.render(Widget())
        app = App()
        lockdown = lock_down(app, fullscreen=False, borderless=False, show_cursor=True)
        try:
            assert Config.get("kivy", "exit_on_escape") == "0"
            assert "disable_multitouch" in Config.get("input", "mouse")
            assert Window.dispatch("on_request_close") is True  # refused
            assert Window.dispatch("on_key_down", 27, 41, None, []) is True
            assert Window.dispatch("on_key_down", 282, 58, None, []) is True  # F1
            assert app.open_settings() is False
            assert lockdown.refused_closes == 1 and lockdown.refused_escapes == 1
            lockdown.allow_exit()
            assert not Window.dispatch("on_request_close")
        finally:
            lockdown.release()
