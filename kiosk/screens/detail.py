"""Procedure detail: steps, documents per case, time and fees per channel, QR to the portal, slip."""

import logging
import threading

from kivy.clock import Clock
from kivy.properties import BooleanProperty, DictProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk import present
from kiosk.screens.base import KioskScreen
from kiosk.slip import PrinterUnavailable
from kiosk.widgets.common import BodyLabel, ReusedCard, TitleLabel
from touchui.i18n import i18n
from touchui.theme import theme

log = logging.getLogger(__name__)
SECTIONS = ("facts", "methods", "documents", "steps", "address", "results", "requirements", "legal")


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
        # Built once, filled on every show: see ReusedCard.
        self.title_label = TitleLabel()
        self.not_found_label = BodyLabel()
        self.cards = {name: ReusedCard() for name in SECTIONS}
        self._shown = None
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
        self._shown = None
        if self.panel.parent is not None:
            self.panel.parent.remove_widget(self.panel)
        self.ids.content.clear_widgets()

    def fill(self, *_):
        p, lang = self.procedure, i18n.lang
        shown = (p.get("code"), p.get("updated_at"), lang, self.portrait)
        if shown == self._shown and self.ids.content.children:
            return  # the same procedure again: nothing to re-render
        self._shown = shown
        box = self.ids.content
        box.clear_widgets()
        t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
        self.qr_caption = t("detail.qr") if p.get("portal_url") else ""
        if self.panel.parent is not None:
            self.panel.parent.remove_widget(self.panel)
        if not p:
            self.not_found_label.text = t("detail.not_found")
            box.add_widget(self.not_found_label)
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
        self.title_label.text = self._esc(p.get("name", ""))
        box.add_widget(self.title_label)
        for name, (heading, lines) in self.sections(p, lang).items():
            card = self.cards[name]
            if card.show_lines(heading, lines):
                box.add_widget(card)

    def sections(self, p, lang):
        """{section: (heading or None, lines in markup)}, in the order the screen shows them."""
        t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
        field = (p.get("field") or {}).get("name", "")
        facts = [
            (t("detail.code"), p.get("code", "")),
            (t("detail.field"), field),
            (t("detail.level"), present.level_name(p.get("level"), lang)),
            (t("detail.online"), present.online_level_text(p.get("online_level"), lang)),
        ]
        methods = [
            f"[b]{present.channel_name(m.get('channel', ''), lang)}:[/b] "
            f"{present.format_duration(m, lang)} — {present.format_fees(m.get('fees'), lang)}"
            for m in p.get("methods") or []
        ]
        if p.get("sample"):
            methods.append(f"[i]{t('detail.sample')}[/i]")
        docs = []
        for case, rows in present.document_lines(p, lang):
            if case:
                docs.append(f"[b]{self._esc(case)}[/b]")
            docs.extend(f"  • {self._esc(r)}" for r in rows)
        # one label per paragraph: long texts never make one giant texture
        return {
            "facts": (None, [f"[b]{k}:[/b] {self._esc(str(v))}" for k, v in facts]),
            "methods": (t("detail.methods"), methods),
            "documents": (t("detail.documents"), docs),
            "steps": (t("detail.steps"), [self._esc(s) for s in present.procedure_steps(p.get("steps"))]),
            "address": (t("detail.address"), [self._esc(p.get("address") or "")]),
            "results": (t("detail.results"), [self._esc(r) for r in p.get("results") or []]),
            "requirements": (t("detail.requirements"), [self._esc(p.get("requirements") or "")]),
            "legal": (t("detail.legal"), [self._esc(x) for x in present.legal_lines(p)]),
        }

    @staticmethod
    def _esc(text):
        return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")

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
