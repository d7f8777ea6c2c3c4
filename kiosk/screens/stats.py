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
    period_text = StringProperty("")  # which period the figures cover (issue 18 item 24)
    indicator_text = StringProperty("")
    indicator_detail = StringProperty("")
    indicator_value = ListProperty([None])
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
            self.period_text = ""
            self.punctual_series, self.satisfaction_series = [], []
            return
        dossiers, ratings = stats.get("dossiers") or {}, stats.get("ratings") or {}
        self.punctual_value = [dossiers.get("on_time_rate")]
        self.satisfaction_value = [ratings.get("satisfaction_rate")]
        self.punctual_text = present.percent(dossiers.get("on_time_rate"), lang)
        self.satisfaction_text = present.percent(ratings.get("satisfaction_rate"), lang)
        self.finished_text = i18n.t("stats.finished", lang, n=dossiers.get("finished", 0))
        self.ratings_text = i18n.t("stats.ratings", lang, n=ratings.get("count", 0))
        # the two rates of REPORTING.md, each named for what it is: Biểu 06's over the dossiers settled,
        # chỉ tiêu 2.1's (an estimate) over the dossiers settled or still open
        rate_2_1 = dossiers.get("indicator_2_1")
        self.indicator_value = [rate_2_1]
        self.indicator_text = present.percent(rate_2_1, lang)
        handled = (dossiers.get("finished") or 0) + (dossiers.get("open") or 0)
        self.indicator_detail = i18n.t("stats.indicator_2_1_detail", lang, n=handled)
        when = present.format_moment(officetime.from_timestamp(fetched_at), lang=lang)
        self.as_of_text = i18n.t("stats.as_of", lang, when=when)
        self.period_text = self._period(stats.get("period") or {}, lang)
        series = stats.get("series") or []
        self.punctual_series = [s.get("on_time_rate") for s in series]
        self.satisfaction_series = [s.get("satisfaction_rate") for s in series]
        self.series_labels = [s.get("label", "") for s in series]
        self.punctual_texts = [present.percent(v, lang) for v in self.punctual_series]
        self.satisfaction_texts = [present.percent(v, lang) for v in self.satisfaction_series]

    @staticmethod
    def _period(period: dict, lang: str) -> str:
        """ "Kỳ: tháng này, từ 01/12/2026 đến 04/12/2026" from the server's period."""
        first, last = officetime.parse(period.get("from")), officetime.parse(period.get("to"))
        if first is None or last is None:
            return ""
        key = f"stats.period_{period.get('name')}"
        name = i18n.t(key, lang) if period.get("name") in ("month", "30d", "quarter", "year") else ""
        return i18n.t(
            "stats.period",
            lang,
            name=name,
            first=present.format_moment(first, False),
            last=present.format_moment(last, False),
        )
