"""The kiosk and the tablet as the service manager runs them: real `motcua-kiosk` / `motcua-rating`
processes (offscreen SDL) against a real server, in kiosk mode, stopped by SIGTERM or Ctrl+C.

A stop is prompt and clean (exit 0, no traceback); the log says each thing once, with no Kivy
CRITICAL line; Kivy's home is in the app's data folder, and nothing is written to ~/.kivy.
"""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.tablet_setup import OFFICE, add_officers, write_config
from tests.ui.kiosk.kiosk_harness import write_kiosk_config

ROOT = Path(__file__).resolve().parents[2]
STARTED = "Start application main loop"


def _env(home: Path) -> dict:
    """What a service manager gives the app: no KIVY_* of the test run, a home of its own, no screen."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIVY_", "SDL_")) and k != "DISPLAY"}
    env.update(HOME=str(home), SDL_VIDEODRIVER="offscreen", PYTHONUNBUFFERED="1")
    return env


def _kiosk_ini(folder: Path, server) -> Path:
    ini = write_kiosk_config(folder, server)
    text = ini.read_text(encoding="utf-8").replace("kiosk_mode = no", "kiosk_mode = yes\nwidth = 800\nheight = 600")
    ini.write_text(text, encoding="utf-8")
    return ini


def _rating_ini(folder: Path, server) -> Path:
    add_officers(server)
    token = server.device_token(kind="rating", office=OFFICE, counter=1)
    return write_config(folder, server, token, display={"kiosk_mode": "yes", "width": 800, "height": 600})


APPS = {"kiosk": _kiosk_ini, "rating": _rating_ini}


def _start(app: str, ini: Path, home: Path, log: Path) -> subprocess.Popen:
    out = open(log, "wb")  # noqa: SIM115 (closed when the process ends)
    return subprocess.Popen(
        [sys.executable, "-m", app, "--config", str(ini)],
        cwd=ROOT,
        env=_env(home),
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )


def _wait_for(log: Path, proc: subprocess.Popen, text: str, seconds=90.0) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        content = log.read_text(encoding="utf-8", errors="replace")
        if text in content:
            return content
        if proc.poll() is not None:
            raise AssertionError(f"the app ended (code {proc.returncode}) before {text!r}:\n{content[-3000:]}")
        time.sleep(0.2)
    proc.kill()
    raise AssertionError(f"{text!r} never appeared:\n{log.read_text(errors='replace')[-3000:]}")


def _messages(content: str) -> list[str]:
    """Each log line without its time stamp."""
    return [re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ", "", line) for line in content.splitlines() if line]


@pytest.mark.parametrize("app", sorted(APPS))
@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT"])
def test_the_app_in_kiosk_mode_stops_promptly_and_quietly(app, how, shared_server, tmp_path):
    ini = APPS[app](tmp_path, shared_server)
    home = tmp_path / "home"
    home.mkdir()
    log = tmp_path / f"{app}.log"
    proc = _start(app, ini, home, log)
    try:
        _wait_for(log, proc, STARTED)
        time.sleep(1.0)  # a few frames of the running app
        sent = time.monotonic()
        proc.send_signal(getattr(signal, how))
        if how == "SIGINT":  # Ctrl+C reaches the app, and the demo forwards it once more
            time.sleep(0.05)
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=10)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    content = log.read_text(encoding="utf-8", errors="replace")
    assert code == 0, content[-3000:]
    assert took < 5, f"stopping took {took:.1f} s"
    assert f"{how}: stopping" in content
    assert "Traceback" not in content and "KeyboardInterrupt" not in content, content[-3000:]
    assert "CRITICAL" not in content, content[-3000:]
    assert "close request refused" not in content  # the signal is not a person at the screen
    messages = _messages(content)
    doubled = [m for m, after in zip(messages, messages[1:], strict=False) if m == after]
    assert doubled == [], f"lines written twice: {doubled[:5]}"
    assert sum(STARTED in m for m in messages) == 1
    assert not (home / ".kivy").exists(), "Kivy wrote to ~/.kivy"
    assert (ini.parent / "data" / "kivy").is_dir(), "Kivy's home is not in the app's data folder"


def test_a_text_field_in_an_app_started_this_way_logs_no_cut_buffer_alarm(tmp_path):
    """Kivy looks for xclip/xsel the first time a text field exists and logs CRITICAL with their
    tracebacks when neither is installed (a kiosk has neither): the apps' start-up keeps it out."""
    script = (
        "import logging, sys\n"
        "logging.basicConfig(level=logging.INFO, format='%(levelname)s %(name)s: %(message)s')\n"
        "if sys.argv[1] == 'app':\n"
        "    from touchui import startup\n"
        "    startup.prepare(sys.argv[2])\n"
        "else:\n"
        "    import os; os.environ['KIVY_LOG_MODE'] = 'PYTHON'; os.environ['KIVY_NO_ARGS'] = '1'\n"
        "from kivy.core.window import Window\n"
        "from kivy.uix.textinput import TextInput\n"
        "field = TextInput()\n"
        "print('field made', type(field).__name__)\n"
    )
    env = _env(tmp_path)
    path = os.environ.get("PATH", "")
    # Where xclip or xsel is installed, hide them: a kiosk image has neither.
    env["PATH"] = ":".join(
        p for p in path.split(":") if not (Path(p) / "xclip").exists() and not (Path(p) / "xsel").exists()
    )
    plain = subprocess.run(
        [sys.executable, "-c", script, "plain", str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert "field made" in plain.stdout, plain.stderr[-2000:]
    assert "CRITICAL" in plain.stderr  # what Kivy does on its own
    started = subprocess.run(
        [sys.executable, "-c", script, "app", str(tmp_path / "data")], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert "field made" in started.stdout, started.stderr[-2000:]
    assert "CRITICAL" not in started.stderr and "Traceback" not in started.stderr, started.stderr[-3000:]
