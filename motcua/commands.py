"""The server's heartbeat commands, carried out by the kiosk: sync_now, reload_config, restart.

`restart` makes `motcua-kiosk` exit with motcua.client.RESTART_EXIT_CODE (75, EX_TEMPFAIL), as the
tablet does; the device's systemd unit (`Restart=always`) starts it again.
"""
from __future__ import annotations

import logging

from motcua.client import RESTART_EXIT_CODE

log = logging.getLogger(__name__)
KNOWN = ("sync_now", "reload_config", "restart")


class KioskCommands:
    """Kivy-free: turns heartbeat commands into calls; `errors` feeds the next heartbeat.

    sync:    callable, runs or wakes a catalogue sync.
    reload:  callable returning the freshly loaded config (raises ConfigError when it is bad).
    apply:   callable(cfg) that applies a config live (the app schedules it on the UI thread).
    restart: callable(exit_code) that stops the app so the process exits with that code.
    """

    def __init__(self, sync, reload, apply, restart):
        self.sync, self.reload, self.apply, self.restart = sync, reload, apply, restart
        self.errors: list[str] = []
        self.done: list[str] = []

    def __call__(self, commands):
        names = [c.get("name") for c in commands if isinstance(c, dict)]
        for name in dict.fromkeys(names):  # once each, in the order the server sent them
            if name not in KNOWN:
                log.warning("heartbeat: unknown server command %r ignored", name)
                continue
            log.info("heartbeat: server command %s", name)
            getattr(self, f"do_{name}")()
            self.done.append(name)

    def do_sync_now(self):
        self.sync()

    def do_reload_config(self):
        from motcua.config import ConfigError
        try:
            cfg = self.reload()
        except (ConfigError, OSError) as exc:  # keep running on the config we have
            message = f"reload_config refused, old config kept: {exc}".replace("\n", "; ")
            log.error("%s", message)
            self.errors = [message]
            return
        self.errors = []
        self.apply(cfg)

    def do_restart(self):
        self.restart(RESTART_EXIT_CODE)
