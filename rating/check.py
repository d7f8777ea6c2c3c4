"""`motcua-rating check`: is this tablet's config sound, is the server reachable, does it accept the token?

Says what is wrong in plain words, naming the file and the key to fix, for the IT officer setting
up a counter. Reads only (GET /healthz, GET /api/v1/staff): it changes nothing on the server.
"""
import os
from pathlib import Path

from motcua.client import Client, Rejected, ServerUnreachable, SyncError
from motcua.config import ConfigError
from rating.settings import load


class Report:
    """Lines of `OK` / `PROBLEM`; the exit code is 1 as soon as one problem is found."""

    def __init__(self, out):
        self.out, self.problems = out, 0

    def ok(self, text):
        self.out(f"OK       {text}")

    def problem(self, text):
        self.problems += 1
        self.out(f"PROBLEM  {text}")


def check(path, out=print, timeout=None) -> int:
    """Runs every check it can and prints one line each; returns the exit code (0 all good, 1 not)."""
    report = Report(out)
    path = Path(path)
    try:
        cfg = load(path)
        from rating import settings as rating_settings
        rating_settings.scale_labels(cfg)
        rating_settings.reason_labels(cfg)
    except ConfigError as exc:
        for line in exc.errors:
            report.problem(line if str(path) in line else f"{path}: {line}")
        out(f"{path}: fix the lines above, then run `motcua-rating check --config {path}` again.")
        return 1
    report.ok(f"{path}: every key is known and every value is valid")
    _check_data_dir(cfg, path, report)
    client = _check_token_file(cfg, path, report, timeout)
    if _check_server(cfg, path, report, timeout) and client is not None:
        _check_device(cfg, path, report, client)
    out("All good: this tablet can record and deliver ratings." if not report.problems else
        f"{report.problems} problem(s): ratings are still recorded on the tablet, but fix these so they reach "
        "the server.")
    return 1 if report.problems else 0


def _check_data_dir(cfg, path, report):
    data_dir = Path(cfg.device.data_dir)
    probe = data_dir / ".motcua-check"
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        report.problem(f"{path} [device] data_dir = {data_dir}: cannot write there ({exc.strerror or exc}); "
                       "ratings must be stored on this tablet before the thank-you screen")
        return
    free_mb = os.statvfs(data_dir).f_bavail * os.statvfs(data_dir).f_frsize // 2**20
    if free_mb < 50:
        report.problem(f"[device] data_dir = {data_dir}: only {free_mb} MB free; the tablet refuses ratings "
                       "when the disk is full")
    else:
        report.ok(f"[device] data_dir = {data_dir}: writable, {free_mb} MB free")


def _check_token_file(cfg, path, report, timeout):
    token_file = cfg.server.token_file
    if not cfg.server.token:
        report.problem(f"{path} [server] token_file = {token_file}: the file is missing or empty. Ask the "
                       "admin to register this tablet (motcua-central device add --kind rating ...) and put "
                       "the token it prints in that file")
        return None
    report.ok(f"[server] token_file = {token_file}: a token is there")
    return Client(cfg.server.url, cfg.server.token, timeout=timeout or cfg.server.timeout_seconds,
                  user_agent="motcua-rating-check")


def _check_server(cfg, path, report, timeout) -> bool:
    url = cfg.server.url
    try:
        Client(url, None, timeout=timeout or cfg.server.timeout_seconds)._request("GET", "/healthz")
    except ServerUnreachable as exc:
        report.problem(f"{path} [server] url = {url}: cannot reach the server ({_why(exc)}). Check the "
                       "address, the network cable or Wi-Fi, and that the server is running")
        return False
    except SyncError as exc:
        report.problem(f"{path} [server] url = {url}: this does not look like a motcua server ({exc})")
        return False
    report.ok(f"[server] url = {url}: the server answers")
    return True


def _why(exc: ServerUnreachable) -> str:
    """The network failure in a few plain words rather than urllib3's paragraph."""
    text = str(exc)
    if exc.status:
        return f"it answers HTTP {exc.status}"
    for marker, plain in (("refused", "nothing answers at that address and port"),
                          ("no answer within", text.split(": ", 1)[-1]),
                          ("Name or service not known", "the host name is unknown"),
                          ("NameResolution", "the host name is unknown"),
                          ("unreachable", "the network cannot reach it")):
        if marker in text:
            return plain
    return text[:200]


def _check_device(cfg, path, report, client):
    office = cfg.device.office_code
    try:
        staff = client.staff(office)
    except Rejected as exc:
        if exc.status == 401:
            report.problem(f"{path} [server] token_file = {cfg.server.token_file}: the server refused the device "
                           "token: ask the admin for a new one (it may have been revoked or mistyped)")
        elif exc.status == 404:
            report.problem(f"{path} [device] office_code = {office}: the server has no office with this code")
        elif exc.status == 403:
            report.problem(f"{path} [device] office_code = {office}: the server registered this tablet for "
                           f"another office ({exc})")
        else:
            report.problem(f"{path}: the server refused the staff list of {office}: {exc}")
        return
    except SyncError as exc:
        report.problem(f"{path} [server] url = {cfg.server.url}: the server did not answer properly ({exc})")
        return
    report.ok(f"the server accepts the device token; office {office} has {len(staff)} officer(s)")
    if not staff:
        report.problem(f"[device] office_code = {office}: no officers on the server yet, nobody can sign in "
                       "(motcua-central staff add ...)")
    wanted = cfg.rating.staff_id
    if wanted and not any(str(o.get("id")) == str(wanted) for o in staff):
        report.problem(f"{path} [rating] staff_id = {wanted}: no officer with this id in office {office}")
    elif not wanted and staff and not any(o.get("pin_hash") for o in staff):
        report.problem(f"{path} [rating] staff_id is empty and no officer of {office} has a PIN this tablet "
                       "can check, so nobody can sign in: give officers a PIN, set staff_id, or (if the "
                       "token was issued for another office) ask the admin for a token of this office")
