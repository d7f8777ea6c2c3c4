"""Imported first by every window test: Kivy with no screen (offscreen SDL), no argv, no ~/.kivy; a test
clock, and the taps and waits the kiosk, rating and touchui window suites share."""

import os
import time

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONFIG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
os.environ.setdefault("KIVY_CLIPBOARD", "dummy")
os.environ.pop("DISPLAY", None)


class FakeClock:
    """Monotonic seconds the test moves by hand (idle timer, scanner, admin gesture, cooldowns take `now=`)."""

    def __init__(self, start: float = 1000.0):
        self.t = start

    def __call__(self):
        return self.t


class WindowGestures:
    """Mixed into a kivy GraphicUnitTest: real taps on widgets or points, and waiting with frames."""

    frames_after_tap = 2
    wait_seconds = 10.0

    def tap(self, widget):
        assert widget.get_root_window() is not None, (
            f"{widget} {getattr(widget, 'text', '')!r} is not on screen (parent {widget.parent})"
        )
        x, y = widget.to_window(*widget.center)
        self.tap_at(x, y)

    def tap_at(self, x, y):
        from kivy.tests.common import UnitTestTouch

        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()
        self.advance_frames(self.frames_after_tap)

    def wait_for(self, condition, seconds=None, what="condition"):
        """Advances frames until condition() holds; fails after `seconds` (default wait_seconds)."""
        deadline = time.monotonic() + (seconds or self.wait_seconds)
        while time.monotonic() < deadline:
            self.advance_frames(1)
            if condition():
                return
            time.sleep(0.01)
        raise AssertionError(f"timed out waiting for {what}")
