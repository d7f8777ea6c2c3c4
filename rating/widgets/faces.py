"""A big tappable face (image + label) and the row/column of faces for the configured scale."""

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

FACES_DIR = Path(__file__).resolve().parents[2] / "assets" / "faces"
Builder.load_file(str(Path(__file__).with_suffix(".kv")))


def face_image(scale: int, score: int) -> str:
    return str(FACES_DIR / f"face_{scale}_{score}.png")


class FaceButton(ButtonBehavior, BoxLayout):
    """One level of the scale; `on_release` is bound by FacePanel to the flow's `choose`."""

    score = NumericProperty(0)
    source = StringProperty("")
    label = StringProperty("")
    portrait = BooleanProperty(False)


class FacePanel(BoxLayout):
    """The faces, best on the left (landscape) or on top (portrait); rebuilt when scale changes."""

    on_choose = ObjectProperty(None)
    portrait = BooleanProperty(False)

    def show(self, scale: int, labels: dict):
        self.clear_widgets()
        self.orientation = "vertical" if self.portrait else "horizontal"
        for score in sorted(labels, reverse=True):
            btn = FaceButton(score=score, source=face_image(scale, score), label=labels[score], portrait=self.portrait)
            btn.bind(on_release=lambda b: self.on_choose and self.on_choose(b.score))
            self.add_widget(btn)

    def buttons(self) -> dict:
        return {b.score: b for b in self.children}
