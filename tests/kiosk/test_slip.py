"""The checklist slip on an ESC/POS printer (python-escpos Dummy records the bytes)."""

import os
from pathlib import Path

import pytest
from escpos.printer import Dummy

from kiosk import slip

PROC = {
    "code": "1.001193",
    "name": "Đăng ký khai sinh",
    "portal_url": "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/0b7f1c2e-3f4a-4b5c-8d9e-0123456789ab",
    "documents": [
        {
            "case": "Trường hợp đăng ký khai sinh đúng hạn",
            "items": [
                {"name": "Tờ khai đăng ký khai sinh", "originals": 1, "copies": 0},
                {"name": "Giấy chứng sinh", "originals": 1, "copies": 0},
            ],
        }
    ],
    "methods": [
        {"channel": "direct", "time": 1, "time_unit": "ngày làm việc", "fees": [{"amount": 0, "text": "Miễn lệ phí"}]}
    ],
    "address": "Trung tâm Phục vụ hành chính công xã",
    "sample": True,
}


class Settings:
    def __init__(self, **kw):
        self.kind, self.device, self.host, self.port = "none", "/dev/usb/lp0", "", 9100
        self.usb_vendor = self.usb_product = ""
        self.__dict__.update(kw)


def test_slip_bytes_hold_the_procedure_name_checklist_and_a_native_qr():
    printer = Dummy()
    slip.print_checklist(printer, PROC, "vi", office_name="UBND xã Phước Long", text_mode="ascii")
    out = printer.output
    assert b"Dang ky khai sinh" in out  # legible on printers without Vietnamese
    assert b"[ ] To khai dang ky khai sinh - 1 ban chinh" in out
    assert b"\x1d(k" in out and PROC["portal_url"].encode() in out  # GS ( k: the printer draws the QR
    assert out.rstrip().endswith(b"\x1dV\x00") or b"\x1dV" in out[-8:]  # and cuts the paper
    assert out.isascii() or b"\x1bt" not in out.split(b"Dang ky")[1][:200]


def test_ascii_mode_keeps_capitals_and_drops_marks():
    assert slip.fold_vietnamese_keep_case("Đăng ký — ĐẮK LẮK…") == "Dang ky - DAK LAK..."


def test_image_qr_when_the_printer_cannot_draw_one():
    printer = Dummy()
    slip.print_checklist(printer, PROC, "en", qr_native=False, text_mode="ascii")
    assert b"\x1d(k" not in printer.output and b"\x1dv0" in printer.output  # raster image instead
    assert b"Procedure code: 1.001193" in printer.output


def test_open_printer_by_kind():
    assert slip.open_printer(Settings(kind="none")) is None
    assert isinstance(slip.open_printer(Settings(kind="dummy")), Dummy)


def test_a_broken_printer_is_reported_not_raised_raw():
    class Jammed(Dummy):
        def _raw(self, msg):
            raise OSError("paper out")

    with pytest.raises(slip.PrinterUnavailable):
        slip.print_checklist(Jammed(), PROC)
    with pytest.raises(slip.PrinterUnavailable):  # nothing listens on the discard port here
        slip.print_checklist(slip.open_printer(Settings(kind="network", host="127.0.0.1", port=9)), PROC)


# ---- the slip printed as a raster image (the default) -----------------------------------------
ROOT = Path(__file__).resolve().parents[2]


def raster_images(output: bytes):
    """The GS v 0 raster images in printer bytes, decoded back into black-on-white pictures."""
    from PIL import Image, ImageOps

    images, at = [], 0
    while (at := output.find(b"\x1dv0", at)) >= 0:
        width_bytes = output[at + 4] + 256 * output[at + 5]
        height = output[at + 6] + 256 * output[at + 7]
        data = output[at + 8 : at + 8 + width_bytes * height]
        assert len(data) == width_bytes * height, "a raster image cut short"
        # ESC/POS: a 1 bit is a black dot; PIL's mode "1": a 1 bit is white.
        images.append(ImageOps.invert(Image.frombytes("1", (width_bytes * 8, height), data).convert("L")).convert("1"))
        at += 8 + len(data)
    return images


def stacked(images):
    from PIL import Image

    width = max(im.width for im in images)
    out = Image.new("1", (width, sum(im.height for im in images)), 1)
    y = 0
    for im in images:
        out.paste(im, (0, y))
        y += im.height
    return out


def drawn(text: str, font_path: str, size: int):
    """`text` drawn alone in black with the font the slip should use, cropped to its ink."""
    from PIL import Image, ImageDraw, ImageFont, ImageOps

    font = ImageFont.truetype(font_path, size)
    im = Image.new(
        "1", (int(ImageDraw.Draw(im := Image.new("1", (1, 1))).textlength(text, font=font)) + 20, size * 2), 1
    )
    ImageDraw.Draw(im).text((10, 0), text, font=font, fill=0)
    return im.crop(ImageOps.invert(im.convert("L")).getbbox())


def found_in(template, image) -> bool:
    """Whether the black dots of `template` appear, exactly, somewhere in `image` (both mode "1")."""
    tw, th = template.size
    width = image.width

    def rows(im):  # each row as an integer, one bit per dot, 1 = black
        inverted = im.convert("L").point(lambda v: 255 if v < 128 else 0).convert("1")
        stride = (im.width + 7) // 8
        raw = inverted.tobytes()
        return [
            int.from_bytes(raw[r * stride : (r + 1) * stride], "big") >> (stride * 8 - im.width)
            for r in range(im.height)
        ]

    trows, irows = rows(template), rows(image)
    mask = (1 << tw) - 1
    first = trows[0]
    for y in range(image.height - th + 1):
        row = irows[y]
        for x in range(width - tw + 1):
            shift = width - tw - x
            if (row >> shift) & mask == first and all((irows[y + r] >> shift) & mask == trows[r] for r in range(1, th)):
                return True
    return False


def test_the_slip_prints_vietnamese_as_a_raster_image_by_default():
    printer = Dummy()
    slip.print_checklist(printer, PROC, "vi", office_name="UBND xã Phước Long")
    out = printer.output
    assert b"\x1dv0" in out, "no raster image (GS v 0) in the slip"
    assert b"Dang ky" not in out and "Đăng ký".encode() not in out  # no text mode: the words are dots
    assert b"\x1d(k" in out and PROC["portal_url"].encode() in out  # the QR still drawn by the printer
    assert b"\x1dV" in out[-8:]  # and the paper cut
    picture = stacked(raster_images(out))
    assert picture.width == 576
    artifacts = Path(os.environ.get("MOTCUA_ARTIFACTS") or ROOT / "artifacts") / "kiosk"
    artifacts.mkdir(parents=True, exist_ok=True)
    picture.save(artifacts / "slip-vi.png")  # for people to look at
    title, body = slip.default_font(bold=True), slip.default_font()
    # The printed dots are the words with their diacritics, drawn in a Vietnamese font...
    assert found_in(drawn("Đăng ký khai sinh", title, slip.TITLE_PX), picture)
    assert found_in(drawn("Tờ khai đăng ký khai sinh", body, slip.BODY_PX), picture)
    assert found_in(drawn("Giấy chứng sinh", body, slip.BODY_PX), picture)
    # ...not the same words without them.
    assert not found_in(drawn("Dang ky khai sinh", title, slip.TITLE_PX), picture)
    assert not found_in(drawn("Giay chung sinh", body, slip.BODY_PX), picture)


def test_a_58_mm_printer_gets_a_narrower_slip_with_every_word():
    printer = Dummy()
    slip.print_checklist(printer, PROC, "vi", width_dots=384)
    picture = stacked(raster_images(printer.output))
    assert picture.width == 384
    wide = stacked(raster_images(_printed(PROC, width_dots=576)))
    assert picture.height > wide.height  # the same lines, wrapped more
    assert found_in(drawn("Giấy chứng sinh", slip.default_font(), slip.BODY_PX), picture)


def _printed(proc, **kw):
    printer = Dummy()
    slip.print_checklist(printer, proc, "vi", **kw)
    return printer.output


def test_text_modes_stay_available():
    unicode = _printed(PROC, text_mode="unicode")  # python-escpos picks a code page with the letters
    assert b"\x1bt" in unicode and b"ng k" in unicode and b"\x1dv0" not in unicode
    ascii_ = _printed(PROC, text_mode="ascii")
    assert b"Dang ky khai sinh" in ascii_ and b"\x1dv0" not in ascii_
