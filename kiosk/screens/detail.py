"""Procedure detail: steps, documents per case, time and fees per channel, QR to the portal, slip."""
import logging
import threading

from kivy.clock import Clock
from kivy.properties import BooleanProperty, DictProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk import present
from kiosk.screens.base import KioskScreen
from kiosk.slip import PrinterUnavailable
from kiosk.widgets.common import BodyLabel, FactCard, HeadingLabel, TitleLabel
from touchui.i18n import i18n
from touchui.theme import theme

log = logging.getLogger(__name__)


class QRPanel(BoxLayout):
    """The portal QR, its caption and the print button: a side column in landscape, a top row in portrait."""

    screen = ObjectProperty(None)


class DetailScreen(KioskScreen):
    procedure = DictProperty({})
    print_message = StringProperty("")
    printing = BooleanProperty(False)
    can_print = BooleanProperty(False)
    qr_caption = StringProperty("")

    def on_kv_post(self, _):
        self.panel = QRPanel(screen=self)
        i18n.bind(lang=lambda *_: self.fill())
        self.bind(portrait=lambda *_: self.fill())

    def show(self, code=None, **_):
        self.print_message = ""
        self.procedure = (self.services.procedure(code) if code else None) or {}
        self.can_print = self.nav.printer_factory is not None
        self.fill()
        self.ids.scroll.scroll_y = 1

    def reset(self):
        self.procedure = {}
        self.print_message = ""
        if self.panel.parent is not None:
            self.panel.parent.remove_widget(self.panel)
        self.ids.content.clear_widgets()

    def fill(self, *_):
        box = self.ids.content
        box.clear_widgets()
        p, lang = self.procedure, i18n.lang
        t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
        self.qr_caption = t("detail.qr") if p.get("portal_url") else ""
        if self.panel.parent is not None:
            self.panel.parent.remove_widget(self.panel)
        if not p:
            box.add_widget(BodyLabel(text=t("detail.not_found")))
            return
        if self.portrait:  # a row on top of the scrolling text
            self.panel.orientation, self.panel.size_hint_y = "horizontal", None
            self.panel.height = theme.sp_scaled(360)
            self.panel.ids.qr_box.size_hint = (None, 1)
            self.panel.ids.qr_box.width = theme.sp_scaled(340)
            box.add_widget(self.panel)
        else:
            self.panel.orientation, self.panel.size_hint_y = "vertical", 1
            self.panel.ids.qr_box.size_hint = (1, None)
            self.panel.ids.qr_box.height = theme.sp_scaled(360)
            self.ids.side.add_widget(self.panel)
        box.add_widget(TitleLabel(text=self._esc(p.get("name", ""))))
        field = (p.get("field") or {}).get("name", "")
        facts = [(t("detail.code"), p.get("code", "")), (t("detail.field"), field),
                 (t("detail.level"), present.level_name(p.get("level"), lang)),
                 (t("detail.online"), present.online_level_text(p.get("online_level"), lang))]
        self._card(box, None, [f"[b]{k}:[/b] {v}" for k, v in facts])
        methods = [f"[b]{present.channel_name(m.get('channel', ''), lang)}:[/b] "
                   f"{present.format_duration(m, lang)} — {present.format_fees(m.get('fees'), lang)}"
                   for m in p.get("methods") or []]
        if p.get("sample"):
            methods.append(f"[i]{t('detail.sample')}[/i]")
        self._card(box, t("detail.methods"), methods)
        docs = []
        for case, rows in present.document_lines(p, lang):
            if case:
                docs.append(f"[b]{self._esc(case)}[/b]")
            docs.extend(f"  • {self._esc(r)}" for r in rows)
        self._card(box, t("detail.documents"), docs)
        self._card(box, t("detail.steps"), [self._esc(s) for s in p.get("steps") or []])
        self._card(box, t("detail.address"), [self._esc(p.get("address") or "")])
        self._card(box, t("detail.results"), [self._esc(r) for r in p.get("results") or []])
        self._card(box, t("detail.requirements"), [self._esc(p.get("requirements") or "")])
        self._card(box, t("detail.legal"), [self._esc(x) for x in present.legal_lines(p)])

    @staticmethod
    def _esc(text):
        return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")

    def _card(self, box, heading, lines):
        lines = [line for line in lines if line and line.strip()]
        if not lines:
            return
        card = FactCard()
        if heading:
            card.add_widget(HeadingLabel(text=heading))
        for line in lines:  # one label per paragraph: long texts never exceed a GL texture
            card.add_widget(BodyLabel(text=line))
        box.add_widget(card)

    def print_slip(self):
        if self.printing or not self.procedure:
            return
        self.printing = True
        self.print_message = ""
        procedure, lang = dict(self.procedure), i18n.lang
        threading.Thread(target=self._print_worker, args=(procedure, lang), daemon=True).start()

    def _print_worker(self, procedure, lang):
        try:
            self.nav.print_checklist(procedure, lang)
            key = "detail.printed"
        except PrinterUnavailable:
            key = "detail.print_failed"
        except Exception:  # never leave the citizen waiting on a silent thread
            log.exception("checklist slip failed")
            key = "detail.print_failed"
        Clock.schedule_once(lambda _: self._printed(key))

    def _printed(self, key):
        self.printing = False
        if self.procedure:
            self.print_message = i18n.t(key, i18n.lang)
