"""Dossier lookup: type or scan the receipt's code; the receipt's secret reveals the step history."""

import itertools
import threading

from kivy.clock import Clock
from kivy.properties import BooleanProperty, DictProperty, StringProperty

from kiosk import present
from kiosk.screens.base import KioskScreen
from kiosk.services import Outcome
from kiosk.widgets.common import ReusedCard
from motcua import dossier_code
from touchui.i18n import i18n

_tickets = itertools.count(1)


class DossierScreen(KioskScreen):
    state = StringProperty("entry")  # entry | busy | found | message
    message = StringProperty("")
    secret_message = StringProperty("")  # a wrong lookup code, shown by the secret field
    keyboard_open = BooleanProperty(True)  # "Xong" closes it; a tap on a field opens it again
    busy = BooleanProperty(False)
    dossier = DictProperty({})

    def on_kv_post(self, _):
        self.keyboard = self.ids.keyboard.__self__  # a strong reference: it leaves the tree when hidden
        self.keyboard.mode = "code"
        self.keyboard.target = self.ids.code
        self.keyboard.bind(on_enter=lambda *_: self.submit())
        self._ticket = 0
        self._last = None
        self.cards = {name: ReusedCard() for name in ("facts", "next", "steps")}  # filled, never rebuilt
        i18n.bind(lang=lambda *_: self._render())
        self._place_secret()

    def on_portrait(self, *_):
        if self.ids:
            self._place_secret()
            self._render()

    def _place_secret(self):
        """In portrait the lookup code field goes right under the code field, so the fields are at the
        top and the result card right under them (at the foot of the screen it left half the screen
        empty above it); in landscape it heads the right-hand column, beside the result."""
        box, entry, side = self.ids.secret_box, self.ids.entry_column, self.ids.side_column
        holder = entry if self.portrait else side
        if box.parent is holder:
            return
        box.parent.remove_widget(box)
        # entry column: under the code field and its message, above the result; side column: on top
        holder.add_widget(box, index=1 if holder is entry else len(holder.children))

    def show(self, code=None, **_):
        if code:
            self.lookup(code)

    def reset(self):
        self._ticket = next(_tickets)  # answers still in flight are dropped
        self._last = None
        self.state, self.message, self.busy, self.dossier = "entry", "", False, {}
        self.secret_message = ""
        self.ids.code.text = ""
        self.ids.secret.text = ""
        self.keyboard.target = self.ids.code
        self.open_keyboard()
        self.keyboard.clear()
        self.ids.result.clear_widgets()

    def target_secret(self):
        self.keyboard.target = self.ids.secret
        self.open_keyboard()

    def target_code(self):
        self.keyboard.target = self.ids.code
        self.open_keyboard()

    def open_keyboard(self):
        if self.keyboard.parent is None:
            self.ids.keyboard_holder.add_widget(self.keyboard)
        self.keyboard_open = True
        self._render()

    def close_keyboard(self):
        if self.keyboard.parent is not None:
            self.keyboard.parent.remove_widget(self.keyboard)
        self.keyboard_open = False
        self._render()

    def submit(self):
        """The keyboard's "Xong": looks up (or reveals the steps) and closes the keyboard, so the answer
        has the screen; a tap on a field brings the keyboard back."""
        if self.keyboard.target is self.ids.secret:
            self.reveal_steps()
        else:
            self.lookup(self.ids.code.text)
        self.close_keyboard()

    def lookup(self, raw_code, secret=None):
        code = dossier_code.normalise(raw_code)
        self.ids.code.text = code
        if secret is None:
            self.ids.secret.text = ""
        self._start(code, secret)

    def reveal_steps(self):
        secret = self.ids.secret.text.strip()
        if self._last and secret:
            self._start(self._last["code"], secret)

    def _start(self, code, secret):
        self._ticket = ticket = next(_tickets)
        self.busy, self.state = True, "busy"
        self.secret_message = ""
        self.message = i18n.t("dossier.busy", i18n.lang)
        threading.Thread(target=self._worker, args=(ticket, code, secret), daemon=True, name="dossier-lookup").start()

    def _worker(self, ticket, code, secret):
        result = self.services.lookup_dossier(code, secret)
        Clock.schedule_once(lambda _: self._answer(ticket, result, secret))

    def _answer(self, ticket, result, secret):
        if ticket != self._ticket:
            return  # the citizen left (idle, Home) or asked again meanwhile
        self.busy = False
        if result.outcome is Outcome.FOUND:
            self._last = result.dossier
            self.dossier = result.dossier
            self.state, self.message = "found", ""
            self.keyboard.target = self.ids.secret
            if "steps" in result.dossier:
                self.close_keyboard()  # the history needs the room; nothing more to type
            elif secret:
                # The server holds no secret to check it against (a dossier read from the province's
                # system) and no source checked it: the public view again, and why there are no steps.
                self.secret_message = i18n.t("dossier.steps_unavailable", i18n.lang)
        elif result.outcome is Outcome.NOT_FOUND and secret and self._last:
            # A wrong secret answers like an unknown code; keep showing the public view, and say it
            # by the secret field, where the citizen is looking.
            self.state, self.message = "found", ""
            self.secret_message = i18n.t("dossier.secret_wrong", i18n.lang)
        else:
            self._last, self.dossier = None, {}
            self.state = "message"
            self.message = {
                Outcome.NOT_FOUND: i18n.t("dossier.not_found", i18n.lang),
                Outcome.OFFLINE: i18n.t("dossier.offline", i18n.lang),
                Outcome.BUSY: i18n.t("dossier.too_many", i18n.lang, n=result.retry_after or 30),
                Outcome.INVALID: i18n.t("dossier.invalid", i18n.lang),
            }[result.outcome]
        self._render()

    def _render(self, *_):
        box, side = self.ids.result, self.ids.side
        if self.state != "found" or not self.dossier:
            box.clear_widgets()
            side.clear_widgets()
            return
        lang = i18n.lang
        advice = present.next_step_text(self.dossier, lang)
        sections = {
            "facts": (
                None,
                [f"[b]{label}:[/b] {self._esc(value)}" for label, value in present.dossier_rows(self.dossier, lang)],
            ),
            "next": (i18n.t("dossier.next", lang), [self._esc(advice)] if advice else []),
            "steps": (
                i18n.t("dossier.steps", lang),
                [self._esc(line) for line in present.step_lines(self.dossier, lang)] if "steps" in self.dossier else [],
            ),
        }
        shown = {name for name, (heading, lines) in sections.items() if self.cards[name].show_lines(heading, lines)}
        # landscape with the keyboard closed: the step history takes the right half instead of falling
        # below the fold under the facts
        beside = not self.portrait and not self.keyboard_open
        main = [self.cards[n] for n in ("facts", "next", "steps") if n in shown and not (beside and n == "steps")]
        aside = [self.cards["steps"]] if beside and "steps" in shown else []
        for holder, wanted in ((box, main), (side, aside)):
            if list(reversed(holder.children)) != wanted:  # re-adding the same cards redraws them all
                for card in wanted:
                    if card.parent is not None and card.parent is not holder:
                        card.parent.remove_widget(card)
                holder.clear_widgets()
                for card in wanted:
                    if card.parent is not None:
                        card.parent.remove_widget(card)
                    holder.add_widget(card)

    @staticmethod
    def _esc(text):
        return str(text).replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")

    @property
    def shows_steps(self):
        return "steps" in self.dossier
