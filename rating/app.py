"""The rating tablet's Kivy App: a thin shell that wires the flow, the officer desk and sync in."""
import logging
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import NoTransition

from motcua import alive
from rating import texts
from rating.flow import Notice, Step
from rating.screens.admin import AdminScreen
from rating.screens.dossier import DossierScreen
from rating.screens.idle import IdleScreen
from rating.screens.rate import RateScreen
from rating.screens.reasons import ReasonsScreen
from rating.screens.signin import SignInScreen
from rating.screens.thanks import ThanksScreen
from touchui.admin import AdminGesture, PinGuard, PinPad
from touchui.i18n import i18n
from touchui.idle import IdleTimer
from touchui.keyboard import VietKeyboard
from touchui.lockdown import lock_down_display
from touchui.scanner import ScannerInput

log = logging.getLogger(__name__)
Builder.load_file(str(Path(__file__).with_name("rating.kv")))
i18n.add({lang: {f"rating.{k}": v[i] for k, v in texts.TEXTS.items()}
          for i, lang in enumerate(("vi", "en"))})
STAFF_SCREENS = ("signin", "admin")


class RatingRoot(BoxLayout):
    office_name = StringProperty("")
    counter = NumericProperty(0)
    notice_text = StringProperty("")


class RatingApp(App):
    """`services` is a rating.services.TabletServices (or a test double with the same attributes)."""
    lang = StringProperty("vi")
    title = "motcua – đánh giá mức độ hài lòng"

    def __init__(self, services, **kwargs):
        super().__init__(**kwargs)
        self.services = services
        self.flow = services.flow
        self.keyboard = None
        self._refresh = Clock.create_trigger(self.refresh, 0)
        self.flow_listener = lambda flow: self._refresh()
        i18n.bind(lang=lambda _, lang: setattr(self, "lang", lang))
        i18n.lang = services.language

    def load_kv(self, filename=None):
        """rating.kv is loaded once at import (Kivy would load it a second time by the App's name)."""
        return None

    # -- texts -------------------------------------------------------------------------------
    def t(self, key, lang=None, **fmt):
        return i18n.t("rating." + key, lang, **fmt)

    def toggle_language(self):
        self.flow.touch()
        i18n.switch()
        self._refresh()

    # -- build -------------------------------------------------------------------------------
    def build(self):
        root = RatingRoot(office_name=self.services.office_name, counter=self.flow.counter)
        sm = root.ids.sm
        sm.transition = NoTransition()
        self.screens = {s.name: s for s in (IdleScreen(), RateScreen(), ReasonsScreen(),
                                            DossierScreen(), ThanksScreen(), SignInScreen(),
                                            AdminScreen())}
        for screen in self.screens.values():
            sm.add_widget(screen)
        self.screens["rate"].ids.faces.on_choose = self.choose
        self.screens["reasons"].on_toggle = self.toggle_reason
        self.screens["idle"].officer_button = self.services.officer_button
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

    # -- citizen actions (kv calls one method each) --------------------------------------------
    def start_rating(self):
        self.flow.start()

    def choose(self, score):
        self.flow.choose(score)

    def cancel_rating(self):
        self.flow.cancel()

    def toggle_reason(self, code):
        self.flow.toggle_reason(code)

    def flow_set_comment(self, text):
        self.flow.set_comment(text)

    def submit_reasons(self):
        if self.screens["reasons"].show_phone and not self.flow.set_phone(
                self.screens["reasons"].ids.phone.text):
            return
        self.close_keyboard()
        self.flow.submit_reasons()

    def skip_reasons(self):
        self.close_keyboard()
        self.flow.skip_reasons()

    def skip_dossier(self):
        self.flow.skip_dossier()

    def scan(self, code):
        """A receipt scanned by the USB scanner (touchui's scanner input calls this)."""
        if self.root_widget.ids.sm.current in STAFF_SCREENS:
            return
        self.flow.scan(code)

    def mark_service_done(self):
        self.flow.mark_service_done()

    # -- on-screen keyboard ------------------------------------------------------------------
    def on_field_focus(self, field, kind):
        self.flow.touch()
        slot = self.screens["reasons"].ids.keyboard_slot
        if self.keyboard is None:
            self.keyboard = VietKeyboard(enter_text_key="kb.ok", key_height=64, key_spacing=6)
            self.keyboard.bind(on_enter=lambda *a: self.close_keyboard(),
                               on_change=lambda *a: self.flow.touch())
        kb = self.keyboard
        kb.allow_modes = ["code"] if kind == "phone" else ["text"]
        kb.mode = kb.allow_modes[0]
        kb.target = field
        if kb.parent is None:
            slot.add_widget(kb)
        slot.height = kb.height
        self.screens["reasons"].typing = kind

    def close_keyboard(self):
        if self.keyboard is not None and self.keyboard.parent is not None:
            slot = self.keyboard.parent
            slot.remove_widget(self.keyboard)
            slot.height = 0
            self.keyboard.target = None
        screen = self.screens["reasons"]
        screen.typing = ""
        for field in (screen.ids.comment, screen.ids.phone):
            field.focus = False

    # -- officer and admin side ---------------------------------------------------------------
    def open_signin(self):
        self.screens["signin"].open(self.services.duty.officers())
        self.root_widget.ids.sm.current = "signin"

    def ask_officer_pin(self, staff_id):
        """The PIN pad for the officer picked on the sign-in screen (lock-out after wrong PINs)."""
        guard = self.officer_guards.get(staff_id)
        if guard is None:
            guard = PinGuard(lambda pin: self.services.duty.sign_in(staff_id, pin))
            self.officer_guards[staff_id] = guard
        self._open_pin_pad(guard, self.close_staff_screen)

    def ask_admin_pin(self):
        """The hidden gesture happened: the admin screen opens only after the admin PIN."""
        self.flow.reset()
        self._open_pin_pad(self.admin_guard, self.open_admin)

    def _open_pin_pad(self, guard, on_success):
        if self.pin_pad is not None:
            self.pin_pad.dismiss()
        self.pin_pad = PinPad(guard, on_success=on_success)
        self.pin_pad.bind(on_dismiss=lambda *a: setattr(self, "pin_pad", None))
        self.pin_pad.open()

    def open_admin(self):
        self.screens["admin"].open(self.services)
        self.root_widget.ids.sm.current = "admin"
        self.root_widget.notice_text = ""   # the citizen's notice is not the admin's business

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
        if self.flow.notice == Notice.COOLDOWN or self.screens["idle"].cooling != (self.flow.cooldown_remaining() > 0):
            self._refresh()

    def refresh(self, *_):
        flow, sm = self.flow, self.root_widget.ids.sm
        lang = i18n.lang
        self.root_widget.notice_text = "" if sm.current in STAFF_SCREENS else self.notice_text()
        idle = self.screens["idle"]
        idle.show_officer(flow.officer, self.services.officer_photo(flow.officer))
        idle.waits_for_officer = flow.settings.require_service_done and not flow.service_done
        idle.cooling = flow.cooldown_remaining() > 0
        rate = self.screens["rate"]
        if flow.officer:
            rate.officer_line = f"{flow.officer.get('name', '')} · " + self.t("counter", counter=flow.counter)
        rate.dossier_line = (self.t("dossier_linked", code=flow.draft.dossier_code)
                             if flow.draft.dossier_code else "")
        labels = {s: self.services.score_label(s, lang) for s in range(1, flow.settings.scale + 1)}
        faces = rate.ids.faces
        portrait = Window.height > Window.width * 1.1
        if getattr(faces, "_shown", None) != (lang, portrait):
            faces.portrait = portrait
            faces.show(flow.settings.scale, labels)
            faces._shown = (lang, portrait)
        reasons = self.screens["reasons"]
        reasons.show_comment = flow.settings.comment
        reasons.show_phone = flow.settings.phone
        wanted = [(c, self.services.reason_label(c, lang)) for c in flow.settings.reason_codes]
        if getattr(reasons, "_shown", None) != wanted:
            reasons.show_reasons(wanted)
            reasons._shown = wanted
        reasons.set_ticked(flow.draft.reasons)
        if sm.current in STAFF_SCREENS:
            return
        if flow.step != Step.REASONS and (reasons.ids.comment.text or reasons.ids.phone.text
                                          or reasons.typing):
            self.close_keyboard()
            reasons.clear_inputs()
        if sm.current != flow.step.value:
            sm.current = flow.step.value

    def notice_text(self) -> str:
        notice = self.flow.notice
        if notice is None:
            return ""
        if notice == Notice.COOLDOWN:
            seconds = int(self.flow.cooldown_remaining() + 0.999)
            return self.t("cooldown", seconds=seconds) if seconds else ""
        return self.t(notice.value)
