"""The checklist slip on an ESC/POS printer (python-escpos Dummy records the bytes)."""

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
    slip.print_checklist(printer, PROC, "vi", office_name="UBND xã Phước Long")
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
    slip.print_checklist(printer, PROC, "en", qr_native=False)
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
