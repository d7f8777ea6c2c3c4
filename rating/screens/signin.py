"""Officer sign-in (staff side): pick your name from the office's staff list, then the PIN pad."""

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.button import Button

from rating.screens.base import TabletScreen

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class OfficerChoice(Button):
    staff_id = NumericProperty(0)


class SignInScreen(TabletScreen):
    chosen_id = NumericProperty(0)
    chosen_name = StringProperty("")
    error = StringProperty("")

    def open(self):
        """A fresh list of the office's officers, none chosen."""
        self.chosen_id, self.chosen_name, self.error = 0, "", ""
        grid = self.ids.officers
        grid.clear_widgets()
        for o in self.services.duty.officers():
            b = OfficerChoice(staff_id=int(o["id"]), text=o.get("name", ""))
            b.bind(on_release=lambda btn: self.choose(btn.staff_id, btn.text))
            grid.add_widget(b)

    def choose(self, staff_id, name):
        """A name tapped: the PIN pad for that officer opens."""
        self.chosen_id, self.chosen_name, self.error = staff_id, name, ""
        for b in self.ids.officers.children:
            b.state = "down" if b.staff_id == staff_id else "normal"
        self.nav.ask_officer_pin(staff_id)

    def buttons(self) -> dict:
        return {b.staff_id: b for b in self.ids.officers.children}
