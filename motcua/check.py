"""`motcua-kiosk check` and `motcua-rating check`: one check of a device's set-up, said in plain words.

For the IT officer setting up a device: is the config file sound, can the data folder be written,
is there a device token, does the server answer, does it accept the token? Each line starts with
`OK` or `PROBLEM` and names the file and the key to fix; the token itself is never printed. Each app
adds its own checks once the server answers (`Device.server_checks`: the kiosk's catalogue and
office, the tablet's staff list). Reads only (GET requests): nothing changes on the server.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from motcua.client import Client, ServerUnreachable, SyncError
from motcua.config import ConfigError

MIN_FREE_MB = 50


class Report:
    """Lines of `OK` / `PROBLEM`; the exit code is 1 as soon as one problem is found."""

    def __init__(self, out):
        self.out, self.problems = out, 0

    def ok(self, text):
        self.out(f"OK       {text}")

    def problem(self, text):
        self.problems += 1
        self.out(f"PROBLEM  {text}")


@dataclass
class Device:
    """What differs between the apps' checks; the rest is `run`."""

    kind: str  # "kiosk" | "rating": `motcua-<kind>`, `motcua-central device add --kind <kind>`
    noun: str  # "kiosk" | "tablet", in sentences
    load: Callable  # path -> Config; raises motcua.config.ConfigError listing every problem
    unwritable: str  # why the data folder must be writable
    full: str  # what happens when its disk is full
    all_good: str  # the last line when nothing is wrong
    not_good: str  # the last line after problems, after "N problem(s): "
    server_checks: Callable  # (cfg, path, report, client): the app's own, once the server answers


def run(device: Device, path, out=print, timeout=None) -> int:
    """Runs every check it can and prints one line each; returns the exit code (0 all good, 1 not)."""
    report = Report(out)
    path = Path(path)
    try:
        cfg = device.load(path)
    except ConfigError as exc:
        for line in exc.errors:
            report.problem(line if str(path) in line else f"{path}: {line}")
        out(f"{path}: fix the lines above, then run `motcua-{device.kind} check --config {path}` again.")
        return 1
    report.ok(f"{path}: every key is known and every value is valid")
    _check_data_dir(device, cfg, path, report)
    client = _check_token_file(device, cfg, path, report, timeout)
    if _check_server(cfg, path, report, timeout) and client is not None:
        device.server_checks(cfg, path, report, client)
        _check_token_kind(device, cfg, path, report, client)
    out(device.all_good if not report.problems else f"{report.problems} problem(s): {device.not_good}")
    return 1 if report.problems else 0


def token_refused(cfg, path, report):
    """The server answered 401 (or 403 to a request any device may make): a revoked or mistyped token."""
    report.problem(
        f"{path} [server] token_file = {cfg.server.token_file}: the server refused the device "
        "token: ask the admin for a new one (it may have been revoked or mistyped)"
    )


def unknown_office(cfg, path, report):
    report.problem(f"{path} [device] office_code = {cfg.device.office_code}: the server has no office with this code")


def _check_data_dir(device, cfg, path, report):
    data_dir = Path(cfg.device.data_dir)
    probe = data_dir / ".motcua-check"
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        report.problem(
            f"{path} [device] data_dir = {data_dir}: cannot write there ({exc.strerror or exc}); {device.unwritable}"
        )
        return
    free_mb = os.statvfs(data_dir).f_bavail * os.statvfs(data_dir).f_frsize // 2**20
    if free_mb < MIN_FREE_MB:
        report.problem(f"[device] data_dir = {data_dir}: only {free_mb} MB free; {device.full}")
    else:
        report.ok(f"[device] data_dir = {data_dir}: writable, {free_mb} MB free")


def _check_token_file(device, cfg, path, report, timeout):
    token_file = cfg.server.token_file
    if not cfg.server.token:
        report.problem(
            f"{path} [server] token_file = {token_file}: the file is missing or empty. Ask the "
            f"admin to register this {device.noun} (motcua-central device add --kind {device.kind} ...) "
            "and put the token it prints in that file"
        )
        return None
    try:
        others_can_read = Path(token_file).stat().st_mode & 0o077
    except (OSError, TypeError):
        others_can_read = 0
    if others_can_read:
        report.problem(
            f"{path} [server] token_file = {token_file}: other users of this machine can read the token; "
            f"run: chmod 600 {token_file}"
        )
    else:
        report.ok(f"[server] token_file = {token_file}: a token is there")
    return Client(
        cfg.server.url,
        cfg.server.token,
        timeout=timeout or cfg.server.timeout_seconds,
        user_agent=f"motcua-{device.kind}-check",
    )


KIND_NOUNS = {"kiosk": "kiosk", "rating": "rating tablet"}


def _check_token_kind(device, cfg, path, report, client):
    """A token issued for the other kind of device: the server answers its reads, but the device cannot
    do its job (a tablet's ratings are refused with a kiosk's token; a kiosk's heartbeat is a tablet's)."""
    issued = client.device_kind
    if issued and issued != device.kind:
        report.problem(
            f"{path} [server] token_file = {cfg.server.token_file}: this token was issued for a "
            f"{KIND_NOUNS.get(issued, issued)}, not a {device.noun}. Ask the admin for a {device.noun} token "
            f"(motcua-central device add --kind {device.kind} ...) and put it in that file"
        )


def _check_server(cfg, path, report, timeout) -> bool:
    url = cfg.server.url
    if not url:
        report.problem(f"{path} [server] url is empty: give the central server's address")
        return False
    try:
        Client(url, None, timeout=timeout or cfg.server.timeout_seconds)._request("GET", "/healthz")
    except ServerUnreachable as exc:
        report.problem(
            f"{path} [server] url = {url}: cannot reach the server ({_why(exc)}). Check the "
            "address, the network cable or Wi-Fi, and that the server is running"
        )
        return False
    except SyncError as exc:
        report.problem(f"{path} [server] url = {url}: this does not look like a motcua server ({exc})")
        return False
    report.ok(f"[server] url = {url}: the server answers")
    return True


def sync_problem(exc: Exception, url: str) -> str:
    """A failed sync in a sentence for the command line: what went wrong and what to do, not the exception."""
    if isinstance(exc, ServerUnreachable):
        return (
            f"cannot reach the server at {url} ({_why(exc)}); check the address, the network cable or Wi-Fi, "
            "and that the server is running"
        )
    status = getattr(exc, "status", None)
    if status in (401, 403) or str(exc).startswith("no device token"):
        return (
            f"the server at {url} does not accept this device's token ([server] token_file); ask the admin to "
            "register the device again and put the token it prints in that file"
        )
    return f"the server at {url} refused the request: {exc}"


def _why(exc: ServerUnreachable) -> str:
    """The network failure in a few plain words rather than urllib3's paragraph."""
    text = str(exc)
    if exc.status:
        return f"it answers HTTP {exc.status}"
    for marker, plain in (
        ("refused", "nothing answers at that address and port"),
        ("no answer within", text.split(": ", 1)[-1]),
        ("Name or service not known", "the host name is unknown"),
        ("NameResolution", "the host name is unknown"),
        ("unreachable", "the network cannot reach it"),
    ):
        if marker in text:
            return plain
    return text[:200]
