"""Idle timer: after N seconds without a touch or a key anywhere, the app goes back home."""

import time

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, NumericProperty

from touchui.window import WindowListener


class IdleTimer(WindowListener, EventDispatcher):
    """Fires ``on_idle`` once after `timeout` seconds with no touch or key in the Window.

    Any touch (down, move, up), key or text input restarts the count. `pause()` stops it
    (e.g. while a long video plays, or the admin is in settings); `resume()` starts a fresh
    count. After firing it waits for the next activity before it can fire again, so a kiosk
    left alone goes home once, not every N seconds.

    With `warning_seconds` > 0, ``on_countdown(seconds_left)`` is dispatched on every check in
    the last `warning_seconds` before firing (the app shows "back to the home screen in 10 s —
    touch to continue"); the next activity ends the countdown (``on_activity``).

    Time comes from `now` (monotonic seconds) and the check runs on Kivy's Clock every
    `check_interval` seconds: tests pass a fake `now` and advance frames, no sleeping.
    """

    timeout = NumericProperty(60.0)
    paused = BooleanProperty(False)
    running = BooleanProperty(False)
    fired = BooleanProperty(False)
    """True after firing, until the next activity."""
    warning_seconds = NumericProperty(0.0)
    """Seconds before firing during which ``on_countdown`` is dispatched (0: no countdown)."""

    __events__ = ("on_idle", "on_activity", "on_countdown")

    def __init__(
        self,
        timeout=60.0,
        on_idle=None,
        window=None,
        now=time.monotonic,
        check_interval=0.5,
        warning_seconds=0.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if timeout <= 0:
            raise ValueError(f"idle timeout must be > 0 seconds, got {timeout!r}")
        if warning_seconds < 0:
            raise ValueError(f"idle warning must be >= 0 seconds, got {warning_seconds!r}")
        self.timeout = timeout
        self.warning_seconds = warning_seconds
        self._now = now
        self._window = window
        self._check_interval = check_interval
        self._event = None
        self._last_activity = now()
        if on_idle is not None:
            self.bind(on_idle=lambda *_: on_idle())

    # ---- life cycle -----------------------------------------------------------------
    def start(self):
        """Listen to the Window and start counting. Idempotent."""
        if self.running:
            return self
        self.window.fbind("on_touch_down", self._on_input)
        self.window.fbind("on_touch_move", self._on_input)
        self.window.fbind("on_touch_up", self._on_input)
        self.window.fbind("on_key_down", self._on_input)
        self.window.fbind("on_textinput", self._on_input)
        self._event = Clock.schedule_interval(self.check, self._check_interval)
        self.running = True
        self.reset()
        return self

    def stop(self):
        """Stop listening and counting."""
        if not self.running:
            return
        for name in ("on_touch_down", "on_touch_move", "on_touch_up", "on_key_down", "on_textinput"):
            self.window.funbind(name, self._on_input)
        if self._event is not None:
            self._event.cancel()
            self._event = None
        self.running = False

    def pause(self):
        """Hold the count (nothing fires while paused)."""
        self.paused = True

    def resume(self):
        """Start a fresh count after a pause."""
        self.paused = False
        self.reset()

    def reset(self):
        """Restart the count from now (called on every touch and key)."""
        self._last_activity = self._now()
        self.fired = False

    # ---- state ----------------------------------------------------------------------
    @property
    def seconds_idle(self):
        return max(0.0, self._now() - self._last_activity)

    @property
    def seconds_left(self):
        """Seconds before firing (for a "returning home in 10 s" hint)."""
        return max(0.0, self.timeout - self.seconds_idle)

    def check(self, *_):
        """Fire if the timeout has passed; the Clock calls this every `check_interval`."""
        if self.paused or self.fired or not self.running:
            return
        if self.seconds_idle >= self.timeout:
            self.fired = True
            self.dispatch("on_idle")
        elif 0 < self.seconds_left <= min(self.warning_seconds, self.timeout / 2):
            self.dispatch("on_countdown", self.seconds_left)

    def _on_input(self, *args):
        self.reset()
        self.dispatch("on_activity")
        return False  # never swallow the event: widgets still get it

    def on_idle(self):
        pass

    def on_activity(self):
        pass

    def on_countdown(self, seconds_left):
        pass
