"""Draws the tablet's icons with Pillow: officer placeholder photo, receipt scan, thank-you tick.

Run from the repository root:  .venv/bin/python assets/rating/make_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

SUPER = 4
BLUE = (11, 79, 138)
GREEN = (46, 158, 79)
GREY = (120, 134, 150)


def _canvas(size):
    s = size * SUPER
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    return img, ImageDraw.Draw(img), s


def officer(size=320):
    """A neutral head-and-shoulders silhouette shown when the officer has no photo."""
    img, d, s = _canvas(size)
    d.rounded_rectangle([0, 0, s, s], radius=s * 0.08, fill=(226, 232, 240))
    d.ellipse([s * 0.32, s * 0.14, s * 0.68, s * 0.52], fill=GREY)
    d.pieslice([s * 0.12, s * 0.56, s * 0.88, s * 1.3], 180, 360, fill=GREY)
    return img.resize((size, size), Image.LANCZOS)


def scan(size=320):
    """A receipt with a barcode and a scanner beam."""
    img, d, s = _canvas(size)
    d.rounded_rectangle(
        [s * 0.18, s * 0.06, s * 0.82, s * 0.94], radius=s * 0.04, fill="white", outline=BLUE, width=int(s * 0.02)
    )
    for i, y in enumerate((0.16, 0.24, 0.32)):
        d.line([(s * 0.28, s * y), (s * (0.72 if i else 0.6), s * y)], fill=GREY, width=int(s * 0.02))
    x = s * 0.28
    widths = [3, 1, 2, 1, 1, 3, 2, 1, 3, 1, 2, 2, 1, 3, 1, 2, 1]
    for i, w in enumerate(widths):
        if i % 2 == 0:
            d.rectangle([x, s * 0.48, x + w * s * 0.011, s * 0.8], fill=(16, 42, 67))
        x += w * s * 0.0125
    d.line([(s * 0.1, s * 0.64), (s * 0.9, s * 0.64)], fill=(211, 47, 47), width=int(s * 0.018))
    return img.resize((size, size), Image.LANCZOS)


def thanks(size=320):
    """A green disc with a white tick."""
    img, d, s = _canvas(size)
    d.ellipse([s * 0.03, s * 0.03, s * 0.97, s * 0.97], fill=GREEN)
    d.line(
        [(s * 0.27, s * 0.52), (s * 0.44, s * 0.69), (s * 0.75, s * 0.35)],
        fill="white",
        width=int(s * 0.09),
        joint="curve",
    )
    return img.resize((size, size), Image.LANCZOS)


def main(out_dir: Path = Path(__file__).resolve().parent):
    for name, draw in (("officer", officer), ("scan", scan), ("thanks", thanks)):
        draw().save(out_dir / f"{name}.png", optimize=True)
        print(f"{name}.png")


if __name__ == "__main__":
    main()
