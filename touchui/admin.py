"""Hidden admin gesture (taps in a screen corner) and the admin PIN pad with lock-out."""

import hmac
import os
import time

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.lang import Builder
from kivy.properties import NumericProperty, ObjectProperty, OptionProperty, StringProperty
from kivy.uix.modalview import ModalView

from touchui.window import WindowListener

from touchui.i18n import i18n
from touchui import widgets  # noqa: F401  (BigButton, used by admin.kv)

Builder.load_file(os.path.join(os.path.dirname(__file__), "admin.kv"))

CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")


class AdminGesture(WindowListener, EventDispatcher):
    """Fires ``on_gesture`` after `taps` taps within `within` seconds in a screen corner.

    The corner is a square of `size` px at `corner` (default: 5 taps in 3 s in the top-left
    120 px square). Touches are never swallowed: the widgets underneath still get them.
    A tap outside the corner, or too slow a sequence, starts the count again.
    """

    taps = NumericProperty(5)
    within = NumericProperty(3.0)
    size = NumericProperty(120)
    corner = OptionProperty("top-left", options=list(CORNERS))

    __events__ = ("on_gesture",)

    def __init__(self, on_gesture=None, window=None, now=time.monotonic, **kwargs):
        super().__init__(**kwargs)
        self._now = now
        self._window = window
        self._times = []
        self.running = False
        if on_gesture is not None:
            self.bind(on_gesture=lambda *_: on_gesture())

    def start(self):
        if not self.running:
            self.window.fbind("on_touch_down", self._on_touch_down)
            self.running = True
        return self

    def stop(self):
        if self.running:
            self.window.funbind("on_touch_down", self._on_touch_down)
            self.running = False

    def in_corner(self, x, y):
        """True when window point (x, y) lies in the admin corner."""
        width, height = self.window.size
        left = x <= self.size if self.corner.endswith("left") else x >= width - self.size
        top = y >= height - self.size if self.corner.startswith("top") else y <= self.size
        return left and top

    def _on_touch_down(self, _window, touch):
        if not self.in_corner(touch.x, touch.y):
            self._times = []
            return False
        now = self._now()
        self._times = [t for t in self._times if now - t <= self.within] + [now]
        if len(self._times) >= self.taps:
            self._times = []
            self.dispatch("on_gesture")
        return False

    def on_gesture(self):
        pass


def plain_pin_checker(expected):
    """A PIN check against a plain PIN from config (constant-time comparison)."""
    expected_bytes = str(expected).encode()

    def check(pin):
        return bool(expected) and hmac.compare_digest(str(pin).encode(), expected_bytes)

    return check


class PinGuard:
    """Counts wrong PINs: after `max_attempts` wrong ones, refuses every PIN for `lockout` s.

    Kept apart from the pad so closing and reopening the pad does not reset the count.
    `check` is any callable ``pin -> bool`` (a plain PIN, a pbkdf2 hash check, ...).
    """

    def __init__(self, check, max_attempts=3, lockout=60.0, now=time.monotonic):
        if not callable(check):
            raise TypeError("PinGuard needs a callable check(pin) -> bool")
        self.check = check
        self.max_attempts = max_attempts
        self.lockout = lockout
        self._now = now
        self.wrong = 0
        self.locked_until = None

    def locked_for(self):
        """Seconds left in the lock-out (0 when not locked)."""
        if self.locked_until is None:
            return 0.0
        left = self.locked_until - self._now()
        if left <= 0:
            self.locked_until = None
            self.wrong = 0
            return 0.0
        return left

    @property
    def attempts_left(self):
        return max(0, self.max_attempts - self.wrong)

    def attempt(self, pin):
        """ "ok", "wrong" or "locked" (a PIN typed during the lock-out is not even checked)."""
        if self.locked_for() > 0:
            return "locked"
        if self.check(pin):
            self.wrong = 0
            return "ok"
        self.wrong += 1
        if self.wrong >= self.max_attempts:
            self.locked_until = self._now() + self.lockout
            return "locked"
        return "wrong"


class PinPad(ModalView):
    """Full-screen PIN pad: big digits, the PIN shown as dots, OK / Delete / Cancel.

    `title` says whose PIN is asked (default: the admin PIN, touchui's "pin.title").
    Events: ``on_success`` (then the pad closes), ``on_cancel``.
    """

    guard = ObjectProperty(None)
    title = StringProperty("")
    pin = StringProperty("")
    message = StringProperty("")
    max_length = NumericProperty(8)
    dots = StringProperty("")

    __events__ = ("on_success", "on_cancel")

    def __init__(self, guard, on_success=None, **kwargs):
        kwargs.setdefault("auto_dismiss", False)
        super().__init__(guard=guard, **kwargs)
        if on_success is not None:
            self.bind(on_success=lambda *_: on_success())
        self._tick = Clock.schedule_interval(self._refresh_lock_message, 1.0)
        self._refresh_lock_message()

    def on_pin(self, *_):
        self.dots = " ".join("•" * len(self.pin))

    def press_digit(self, digit):
        if self.guard.locked_for() > 0:
            self._refresh_lock_message()
            return
        if len(self.pin) < self.max_length:
            self.pin += str(digit)

    def delete(self):
        self.pin = self.pin[:-1]

    def submit(self):
        """Check the typed PIN through the guard."""
        pin, self.pin = self.pin, ""
        if not pin and self.guard.locked_for() <= 0:
            return
        result = self.guard.attempt(pin)
        if result == "ok":
            self.message = ""
            self.dispatch("on_success")
            self.dismiss()
        elif result == "wrong":
            self.message = i18n.t("pin.wrong", left=self.guard.attempts_left)
        else:
            self._refresh_lock_message()

    def cancel(self):
        self.pin = ""
        self.dispatch("on_cancel")
        self.dismiss()

    def _refresh_lock_message(self, *_):
        seconds = self.guard.locked_for()
        if seconds > 0:
            self.message = i18n.t("pin.locked", seconds=int(seconds + 0.999))
        elif self.message.startswith(i18n.t("pin.locked", seconds="")[:8]):
            self.message = ""

    def on_dismiss(self):
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None

    def on_success(self):
        pass

    def on_cancel(self):
        pass
