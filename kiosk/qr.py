"""QR codes for the kiosk: the module matrix of a URL, and its pixels as greyscale bytes."""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def qr_matrix(text: str, border: int = 2) -> list[list[bool]]:
    """Dark (True) and light modules of the QR code for `text`, with a quiet zone of `border`."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border, box_size=1)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def qr_luminance(text: str, scale: int = 8, border: int = 2) -> tuple[int, bytes]:
    """(side in pixels, bytes) of a square greyscale image, rows bottom-up as OpenGL textures want."""
    matrix = qr_matrix(text, border)
    rows = []
    for row in reversed(matrix):
        line = b"".join((b"\x00" if dark else b"\xff") * scale for dark in row)
        rows.extend([line] * scale)
    return len(matrix) * scale, b"".join(rows)
