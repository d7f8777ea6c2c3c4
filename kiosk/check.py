"""`motcua-kiosk check`: is this kiosk's config valid, is its server reachable, does it accept the token?

The checks every device shares are motcua.check's; the kiosk adds, once the server answers, its
catalogue (which proves the token) and its office's statistics (which prove the office code).
"""

from kiosk import settings as kiosk_settings
from motcua import check as device_check
from motcua.client import Rejected, SyncError
from motcua.config import ConfigError
from motcua.search import Synonyms


def check(path, out=print, timeout=None) -> int:
    """Runs every check it can and prints one line each; returns the exit code (0 all good, 1 not)."""
    return device_check.run(KIOSK, path, out, timeout)


def _load(path):
    """The config, and the office's own search words ([kiosk] extra_words) read as the kiosk will read them."""
    cfg = kiosk_settings.load(path)
    if cfg.kiosk.extra_words:
        try:
            Synonyms.default(str(cfg.kiosk.extra_words))
        except ValueError as exc:
            raise ConfigError(f"{path} [kiosk] extra_words = {cfg.kiosk.extra_words}: {exc}") from exc
    return cfg


def _check_catalogue_and_office(cfg, path, report, client):
    try:
        fields = client.fields()
    except Rejected as exc:
        if exc.status in (401, 403):
            device_check.token_refused(cfg, path, report)
        else:
            report.problem(f"{path}: the server refused the catalogue: {exc}")
        return
    except SyncError as exc:
        report.problem(f"{path} [server] url = {cfg.server.url}: the server did not answer properly ({exc})")
        return
    report.ok(f"the server accepts the device token; the catalogue has {len(fields)} field(s)")
    office = cfg.device.office_code
    try:
        stats = client.stats(office, cfg.kiosk.stats_period)
    except SyncError:
        stats = None
    if not stats or stats.get("office") in (None, ""):
        device_check.unknown_office(cfg, path, report)
    else:
        report.ok(f"[device] office_code = {office}: the server knows this office")


KIOSK = device_check.Device(
    kind="kiosk",
    noun="kiosk",
    load=_load,
    unwritable="the kiosk keeps its copy of the catalogue there, to work when the server is away",
    full="the kiosk cannot update its copy of the catalogue when the disk is full",
    all_good="All good: everything works, this kiosk can show procedures, dossiers and statistics.",
    not_good="the kiosk shows what it has, but fix these so it stays up to date.",
    server_checks=_check_catalogue_and_office,
)
