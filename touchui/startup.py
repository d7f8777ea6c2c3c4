"""How the kiosk and the tablet start and stop: quiet, ordinary logs, Kivy's files in the app's data
folder, and a prompt clean stop on SIGTERM (systemctl stop) or Ctrl+C, also in kiosk mode.

`prepare(data_dir)` runs before anything imports kivy (this module imports it only inside
`stop_on_signals`). Kiosk mode locks the screen against people (Escape, the close button, the
settings panel); the service manager's SIGTERM is not a person, so it always stops the app.
"""

import logging
import os
import signal
import time
from pathlib import Path

log = logging.getLogger(__name__)
HUNG_SECONDS = 3.0

# Kivy looks for a cut buffer (X11 middle-click paste, through the xclip or xsel programs) the
# first time a text field is used, and when neither program is installed it logs a CRITICAL line
# with their tracebacks. A touch screen has no middle button: that search is not news.
_NOISE = ("Cutbuffer: Unable to find any valuable Cutbuffer provider",)


class _KivyNoise(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        return not any(message.startswith(noise) for noise in _NOISE)


def prepare(data_dir) -> Path:
    """Set Kivy's environment for an app whose files live in `data_dir`; returns Kivy's home there.

    Kivy's home (``KIVY_HOME``) is ``<data_dir>/kivy`` instead of ``~/.kivy``; Kivy reads and writes
    no config file of its own (the app's ini says everything) and keeps no log files (the service
    manager's journal has the log); its records go through Python's logging, so each line is
    written once, by the handler the command set up. The clipboard is SDL's (no xclip/xsel).
    """
    home = Path(data_dir).resolve() / "kivy"
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("KIVY_HOME", str(home))
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONFIG", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ["KIVY_LOG_MODE"] = "PYTHON"
    os.environ.setdefault("KIVY_CLIPBOARD", "sdl2,dummy")
    # SDL would turn SIGTERM into a close request, which kiosk mode refuses: the app handles it.
    os.environ["SDL_NO_SIGNAL_HANDLERS"] = "1"
    logging.getLogger("kivy").addFilter(_KivyNoise())
    return home


def stop_on_signals(app, signals=(signal.SIGTERM, signal.SIGINT)):
    """Stop `app` cleanly (its on_stop runs, the process exits normally) on SIGTERM or Ctrl+C.

    The stop happens on the next frame of the UI loop. Another signal soon after is the same
    request (Ctrl+C in a terminal reaches the app and the demo that forwards it); one more than
    `HUNG_SECONDS` later, with the stop still pending (a hung loop), ends the process at once, as
    the signal would have without this handler.
    """
    from kivy.clock import Clock

    pending = []

    def handle(signum, _frame):
        name = signal.Signals(signum).name
        if pending:
            if time.monotonic() - pending[0] < HUNG_SECONDS:
                return
            log.warning("%s again, the app has not stopped: stopping now", name)
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        log.info("%s: stopping", name)
        pending.append(time.monotonic())
        lockdown = getattr(app, "lockdown", None)
        if lockdown is not None:
            lockdown.allow_exit()
        Clock.schedule_once(lambda _dt: app.stop(), 0)

    def stopping(*_):
        # The app is leaving: a signal now (the demo forwarding Ctrl+C) has nothing left to stop, and
        # Python puts back the default handlers while the process ends, so it would kill the process
        # half-way through its clean exit. Ignored handlers are left alone.
        for signum in signals:
            signal.signal(signum, signal.SIG_IGN)

    for signum in signals:
        signal.signal(signum, handle)
    app.bind(on_stop=stopping)
    return handle
