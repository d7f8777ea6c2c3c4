"""Rate screen: the question and one big face per level of the configured scale."""

from pathlib import Path

from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import StringProperty

from rating.screens.base import TabletScreen, t
from rating.widgets.faces import FacePanel  # noqa: F401  (used in rate.kv)
from touchui.i18n import i18n

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class RateScreen(TabletScreen):
    officer_line = StringProperty("")
    dossier_line = StringProperty("")

    def on_kv_post(self, _):
        self.ids.faces.on_choose = lambda score: self.flow.choose(score)

    def refresh(self):
        flow, lang = self.flow, i18n.lang
        if flow.officer:
            self.officer_line = f"{flow.officer.get('name', '')} · " + t("counter", counter=flow.counter)
        self.dossier_line = t("dossier_linked", code=flow.draft.dossier_code) if flow.draft.dossier_code else ""
        labels = {s: self.services.score_label(s, lang) for s in range(1, flow.settings.scale + 1)}
        faces = self.ids.faces
        portrait = Window.height > Window.width * 1.1
        if getattr(faces, "_shown", None) != (labels, portrait):  # rebuilt only when it looks different
            faces.portrait = portrait
            faces.show(flow.settings.scale, labels)
            faces._shown = (labels, portrait)
