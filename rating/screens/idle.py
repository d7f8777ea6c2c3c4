"""Idle screen: the officer on duty (photo, name, title, counter) and the invitation to rate."""
from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.screenmanager import Screen

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
PLACEHOLDER = str(Path(__file__).resolve().parents[2] / "assets" / "rating" / "officer.png")


class IdleScreen(Screen):
    officer_name = StringProperty("")
    officer_title = StringProperty("")
    photo = StringProperty(PLACEHOLDER)
    has_officer = BooleanProperty(False)
    waits_for_officer = BooleanProperty(False)
    officer_button = BooleanProperty(False)

    def show_officer(self, officer, photo_path=None):
        self.has_officer = officer is not None
        self.officer_name = officer.get("name", "") if officer else ""
        self.officer_title = (officer.get("title") or "") if officer else ""
        self.photo = photo_path if photo_path and Path(photo_path).is_file() else PLACEHOLDER
