"""Screenshots of every tablet screen at 1280x800 and 800x1280, each size in a fresh process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.support.tablet_setup import LAN_PIN, add_officers, write_config  # noqa: E402

ARTIFACTS = Path(os.environ.get("MOTCUA_ARTIFACTS", "artifacts")) / "rating"
ROOT = Path(__file__).resolve().parents[3]
SCREENS = [
    "signed_out",
    "signin",
    "officer_pin",
    "idle",
    "rate",
    "reasons",
    "reasons_keyboard",
    "dossier",
    "thanks",
    "cooldown",
    "admin_pin",
    "admin",
    "rate_en",
    "reasons_en",
    "idle_en",
    "not_saved",
    "admin_disk_full",
    "admin_server_down",
    "admin_after_sync_now",
]


@pytest.mark.parametrize("width, height", [(1280, 800), (800, 1280)])
def test_every_screen_is_drawn_at_tablet_sizes(server, tmp_path, width, height):
    ids = add_officers(server)
    ini = write_config(tmp_path, server, server.device_token(counter=1), cooldown_seconds=20)
    env = dict(
        os.environ,
        SDL_VIDEODRIVER="offscreen",
        KIVY_NO_ARGS="1",
        KIVY_NO_CONFIG="1",
        KIVY_NO_FILELOG="1",
        KIVY_LOG_MODE="PYTHON",
        KIVY_CLIPBOARD="dummy",
    )
    env.pop("DISPLAY", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.ui.rating.screens_preview",
            f"{width}x{height}",
            str(ARTIFACTS),
            "--config",
            str(ini),
            "--staff-id",
            str(ids["lan"]),
            "--pin",
            LAN_PIN,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    written = [Path(line) for line in result.stdout.splitlines() if line.endswith(".png")]
    assert sorted(p.name for p in written) == sorted(f"{s}_{width}x{height}.png" for s in SCREENS)
    for path in written:
        image = Image.open(path).convert("RGB")
        assert image.size == (width, height)
        # the top bar (theme primary, dark blue) spans the width: a black or garbage frame fails
        r, g, b = image.getpixel((width // 2, 10))
        if not path.name.startswith(("admin_pin", "officer_pin")):  # the PIN pad covers the bar
            assert b > 100 and r < 60, (path.name, (r, g, b))
        assert len(image.getcolors(1 << 20)) > 50, path.name
    shots = {p.name.rsplit("_", 1)[0]: p.read_bytes() for p in written}
    for screen in ("idle", "rate", "reasons"):  # the English screens are shot in English
        assert shots[screen] != shots[f"{screen}_en"], f"{screen}_en is the Vietnamese screen again"
