"""The device mark ("Mã thiết bị"): eight hex characters that name one registered kiosk or tablet.

A device shows it on its admin screen; the dashboard's device list shows the same characters and finds
a device by them. It is the start of the sha256 of the device's token, which the server already keeps
(devices.token_hash), so both sides work it out on their own and the token itself is never shown.
"""

import hashlib

LENGTH = 8


def device_mark(token: str | None) -> str:
    """The mark of a device token ("" without a token)."""
    token = (token or "").strip()
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:LENGTH] if token else ""


def mark_of_hash(token_hash: str | None) -> str:
    """The mark of a token the server keeps only as its sha256 hex (central.security.token_hash)."""
    return (token_hash or "")[:LENGTH]
