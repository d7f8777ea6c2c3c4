"""Kiosk lockdown: no Escape exit, no F1 settings, no close button, no multitouch dots; fullscreen."""

import logging

from kivy.config import Config

log = logging.getLogger(__name__)

ESCAPE = 27
F1 = 282


def configure_before_window(fullscreen=True, borderless=True, show_cursor=False):
    """Config a kiosk needs before the Window exists (call before importing kivy.core.window).

    Settings made here take effect for the Window about to be created; `lock_down()` applies
    the same ones to an existing Window as far as SDL allows.
    """
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "borderless", "1" if borderless else "0")
    Config.set("graphics", "show_cursor", "1" if show_cursor else "0")


def configure_display(display) -> None:
    """The device config's [display] section, applied before the Window exists (kiosk and tablet alike)."""
    Config.set("graphics", "width", str(display.width))
    Config.set("graphics", "height", str(display.height))
    Config.set("graphics", "multisamples", str(display.multisamples))
    if display.kiosk_mode:
        configure_before_window(
            fullscreen=display.fullscreen, borderless=display.borderless, show_cursor=not display.hide_cursor
        )
    else:
        Config.set("graphics", "fullscreen", "auto" if display.fullscreen else "0")
        Config.set("graphics", "borderless", "1" if display.borderless else "0")


def lock_down_display(app, display, window=None):
    """`lock_down()` with what the [display] section says; None when kiosk_mode is off."""
    if not display.kiosk_mode:
        return None
    return lock_down(
        app, window, fullscreen=display.fullscreen, borderless=display.borderless, show_cursor=not display.hide_cursor
    )


class Lockdown:
    """What `lock_down()` installed; `allow_exit()` lets the admin close the app for real."""

    def __init__(self, app, window):
        self.app = app
        self.window = window
        self.exit_allowed = False
        self.refused_closes = 0
        self.refused_escapes = 0

    def allow_exit(self):
        """The admin chose "exit": the next close request goes through."""
        self.exit_allowed = True

    def exit(self):
        """Close the app on the admin's behalf."""
        self.allow_exit()
        self.app.stop()

    # Window handlers ----------------------------------------------------------------------
    def _on_request_close(self, *_args, **_kwargs):
        if self.exit_allowed:
            return False
        self.refused_closes += 1
        log.info("close request refused (kiosk mode)")
        return True  # True = handled: the window stays open

    def _on_keyboard(self, _window, key, *_args):
        if key == ESCAPE:
            self.refused_escapes += 1
            return not self.exit_allowed
        if key == F1:
            return True  # the settings panel stays shut
        return False

    def release(self):
        """Undo the window bindings (tests; an admin session that needs a normal window)."""
        self.window.funbind("on_request_close", self._on_request_close)
        self.window.funbind("on_keyboard", self._on_keyboard)
        self.window.funbind("on_key_down", self._on_keyboard)


def _settings_refused(*_args, **_kwargs):
    log.info("settings panel refused (kiosk mode)")
    return False


def lock_down(app, window=None, fullscreen=True, borderless=True, show_cursor=False):
    """Lock the running app into kiosk mode; returns a `Lockdown` (keep it to allow exit).

    Call it from `App.build()` or `on_start()`. Plain values only, so each app passes what
    its own config says (e.g. ``fullscreen=cfg.display.fullscreen``).
    """
    if window is None:
        from kivy.core.window import Window as window  # noqa: N813
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    _disable_mouse_multitouch()
    # Kivy's own F1/settings hooks: the App's open_settings becomes a no-op.
    app.open_settings = _settings_refused
    app.use_kivy_settings = False
    lockdown = Lockdown(app, window)
    window.fbind("on_request_close", lockdown._on_request_close)
    # Escape reaches on_key_down first; stopping it there also stops on_keyboard's exit.
    window.fbind("on_key_down", lockdown._on_keyboard)
    window.fbind("on_keyboard", lockdown._on_keyboard)
    window.borderless = bool(borderless)
    window.show_cursor = bool(show_cursor)
    if fullscreen:
        window.fullscreen = "auto"
    else:
        window.fullscreen = False
    app.lockdown = lockdown
    return lockdown


def _disable_mouse_multitouch():
    """Turn off the red multitouch-emulation dots on a mouse provider already running."""
    from kivy.base import EventLoop

    for provider in getattr(EventLoop, "input_providers", []):
        if type(provider).__name__ == "MouseMotionEventProvider":
            provider.disable_multitouch = True
