"""The server's heartbeat commands, carried out the same way by the kiosk and the tablet.

sync_now, reload_config, restart, and retry_quarantined (the tablet: its outbox's refused items go
out again). `restart` makes the app exit with motcua.client.RESTART_EXIT_CODE (75, EX_TEMPFAIL);
the device's systemd unit (`Restart=always`) starts it again. The names are the server's
(central.storage.schema.COMMANDS); an app that has no handler for one ignores it.
"""

from __future__ import annotations

import logging

from motcua.client import RESTART_EXIT_CODE

log = logging.getLogger(__name__)
# The commands a server may queue for a device: the one list (the server's CLI and dashboard offer these).
NAMES = ("reload_config", "sync_now", "restart", "retry_quarantined")


class DeviceCommands:
    """Kivy-free: turns heartbeat commands into calls; `errors` feeds the next heartbeat.

    sync:    callable, runs or wakes a sync (the kiosk's catalogue, the tablet's outbox).
    reload:  callable returning the freshly loaded config (raises ConfigError when it is bad).
    apply:   callable(cfg) that applies a config live (the app schedules it on the UI thread).
    restart: callable(exit_code) that stops the app so the process exits with that code.
    retry:   callable, or None when the device has no outbox (the kiosk): sends refused items again.
    """

    def __init__(self, sync, reload, apply, restart, retry=None):
        self.sync, self.reload, self.apply, self.restart, self.retry = sync, reload, apply, restart, retry
        self.errors: list[str] = []
        self.done: list[str] = []

    def __call__(self, commands):
        names = [c.get("name") for c in commands if isinstance(c, dict)]
        for name in dict.fromkeys(names):  # once each, in the order the server sent them
            if name not in NAMES:
                log.warning("heartbeat: unknown server command %r ignored", name)
                continue
            if name == "retry_quarantined" and self.retry is None:
                log.info("heartbeat: %s does not apply to this device", name)
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

    def do_retry_quarantined(self):
        try:
            self.retry()
        except Exception as exc:  # a full disk: the next heartbeat still reports the quarantine
            log.error("quarantined items not retried: %s: %s", exc.__class__.__name__, exc)
