"""Screenshots of the keyboard and PIN pad at kiosk sizes, each size in a fresh process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

ARTIFACTS = Path(os.environ.get("MOTCUA_ARTIFACTS", "artifacts")) / "touchui"
ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("width, height", [(1920, 1080), (1080, 1920)])
def test_preview_writes_readable_screenshots(width, height):
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
        [sys.executable, "-m", "touchui.preview", f"{width}x{height}", str(ARTIFACTS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    written = [line for line in result.stdout.splitlines() if line.endswith(".png")]
    names = sorted(Path(p).name for p in written)
    size = f"{width}x{height}"
    assert names == sorted([f"keyboard_{size}.png", f"keyboard_code_{size}.png", f"pin_pad_{size}.png"])
    for path in written:
        image = Image.open(path).convert("RGB")
        assert image.size == (width, height)
        # The theme's background (#F4F6FA) fills the middle of the keyboard screens; the
        # PIN pad dims it. A black or garbage frame would fail here.
        if "pin_pad" in path:
            assert max(image.getpixel((10, height // 2))) < 120  # dimmed lobby
            assert image.getpixel((width // 2, height // 2 - 10)) != (0, 0, 0)
        else:
            pixel = image.getpixel((width // 2, int(height * 0.3)))
            assert all(abs(a - b) <= 6 for a, b in zip(pixel, (0xF4, 0xF6, 0xFA))), pixel
        # The keys are drawn: the bottom rows hold both light keys and dark borders/labels.
        bottom = image.crop((0, int(height * 0.8), width, height)).getcolors(1 << 20)
        assert len(bottom) > 20
