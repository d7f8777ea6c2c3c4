"""The app's "my screen loop still runs" signal for its supervisor (deploy/bin/motcua-session).

A kiosk whose process lives but whose screen loop is stuck (a call that never returns, a deadlock)
is a frozen screen in the lobby that no process check notices. The supervisor names a file in
MOTCUA_ALIVE_FILE; the app touches it from its screen loop every EVERY_S seconds (`schedule`); the
supervisor feeds systemd's watchdog only while the file is fresh, so systemd restarts a hung app.
Kivy-free: the app passes its clock in.
"""

import os
from pathlib import Path

ENV = "MOTCUA_ALIVE_FILE"
EVERY_S = 2.0


def alive_file() -> Path | None:
    """The file the supervisor watches, or None when the app runs without one (by hand, in tests)."""
    value = os.environ.get(ENV, "").strip()
    return Path(value) if value else None


def beat(path: Path) -> bool:
    """Touches the file; False (never an exception) when it cannot: the screen must not suffer."""
    try:
        path.touch()
        os.utime(path)
        return True
    except OSError:
        return False


def schedule(clock, path: Path | None = None):
    """Beats now and then every EVERY_S seconds on `clock` (Kivy's Clock); the event, or None."""
    path = path or alive_file()
    if path is None:
        return None
    beat(path)
    return clock.schedule_interval(lambda _dt: beat(path), EVERY_S)
