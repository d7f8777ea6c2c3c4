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


PORTRAIT_SHOTS = ["procedures-portrait-font-1.3", "dossier-portrait-font-1.3"]


def _run_in_a_window(module: str, size: str, shots: list[str]) -> None:
    artifacts = Path(os.environ.get("MOTCUA_ARTIFACTS") or ROOT / "artifacts")
    env = dict(
        os.environ,
        SDL_VIDEODRIVER="offscreen",
        KIVY_NO_ARGS="1",
        KIVY_NO_CONFIG="1",
        KIVY_NO_FILELOG="1",
        KIVY_LOG_MODE="PYTHON",
        KIVY_CLIPBOARD="dummy",
        MOTCUA_KIOSK_SIZE=size,
        MOTCUA_ARTIFACTS=str(artifacts),
    )
    env.pop("DISPLAY", None)
    for name in shots:
        (artifacts / "kiosk" / f"{name}-{size}.png").unlink(missing_ok=True)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(HERE / module)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert result.returncode == 0, result.stdout[-6000:]
    width, height = (int(n) for n in size.split("x"))
    for name in shots:
        image = Image.open(artifacts / "kiosk" / f"{name}-{size}.png").convert("RGB")
        assert image.size == (width, height)
        colours = image.getcolors(1 << 22)
        assert colours is not None and len(colours) > 8, f"{name}: a blank frame"


def test_comfort_in_a_1920x1080_window():
    _run_in_a_window("comfort_kiosk.py", "1920x1080", SHOTS)


def test_large_text_in_a_1080x1920_window():
    _run_in_a_window("comfort_portrait_kiosk.py", "1080x1920", PORTRAIT_SHOTS)
