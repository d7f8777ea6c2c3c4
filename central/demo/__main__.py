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
DEMO_DIR = Path(os.environ.get("MOTCUA_DEMO_DIR") or ROOT / "var" / "demo")  # the tests point it elsewhere
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


def shown(path: Path) -> str:
    """A path as the demo prints it: relative to the checkout when inside it."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def say(text: str) -> None:
    """One line of what the demo is doing now (its first run takes about a minute)."""
    print(f"motcua demo: {text}", flush=True)


def screen_size() -> tuple[int, int]:
    """The X screen's size in pixels (xdpyinfo), else 1920x1080."""
    try:
        out = subprocess.run(["xdpyinfo"], capture_output=True, text=True, timeout=5).stdout
        for line in out.splitlines():
            if line.strip().startswith("dimensions:"):
                width, height = line.split()[1].split("x")
                return int(width), int(height)
    except (OSError, ValueError, subprocess.SubprocessError):
        pass
    return 1920, 1080


TABLET_SIZE = (1280, 800)  # a 10-inch counter tablet


def window_layout(screen: tuple[int, int]) -> dict[str, tuple[int, int, int, int]]:
    """{app: (width, height, left, top)}: side by side, never on top of each other. The tablet keeps its
    1280x800 on the right where the screen has room for it beside the kiosk, else it is drawn smaller
    (a laptop's 1366x768); the kiosk stands upright (as a lobby kiosk does) in the width left of it."""
    width, height = screen
    usable = max(height - 80, 480)  # room for a panel or a title bar
    full_w, full_h = TABLET_SIZE
    kiosk_w = max(min(width - full_w, 1080), min(540, width * 2 // 5))
    scale = min(1.0, (width - kiosk_w) / full_w, usable / full_h)
    tablet_w, tablet_h = round(full_w * scale), round(full_h * scale)
    kiosk_h = min(usable, kiosk_w * 16 // 9)
    return {
        "kiosk": (kiosk_w, kiosk_h, 0, 0),
        "rating": (tablet_w, tablet_h, width - tablet_w, 0),  # right-aligned, beside the kiosk
    }


KIOSK_PORTRAIT_WIDTH = 1080  # the width the kiosk's upright layout is drawn for (a 1080x1920 screen)


def window_env(left: int, top: int, density: float = 1.0) -> dict:
    """Kivy reads KCFG_<SECTION>_<KEY> before it opens the window: where the window goes. A density below 1
    (KIVY_METRICS_DENSITY) draws the whole screen smaller, so a narrow window shows the kiosk as a 1080-wide
    kiosk would, only scaled down, instead of cutting its texts."""
    env = dict(os.environ, KCFG_GRAPHICS_POSITION="custom", KCFG_GRAPHICS_LEFT=str(left), KCFG_GRAPHICS_TOP=str(top))
    if density < 1:
        env["KIVY_METRICS_DENSITY"] = f"{density:.2f}"
    return env


def window_density(app: str, width: int) -> float:
    """How much smaller the app is drawn in the demo's window: the kiosk scaled to its width, the tablet 1:1
    in its 1280x800 (scaled to its width on a smaller screen)."""
    return min(1.0, width / (KIOSK_PORTRAIT_WIDTH if app == "kiosk" else TABLET_SIZE[0]))


def write_device_files(name: str, token: str, body: str) -> Path:
    token_file = DEMO_DIR / f"{name}.token"
    token_file.write_text(token + "\n", encoding="utf-8")
    token_file.chmod(0o600)
    path = DEMO_DIR / f"{name}.ini"
    path.write_text(body, encoding="utf-8")
    return path


def prepare(db_url: str, url: str, layout: dict | None = None) -> dict:
    """Fresh database with sample data, one admin, one kiosk, one tablet; returns what to print."""
    layout = layout or window_layout((1920, 1080))
    say(f"creating the database ({shown(DEMO_DIR / 'central.db')})")
    cli(db_url, "init")
    say("loading the sample catalogue, offices, officers, dossiers and ratings")
    cli(db_url, "seed-demo")
    say("adding the dashboard account and registering one kiosk and one tablet")
    password = secrets.token_urlsafe(9)
    cli(db_url, "admin", "add", "admin", "--password-stdin", stdin=password + "\n")
    kiosk_token = last_line(
        cli(db_url, "device", "add", "--kind", "kiosk", "--office", OFFICE, "--name", "Máy tra cứu sảnh")
    )
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
        "[display]\nfullscreen = no\nkiosk_mode = no\nwidth = {width}\nheight = {height}\n\n[admin]\npin = 2468\n"
    )
    kiosk_ini = write_device_files(
        "kiosk",
        kiosk_token,
        common.format(name="kiosk", width=layout["kiosk"][0], height=layout["kiosk"][1]) + DEMO_HELP,
    )
    rating_ini = write_device_files(
        "rating",
        rating_token,
        common.format(name="rating", width=layout["rating"][0], height=layout["rating"][1])
        + "\n[rating]\ncounter = 1\n",
    )
    return {"password": password, "kiosk_ini": kiosk_ini, "rating_ini": rating_ini}


# What the demo kiosk's help screen says about its office ([help] in kiosk.ini).
DEMO_HELP = (
    "\n[help]\nopening_hours = Sáng 7 giờ 30 – 11 giờ 30, chiều 13 giờ 30 – 17 giờ 00, thứ Hai đến thứ Sáu"
    " | Sáng thứ Bảy: tiếp nhận hồ sơ\naddress = Số 1 đường Trần Hưng Đạo, xã Phước Long\n"
    "hotline = 0291 3 870 123\n"
)


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


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on host:port (another program, or an earlier demo)."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds: TIME_WAIT is free
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="scripts/demo.sh", description=__doc__)
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--no-apps", action="store_true", help="serve only; do not open the kiosk and tablet")
    args = ap.parse_args(argv)

    if port_in_use(args.host, args.port):  # said before anything is deleted or created
        sys.exit(
            f"motcua demo: port {args.port} on {args.host} is already in use (another program, or a demo still "
            f"running in another terminal): stop it, or choose another port: scripts/demo.sh --port {args.port + 1}"
        )
    if DEMO_DIR.exists():
        say(f"deleting {shown(DEMO_DIR)}/ (the previous demo's database, configs and tokens): every run starts afresh")
        shutil.rmtree(DEMO_DIR)
    DEMO_DIR.mkdir(parents=True)
    db_url = str(DEMO_DIR / "central.db")
    url = f"http://{args.host}:{args.port}"
    apps = not args.no_apps and has_display()
    layout = window_layout(screen_size() if apps else (1920, 1080))
    info = prepare(db_url, url, layout)

    say(f"starting the central server on {url}")
    server = subprocess.Popen(
        [sys.executable, "-m", "central.cli", "--db", db_url, "serve", "--host", args.host, "--port", str(args.port)]
    )
    children = [server]
    try:
        wait_healthy(url, server)
        print(f"\nmotcua demo: central server on {url}")
        print(f"  dashboard: {url}/admin/   login: admin / {info['password']}")
        print(f"  kiosk config:  {shown(info['kiosk_ini'])}")
        print(f"  tablet config: {shown(info['rating_ini'])}   admin PIN 2468")
        print(officer_pin_line())
        print(cli(db_url, "demo-hints").rstrip() if "--help" not in sys.argv else "")
        if args.no_apps or not has_display():
            if not args.no_apps:
                print(
                    "  no display here: the kiosk and the tablet are not opened (try: .venv/bin/motcua-kiosk "
                    f"sync --config {shown(info['kiosk_ini'])} && .venv/bin/motcua-kiosk search "
                    f'"lam giay khai sinh cho con" --config {shown(info["kiosk_ini"])})'
                )
        else:
            say("the kiosk fetches the catalogue from the server")
            subprocess.run([sys.executable, "-m", "kiosk", "sync", "--config", str(info["kiosk_ini"])])
            for app, ini in (("kiosk", info["kiosk_ini"]), ("rating", info["rating_ini"])):
                width, height, left, top = layout[app]
                name = "kiosk" if app == "kiosk" else "tablet"
                say(f"opening the {name}: a {width}x{height} window at ({left}, {top})")
                children.append(
                    subprocess.Popen(
                        [sys.executable, "-m", app, "--config", str(ini)],
                        env=window_env(left, top, window_density(app, width)),
                    )
                )
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
