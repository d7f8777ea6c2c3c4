"""The demo: central server on SQLite with sample data, and the two apps where a display exists."""

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = ROOT / "var" / "demo"
OFFICE = "XA-PHUOCLONG"


def officer_pin_line() -> str:
    """What the demo prints for signing in on the tablet: the demo officers' PIN (demo data only)."""
    from central.demo.sample import DEMO_PIN

    return (
        f"  tablet: an officer signs in with PIN {DEMO_PIN} (Cán bộ đăng nhập quầy, then the officer's name; "
        "every demo officer has this PIN); the admin PIN 2468 opens only the tablet's admin screen"
    )


def cli(db_url: str, *args: str, stdin: str | None = None) -> str:
    """Runs `motcua-central --db DB ARGS` and returns its stdout; stops the demo on failure."""
    proc = subprocess.run(
        [sys.executable, "-m", "central.cli", "--db", db_url, *args], input=stdin, capture_output=True, text=True
    )
    if proc.returncode != 0:
        sys.exit(f"motcua-central {' '.join(args)} failed:\n{proc.stderr.strip()}")
    return proc.stdout


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1].strip()


def write_device_files(name: str, token: str, body: str) -> Path:
    token_file = DEMO_DIR / f"{name}.token"
    token_file.write_text(token + "\n", encoding="utf-8")
    token_file.chmod(0o600)
    path = DEMO_DIR / f"{name}.ini"
    path.write_text(body, encoding="utf-8")
    return path


def prepare(db_url: str, url: str) -> dict:
    """Fresh database with sample data, one admin, one kiosk, one tablet; returns what to print."""
    cli(db_url, "init")
    cli(db_url, "seed-demo")
    password = secrets.token_urlsafe(9)
    cli(db_url, "admin", "add", "admin", "--password-stdin", stdin=password + "\n")
    kiosk_token = last_line(cli(db_url, "device", "add", "--kind", "kiosk", "--office", OFFICE, "--name", "Kiosk sảnh"))
    rating_token = last_line(
        cli(
            db_url,
            "device",
            "add",
            "--kind",
            "rating",
            "--office",
            OFFICE,
            "--counter",
            "1",
            "--name",
            "Máy đánh giá quầy 1",
        )
    )
    common = (
        f"[server]\nurl = {url}\ntoken_file = {{name}}.token\nsync_interval_seconds = 30\n\n"
        f"[device]\noffice_code = {OFFICE}\n"
        f"office_name = Trung tâm Phục vụ hành chính công xã Phước Long\n"
        f"data_dir = {{name}}-data\n\n"
        "[display]\nfullscreen = no\nkiosk_mode = no\n\n[admin]\npin = 2468\n"
    )
    kiosk_ini = write_device_files("kiosk", kiosk_token, common.format(name="kiosk"))
    rating_ini = write_device_files("rating", rating_token, common.format(name="rating") + "\n[rating]\ncounter = 1\n")
    return {"password": password, "kiosk_ini": kiosk_ini, "rating_ini": rating_ini}


def wait_healthy(url: str, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit("the central server stopped while starting; see the messages above")
        try:
            if requests.get(url + "/healthz", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    sys.exit(f"the central server did not answer on {url} within {seconds:.0f} s")


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="scripts/demo.sh", description=__doc__)
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--no-apps", action="store_true", help="serve only; do not open the kiosk and tablet")
    args = ap.parse_args(argv)

    if DEMO_DIR.exists():
        shutil.rmtree(DEMO_DIR)
    DEMO_DIR.mkdir(parents=True)
    db_url = str(DEMO_DIR / "central.db")
    url = f"http://{args.host}:{args.port}"
    info = prepare(db_url, url)

    server = subprocess.Popen(
        [sys.executable, "-m", "central.cli", "--db", db_url, "serve", "--host", args.host, "--port", str(args.port)]
    )
    children = [server]
    try:
        wait_healthy(url, server)
        print(f"\nmotcua demo: central server on {url}")
        print(f"  dashboard: {url}/admin/   login: admin / {info['password']}")
        print(f"  kiosk config:  {info['kiosk_ini'].relative_to(ROOT)}")
        print(f"  tablet config: {info['rating_ini'].relative_to(ROOT)}   admin PIN 2468")
        print(officer_pin_line())
        print(cli(db_url, "demo-hints").rstrip() if "--help" not in sys.argv else "")
        if args.no_apps or not has_display():
            if not args.no_apps:
                print(
                    "  no display here: the kiosk and the tablet are not opened "
                    '(try: .venv/bin/motcua-kiosk search "khai sinh" --config '
                    f"{info['kiosk_ini'].relative_to(ROOT)})"
                )
        else:
            subprocess.run([sys.executable, "-m", "kiosk", "sync", "--config", str(info["kiosk_ini"])])
            for app, ini in (("kiosk", info["kiosk_ini"]), ("rating", info["rating_ini"])):
                children.append(subprocess.Popen([sys.executable, "-m", app, "--config", str(ini)]))
        print("Ctrl+C stops everything.")
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
