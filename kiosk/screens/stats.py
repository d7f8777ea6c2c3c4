"""Statistics: the office's on-time and satisfaction rates with simple bar charts, as of the last sync."""

from kivy.properties import BooleanProperty, ListProperty, StringProperty

from kiosk import present
from motcua import officetime
from kiosk.screens.base import KioskScreen
from touchui.i18n import i18n


class StatsScreen(KioskScreen):
    has_stats = BooleanProperty(False)
    punctual_text = StringProperty("")
    satisfaction_text = StringProperty("")
    finished_text = StringProperty("")
    ratings_text = StringProperty("")
    as_of_text = StringProperty("")
    punctual_series = ListProperty([])
    satisfaction_series = ListProperty([])
    series_labels = ListProperty([])
    punctual_texts = ListProperty([])
    satisfaction_texts = ListProperty([])
    punctual_value = ListProperty([None])
    satisfaction_value = ListProperty([None])

    def on_kv_post(self, _):
        i18n.bind(lang=lambda *_: self.show())

    def show(self, **_):
        lang = i18n.lang
        stats, fetched_at = self.services.stats()
        self.has_stats = bool(stats)
        if not stats:
            self.as_of_text = i18n.t("stats.none", lang)
            self.punctual_series, self.satisfaction_series = [], []
            return
        dossiers, ratings = stats.get("dossiers") or {}, stats.get("ratings") or {}
        self.punctual_value = [dossiers.get("on_time_rate")]
        self.satisfaction_value = [ratings.get("satisfaction_rate")]
        self.punctual_text = present.percent(dossiers.get("on_time_rate"), lang)
        self.satisfaction_text = present.percent(ratings.get("satisfaction_rate"), lang)
        self.finished_text = i18n.t("stats.finished", lang, n=dossiers.get("finished", 0))
        self.ratings_text = i18n.t("stats.ratings", lang, n=ratings.get("count", 0))
        when = officetime.from_timestamp(fetched_at).strftime("%H:%M %d/%m/%Y")
        self.as_of_text = i18n.t("stats.as_of", lang, when=when)
        series = stats.get("series") or []
        self.punctual_series = [s.get("on_time_rate") for s in series]
        self.satisfaction_series = [s.get("satisfaction_rate") for s in series]
        self.series_labels = [s.get("label", "") for s in series]
        self.punctual_texts = [present.percent(v, lang) for v in self.punctual_series]
        self.satisfaction_texts = [present.percent(v, lang) for v in self.satisfaction_series]
