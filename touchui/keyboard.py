"""Vietnamese on-screen keyboard: big keys, diacritic letters, tone keys, Telex, a dossier-code mode."""

import os
from enum import StrEnum

from kivy.lang import Builder
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior, FocusBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from touchui.i18n import i18n
from touchui.theme import theme
from touchui.vietnamese_input import (
    CODE_CHARACTERS,
    DIACRITIC_LETTERS,
    TONE_SAMPLES,
    TONES,
    TelexComposer,
    delete_before,
    insert_at,
    nfc,
    tone_last_word,
)

Builder.load_file(os.path.join(os.path.dirname(__file__), "keyboard.kv"))


class KeyKind(StrEnum):
    """What a key does (`KeyButton.kind`; keyboard.kv draws by it): types a character, a diacritic
    letter or a tone, or is one of the action keys."""

    CHAR = "char"
    LETTER = "letter"  # a letter with its diacritic (ă â đ ê ô ơ ư)
    TONE = "tone"  # puts a tone mark on the last word
    BACKSPACE = "backspace"
    SPACE = "space"
    CLEAR = "clear"
    ENTER = "enter"
    SHIFT = "shift"
    MODE = "mode"  # text <-> dossier code
    TELEX = "telex"  # Telex typing on/off


K = KeyKind
TYPING = (K.CHAR, K.LETTER)  # keys that type what they show (big labels)
# A key is (kind, value, width in key units).
TEXT_LAYOUT = [
    [(K.CHAR, c, 1) for c in "1234567890"],
    [(K.CHAR, c, 1) for c in "qwertyuiop"],
    [(K.CHAR, c, 1) for c in "asdfghjkl"] + [(K.BACKSPACE, "", 1.5)],
    [(K.SHIFT, "", 1.5)] + [(K.CHAR, c, 1) for c in "zxcvbnm"] + [(K.CHAR, ".", 1), (K.CHAR, "-", 1)],
    [(K.LETTER, c, 1) for c in DIACRITIC_LETTERS],
    [(K.TONE, t, 1) for t in TONES],
    [(K.MODE, "", 1.6), (K.TELEX, "", 1.4), (K.SPACE, " ", 4), (K.CLEAR, "", 1.6), (K.ENTER, "", 2)],
]
CODE_LAYOUT = [
    [(K.CHAR, c, 1) for c in "1234567890"],
    [(K.CHAR, c, 1) for c in "QWERTYUIOP"],
    [(K.CHAR, c, 1) for c in "ASDFGHJKL"] + [(K.BACKSPACE, "", 1.5)],
    [(K.CHAR, c, 1) for c in "ZXCVBNM"] + [(K.CHAR, ".", 1.25), (K.CHAR, "-", 1.25)],
    [(K.MODE, "", 2), (K.CLEAR, "", 2), (K.ENTER, "", 3)],
]
LAYOUTS = {"text": TEXT_LAYOUT, "code": CODE_LAYOUT}


class KeyButton(ButtonBehavior, Label):
    """One key. Touching it keeps the focus on the text field the keyboard types into."""

    kind = StringProperty(K.CHAR)
    """A KeyKind."""
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
        self.bind(
            mode=self._build,
            shift=self._relabel,
            telex=self._relabel,
            allow_modes=self._build,
            enter_text_key=self._relabel,
            key_height=self._refresh_height,
            key_spacing=self._refresh_height,
        )
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
                if kind == K.MODE and len(self.allow_modes) < 2:
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
            if key.kind in TYPING:
                key.font_size = max(theme.sp_scaled(34), self.row_height() * 0.42)
            else:
                key.font_size = max(theme.sp_scaled(28), self.row_height() * 0.3)

    def _relabel(self, *_):
        for key in self.keys:
            key.text = self.label_for(key.kind, key.value)
            key.active = (
                (key.kind == K.SHIFT and self.shift)
                or (key.kind == K.TELEX and self.telex)
                or (key.kind == K.MODE and self.mode == "code")
            )

    def label_for(self, kind, value):
        """What a key shows, in the current language."""
        if kind in TYPING:
            return value.upper() if self.shift and self.mode == "text" else value
        if kind == K.TONE:
            sample = TONE_SAMPLES[value]
            size = int(theme.sp_scaled(34))
            return f"[size={size}]{sample}[/size]\n{i18n.t('kb.tone.' + value)}"
        labels = {
            K.BACKSPACE: "« " + i18n.t("pin.clear"),
            K.SPACE: i18n.t("kb.space"),
            K.CLEAR: i18n.t("kb.clear"),
            K.ENTER: i18n.t(self.enter_text_key),
            K.SHIFT: i18n.t("kb.shift"),
            K.TELEX: i18n.t("kb.telex"),
            K.MODE: i18n.t("kb.mode_text" if self.mode == "code" else "kb.mode_code"),
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
        if kind == K.CHAR:
            self.type_text(value)
        elif kind == K.LETTER:
            self.composer.reset()
            self._write(*insert_at(text, cursor, value.upper() if self.shift else value))
        elif kind == K.TONE:
            self.composer.reset()
            self._write(*tone_last_word(text, cursor, value))
        elif kind == K.BACKSPACE:
            if self.telex and self.mode == "text":
                self._write(*self.composer.backspace(text, cursor))
            else:
                self._write(*delete_before(text, cursor))
        elif kind == K.SPACE:
            self.composer.reset()
            self._write(*insert_at(text, cursor, " "))
        elif kind == K.CLEAR:
            self.clear()
        elif kind == K.ENTER:
            self.composer.reset()
            self.dispatch("on_enter", text)
        elif kind == K.SHIFT:
            self.shift = not self.shift
        elif kind == K.TELEX:
            self.telex = not self.telex
            self.composer.reset()
        elif kind == K.MODE:
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
