"""Every command block of README.md, run as written on a fresh database (issue 18, item 8).

Blocks are read from the README itself, so a changed command is a tested command. Commands run from a
scratch folder holding a copy of config/ and a link to .venv, as a new office would run them from a
checkout. Long-running commands (the server, the two apps, the demo) are started, checked and stopped.
Two liberties, both said here: the server and the demo listen on a free port (the test checks first that
the README's port is the one the example configs name), and `scripts/test.sh` runs one small part
(`scripts/test.sh tests/test_boundaries.py`, as the README says a part is run), since the whole suite cannot
run inside itself.
"""

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.support.dash_web import signed_in
from tests.support.pg import free_port
from tests.support.server import wait_for_healthz

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PASSWORD = "mật-khẩu-quản-trị-đủ-dài"
NEW_PIN = "2580"
LONG_RUNNING = (" serve ", "motcua-kiosk --config", "motcua-rating --config")


def blocks() -> list[list[str]]:
    """The command lines of each ```sh block (comment-only lines dropped)."""
    found = re.findall(r"```(?:sh|bash|shell)\n(.*?)```", README, re.S)
    return [
        [line for line in block.splitlines() if line.strip() and not line.strip().startswith("#")] for block in found
    ]


def _port_of(url_line: str) -> int:
    return int(re.search(r":(\d+)\s*$", url_line.strip()).group(1))


@pytest.fixture
def workdir(tmp_path):
    shutil.copytree(ROOT / "config", tmp_path / "config")
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    (tmp_path / "var").mkdir()
    return tmp_path


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(
        SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1", KIVY_NO_CONFIG="1", KIVY_NO_FILELOG="1", PYTHONUNBUFFERED="1"
    )
    env.update(extra)
    return env


def _run(line: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess:
    proc = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", line],
        cwd=cwd,
        env=_env(),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    said = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "Traceback" not in said, (
        f"README command failed ({proc.returncode}):\n{line}\n{said}"
    )
    return proc


def _stdin_for(line: str) -> str:
    if "--password-stdin" in line:
        return PASSWORD + "\n"
    if re.search(r"\bstaff pin\b", line):
        return NEW_PIN + "\n"
    return ""


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _last_seen(cwd: Path, device: str) -> str:
    listing = _run(".venv/bin/motcua-central --db var/central.db device list", cwd).stdout
    row = next(r.split("\t") for r in listing.splitlines() if r.split("\t")[0] == device)
    return row[6]


def test_the_by_hand_blocks_work_as_written_on_a_fresh_database(workdir):
    by_hand = [b for b in blocks() if any("motcua-central --db var/central.db init" in line for line in b)]
    assert len(by_hand) == 1, "the README's 'Running the parts by hand' block is gone"
    start = blocks().index(by_hand[0])
    lines = by_hand[0] + blocks()[start + 1]
    serve = next(line for line in lines if " serve " in line)
    config_ports = {
        _port_of(line)
        for name in ("kiosk.ini", "rating.ini")
        for line in (ROOT / "config" / name).read_text(encoding="utf-8").splitlines()
        if line.startswith("url =")
    }
    assert config_ports == {int(re.search(r"--port (\d+)", serve).group(1))}, (
        "README serves on another port than the configs"
    )
    assert any("config/kiosk.token" in line for line in lines) and any("config/rating.token" in line for line in lines)
    assert any("admin add" in line for line in lines), "no dashboard account"
    port = free_port()
    for name in ("kiosk.ini", "rating.ini"):
        path = workdir / "config" / name
        text = re.sub(
            r"^url = http://127\.0\.0\.1:\d+",
            f"url = http://127.0.0.1:{port}",
            path.read_text(encoding="utf-8"),
            flags=re.M,
        )
        path.write_text(text, encoding="utf-8")
    server = None
    try:
        for line in lines:
            if " serve " in line:
                line = re.sub(r"--port \d+", f"--port {port}", line)
                server = subprocess.Popen(
                    ["bash", "-c", "exec " + line], cwd=workdir, env=_env(), stdout=subprocess.DEVNULL
                )
                wait_for_healthz(f"http://127.0.0.1:{port}", server)
                session = signed_in(f"http://127.0.0.1:{port}", "quantri", PASSWORD)  # the README's account
                assert session.get(f"http://127.0.0.1:{port}/admin/devices", timeout=10).status_code == 200
            elif any(marker in line for marker in LONG_RUNNING):
                device = "3" if "motcua-kiosk" in line else "4"
                app = subprocess.Popen(
                    ["bash", "-c", "exec " + line], cwd=workdir, env=_env(), stderr=subprocess.PIPE, text=True
                )
                try:
                    deadline = time.monotonic() + 60
                    while _last_seen(workdir, device) == "-":  # its first heartbeat reached the server
                        assert app.poll() is None, f"{line} exited {app.returncode}: {app.stderr.read()}"
                        assert time.monotonic() < deadline, f"{line}: no heartbeat within 60 s"
                        time.sleep(1)
                    assert app.poll() is None
                finally:
                    _stop(app)
            else:
                out = _run(line, workdir, _stdin_for(line)).stdout
                if " search " in line:
                    assert "khai sinh" in out.lower(), out
        assert (workdir / "ratings.csv").read_text(encoding="utf-8-sig").count("\n") > 10
        assert (workdir / "config/kiosk.token").stat().st_mode & 0o077 == 0
    finally:
        if server is not None:
            _stop(server)


def test_the_two_commands_block(tmp_path):
    [two] = [b for b in blocks() if any(line.startswith("scripts/demo.sh") for line in b)]
    demo = next(line for line in two if line.startswith("scripts/demo.sh"))
    tests = next(line for line in two if line.startswith("scripts/test.sh"))
    port = free_port()
    env = _env(MOTCUA_DEMO_DIR=str(tmp_path / "demo"))
    proc = subprocess.Popen(
        ["bash", "-c", "exec " + demo.split("#")[0].strip() + f" --port {port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_healthz(f"http://127.0.0.1:{port}", proc, timeout=600)
        assert requests.get(f"http://127.0.0.1:{port}/admin/login", timeout=10).status_code == 200
    finally:
        _stop(proc)
    part = tests.split("#")[0].strip() + " tests/test_boundaries.py -q -p no:cacheprovider"
    done = subprocess.run(["bash", "-c", part], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0 and " passed" in done.stdout, done.stdout + done.stderr


def test_the_password_length_the_readme_states_is_the_rule():
    from central.security import PASSWORD_MIN_LENGTH

    said = re.search(r"admin add quantri --password-stdin\s+# type the dashboard password \(([^)]*)\)", README)
    assert said and said.group(1) == f"at least {PASSWORD_MIN_LENGTH} characters", said and said.group(1)
