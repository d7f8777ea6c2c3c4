"""scripts/demo.sh's Python part, run for real: it says what it is doing from its first second (and that it
deletes its folder), and it lays the two apps side by side, the tablet at 1280x800, never on top of each other."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from central.demo.__main__ import TABLET_SIZE, window_density, window_env, window_layout
from tests.support.pg import free_port

ROOT = Path(__file__).resolve().parents[2]


def _run_demo(folder: Path, port: int, timeout: float = 120) -> list[tuple[float, str]]:
    """(seconds since start, line) of everything the demo printed until it serves; then Ctrl+C."""
    env = dict(os.environ, MOTCUA_DEMO_DIR=str(folder), PYTHONUNBUFFERED="1")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "central.demo", "--no-apps", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[tuple[float, str]] = []

    def read():
        for line in proc.stdout:
            lines.append((time.monotonic() - start, line.rstrip()))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while not any("Ctrl+C stops everything" in text for _, text in lines):
            assert proc.poll() is None, "\n".join(text for _, text in lines)
            assert time.monotonic() - start < timeout, "\n".join(text for _, text in lines)
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        reader.join(timeout=5)
    return lines


def test_the_demo_says_what_it_does_and_that_it_deletes_its_folder(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "old.txt").write_text("from the last run")
    lines = _run_demo(folder, free_port())
    texts = [text for _, text in lines]
    assert lines[0][0] < 5, lines[:3]  # the first words come at once
    assert any(f"deleting {folder}/" in text and "every run starts afresh" in text for text in texts), texts
    assert not (folder / "old.txt").exists()
    for expected in ("creating the database", "loading the sample catalogue", "registering", "starting the central"):
        assert any(expected in text for text in texts), (expected, texts)
    before_serving = [t for t, text in lines if "Ctrl+C" not in text]
    gaps = [b - a for a, b in zip(before_serving, before_serving[1:], strict=False)]
    assert max(gaps) < 30, f"silent for {max(gaps):.0f} s: {texts}"
    kiosk_ini = (folder / "kiosk.ini").read_text(encoding="utf-8")
    rating_ini = (folder / "rating.ini").read_text(encoding="utf-8")
    assert "width = 640\nheight = 1000" in kiosk_ini and "width = 1280\nheight = 800" in rating_ini


@pytest.mark.parametrize(
    "screen", [(1920, 1080), (2560, 1440), (3840, 2160), (1920, 1200), (1366, 768), (1536, 864), (1280, 1024)]
)
def test_the_two_windows_sit_side_by_side(screen):
    layout = window_layout(screen)
    kw, kh, kx, ky = layout["kiosk"]
    tw, th, tx, ty = layout["rating"]
    if screen[0] >= 540 + TABLET_SIZE[0] and screen[1] >= 880:
        assert (tw, th) == TABLET_SIZE
    else:  # a laptop: the tablet's 1280x800 drawn smaller, the same screen scaled down
        assert abs(tw / th - 1.6) < 0.01 and tw >= 640, (tw, th)
        assert window_density("rating", tw) == pytest.approx(tw / TABLET_SIZE[0])
    assert kx + kw <= tx, f"the kiosk ({kx}..{kx + kw}) reaches under the tablet ({tx}..)"
    assert tx + tw <= screen[0] and max(ky + kh, ty + th) <= screen[1]
    assert kh > kw >= min(540, screen[0] * 2 // 5)  # the kiosk stands upright, as in a lobby


def test_kivy_puts_the_window_where_the_demo_says():
    """The apps read the position from the environment the demo gives them (Kivy's KCFG_ variables), and the
    kiosk in its narrow window is drawn smaller as a whole (a 1080-wide kiosk scaled to 640), not cut."""
    kiosk_w = window_layout((1920, 1080))["kiosk"][0]
    env = window_env(640, 0, window_density("kiosk", kiosk_w))
    probe = (
        "from kivy.config import Config; from kivy.metrics import Metrics; "
        "print(*(Config.get('graphics', k) for k in ('position', 'left', 'top')), round(Metrics.density, 2))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], env=dict(env, KIVY_NO_ARGS="1"), capture_output=True, text=True, timeout=60
    )
    assert out.stdout.split()[-4:] == ["custom", "640", "0", "0.59"], out.stdout + out.stderr
    assert window_density("rating", 1280) == 1.0 and "KIVY_METRICS_DENSITY" not in window_env(640, 0, 1.0)


def test_a_port_in_use_is_said_before_the_demo_deletes_anything(tmp_path):
    """8080 is often taken (another program, a demo left running): the demo says so and which option moves
    it, at once, and leaves the previous demo's folder as it was (it used to set everything up first, then
    stop with 'the central server stopped while starting')."""
    import socket

    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "old.txt").write_text("the previous demo", encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = dict(os.environ, MOTCUA_DEMO_DIR=str(folder))
        env.pop("DISPLAY", None)
        done = subprocess.run(
            [sys.executable, "-m", "central.demo", "--no-apps", "--port", str(port)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr, done.stderr
    assert f"scripts/demo.sh --port {port + 1}" in done.stderr
    assert (folder / "old.txt").exists() and "deleting" not in done.stdout
