"""Dossier codes (mã hồ sơ): the one normalising rule and pattern for the kiosk, the tablet and the server.

A code is `<unit code>-<date>-<number>`: `000.00.31.H29-251103-0007` (YYMMDD, four digits), and the
shapes the provinces' one-gate systems give (design notes, CONNECTORS.md), e.g. `G09.20-20260609-0092637`
(YYYYMMDD, up to eight digits); the server holds whatever its connectors read. Typed, scanned from a
receipt's barcode, or read from a QR code that holds a link to the province's lookup page, it
becomes the same text everywhere: trimmed, spaces removed, upper-cased, and a link reduced to
its `?code=` (`ma`, `mahoso`) value or last path segment.
"""

import re

__all__ = ["PATTERN", "UNIT_PATTERN", "normalise", "is_valid"]

UNIT_PATTERN = re.compile(r"^[0-9A-Z][0-9A-Z.]*$")  # the unit code (mã đơn vị) that starts a dossier code
PATTERN = re.compile(r"^[0-9A-Z][0-9A-Z.]*-(?:\d{6}|\d{8})-\d{4,8}$")
_LINK_PARAM = re.compile(r"[?&](?:code|ma|mahoso)=([^&#]+)", re.IGNORECASE)


def normalise(raw: str | None) -> str:
    """A typed or scanned code, trimmed and upper-cased; a QR holding a link gives its code."""
    text = (raw or "").strip()
    if "://" in text:  # some receipts carry a link whose last segment or ?code= is the dossier code
        match = _LINK_PARAM.search(text)
        text = match.group(1) if match else text.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"\s+", "", text).upper()


def is_valid(raw: str | None) -> bool:
    """True when the text, once normalised, has the shape of a dossier code."""
    return bool(PATTERN.match(normalise(raw)))
