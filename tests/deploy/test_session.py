"""deploy/bin/motcua-session: starts the app, speaks systemd's notify protocol, and never feeds the
watchdog for an app that is stopped or gone."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SESSION = ROOT / "deploy" / "bin" / "motcua-session"


class FakeSystemd:
    """The NOTIFY_SOCKET end of sd_notify: collects what the service says."""

    def __init__(self, folder: Path):
        self.path = str(folder / "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.1)
        self.messages: list[tuple[float, str]] = []

    def collect(self, seconds: float) -> list[str]:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                self.messages.append((time.monotonic(), self.sock.recv(4096).decode()))
            except socket.timeout:
                pass
        return [m for _, m in self.messages]

    def count(self, text: str, since: float = 0.0) -> int:
        return sum(1 for t, m in self.messages if text in m and t >= since)


def fake_app(folder: Path, body: str) -> Path:
    """A stand-in motcua-kiosk: a Python script whose behaviour the test chooses."""
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    app = bin_dir / "motcua-kiosk"
    app.write_text(f"#!{sys.executable}\nimport os, signal, sys, time\n{body}\n")
    app.chmod(0o755)
    return bin_dir


def start(folder: Path, bin_dir: Path, systemd: FakeSystemd, *extra: str) -> subprocess.Popen:
    config = folder / "kiosk.ini"
    config.write_text("[server]\n")
    env = dict(os.environ, NOTIFY_SOCKET=systemd.path, WATCHDOG_USEC="400000")
    env.pop("WATCHDOG_PID", None)
    return subprocess.Popen(
        [
            sys.executable,
            str(SESSION),
            "kiosk",
            "--config",
            str(config),
            "--display",
            "offscreen",
            "--bin",
            str(bin_dir),
            "--ready-after",
            "0.3",
            *extra,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def child_pid(session: subprocess.Popen) -> int:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        kids = Path(f"/proc/{session.pid}/task/{session.pid}/children").read_text().split()
        if kids:
            return int(kids[0])
        time.sleep(0.05)
    raise AssertionError("the app was not started")


def test_ready_then_watchdog_while_alive_and_none_while_stopped(tmp_path):
    systemd = FakeSystemd(tmp_path)
    session = start(tmp_path, fake_app(tmp_path, "time.sleep(60)"), systemd)
    try:
        deadline = time.monotonic() + 10
        while not systemd.count("READY=1") and time.monotonic() < deadline:
            systemd.collect(0.2)
        assert systemd.count("READY=1") == 1
        ready_at = time.monotonic()
        systemd.collect(1.5)
        assert systemd.count("WATCHDOG=1", since=ready_at) >= 3  # every WatchdogSec/2 = 0.2 s
        app = child_pid(session)
        os.kill(app, signal.SIGSTOP)  # a frozen app must let systemd's watchdog fire
        time.sleep(0.3)
        stopped_at = time.monotonic()
        systemd.collect(1.2)
        assert systemd.count("WATCHDOG=1", since=stopped_at) == 0
        os.kill(app, signal.SIGCONT)
        resumed_at = time.monotonic()
        systemd.collect(2.0)
        assert systemd.count("WATCHDOG=1", since=resumed_at) >= 1
    finally:
        session.terminate()
        session.wait(timeout=10)


def test_app_exit_code_is_the_session_exit_code_so_systemd_restarts_it(tmp_path):
    systemd = FakeSystemd(tmp_path)
    session = start(tmp_path, fake_app(tmp_path, "time.sleep(0.8); sys.exit(3)"), systemd)
    assert session.wait(timeout=10) == 3
    systemd.collect(0.2)
    assert any("STOPPING=1" in m for m in systemd.collect(0)), systemd.messages
    assert "exited with code 3" in session.stderr.read()


def test_stop_reaches_an_app_that_ignores_sigterm(tmp_path):
    """Kiosk mode refuses close requests; `systemctl stop` must still end the app."""
    systemd = FakeSystemd(tmp_path)
    body = (
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "print(os.environ.get('SDL_NO_SIGNAL_HANDLERS'), flush=True)\ntime.sleep(60)"
    )
    session = start(tmp_path, fake_app(tmp_path, body), systemd)
    systemd.collect(0.6)
    started = time.monotonic()
    session.send_signal(signal.SIGTERM)
    code = session.wait(timeout=15)
    assert 4 <= time.monotonic() - started < 10  # the grace period, then SIGKILL
    assert code == 128 + signal.SIGKILL
    out = session.stdout.read()
    assert out.strip() == "1"  # SDL is told not to turn SIGTERM into a refusable close request


def test_missing_config_is_named_in_plain_words(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(SESSION), "rating", "--config", str(tmp_path / "rating.ini")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2
    assert f"config file {tmp_path / 'rating.ini'} does not exist" in proc.stderr


def test_real_kiosk_runs_offscreen_under_the_session_and_reports_to_the_server(server, tmp_path):
    token = server.device_token("kiosk", counter=None)
    (tmp_path / "kiosk.token").write_text(token + "\n")
    (tmp_path / "kiosk.token").chmod(0o600)
    config = tmp_path / "kiosk.ini"
    config.write_text(
        f"[server]\nurl = {server.url}\ntoken_file = kiosk.token\n\n[device]\n"
        f"office_code = XA-PHUOCLONG\nname = Kiosk sảnh\ndata_dir = data\n",
        encoding="utf-8",
    )
    systemd = FakeSystemd(tmp_path)
    (tmp_path / "run").mkdir()
    env = dict(os.environ, NOTIFY_SOCKET=systemd.path, WATCHDOG_USEC="2000000", RUNTIME_DIRECTORY=str(tmp_path / "run"))
    env.pop("DISPLAY", None)
    session = subprocess.Popen(
        [
            sys.executable,
            str(SESSION),
            "kiosk",
            "--config",
            str(config),
            "--display",
            "offscreen",
            "--bin",
            str(Path(sys.executable).parent),
            "--ready-after",
            "2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        seen = False
        while time.monotonic() < deadline and not seen:
            systemd.collect(0.5)
            kiosk_row = server.cli("device", "list").splitlines()[1].split("\t")
            seen = kiosk_row[1] == "kiosk" and kiosk_row[6] != "-"  # last_seen: a heartbeat arrived
        assert seen, "the kiosk's heartbeat never reached the server"
        systemd.collect(1.5)
        assert systemd.count("READY=1") == 1 and systemd.count("WATCHDOG=1") >= 1
        assert session.poll() is None
        beat = tmp_path / "run" / "kiosk.alive"  # the real kiosk's screen loop beats it every 2 s
        assert beat.exists() and time.time() - beat.stat().st_mtime < 5
    finally:
        session.terminate()
        code = session.wait(timeout=20)
    assert code in (0, 128 + signal.SIGTERM, 128 + signal.SIGKILL, -signal.SIGTERM), code


def test_a_hung_screen_loop_stops_the_watchdog_and_a_live_one_feeds_it(tmp_path):
    """The app beats its alive file; when the beats stop (process alive, screen loop stuck) the
    watchdog pings stop too, so systemd restarts it; when they resume, so do the pings."""
    systemd = FakeSystemd(tmp_path)
    hang = tmp_path / "hang"  # while this file exists the stand-in app's "screen loop" is stuck
    body = (
        "from pathlib import Path\n"
        "alive = Path(os.environ['MOTCUA_ALIVE_FILE'])\n"
        f"while True:\n    if not Path({str(hang)!r}).exists(): alive.touch()\n    time.sleep(0.1)\n"
    )
    session = start(tmp_path, fake_app(tmp_path, body), systemd, "--hang-after", "1")

    def wait_for(condition, seconds=10.0):
        deadline = time.monotonic() + seconds
        while not condition() and time.monotonic() < deadline:
            systemd.collect(0.1)
        return condition()

    try:
        assert wait_for(lambda: systemd.count("READY=1") == 1 and systemd.count("WATCHDOG=1") >= 3)
        hang.touch()
        assert wait_for(lambda: systemd.count("STATUS=app hung") == 1), systemd.messages
        hung_at = time.monotonic()
        systemd.collect(1.2)
        assert systemd.count("WATCHDOG=1", since=hung_at) == 0
        assert session.poll() is None  # the process lives on: only the watchdog can catch this
        hang.unlink()
        resumed_at = time.monotonic()
        assert wait_for(lambda: systemd.count("WATCHDOG=1", since=resumed_at) >= 1)
    finally:
        session.terminate()
        session.wait(timeout=10)
    err = session.stderr.read()
    assert "screen loop has not run" in err and "screen loop runs again" in err
