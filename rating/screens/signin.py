"""Officer sign-in (staff side): pick your name from the office's staff list, enter your PIN."""
from pathlib import Path

from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.button import Button
from kivy.uix.screenmanager import Screen

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class OfficerChoice(Button):
    staff_id = NumericProperty(0)


class SignInScreen(Screen):
    chosen_id = NumericProperty(0)
    chosen_name = StringProperty("")
    error = StringProperty("")

    def open(self, officers):
        self.chosen_id, self.chosen_name, self.error = 0, "", ""
        self.ids.pin.text = ""
        grid = self.ids.officers
        grid.clear_widgets()
        for o in officers:
            b = OfficerChoice(staff_id=int(o["id"]), text=o.get("name", ""))
            b.bind(on_release=lambda btn: self.choose(btn.staff_id, btn.text))
            grid.add_widget(b)

    def choose(self, staff_id, name):
        self.chosen_id, self.chosen_name, self.error = staff_id, name, ""
        for b in self.ids.officers.children:
            b.state = "down" if b.staff_id == staff_id else "normal"

    def submit(self, app):
        if not self.chosen_id:
            self.error = app.t("pick_officer")
            return False
        pin = self.ids.pin.text
        self.ids.pin.text = ""
        if not app.sign_in(self.chosen_id, pin):
            self.error = app.t("wrong_pin")
            return False
        return True

    def buttons(self) -> dict:
        return {b.staff_id: b for b in self.ids.officers.children}
