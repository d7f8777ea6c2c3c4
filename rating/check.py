"""`motcua-rating check`: is this tablet's config sound, is the server reachable, does it accept the token?

The checks every device shares are motcua.check's; the tablet adds its own config rules (labels of
the scale and the reasons) and, once the server answers, its office's staff list: who can sign in.
"""

from motcua import check as device_check
from motcua.client import Rejected, SyncError
from rating import settings as rating_settings


def load(path):
    """The config file, with the tablet's rules the schema alone cannot say (ConfigError when broken)."""
    cfg = rating_settings.load(path)
    rating_settings.scale_labels(cfg)
    rating_settings.reason_labels(cfg)
    return cfg


def check(path, out=print, timeout=None) -> int:
    """Runs every check it can and prints one line each; returns the exit code (0 all good, 1 not)."""
    return device_check.run(TABLET, path, out, timeout)


def _check_staff(cfg, path, report, client):
    office = cfg.device.office_code
    try:
        staff = client.staff(office)
    except Rejected as exc:
        if exc.status == 401:
            device_check.token_refused(cfg, path, report)
        elif exc.status == 404:
            device_check.unknown_office(cfg, path, report)
        elif exc.status == 403:
            report.problem(
                f"{path} [device] office_code = {office}: the server registered this tablet for another office ({exc})"
            )
        else:
            report.problem(f"{path}: the server refused the staff list of {office}: {exc}")
        return
    except SyncError as exc:
        report.problem(f"{path} [server] url = {cfg.server.url}: the server did not answer properly ({exc})")
        return
    report.ok(f"the server accepts the device token; office {office} has {len(staff)} officer(s)")
    if client.device_kind not in (None, "rating"):
        return  # another kind's token gets no officers' PINs: its one problem is the token (run says it)
    if not staff:
        report.problem(
            f"[device] office_code = {office}: no officers on the server yet, nobody can sign in "
            "(motcua-central staff add ...)"
        )
    wanted = cfg.rating.staff_id
    if wanted and not any(str(o.get("id")) == str(wanted) for o in staff):
        report.problem(f"{path} [rating] staff_id = {wanted}: no officer with this id in office {office}")
    elif not wanted and staff and not any(o.get("pin_hash") for o in staff):
        report.problem(
            f"{path} [rating] staff_id is empty and no officer of {office} has a PIN this tablet "
            "can check, so nobody can sign in: give officers a PIN, set staff_id, or (if the "
            "token was issued for another office) ask the admin for a token of this office"
        )


TABLET = device_check.Device(
    kind="rating",
    noun="tablet",
    load=load,
    unwritable="ratings must be stored on this tablet before the thank-you screen",
    full="the tablet refuses ratings when the disk is full",
    all_good="All good: this tablet can record and deliver ratings.",
    not_good="ratings are still recorded on the tablet, but fix these so they reach the server.",
    server_checks=_check_staff,
)
