"""USB barcode scanner input: a code typed fast and ended by Enter, caught on any screen."""

import time

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import NumericProperty

from touchui.window import WindowListener

from touchui.vietnamese_input import normalise_code

ENTER_KEYS = (13, 271)  # Return, keypad Enter
BACKSPACE_KEY = 8


class ScannerInput(WindowListener, EventDispatcher):
    """Listens on the Window and delivers ``on_scan(code)`` for a fast burst ended by Enter.

    A scanner types each character a few milliseconds after the previous one; a person
    needs 100 ms or more. A burst is a run of characters each arriving less than `max_gap`
    seconds after the previous one. Enter (within `max_gap` of the last character) ends it;
    if the burst holds at least `min_length` characters, the code is delivered trimmed and
    upper-cased, whatever screen is showing.

    Keeping the code out of a focused TextInput: the scanner re-binds itself after every
    touch so it usually sees keys first; then it swallows the second and later characters
    of a burst and the Enter that ends a scan. Characters that did reach the focused text
    field (the first one, or all of them when something bound later) are removed from it
    when the scan completes. A burst that turns out not to be a scan is given back to the
    focused field, in order, as if typed.

    Apps whose text fields take no keyboard focus (they are typed into through an on-screen
    keyboard, as the kiosk's are) pass `typing_target`: a function returning the on-screen
    keyboard of the field on screen (anything with ``type_text(chars)`` and ``press(kind)``), or
    None. While it returns one and no TextInput has the focus, a physical keyboard types there: each
    character is held until `max_gap` has passed without another (a person types 100 ms or more
    apart, so nobody notices), then typed, unless Enter ended a scan; Backspace and Enter at a
    person's pace act as the on-screen keys do.
    """

    max_gap = NumericProperty(0.05)
    min_length = NumericProperty(6)

    __events__ = ("on_scan",)

    def __init__(
        self, on_scan=None, window=None, now=time.monotonic, max_gap=0.05, min_length=6, typing_target=None, **kwargs
    ):
        super().__init__(**kwargs)
        self.typing_target = typing_target
        self.max_gap = max_gap
        self.min_length = min_length
        self._now = now
        self._window = window
        self._burst = []  # characters of the current burst, in order
        self._swallowed = []  # those kept from the focused field
        self._leaked = []  # those that reached it (removed again if it was a scan)
        self._last_at = None
        self._replaying = False
        self._flush_event = None
        self.running = False
        if on_scan is not None:
            self.bind(on_scan=lambda _, code: on_scan(code))

    def start(self):
        """Start listening (idempotent)."""
        if not self.running:
            self._bind_first()
            self.window.fbind("on_touch_up", self._after_touch)
            self._flush_event = Clock.schedule_interval(self._flush_if_stale, self.max_gap)
            self.running = True
        return self

    def stop(self):
        """Stop listening; a burst in progress is given back to the focused field."""
        if not self.running:
            return
        self._give_back()
        self.window.funbind("on_key_down", self._on_key_down)
        self.window.funbind("on_textinput", self._on_textinput)
        self.window.funbind("on_touch_up", self._after_touch)
        if self._flush_event is not None:
            self._flush_event.cancel()
        self.running = False

    # Window events are dispatched to the handler bound last first: re-binding after a
    # touch (when a TextInput may have taken the keyboard) puts the scanner back in front.
    def _bind_first(self, *_):
        self.window.funbind("on_key_down", self._on_key_down)
        self.window.funbind("on_textinput", self._on_textinput)
        self.window.fbind("on_key_down", self._on_key_down)
        self.window.fbind("on_textinput", self._on_textinput)

    def _after_touch(self, *_):
        Clock.schedule_once(self._bind_first, 0)

    # ---- the burst ----------------------------------------------------------------------
    def _on_textinput(self, _window, text):
        if self._replaying:
            return False
        now = self._now()
        fast = self._last_at is not None and now - self._last_at < self.max_gap
        if not fast:
            self._give_back()
            self._burst, self._leaked = [], []
        self._last_at = now
        self._burst.append(text)
        if self._target() is not None:  # no field has the focus: every character waits for the verdict
            self._swallowed.append(text)
            return True
        if fast and self._is_first("on_textinput"):
            self._swallowed.append(text)
            return True
        # This one reached the focused field; make sure the next ones come to us first.
        self._leaked.append(text)
        self._bind_first()
        return False

    def _is_first(self, event):
        observers = self.window.get_property_observers(event)
        handler = self._on_textinput if event == "on_textinput" else self._on_key_down
        return bool(observers) and observers[-1] == handler

    def _target(self):
        """The on-screen keyboard a physical keyboard types into now (None: a focused field, or none)."""
        if self.typing_target is None or focused_text_field(self.window) is not None:
            return None
        return self.typing_target()

    def _on_key_down(self, _window, key, *_args):
        if self._replaying:
            return False
        if key == BACKSPACE_KEY:
            target = self._target()
            if target is None:
                return False
            self._give_back()
            self._burst, self._leaked, self._last_at = [], [], None
            target.press("backspace")
            return True
        if key not in ENTER_KEYS:
            return False
        now = self._now()
        fast = self._last_at is not None and now - self._last_at < self.max_gap
        code = normalise_code("".join(self._burst))
        if fast and len(code) >= self.min_length:
            leaked = "".join(self._leaked)
            self._burst, self._swallowed, self._leaked, self._last_at = [], [], [], None
            self._remove_from_focused(leaked)
            self.dispatch("on_scan", code)
            return True
        self._give_back()
        self._burst, self._leaked, self._last_at = [], [], None
        target = self._target()
        if target is not None:  # a person's Enter: what the on-screen Enter key does
            target.press("enter")
            return True
        return False

    def _flush_if_stale(self, *_):
        if self._swallowed and self._now() - self._last_at >= self.max_gap:
            self._give_back()
            self._burst, self._leaked, self._last_at = [], [], None

    def _give_back(self):
        """Type the swallowed characters into whatever has the keyboard, as a person typed them."""
        chars, self._swallowed = self._swallowed, []
        if not chars:
            return
        target = self._target()
        if target is not None:
            target.type_text("".join(chars))
            return
        self._replaying = True
        try:
            for char in chars:
                self.window.dispatch("on_textinput", char)
        finally:
            self._replaying = False

    def _remove_from_focused(self, chars):
        if not chars:
            return
        field = focused_text_field(self.window)
        if field is None:
            return
        cursor = field.cursor_index()
        if field.text[:cursor].endswith(chars):
            start = cursor - len(chars)
            field.text = field.text[:start] + field.text[cursor:]
            field.cursor = field.get_cursor_from_index(start)

    def on_scan(self, code):
        pass


def focused_text_field(window):
    """The TextInput that holds the keyboard now, if any."""
    from kivy.uix.textinput import TextInput

    for keyboard in getattr(window, "_keyboards", {}).values():
        target = getattr(keyboard, "target", None)
        if isinstance(target, TextInput) and target.focus:
            return target
    return None
