"""Imported first by every window test: Kivy with no screen (offscreen SDL), no argv, no ~/.kivy, and a test clock."""

import os

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
