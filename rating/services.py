"""What the tablet runs besides its screens, built from the config: outbox, sync, staff, officer, flow.

Kivy-free, so the `sync` and `status` commands and the tests use it without a window.
"""

import logging
import threading
import time
from pathlib import Path

import motcua
from motcua import officetime
from motcua.catalogue import Catalogue
from motcua.commands import DeviceCommands
from motcua.devicemark import device_mark
from motcua.outbox import DuplicateItem, Outbox, iso_time
from motcua.settings import check_admin_pin
from motcua.store import connect, db_path

from rating import advice
from rating import settings as rating_settings
from rating.flow import AlreadyRated, FlowSettings, RatingFlow
from rating.officers import Duty

log = logging.getLogger(__name__)


# What a running tablet cannot take over from a reloaded config: the server it talks to, who it
# is, where its store lives and how its window was made.
RESTART_KEYS = (
    ("server", "url"),
    ("server", "token"),
    ("server", "timeout_seconds"),
    ("server", "heartbeat_seconds"),
    ("device", "office_code"),
    ("device", "data_dir"),
    ("rating", "counter"),
    ("display", "fullscreen"),
    ("display", "borderless"),
    ("display", "width"),
    ("display", "height"),
    ("display", "font_scale"),
    ("display", "kiosk_mode"),
    ("display", "hide_cursor"),
    ("display", "multisamples"),
)


def flow_settings(cfg) -> FlowSettings:
    r, reasons = cfg.rating, cfg.reasons
    return FlowSettings(
        scale=r.scale,
        reason_codes=tuple(reasons.codes),
        ask_reasons=reasons.ask,
        comment=reasons.comment,
        phone=reasons.phone,
        dossier_link=r.dossier_link,
        require_service_done=r.require_service_done,
        cooldown_s=r.cooldown_seconds,
        prompt_timeout_s=r.prompt_timeout_seconds,
        thanks_s=r.thanks_seconds,
        keep_vote_on_timeout=r.keep_vote_on_timeout,
    )


class OfficeStaff:
    """The office's officers and photos as the core's Catalogue caches them, read offline at sign-in.

    Reads use the tablet's store connection (UI thread); a refresh opens its own connection, since
    it runs on a background thread (one connection per thread, docs/ARCHITECTURE.md).
    """

    def __init__(self, db, client, office):
        self.client, self.office = client, office
        self._path = db_path(db)
        self.catalogue = Catalogue(db)

    def items(self) -> list[dict]:
        return self.catalogue.staff(self.office)

    def refresh(self) -> None:
        """Raises SyncError when the server cannot be reached; the cached list stays as it was."""
        if self.client is None:
            return
        db = connect(self._path) if self._path else self.catalogue.db
        try:
            Catalogue(db).sync_staff(self.client, self.office)
        finally:
            if db is not self.catalogue.db:
                db.close()

    def photo(self, officer) -> bytes | None:
        url = (officer or {}).get("photo_url")
        return self.catalogue.staff_photo(url) if url else None


class TabletServices:
    """Everything the App needs, passed in (the App never reaches for globals)."""

    def __init__(self, cfg, client=None, staff=None, clock=time.monotonic):
        self.cfg = cfg
        self.office_name = cfg.device.office_name
        self.language = cfg.device.language
        self.officer_button = cfg.rating.officer_button and cfg.rating.require_service_done
        self._labels = rating_settings.scale_labels(cfg)
        self._reasons = rating_settings.reason_labels(cfg)
        data_dir = Path(cfg.device.data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        self.outbox = Outbox.open(data_dir / "rating.db")
        self.device_id = self._device_id()
        self.client = client if client is not None else self._make_client()
        self.staff = None if staff is False else (staff if staff is not None else self._make_staff())
        self._listeners = []
        self.flow = RatingFlow(
            flow_settings(cfg),
            self.record,
            office=cfg.device.office_code,
            counter=cfg.rating.counter,
            already_rated=self.outbox.has_dossier,
            on_change=self._flow_changed,
            clock=clock,
        )
        self.duty = Duty(
            self.staff_list, cfg.rating.counter, on_change=self._officer_changed, record_event=self._log_officer_change
        )
        self.worker = None
        self.commands = DeviceCommands(
            sync=self._sync_now,
            reload=self._reload_config,
            apply=lambda cfg: self.call_in_ui(lambda: self.apply_config(cfg)),
            restart=self._restart,
            retry=self.retry_quarantined,
        )
        self.restart_needed: list[str] = []
        self.storage_error = None
        self.storage_failing_since = ""  # office time of the first failure, for the admin screen
        self.call_in_ui = lambda fn: fn()  # the App swaps in Kivy's Clock (one UI thread)
        self.request_exit = lambda: None  # the App swaps in its own exit
        self.exit_code = 0  # what `motcua-rating` exits with
        self._restore_officer()

    # -- wiring --------------------------------------------------------------------------------
    def _make_client(self):
        from motcua.client import Client

        if not self.cfg.server.token:
            log.warning("no device token: ratings are kept on this tablet until one is configured")
            return None
        return Client(self.cfg.server.url, self.cfg.server.token, timeout=self.cfg.server.timeout_seconds)

    def _make_staff(self):
        return OfficeStaff(self.outbox.db, self.client, self.cfg.device.office_code)

    def _device_id(self) -> str:
        """The "Mã thiết bị" of the admin screen: the name and the mark of the token (motcua.devicemark),
        which the dashboard's device list shows and finds."""
        mark = device_mark(getattr(self.cfg.server, "token", None)) or "—"
        return (self.cfg.device.name + " · " if self.cfg.device.name else "") + mark

    def on_flow_change(self, listener):
        self._listeners.append(listener)

    def _flow_changed(self, flow):
        for listener in list(self._listeners):
            listener(flow)

    # -- the tap path --------------------------------------------------------------------------
    def record(self, payload: dict) -> str:
        """Durable on return (outbox.put commits with synchronous=FULL); the flow thanks after.

        When the store cannot write (a full disk), the error is kept in memory for the admin screen
        and the heartbeat (the store itself cannot take it) and raised, so the citizen is not thanked.
        """
        try:
            item_id = self.outbox.put("rating", payload)
        except DuplicateItem:
            raise AlreadyRated(payload.get("dossier_code")) from None
        except Exception as exc:
            since = self.storage_error and self.storage_failing_since or officetime.now().strftime("%H:%M:%S %d/%m/%Y")
            self.storage_failing_since = since
            self.storage_error = (
                f"Ratings cannot be stored on this tablet since {since} (disk full or "
                f"broken?): {exc.__class__.__name__}: {exc}"
            )
            log.error("a rating could not be stored: %s: %s", exc.__class__.__name__, exc)
            raise
        self.storage_error = None
        if self.worker is not None:
            self.worker.wake()  # deliver now rather than at the next interval
        return item_id

    # -- officer ------------------------------------------------------------------------------
    def staff_list(self) -> list[dict]:
        try:
            return list(self.staff.items() if self.staff is not None else [])
        except Exception:
            log.exception("staff list unavailable")
            return []

    def officer_photo(self, officer) -> bytes | None:
        """The officer's photo (PNG or JPEG bytes) from the local cache; None shows the placeholder."""
        if not officer or self.staff is None:
            return None
        try:
            return self.staff.photo(officer)
        except Exception:
            log.exception("officer photo unavailable")
            return None

    def _officer_changed(self, officer):
        if officer is None:
            self.flow.sign_out()
        else:
            self.flow.sign_in(officer)
        try:  # remembered for a restart; a full disk must not stop the officer signing in
            self.outbox.set_state("rating_officer_on_duty", officer["id"] if officer else None)
        except Exception as exc:
            log.error("officer on duty not remembered: %s: %s", exc.__class__.__name__, exc)

    def _log_officer_change(self, event):
        """Who was on duty when, by staff id only (no names, no PINs): the last 200 changes."""
        entry = dict(event, at=iso_time(time.time()))
        self.outbox.update_state("rating_officer_changes", lambda history: ((history or []) + [entry])[-200:])

    def officer_changes(self) -> list[dict]:
        return self.outbox.state("rating_officer_changes", []) or []

    def _restore_officer(self):
        """Config assignment wins; else the officer who was signed in before a restart."""
        wanted = self.cfg.rating.staff_id or self.outbox.state("rating_officer_on_duty")
        if wanted:
            self.duty.assign(wanted, "config" if self.cfg.rating.staff_id else "restart")

    # -- texts ---------------------------------------------------------------------------------
    def score_label(self, score, lang):
        vi, en = self._labels[score]
        return en if lang == "en" else vi

    def reason_label(self, code, lang):
        vi, en = self._reasons[code]
        return en if lang == "en" else vi

    # -- admin ---------------------------------------------------------------------------------
    def admin_pin_ok(self, pin) -> bool:
        return check_admin_pin(self.cfg, pin)

    def admin_status(self) -> dict:
        """The outbox's status; a storage failure is the last error until a rating is stored again."""
        status = self.outbox.status()
        if self.storage_error:
            status["last_error"] = self.storage_error
        return status

    def sync_now(self, on_done=lambda: None) -> dict | None:
        """One delivery attempt now, in the background for the UI (`drain_once` in the commands);
        `on_done()` once it has finished (from that background thread). Without a device token the
        attempt is not made and its reason becomes the last error, as the admin screen shows it."""
        if self.client is None:
            self.outbox.record_error(advice.NO_TOKEN)
            on_done()
            return None
        if self.worker is not None:
            threading.Thread(target=self._drain_quietly, args=(on_done,), daemon=True).start()
            return None
        try:
            return self.drain_once()
        finally:
            on_done()

    def _drain_quietly(self, on_done):
        try:
            self.worker.drain_once()
        except Exception:
            log.exception("sync now failed")
        finally:
            on_done()

    def drain_once(self):
        from motcua.worker import SyncWorker

        if self.client is None:
            raise RuntimeError(advice.NO_TOKEN)
        worker = self.worker or SyncWorker(self.outbox, self.client, **self._worker_options())
        return worker.drain_once()

    def _worker_options(self) -> dict:
        s = self.cfg.server
        return {
            "interval": s.sync_interval_seconds,
            "backoff_base": s.backoff_base_seconds,
            "backoff_cap": s.backoff_cap_seconds,
        }

    def start(self):
        """Starts background delivery and a staff-list refresh; never blocks the first frame."""
        if self.client is not None:
            from motcua.worker import SyncWorker

            self.worker = SyncWorker(self.outbox, self.client, **self._worker_options())
            self.worker.start()
            from motcua.client import Heartbeat

            self.heartbeat = Heartbeat(
                self.client,
                self.heartbeat_body,
                on_commands=self.commands,
                on_answer=self._on_heartbeat_answer,
                interval=self.cfg.server.heartbeat_seconds,
            ).start()
            threading.Thread(target=self.refresh_staff, daemon=True).start()

    def _on_heartbeat_answer(self, answer: dict) -> None:
        """Numbering continues above the server's highest device_seq (this store may be new or recovered)."""
        if self.outbox.observe_server_seq(answer.get("max_seq")):
            log.warning("rating store was behind the server's numbering: continuing above %s", answer["max_seq"])

    def heartbeat_body(self) -> dict:
        from motcua.client import heartbeat_body

        status = self.admin_status()
        return heartbeat_body(
            "rating",
            motcua.__version__,
            pending=status["pending"],
            oldest_pending_age_s=status["oldest_pending_age_s"],
            last_sync_at=status["last_success_at"],
            errors=([status["last_error"]] if status["last_error"] else [])
            + self.commands.errors
            + [f"reload_config: {key} takes effect after a restart" for key in self.restart_needed],
            quarantined=self.outbox.quarantined(),
        )

    def retry_quarantined(self) -> int:
        """The items the server refused go back to pending and are sent now (the admin fixed the cause)."""
        moved = self.outbox.retry_quarantined()
        log.info("%d quarantined items will be sent again", moved)
        if moved and self.worker is not None:
            self.worker.wake()
        return moved

    def _sync_now(self):
        if self.worker is not None:
            self.worker.wake()

    def _restart(self, code: int):
        # Ratings are already durable in the outbox: stopping loses nothing. `motcua-rating` then
        # exits with this code and the tablet's systemd unit starts it again.
        log.info("restart requested by the server")
        self.exit_code = code
        self.call_in_ui(self.request_exit)

    def _reload_config(self):
        from rating.settings import load

        return load(self.cfg.path)

    def apply_config(self, cfg) -> list[str]:
        """A reloaded config file, applied live: names, language, labels, reasons, the flow's rules,
        the admin PIN, the intervals. What only a restart can change (RESTART_KEYS) is kept as it was
        and named in the next heartbeats; returns those keys."""
        later = [
            f"[{section}] {key}"
            for section, key in RESTART_KEYS
            if getattr(getattr(cfg, section), key) != getattr(getattr(self.cfg, section), key)
        ]
        for section, key in RESTART_KEYS:  # the running tablet keeps what it started with
            getattr(cfg, section).keep(key, getattr(getattr(self.cfg, section), key))
        self.cfg = cfg
        self.office_name = cfg.device.office_name
        self.language = cfg.device.language
        self.officer_button = cfg.rating.officer_button and cfg.rating.require_service_done
        self._labels = rating_settings.scale_labels(cfg)
        self._reasons = rating_settings.reason_labels(cfg)
        self.flow.settings = flow_settings(cfg)
        if self.worker is not None:
            self.worker.interval = cfg.server.sync_interval_seconds
        self.restart_needed = later
        if later:
            log.warning("config reloaded; these take effect after a restart: %s", ", ".join(later))
        self._flow_changed(self.flow)
        return later

    def refresh_staff(self):
        try:
            if self.staff is not None:
                self.staff.refresh()
        except Exception as exc:  # offline: the cached list keeps working
            log.info("staff list not refreshed: %s", exc.__class__.__name__)
            return
        self.call_in_ui(self._after_staff_refresh)

    def _after_staff_refresh(self):
        if self.duty.officer is None:
            self._restore_officer()
        elif self.duty.find(self.duty.officer["id"]) is not None:
            self.duty.officer = self.duty.find(self.duty.officer["id"])
        self._flow_changed(self.flow)

    def stop(self):
        if getattr(self, "heartbeat", None) is not None:
            self.heartbeat.stop()
            self.heartbeat = None
        if self.worker is not None:
            self.worker.stop()
            self.worker = None
