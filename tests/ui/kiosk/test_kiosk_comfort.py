"""The kiosk's comfort for visitors (language kept, idle countdown, help facts, large text, typing),
driven in a window made at its final size, in a process of its own (comfort_kiosk.py)."""

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SHOTS = [
    "idle-countdown",
    "info-office",
    "info-office-en",
    "procedures-font-1.3",
    "detail-font-1.3",
    "procedures-keyboard-font-1.0",
    "procedures-font-1.0",
    "detail-font-1.0",
    "dossier-font-1.3",
    "stats-font-1.3",
    "info-font-1.3",
]


def test_comfort_in_a_1920x1080_window():
    artifacts = Path(os.environ.get("MOTCUA_ARTIFACTS") or ROOT / "artifacts")
    env = dict(
        os.environ,
        SDL_VIDEODRIVER="offscreen",
        KIVY_NO_ARGS="1",
        KIVY_NO_CONFIG="1",
        KIVY_NO_FILELOG="1",
        KIVY_LOG_MODE="PYTHON",
        KIVY_CLIPBOARD="dummy",
        MOTCUA_KIOSK_SIZE="1920x1080",
        MOTCUA_ARTIFACTS=str(artifacts),
    )
    env.pop("DISPLAY", None)
    for name in SHOTS:
        (artifacts / "kiosk" / f"{name}-1920x1080.png").unlink(missing_ok=True)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(HERE / "comfort_kiosk.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert result.returncode == 0, result.stdout[-6000:]
    for name in SHOTS:
        image = Image.open(artifacts / "kiosk" / f"{name}-1920x1080.png").convert("RGB")
        assert image.size == (1920, 1080)
        colours = image.getcolors(1 << 22)
        assert colours is not None and len(colours) > 8, f"{name}: a blank frame"
