"""Draws the rating faces (face_<scale>_<score>.png) with Pillow: Kivy fonts draw no emoji.

Run from the repository root:  .venv/bin/python assets/faces/make_faces.py
Each face is a 400 px colour-coded disc (green = satisfied, amber = middle, red = not satisfied)
drawn 4× larger and scaled down so the edges are smooth on a tablet.
"""

from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 400
SUPER = 4  # draw at 4x, downscale: cheap anti-aliasing

GREEN = (46, 158, 79)
LIME = (124, 179, 66)
AMBER = (245, 166, 35)
ORANGE = (239, 108, 0)
RED = (211, 47, 47)

# mood from +2 (very satisfied) to -2 (very dissatisfied), and the colour, for every score of
# every supported scale; higher score is better (docs/ARCHITECTURE.md, rating item).
FACES = {
    3: {3: (2, GREEN), 2: (1, AMBER), 1: (-2, RED)},
    4: {4: (2, GREEN), 3: (1, LIME), 2: (-1, ORANGE), 1: (-2, RED)},
    5: {5: (2, GREEN), 4: (1, LIME), 3: (0, AMBER), 2: (-1, ORANGE), 1: (-2, RED)},
}


def _darker(colour, factor=0.55):
    return tuple(int(c * factor) for c in colour)


def draw_face(mood: int, colour) -> Image.Image:
    """One face: a filled disc, two eyes, brows for sad faces, and a mouth curved by mood."""
    s = SIZE * SUPER
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    pad = s * 0.03
    ink = _darker(colour, 0.35)
    d.ellipse([pad, pad, s - pad, s - pad], fill=colour, outline=_darker(colour), width=int(s * 0.025))
    # a thin light rim inside the outline so the disc reads as a button on dark and light themes
    rim = s * 0.06
    d.ellipse([rim, rim, s - rim, s - rim], outline=tuple(min(255, c + 35) for c in colour), width=int(s * 0.012))
    # eyes: round; happy faces get smiling arcs
    for cx in (s * 0.35, s * 0.65):
        cy, r = s * 0.40, s * 0.055
        if mood == 2:
            d.arc([cx - r * 1.4, cy - r, cx + r * 1.4, cy + r * 1.8], 200, 340, fill=ink, width=int(s * 0.035))
        else:
            d.ellipse([cx - r, cy - r * 1.2, cx + r, cy + r * 1.2], fill=ink)
    if mood < 0:  # brows slanting down to the outside
        w = int(s * 0.03)
        drop = s * (0.03 if mood == -1 else 0.06)
        d.line([(s * 0.27, s * 0.27 + drop), (s * 0.42, s * 0.27)], fill=ink, width=w)
        d.line([(s * 0.58, s * 0.27), (s * 0.73, s * 0.27 + drop)], fill=ink, width=w)
    width = int(s * 0.045)
    if mood == 0:
        d.line([(s * 0.33, s * 0.66), (s * 0.67, s * 0.66)], fill=ink, width=width)
        for x in (s * 0.33, s * 0.67):
            d.ellipse([x - width / 2, s * 0.66 - width / 2, x + width / 2, s * 0.66 + width / 2], fill=ink)
    elif mood == 2:  # open laughing mouth
        box = [s * 0.27, s * 0.46, s * 0.73, s * 0.80]
        d.chord(box, 0, 180, fill=ink)
        d.chord([s * 0.36, s * 0.66, s * 0.64, s * 0.82], 200, 340, fill=(232, 93, 93))
    else:
        depth = {1: 0.16, -1: 0.10, -2: 0.16}[mood]
        if mood > 0:
            box = [s * 0.28, s * 0.60 - depth * s, s * 0.72, s * 0.60 + depth * s]
            d.arc(box, 20, 160, fill=ink, width=width)
        else:
            top = s * 0.64
            box = [s * 0.30, top, s * 0.70, top + 2 * depth * s]
            d.arc(box, 200, 340, fill=ink, width=width)
    return img.resize((SIZE, SIZE), Image.LANCZOS)


def main(out_dir: Path = Path(__file__).resolve().parent) -> list[Path]:
    written = []
    for scale, scores in FACES.items():
        for score, (mood, colour) in scores.items():
            path = out_dir / f"face_{scale}_{score}.png"
            draw_face(mood, colour).save(path, optimize=True)
            written.append(path)
    return written


if __name__ == "__main__":
    for p in main():
        print(p.name)
