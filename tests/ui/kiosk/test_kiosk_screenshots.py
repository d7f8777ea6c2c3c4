"""Every kiosk screen photographed in landscape 1920×1080 and portrait 1080×1920, each size in its own process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SCREENS = [
    "home",
    "procedures-search",
    "procedures-results",
    "procedures-everyday-word",
    "procedures-nothing-fits",
    "procedures-nothing-fits-counter",
    "detail",
    "dossier",
    "stats",
    "info",
    "admin",
    "attract",
    "home-en",
    "dossier-not-found-en",
]


@pytest.mark.parametrize("width, height", [(1920, 1080), (1080, 1920)])
def test_screens_are_photographed_readable(width, height):
    artifacts = Path(os.environ.get("MOTCUA_ARTIFACTS") or ROOT / "artifacts")
    env = dict(
        os.environ,
        SDL_VIDEODRIVER="offscreen",
        KIVY_NO_ARGS="1",
        KIVY_NO_CONFIG="1",
        KIVY_NO_FILELOG="1",
        KIVY_LOG_MODE="PYTHON",
        KIVY_CLIPBOARD="dummy",
        MOTCUA_KIOSK_SIZE=f"{width}x{height}",
        MOTCUA_ARTIFACTS=str(artifacts),
    )
    env.pop("DISPLAY", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(HERE / "shots_kiosk.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    for name in SCREENS:
        image = Image.open(artifacts / "kiosk" / f"{name}-{width}x{height}.png").convert("RGB")
        assert image.size == (width, height)
        colours = image.getcolors(1 << 22)
        assert colours is not None and len(colours) > 8, f"{name}: a blank frame"
        # The top left is the app's own paint (top bar, background or slide), never garbage black.
        assert image.getpixel((4, 4)) != (0, 0, 0), f"{name}: black corner"
