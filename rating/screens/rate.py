"""Rate screen: the question and one big face per level of the configured scale."""
from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.screenmanager import Screen

from rating.widgets.faces import FacePanel  # noqa: F401  (used in rate.kv)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class RateScreen(Screen):
    officer_line = StringProperty("")
    dossier_line = StringProperty("")
