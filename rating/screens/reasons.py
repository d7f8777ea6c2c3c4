"""Reasons screen after a low score: reason check-boxes, optional comment and call-back phone."""

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.togglebutton import ToggleButton

from rating.screens.base import TabletScreen
from touchui.i18n import i18n
from touchui.keyboard import VietKeyboard

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class ReasonToggle(ToggleButton):
    code = StringProperty("")


class ReasonsScreen(TabletScreen):
    show_comment = BooleanProperty(True)
    show_phone = BooleanProperty(True)
    reason_count = NumericProperty(0)  # how many reasons are offered: the grid's columns follow
    typing = StringProperty("")  # "text" or "phone" while the on-screen keyboard is open: the rest folds away
    keyboard = None  # the on-screen keyboard (touchui.keyboard.VietKeyboard), made on first use

    def refresh(self):
        flow, lang = self.flow, i18n.lang
        self.show_comment = flow.settings.comment
        self.show_phone = flow.settings.phone
        wanted = [(c, self.services.reason_label(c, lang)) for c in flow.settings.reason_codes]
        if getattr(self, "_shown", None) != wanted:
            self.show_reasons(wanted)
            self._shown = wanted
        self.set_ticked(flow.draft.reasons)

    def reset(self):
        """Nothing the last citizen typed is left: keyboard closed, fields empty."""
        if self.ids.comment.text or self.ids.phone.text or self.typing:
            self.close_keyboard()
            self.clear_inputs()

    def show_reasons(self, reasons: list[tuple[str, str]]):
        """(code, label) in the citizen's language; all unticked (a new citizen)."""
        grid = self.ids.reasons
        grid.clear_widgets()
        self.reason_count = len(reasons)
        for code, label in reasons:
            t = ReasonToggle(code=code, text=label)
            t.bind(on_release=lambda b: self.flow.toggle_reason(b.code))
            grid.add_widget(t)

    def set_ticked(self, codes):
        for t in self.ids.reasons.children:
            t.state = "down" if t.code in codes else "normal"

    def toggles(self) -> dict:
        return {t.code: t for t in self.ids.reasons.children}

    def clear_inputs(self):
        self.ids.comment.text = ""
        self.ids.phone.text = ""
        self.typing = ""

    # -- the citizen's buttons -----------------------------------------------------------------
    def submit(self):
        if self.show_phone and not self.flow.set_phone(self.ids.phone.text):
            return
        self.close_keyboard()
        self.flow.submit_reasons()

    def skip(self):
        self.close_keyboard()
        self.flow.skip_reasons()

    # -- on-screen keyboard --------------------------------------------------------------------
    def open_keyboard(self, field, kind):
        """A field got the focus: the keyboard for `kind` ("text" or "phone") opens under it."""
        self.flow.touch()
        slot = self.ids.keyboard_slot
        if self.keyboard is None:
            self.keyboard = VietKeyboard(enter_text_key="kb.ok", key_height=64, key_spacing=6)
            self.keyboard.bind(on_enter=lambda *a: self.close_keyboard(), on_change=lambda *a: self.flow.touch())
        kb = self.keyboard
        kb.allow_modes = ["code"] if kind == "phone" else ["text"]
        kb.mode = kb.allow_modes[0]
        kb.target = field
        if kb.parent is None:
            slot.add_widget(kb)
        slot.height = kb.height
        self.typing = kind

    def close_keyboard(self):
        if self.keyboard is not None and self.keyboard.parent is not None:
            slot = self.keyboard.parent
            slot.remove_widget(self.keyboard)
            slot.height = 0
            self.keyboard.target = None
        self.typing = ""
        for field in (self.ids.comment, self.ids.phone):
            field.focus = False
