"""Vietnamese on-screen keyboard: big keys, diacritic letters, tone keys, Telex, a dossier-code mode."""
import os

from kivy.lang import Builder
from kivy.properties import (BooleanProperty, ListProperty, NumericProperty, ObjectProperty,
                             OptionProperty, StringProperty)
from kivy.uix.behaviors import ButtonBehavior, FocusBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from touchui.i18n import i18n
from touchui.theme import theme
from touchui.vietnamese_input import (CODE_CHARACTERS, DIACRITIC_LETTERS, TONE_SAMPLES, TONES,
                                      TelexComposer, delete_before, insert_at, nfc,
                                      tone_last_word)

Builder.load_file(os.path.join(os.path.dirname(__file__), "keyboard.kv"))

# A key is (kind, value, width in key units). Kinds: char, letter (diacritic), tone, and the
# actions backspace, space, clear, enter, shift, mode, telex.
_C = "char"
TEXT_LAYOUT = [
    [(_C, c, 1) for c in "1234567890"],
    [(_C, c, 1) for c in "qwertyuiop"],
    [(_C, c, 1) for c in "asdfghjkl"] + [("backspace", "", 1.5)],
    [("shift", "", 1.5)] + [(_C, c, 1) for c in "zxcvbnm"] + [(_C, ".", 1), (_C, "-", 1)],
    [("letter", c, 1) for c in DIACRITIC_LETTERS],
    [("tone", t, 1) for t in TONES],
    [("mode", "", 1.6), ("telex", "", 1.4), ("space", " ", 4), ("clear", "", 1.6), ("enter", "", 2)],
]
CODE_LAYOUT = [
    [(_C, c, 1) for c in "1234567890"],
    [(_C, c, 1) for c in "QWERTYUIOP"],
    [(_C, c, 1) for c in "ASDFGHJKL"] + [("backspace", "", 1.5)],
    [(_C, c, 1) for c in "ZXCVBNM"] + [(_C, ".", 1.25), (_C, "-", 1.25)],
    [("mode", "", 2), ("clear", "", 2), ("enter", "", 3)],
]
LAYOUTS = {"text": TEXT_LAYOUT, "code": CODE_LAYOUT}


class KeyButton(ButtonBehavior, Label):
    """One key. Touching it keeps the focus on the text field the keyboard types into."""

    kind = StringProperty(_C)
    value = StringProperty("")
    units = NumericProperty(1)
    active = BooleanProperty(False)
    """Drawn highlighted: shift, Telex or code mode switched on."""

    def on_touch_down(self, touch):
        if self.collide_point(*touch.pos):
            FocusBehavior.ignored_touch.append(touch)
        return super().on_touch_down(touch)


class KeyRow(BoxLayout):
    """A row of keys; each key's width is its share of the row's key units."""


class VietKeyboard(BoxLayout):
    """The keyboard. Give it a `target` TextInput, or read `text` and listen to `on_change`.

    Events: ``on_enter(text)`` when the Enter/OK key is pressed, ``on_change(text)`` after
    every edit. The target is switched to ``keyboard_mode = "managed"`` so the system
    keyboard never pops up.
    """

    target = ObjectProperty(None, allownone=True)
    text = StringProperty("")
    mode = OptionProperty("text", options=list(LAYOUTS))
    telex = BooleanProperty(False)
    shift = BooleanProperty(False)
    key_height = NumericProperty(0)
    """Height of one key row in px; 0 = the theme's default (72 sp × font scale, ≥ 64 px)."""
    key_spacing = NumericProperty(8)
    enter_text_key = StringProperty("kb.enter")
    """Catalog key of the Enter label ("kb.enter" Tìm/Search, "kb.ok" Xong/Done, ...)."""
    allow_modes = ListProperty(["text", "code"])
    """Modes the citizen may switch between; one mode hides the mode key."""
    row_count = NumericProperty(0)

    __events__ = ("on_enter", "on_change")

    def __init__(self, **kwargs):
        self.composer = TelexComposer()
        self._cursor = 0
        super().__init__(**kwargs)
        self.keys = []
        theme.bind(font_scale=self._refresh_height)
        from kivy.core.window import Window
        Window.bind(size=self._refresh_height)
        i18n.bind(lang=self._relabel)
        self.bind(mode=self._build, shift=self._relabel, telex=self._relabel,
                  allow_modes=self._build, enter_text_key=self._relabel,
                  key_height=self._refresh_height, key_spacing=self._refresh_height)
        self._build()

    # ---- layout -------------------------------------------------------------------------
    def row_height(self):
        """Height of a key row in px (at least 64 px: an elderly finger must hit it)."""
        if self.key_height:
            return self.key_height
        from kivy.core.window import Window
        # Portrait screens have room to spare: keys grow towards square (width / 11).
        by_window = min(Window.width / 11.0, Window.height / 16.0)
        return max(64.0, theme.sp_scaled(72), by_window)

    def _build(self, *_):
        self.clear_widgets()
        self.keys = []
        self.composer.reset()
        for spec_row in LAYOUTS[self.mode]:
            row = KeyRow(spacing=self.key_spacing)
            for kind, value, units in spec_row:
                if kind == "mode" and len(self.allow_modes) < 2:
                    continue
                key = KeyButton(kind=kind, value=value, units=units)
                key.bind(on_release=self._on_key_release)
                row.add_widget(key)
                self.keys.append(key)
            self.add_widget(row)
        self.row_count = len(LAYOUTS[self.mode])
        self._refresh_height()
        self._relabel()

    def _refresh_height(self, *_):
        rows = len(self.children)
        self.spacing = self.key_spacing
        self.padding = [self.key_spacing] * 4
        for row in self.children:
            row.spacing = self.key_spacing
            row.size_hint_y = None
            row.height = self.row_height()
        self.height = rows * self.row_height() + (rows + 1) * self.key_spacing
        # Labels grow with the keys (portrait kiosks get taller keys), never below the theme size.
        for key in self.keys:
            if key.kind in (_C, "letter"):
                key.font_size = max(theme.sp_scaled(34), self.row_height() * 0.42)
            else:
                key.font_size = max(theme.sp_scaled(28), self.row_height() * 0.3)

    def _relabel(self, *_):
        for key in self.keys:
            key.text = self.label_for(key.kind, key.value)
            key.active = ((key.kind == "shift" and self.shift)
                          or (key.kind == "telex" and self.telex)
                          or (key.kind == "mode" and self.mode == "code"))

    def label_for(self, kind, value):
        """What a key shows, in the current language."""
        if kind in (_C, "letter"):
            return value.upper() if self.shift and self.mode == "text" else value
        if kind == "tone":
            sample = TONE_SAMPLES[value]
            size = int(theme.sp_scaled(34))
            return f"[size={size}]{sample}[/size]\n{i18n.t('kb.tone.' + value)}"
        labels = {
            "backspace": "« " + i18n.t("pin.clear"),
            "space": i18n.t("kb.space"),
            "clear": i18n.t("kb.clear"),
            "enter": i18n.t(self.enter_text_key),
            "shift": i18n.t("kb.shift"),
            "telex": i18n.t("kb.telex"),
            "mode": i18n.t("kb.mode_text" if self.mode == "code" else "kb.mode_code"),
        }
        return labels[kind]

    def find_key(self, kind, value=""):
        """The KeyButton of that kind and value (tests and apps that highlight a key)."""
        for key in self.keys:
            if key.kind == kind and (not value or key.value == value):
                return key
        raise LookupError(f"no {kind} key {value!r} in {self.mode} mode")

    # ---- editing ------------------------------------------------------------------------
    def on_target(self, _, target):
        self.composer.reset()
        if target is not None and hasattr(target, "keyboard_mode"):
            target.keyboard_mode = "managed"
        if target is not None:
            self.text = target.text

    def _read(self):
        if self.target is None:
            return self.text, min(self._cursor, len(self.text))
        return self.target.text, self.target.cursor_index()

    def _write(self, text, cursor):
        text = nfc(text)
        cursor = min(cursor, len(text))
        if self.target is not None:
            self.target.text = text
            self.target.cursor = self.target.get_cursor_from_index(cursor)
        self._cursor = cursor
        self.text = text
        self.dispatch("on_change", text)

    def _on_key_release(self, key):
        self.press(key.kind, key.value)

    def press(self, kind, value=""):
        """Do what the key (kind, value) does; the same path a tap takes."""
        text, cursor = self._read()
        if kind == _C:
            self.type_text(value)
        elif kind == "letter":
            self.composer.reset()
            self._write(*insert_at(text, cursor, value.upper() if self.shift else value))
        elif kind == "tone":
            self.composer.reset()
            self._write(*tone_last_word(text, cursor, value))
        elif kind == "backspace":
            if self.telex and self.mode == "text":
                self._write(*self.composer.backspace(text, cursor))
            else:
                self._write(*delete_before(text, cursor))
        elif kind == "space":
            self.composer.reset()
            self._write(*insert_at(text, cursor, " "))
        elif kind == "clear":
            self.clear()
        elif kind == "enter":
            self.composer.reset()
            self.dispatch("on_enter", text)
        elif kind == "shift":
            self.shift = not self.shift
        elif kind == "telex":
            self.telex = not self.telex
            self.composer.reset()
        elif kind == "mode":
            others = [m for m in self.allow_modes if m != self.mode]
            if others:
                self.mode = others[0]
        else:
            raise ValueError(f"unknown key kind {kind!r}")

    def type_text(self, chars):
        """Type characters as the letter keys do (Telex applies in text mode when switched on)."""
        for char in chars:
            text, cursor = self._read()
            if self.mode == "code":
                char = char.upper()
                if char not in CODE_CHARACTERS:
                    continue
                self._write(*insert_at(text, cursor, char))
            elif self.telex:
                if self.shift:
                    char = char.upper()
                self._write(*self.composer.type(text, cursor, char))
            else:
                self.composer.reset()
                self._write(*insert_at(text, cursor, char.upper() if self.shift else char))

    def clear(self):
        """Empty the text (the clear key; apps call it when the kiosk goes back home)."""
        self.composer.reset()
        self._write("", 0)

    def on_enter(self, text):
        pass

    def on_change(self, text):
        pass
