"""Draws the kiosk's placeholder logo and a sample announcement slide with Pillow (run once)."""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT = Path(__import__("kivy").__file__).parent / "data" / "fonts" / "Roboto-Bold.ttf"
BLUE, GOLD, WHITE, RED = (11, 61, 145), (255, 198, 39), (255, 255, 255), (200, 16, 46)


def logo(size=512):
    """A round seal: red disc, gold star, 'MỘT CỬA' lettering; offices replace it with their own."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse([8, 8, size - 8, size - 8], fill=RED, outline=GOLD, width=14)
    import math

    cx, cy, r_out, r_in = size / 2, size * 0.42, size * 0.24, size * 0.095
    points = [
        (
            cx + (r_out if i % 2 == 0 else r_in) * math.sin(i * math.pi / 5),
            cy - (r_out if i % 2 == 0 else r_in) * math.cos(i * math.pi / 5),
        )
        for i in range(10)
    ]
    d.polygon(points, fill=GOLD)
    font = ImageFont.truetype(str(FONT), int(size * 0.11))
    text = "MỘT CỬA"
    w = d.textlength(text, font=font)
    d.text(((size - w) / 2, size * 0.70), text, font=font, fill=GOLD)
    img.save(HERE / "logo.png")


def slide(w=1600, h=900):
    img = Image.new("RGB", (w, h), BLUE)
    d = ImageDraw.Draw(img)
    big = ImageFont.truetype(str(FONT), 96)
    small = ImageFont.truetype(str(FONT), 60)
    lines = [
        ("Giờ làm việc", big, GOLD),
        ("Thứ Hai – Thứ Sáu", small, WHITE),
        ("Sáng 7:30 – 11:30 · Chiều 13:30 – 17:00", small, WHITE),
        ("Thứ Bảy: 7:30 – 11:30 (tiếp nhận hồ sơ)", small, WHITE),
    ]
    y = 200
    for text, font, colour in lines:
        tw = d.textlength(text, font=font)
        d.text(((w - tw) / 2, y), text, font=font, fill=colour)
        y += font.size + 60
    img.save(HERE / "slides" / "gio-lam-viec.png")


if __name__ == "__main__":
    (HERE / "slides").mkdir(exist_ok=True)
    logo()
    slide()
