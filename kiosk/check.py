"""`motcua-kiosk check`: is this kiosk's config valid, is its server reachable, does it accept the token?"""
from __future__ import annotations

import os
from pathlib import Path

import requests

from motcua.client import Client, Rejected, ServerUnreachable, SyncError


def check_kiosk(config_path, timeout: float | None = None) -> tuple[bool, list[str]]:
    """(all good, lines to print): every line names the file and key a person has to fix."""
    from kiosk.settings import load
    from motcua.config import ConfigError
    config_path = Path(config_path)
    lines: list[str] = []
    if not config_path.is_file():
        return False, [f"FAIL config: {config_path} does not exist (give the kiosk's INI with --config)"]
    try:
        cfg = load(config_path)
    except ConfigError as exc:
        return False, [f"FAIL config: {config_path} has a problem: {error}" for error in exc.errors]
    lines.append(f"ok   config: {config_path} is valid")
    good = True
    data_dir = Path(cfg.device.data_dir)
    probe = data_dir if data_dir.exists() else data_dir.parent
    if not os.access(probe, os.W_OK):
        good = False
        lines.append(f"FAIL storage: [device] data_dir = {data_dir} in {config_path} is not writable by this user")
    else:
        lines.append(f"ok   storage: {data_dir} is writable")
    url, timeout = cfg.server.url, timeout or cfg.server.timeout_seconds
    if not url:
        return False, lines + [f"FAIL server: [server] url is empty in {config_path}"]
    try:
        health = requests.get(url.rstrip("/") + "/healthz", timeout=timeout)
        health_ok = health.status_code == 200
    except requests.RequestException as exc:
        return False, lines + [f"FAIL server: cannot reach {url} ([server] url in {config_path}): "
                               f"{exc.__class__.__name__}; is the server running and the address right?"]
    if not health_ok:
        return False, lines + [f"FAIL server: {url}/healthz answered HTTP {health.status_code}: is "
                               f"[server] url in {config_path} the motcua server?"]
    lines.append(f"ok   server: {url} is up")
    token_file = cfg.server.token_file
    if not cfg.server.token:
        return False, lines + [f"FAIL token: no device token in [server] token_file = {token_file} "
                               f"({config_path}): ask the admin for one (motcua-central device add --kind kiosk)"]
    client = Client(url, cfg.server.token, timeout=timeout, user_agent="motcua-kiosk check")
    try:
        fields = client.fields()
    except Rejected as exc:
        if exc.status in (401, 403):
            return False, lines + [f"FAIL token: the server refused the device token in {token_file} "
                                   f"([server] token_file in {config_path}): ask the admin for a new one"]
        return False, lines + [f"FAIL token: the server refused the request: {exc}"]
    except ServerUnreachable as exc:
        return False, lines + [f"FAIL server: {url} did not answer the catalogue request: {exc}"]
    except SyncError as exc:
        return False, lines + [f"FAIL server: {exc}"]
    lines.append(f"ok   token: accepted ({len(fields)} fields in the catalogue)")
    office = cfg.device.office_code
    try:
        stats = client.stats(office, cfg.kiosk.stats_period)
        if not stats or stats.get("office") in (None, ""):
            raise Rejected("no such office", 404)
        lines.append(f"ok   office: {office} is known to the server")
    except SyncError as exc:
        good = False
        lines.append(f"FAIL office: the server does not know [device] office_code = {office} in "
                     f"{config_path} ({exc.__class__.__name__}): check the office code with the admin")
    return good, lines
