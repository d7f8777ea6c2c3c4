"""The rating tablet's Kivy App: a thin shell that wires the flow, the officer desk and sync in.

Screens (rating/screens/, on rating.screens.base.TabletScreen) get the services, the flow and this App
as their navigator at construction; their kv binds to `root.…` only, never to `app`.
"""

import logging
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import NoTransition

from motcua import alive
from rating import texts
from rating.flow import Notice, Step
from rating.screens.admin import AdminScreen
from rating.screens.base import t
from rating.screens.dossier import DossierScreen
from rating.screens.idle import IdleScreen
from rating.screens.rate import RateScreen
from rating.screens.reasons import ReasonsScreen
from rating.screens.signin import SignInScreen
from rating.screens.thanks import ThanksScreen
from touchui.admin import AdminGesture, PinGuard, PinPad
from touchui.i18n import i18n
from touchui.idle import IdleTimer
from touchui.lockdown import lock_down_display
from touchui.scanner import ScannerInput

log = logging.getLogger(__name__)
Builder.load_file(str(Path(__file__).with_name("rating.kv")))
i18n.add(texts.CATALOGS)
STAFF_SCREENS = ("signin", "admin")


class RatingRoot(BoxLayout):
    office_name = StringProperty("")
    counter = NumericProperty(0)
    notice_text = StringProperty("")
    nav = ObjectProperty(None)  # the App: the language button


class RatingApp(App):
    """`services` is a rating.services.TabletServices (or a test double with the same attributes)."""

    title = "motcua – đánh giá mức độ hài lòng"

    def __init__(self, services, **kwargs):
        super().__init__(**kwargs)
        self.services = services
        self.flow = services.flow
        self._refresh = Clock.create_trigger(self.refresh, 0)
        self.flow_listener = self._flow_changed
        self._step = self.flow.step
        i18n.lang = services.language

    def load_kv(self, filename=None):
        """rating.kv is loaded once at import (Kivy would load it a second time by the App's name)."""
        return None

    # -- navigation (screens call these through `nav`) -------------------------------------------
    def toggle_language(self):
        self.flow.touch()
        i18n.switch()
        self._refresh()

    def _flow_changed(self, flow):
        """Every change of the flow redraws; a citizen leaving (back to idle) takes their language along."""
        if flow.step == Step.IDLE and self._step != Step.IDLE:
            self.reset_language()
        self._step = flow.step
        self._refresh()

    def reset_language(self):
        """The next citizen meets the configured language ([device] language), whatever the last one chose."""
        if i18n.lang != self.services.language:
            i18n.lang = self.services.language
            self._refresh()

    # -- build -------------------------------------------------------------------------------
    def build(self):
        root = RatingRoot(office_name=self.services.office_name, counter=self.flow.counter, nav=self)
        sm = root.ids.sm
        sm.transition = NoTransition()
        given = {"services": self.services, "flow": self.flow, "nav": self}
        self.screens = {
            s.name: s
            for s in (
                IdleScreen(**given),
                RateScreen(**given),
                ReasonsScreen(**given),
                DossierScreen(**given),
                ThanksScreen(**given),
                SignInScreen(**given),
                AdminScreen(**given),
            )
        }
        for screen in self.screens.values():
            sm.add_widget(screen)
        self.root_widget = root
        self.services.on_flow_change(self.flow_listener)
        self.services.call_in_ui = lambda fn: Clock.schedule_once(lambda _dt: fn(), 0)
        self.services.request_exit = self.exit_app
        Window.bind(size=lambda *a: self._refresh())
        self.scanner = ScannerInput(on_scan=self.scan).start()
        self.admin_gesture = AdminGesture(on_gesture=self.ask_admin_pin).start()
        # any touch or key anywhere postpones the prompt timeout (the flow decides when)
        self.activity = IdleTimer(timeout=self.flow.settings.prompt_timeout_s)
        self.activity.bind(on_activity=lambda *a: self.flow.touch())
        self.activity.start()
        self.admin_guard = PinGuard(self.services.admin_pin_ok)
        self.officer_guards = {}
        self.pin_pad = None
        lock_down_display(self, self.services.cfg.display, Window)
        Clock.schedule_interval(self._tick, 0.25)
        self.refresh()
        return root

    def on_start(self):
        self.services.start()
        self.alive = alive.schedule(Clock)  # the supervisor restarts a tablet whose screen loop hangs

    def on_stop(self):
        for watcher in ("scanner", "admin_gesture", "activity"):
            if getattr(self, watcher, None) is not None:
                getattr(self, watcher).stop()
        self.services.stop()

    # -- the scanner ----------------------------------------------------------------------------
    def scan(self, code):
        """A receipt scanned by the USB scanner (touchui's scanner input calls this)."""
        if self.root_widget.ids.sm.current in STAFF_SCREENS:
            return
        self.flow.scan(code)

    # -- officer and admin side ---------------------------------------------------------------
    def open_signin(self):
        self.screens["signin"].open()
        self.root_widget.ids.sm.current = "signin"

    def ask_officer_pin(self, staff_id):
        """The PIN pad for the officer picked on the sign-in screen (lock-out after wrong PINs)."""
        guard = self.officer_guards.get(staff_id)
        if guard is None:
            guard = PinGuard(lambda pin: self.services.duty.sign_in(staff_id, pin))
            self.officer_guards[staff_id] = guard
        officer = self.services.duty.find(staff_id) or {}
        title = t("officer_pin_title", name=officer.get("name") or f"#{staff_id}")
        self._open_pin_pad(guard, self.close_staff_screen, title)

    def ask_admin_pin(self):
        """The hidden gesture happened: the admin screen opens only after the admin PIN."""
        self.flow.reset()
        self._open_pin_pad(self.admin_guard, self.open_admin, t("admin_pin_title"))

    def _open_pin_pad(self, guard, on_success, title):
        if self.pin_pad is not None:
            self.pin_pad.dismiss()
        self.pin_pad = PinPad(guard, on_success=on_success, title=title)
        self.pin_pad.bind(on_dismiss=lambda *a: setattr(self, "pin_pad", None))
        self.pin_pad.open()

    def open_admin(self):
        self.screens["admin"].open()
        self.root_widget.ids.sm.current = "admin"
        self.root_widget.notice_text = ""  # the citizen's notice is not the admin's business

    def close_staff_screen(self):
        self.flow.reset()
        self.root_widget.ids.sm.current = "idle"
        self.refresh()

    def exit_app(self):
        lockdown = getattr(self, "lockdown", None)
        if lockdown is not None:
            lockdown.allow_exit()
        self.stop()

    # -- redraw from the flow ----------------------------------------------------------------
    def _tick(self, _dt):
        if self.root_widget.ids.sm.current not in STAFF_SCREENS:
            self.flow.tick()
            # a citizen who switched the language and walked away without rating
            if self.flow.step == Step.IDLE and self.flow.quiet_for() >= self.flow.settings.prompt_timeout_s:
                self.reset_language()
        if self.flow.notice == Notice.COOLDOWN or self.screens["idle"].cooling != (self.flow.cooldown_remaining() > 0):
            self._refresh()

    def refresh(self, *_):
        """Every screen redraws from the flow; the screen shown follows the flow's step."""
        flow, sm = self.flow, self.root_widget.ids.sm
        self.root_widget.notice_text = "" if sm.current in STAFF_SCREENS else self.notice_text()
        self.root_widget.office_name = self.services.office_name
        for screen in self.screens.values():
            screen.refresh()
        if sm.current in STAFF_SCREENS:
            return
        if flow.step != Step.REASONS:
            self.screens["reasons"].reset()
        if sm.current != flow.step.value:
            sm.current = flow.step.value

    def notice_text(self) -> str:
        notice = self.flow.notice
        if notice is None:
            return ""
        if notice == Notice.COOLDOWN:
            seconds = int(self.flow.cooldown_remaining() + 0.999)
            return t("cooldown", seconds=seconds) if seconds else ""
        return t(notice.value)
