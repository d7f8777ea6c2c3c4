"""Reasons screen after a low score: reason check-boxes, optional comment and call-back phone."""
from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import Screen
from kivy.uix.togglebutton import ToggleButton

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class ReasonToggle(ToggleButton):
    code = StringProperty("")


class ReasonsScreen(Screen):
    show_comment = BooleanProperty(True)
    show_phone = BooleanProperty(True)
    typing = StringProperty("")  # "text" or "phone" while the on-screen keyboard is open: the rest folds away
    on_toggle = ObjectProperty(None)

    def show_reasons(self, reasons: list[tuple[str, str]]):
        """(code, label) in the citizen's language; all unticked (a new citizen)."""
        grid = self.ids.reasons
        grid.clear_widgets()
        for code, label in reasons:
            t = ReasonToggle(code=code, text=label)
            t.bind(on_release=lambda b: self.on_toggle and self.on_toggle(b.code))
            grid.add_widget(t)

    def relabel(self, labels: dict):
        for t in self.ids.reasons.children:
            t.text = labels.get(t.code, t.text)

    def set_ticked(self, codes):
        for t in self.ids.reasons.children:
            t.state = "down" if t.code in codes else "normal"

    def toggles(self) -> dict:
        return {t.code: t for t in self.ids.reasons.children}

    def clear_inputs(self):
        self.ids.comment.text = ""
        self.ids.phone.text = ""
        self.typing = ""
