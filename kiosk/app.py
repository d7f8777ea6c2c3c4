"""The kiosk App: wires config, services and touchui's idle, scanner, lockdown and admin PIN into screens."""

import importlib
import logging
import os
import time

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk import slip
from kiosk.i18n import CATALOGS
from motcua.devicemark import device_mark
from motcua.settings import theme_colours
from motcua import alive
from touchui.admin import AdminGesture, PinGuard, PinPad
from touchui.countdown import IdleCountdown
from touchui.i18n import i18n
from touchui.idle import IdleTimer
from touchui.scanner import ScannerInput
from touchui.theme import configure_theme

log = logging.getLogger(__name__)
HERE = os.path.dirname(os.path.abspath(__file__))
ASSETS = os.path.join(os.path.dirname(HERE), "assets", "kiosk")
SCREENS = ("home", "procedures", "detail", "dossier", "stats", "info", "attract", "admin")
SCREEN_CLASSES = {name: f"kiosk.screens.{name}.{name.capitalize()}Screen" for name in SCREENS}
_kv_loaded = False


def load_kv():
    """Load the kv rules once per process (widget modules first, so kv finds their classes)."""
    global _kv_loaded
    if _kv_loaded:
        return
    from kiosk.widgets import chart, common, qrimage  # noqa: F401

    Builder.load_file(os.path.join(HERE, "kiosk.kv"))
    for name in SCREENS:
        Builder.load_file(os.path.join(HERE, "screens", f"{name}.kv"))
    _kv_loaded = True


def admin_pin_check(cfg):
    from motcua.settings import check_admin_pin

    return lambda pin: check_admin_pin(cfg, pin)


class KioskApp(App):
    """Thin shell: screens get `services`, `nav` (this app) and `settings`; nothing is looked up."""

    title = "motcua kiosk"
    use_kivy_settings = False

    def __init__(self, cfg, services, printer_factory=None, workers=(), lock=None, now=time.monotonic, **kwargs):
        super().__init__(**kwargs)
        self.now = now  # monotonic seconds for the idle timer, scanner and admin gesture (tests move it)
        self.cfg, self.services = cfg, services
        self.printer_factory = printer_factory
        self.workers = list(workers)
        self.lock = cfg.display.kiosk_mode if lock is None else lock
        self.history: list[str] = []
        self.lockdown = None
        self._attract_event = None
        self.exit_code = 0  # what `motcua-kiosk` exits with (motcua.client.RESTART_EXIT_CODE on restart)

    # ---- building -------------------------------------------------------------------------
    def load_kv(self, filename=None):
        """Kivy would load kiosk.kv by the class name; `load_kv()` below loads every kv once."""
        return False

    def build(self):
        i18n.add(CATALOGS)
        i18n.lang = self.cfg.device.language
        configure_theme(theme_colours(self.cfg), self.cfg.display.font_scale)
        load_kv()
        # Only home is built now; the others on their first visit (`screen`), so an idle kiosk
        # does not hold every screen's widgets and textures (see bench/bench_kiosk.py). Once built,
        # a screen stays: dropping it would not give the memory back to the system (measured:
        # malloc_trim returns < 10%), and its i18n/theme/Window bindings would keep it alive.
        manager = ScreenManager(transition=NoTransition())  # instant: slow kiosk GPUs, no half-drawn frames
        self._manager = manager
        self.screen("home")
        kiosk = self.cfg.kiosk
        self.idle = IdleTimer(
            timeout=kiosk.idle_seconds,
            on_idle=self.on_idle,
            now=self.now,
            warning_seconds=kiosk.idle_warning_seconds,
        )
        self.idle.bind(on_activity=self._on_activity, on_countdown=self.on_countdown)
        self.countdown = IdleCountdown()
        self.scanner = ScannerInput(
            on_scan=self.on_scan,
            max_gap=kiosk.scanner_max_gap_ms / 1000,
            now=self.now,
            typing_target=self.typing_keyboard,
        )
        self.gesture = AdminGesture(on_gesture=self.ask_admin_pin, corner=kiosk.admin_corner, now=self.now)
        self.pin_guard = PinGuard(admin_pin_check(self.cfg), now=self.now)
        return manager

    def screen(self, name):
        """The screen called `name`, built on first use."""
        manager = self._manager
        if not manager.has_screen(name):
            if name not in SCREEN_CLASSES:
                raise KeyError(f"no kiosk screen called {name!r}")
            module, cls = SCREEN_CLASSES[name].rsplit(".", 1)
            screen_class = getattr(importlib.import_module(module), cls)
            screen = screen_class(name=name, services=self.services, nav=self, settings=self.cfg)
            if name == "attract":
                screen.slides = self.attract_slides()
                screen.slide_seconds = self.cfg.attract.slide_seconds
            manager.add_widget(screen)
        return manager.get_screen(name)

    def attract_slides(self):
        slides = [("image", str(p)) for p in self.cfg.attract.images if os.path.exists(str(p))]
        slides += [("text", t.strip()) for t in self.cfg.attract.texts.split("|") if t.strip()]
        return slides

    def on_start(self):
        if self.lock:
            from touchui.lockdown import lock_down

            display = self.cfg.display
            self.lockdown = lock_down(
                self, fullscreen=display.fullscreen, borderless=display.borderless, show_cursor=not display.hide_cursor
            )
        self.idle.start()
        self.scanner.start()
        self.gesture.start()
        self.alive = alive.schedule(Clock)  # the supervisor restarts a kiosk whose screen loop hangs
        for worker in self.workers:
            worker.start()

    def on_stop(self):
        self.countdown.dismiss(animation=False)
        for part in (self.idle, self.scanner, self.gesture):
            part.stop()
        for worker in self.workers:
            worker.stop()
        if self.lockdown is not None:
            self.lockdown.release()

    # ---- navigation (screens call these through `nav`) -------------------------------------
    @property
    def manager(self):
        return self.root

    def go(self, name, **kwargs):
        current = self.manager.current
        if name != current and current not in ("attract",):
            self.history.append(current)
        screen = self.screen(name)
        screen.portrait = self.manager.height > self.manager.width  # before its first layout
        screen.show(**kwargs)
        self.manager.current = name

    def back(self):
        target = self.history.pop() if self.history else "home"
        if target == "home":
            return self.home()
        self.manager.current = target

    def home(self, *_):
        """Home with every screen cleared; the citizen's language stays until the idle reset."""
        self.history.clear()
        for screen in self.manager.screens:
            screen.reset()
        self.manager.current = "home"
        self.screen("home").tick()

    def on_countdown(self, _idle, seconds_left):
        """The last seconds before the idle reset: say so, unless there is nothing to reset."""
        if self.manager.current in ("home", "attract") and i18n.lang == self.cfg.device.language:
            return
        self.countdown.seconds = seconds_left
        if not self.countdown.showing:
            self.countdown.open(animation=False)

    def _on_activity(self, *_):
        self._cancel_attract()
        self.countdown.dismiss()

    def on_idle(self, *_):
        log.info("idle: back to the home screen, input cleared")
        self.countdown.dismiss(animation=False)
        self.home()
        i18n.lang = self.cfg.device.language  # the next citizen starts in the office's language
        if self.cfg.attract.enabled and self.attract_slides():
            self._cancel_attract()
            self._attract_event = Clock.schedule_once(self.show_attract, self.cfg.attract.after_seconds)

    def show_attract(self, *_):
        self.screen("attract")
        self.manager.current = "attract"

    def _cancel_attract(self):
        if self._attract_event is not None:
            self._attract_event.cancel()
            self._attract_event = None

    def typing_keyboard(self):
        """The on-screen keyboard of the text field on screen, which a physical keyboard types into too.

        The kiosk's fields take no keyboard focus (the on-screen keyboard types into them), so a
        person typing on a USB keyboard reaches the field through the same keyboard; None where the
        screen has no field, in the admin screen and while a dialog is open.
        """
        pad = getattr(self, "pin_pad", None)
        if self.manager.current == "admin" or self.countdown.showing or (pad is not None and pad.parent is not None):
            return None
        keyboard = getattr(self.manager.current_screen, "keyboard", None)
        return keyboard if keyboard is not None and getattr(keyboard, "target", None) is not None else None

    def on_scan(self, code):
        """A receipt scanned on any screen: straight to its dossier (the code is not logged)."""
        if self.manager.current == "admin":
            return
        self.go("dossier", code=code)

    # ---- admin --------------------------------------------------------------------------
    def ask_admin_pin(self, *_):
        pad = PinPad(self.pin_guard, on_success=lambda: self.go("admin"))
        pad.open()
        self.pin_pad = pad
        return pad

    def device_id(self):
        """The device's name and a fingerprint of its token (never the token itself)."""
        mark = device_mark(getattr(self.cfg.server, "token", None)) or "—"  # the dashboard shows and finds it
        return f"{self.cfg.device.name or 'kiosk'} ({mark})"

    def exit_app(self):
        if self.lockdown is not None:
            self.lockdown.exit()
        else:
            self.stop()

    # ---- server commands (called on the UI thread) -----------------------------------------
    def apply_config(self, cfg):
        """Apply a re-read config live: office name, idle seconds, theme, language, attract slides."""
        self.cfg = cfg
        for screen in self.manager.screens:
            screen.settings = cfg
        self.idle.timeout = cfg.kiosk.idle_seconds
        self.idle.warning_seconds = cfg.kiosk.idle_warning_seconds
        configure_theme(theme_colours(cfg), cfg.display.font_scale)
        if self.manager.current in ("home", "attract"):  # never switch language under a citizen
            i18n.lang = cfg.device.language
        if self.manager.has_screen("attract"):
            attract = self.manager.get_screen("attract")
            attract.slides, attract.slide_seconds = self.attract_slides(), cfg.attract.slide_seconds
        log.info("configuration reloaded")

    def restart(self, exit_code):
        """Stop so the process exits with `exit_code`; the systemd unit starts the kiosk again."""
        self.exit_code = exit_code
        self.exit_app()

    # ---- printing -----------------------------------------------------------------------
    def print_checklist(self, procedure, lang):
        """Print the checklist slip (called off the UI thread); raises slip.PrinterUnavailable."""
        printer = self.printer_factory() if self.printer_factory else None
        if printer is None:
            raise slip.PrinterUnavailable("no printer configured")
        p = self.cfg.printer
        slip.print_checklist(
            printer,
            procedure,
            lang,
            office_name=self.cfg.device.office_name,
            text_mode=p.text_mode,
            qr_native=p.qr_native,
            width_dots=p.width_dots,
            font=str(p.font) if p.font else None,
        )
        return printer
