"""What the kiosk screens ask of the world, Kivy-free: catalogue, dossier lookups, cached statistics."""

from __future__ import annotations

import dataclasses
import logging
import time
from enum import StrEnum

from kiosk import present
from kiosk.i18n import tr
from kiosk.settings import KIOSK
from motcua import dossier_code
from motcua.client import Rejected, ServerUnreachable, SyncError

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    """How a dossier lookup ended (the dossier screen shows one message per outcome)."""

    FOUND = "found"
    NOT_FOUND = "not_found"  # an unknown code, or a wrong secret (the server answers both alike)
    OFFLINE = "offline"  # the server could not be reached or refused the kiosk
    BUSY = "busy"  # 429/503: ask again after `retry_after` seconds
    INVALID = "invalid"  # not a dossier code: the server was not asked


@dataclasses.dataclass
class Lookup:
    """The outcome of one dossier lookup, as the dossier screen shows it."""

    outcome: Outcome
    dossier: dict | None = None
    retry_after: int | None = None
    secret_used: bool = False

    @property
    def has_steps(self) -> bool:
        return bool(self.dossier and "steps" in self.dossier)


def _http_status(exc: Exception) -> int | None:
    for name in ("status", "status_code", "http_status"):
        value = getattr(exc, name, None)
        if isinstance(value, int):
            return value
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


def _retry_after(exc: Exception) -> int:
    value = getattr(exc, "retry_after", None)
    if value is None:
        response = getattr(exc, "response", None)
        value = getattr(response, "headers", {}).get("Retry-After") if response is not None else None
    try:
        return max(1, int(float(value)))
    except (TypeError, ValueError):
        return 30


class KioskServices:
    """The one object screens talk to; the network is only touched off the UI thread."""

    def __init__(
        self,
        catalogue,
        client,
        office_code: str,
        stats_period: str = "30d",
        clock=time.time,
        search_limit: int = KIOSK.key("search_limit").default,
        portal_link: str = KIOSK.key("portal_link").default,
        missed=None,
    ):
        self.catalogue = catalogue
        self.client = client
        self.office_code = office_code
        self.stats_period = stats_period
        self.search_limit = search_limit  # [kiosk] search_limit
        self.portal_link = portal_link  # [kiosk] portal_link: the portal page's address, {id} in it
        self.clock = clock
        self.missed = missed  # kiosk.missed.MissedSearches: searches that found nothing or were not tapped
        self.online: bool | None = None  # last contact with the server, None before the first

    # ---- catalogue (local cache: works offline) ----------------------------------------
    def fields(self) -> list[dict]:
        return self.catalogue.fields()

    def by_field(self, code: str) -> list[dict]:
        return self.catalogue.by_field(code)

    def search(self, query: str, limit: int | None = None) -> list[dict]:
        """Procedures matching `query`, best first: at most `limit`, by default [kiosk] search_limit."""
        if not (query or "").strip():
            return []
        return self.catalogue.search(query, limit=self.search_limit if limit is None else limit)

    def search_ended(self, query: str, outcome: str) -> bool:
        """A search ended with nothing offered (missed.NO_MATCH) or nothing tapped (NO_TAP): counted
        for the dashboard's missed searches (query text only). False when not kept."""
        if self.missed is None:
            return False
        try:
            return self.missed.record(query, outcome)
        except Exception:  # a full disk or a locked store must never stop a citizen's search
            log.exception("missed search not counted")
            return False

    def procedure(self, code: str) -> dict | None:
        """The cached procedure, with `portal_url` (its QR and the slip's link) only when the portal's id is known."""
        item = self.catalogue.get(code)
        return None if item is None else present.with_portal_link(item, self.portal_link)

    def data_age(self) -> float | None:
        return self.catalogue.data_age()

    def sync_catalogue(self):
        """One catalogue sync now (admin screen, `motcua-kiosk sync`); raises SyncError."""
        try:
            result = self.catalogue.sync(self.client)
        except ServerUnreachable:
            self.online = False
            raise
        self.online = True
        try:
            self.refresh_stats()
        except SyncError as exc:
            log.info("statistics not refreshed: %s", exc.__class__.__name__)
        return result

    def status_line(self, lang: str = "vi") -> str:
        """The quiet indicator: online/offline and how old the catalogue is."""
        net = tr("net.offline" if self.online is False else "net.online", lang)
        return f"{net} · {present.data_age_text(self.data_age(), lang)}"

    # ---- dossiers (live only: nothing stale is ever shown as current) -------------------
    def lookup_dossier(self, raw_code: str, secret: str | None = None) -> Lookup:
        code = dossier_code.normalise(raw_code)
        if not dossier_code.is_valid(code):
            return Lookup(Outcome.INVALID)
        secret = (secret or "").strip() or None
        try:
            dossier = self.client.dossier(code, secret=secret)
        except ServerUnreachable as exc:
            if _http_status(exc) in (429, 503):
                self.online = True
                return Lookup(Outcome.BUSY, retry_after=_retry_after(exc))
            self.online = False
            return Lookup(Outcome.OFFLINE)
        except (Rejected, SyncError) as exc:
            status = _http_status(exc)  # a 404 is no error: the client answers None for it
            log.warning("dossier lookup refused: %s (HTTP %s)", exc.__class__.__name__, status)
            self.online = status is not None
            return Lookup(Outcome.OFFLINE)
        self.online = True
        if not dossier:
            return Lookup(Outcome.NOT_FOUND, secret_used=bool(secret))
        return Lookup(Outcome.FOUND, dossier=dossier, secret_used=bool(secret))

    # ---- statistics (cached by the core with each sync, shown as of that time) ------------
    def refresh_stats(self) -> dict:
        return self.catalogue.sync_stats(self.client, self.office_code, self.stats_period)

    def stats(self) -> tuple[dict | None, float | None]:
        """(last fetched statistics, when fetched as a Unix time), or (None, None)."""
        stats, age = self.catalogue.stats(self.office_code, self.stats_period)
        if stats is None:
            return None, None
        return stats, self.clock() - (age or 0)
