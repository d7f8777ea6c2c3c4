"""The config sections every device shares: [server], [device], [display], [admin]; admin PIN hashing.

Each app builds its schema with `device_schema(app, its_own_sections)` and loads its file with
`motcua.config.load_config(path, schema)`: the core never imports an app.
"""

import hmac
import logging
import stat
from pathlib import Path

from motcua import pin
from motcua.config import Key, Schema, Section

__all__ = ["COMMON_SECTIONS", "device_schema", "check_admin_pin", "theme_section", "theme_colours"]

log = logging.getLogger(__name__)


def _read_token(path: Path | None) -> str | None:
    """Reads the device token; warns (naming the file, never the token) if others can read it."""
    if path is None or not path.exists():
        if path is not None:
            log.warning("device token file %s does not exist; the device cannot sync", path)
        return None
    mode = path.stat().st_mode
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        log.warning(
            "device token file %s is readable by other users (mode %o); run: chmod 600 %s",
            path,
            stat.S_IMODE(mode),
            path,
        )
    return path.read_text(encoding="utf-8").strip() or None


def _with_token(values: dict) -> tuple:
    """[server] finish: the token from token_file, kept as a secret (never logged or shown)."""
    values["token"] = _read_token(values["token_file"])
    return ("token",)


SERVER = Section(
    "server",
    "How the device reaches the central server.",
    finish=_with_token,
    keys=[
        Key("url", "url", "http://127.0.0.1:8000", "Base address of the central server (without /api/v1)."),
        Key(
            "token_file",
            "path",
            "device.token",
            "File holding this device's token (printed once by `motcua-central device add`). "
            "Keep it readable by the device's user only (chmod 600); it is never logged.",
        ),
        Key("timeout_seconds", "seconds", 5, "Give up on one request after this long.", min=0.5, max=120),
        Key(
            "sync_interval_seconds",
            "seconds",
            10,
            "How often the device sends pending ratings / pulls catalogue changes when all is well.",
            min=1,
            max=86400,
        ),
        Key(
            "backoff_base_seconds",
            "seconds",
            1,
            "First wait after a failed sync; doubles each failure (with random jitter).",
            min=0.1,
            max=600,
        ),
        Key(
            "backoff_cap_seconds",
            "seconds",
            300,
            "Longest wait between retries while the server is down.",
            min=1,
            max=86400,
        ),
        Key(
            "heartbeat_seconds",
            "seconds",
            60,
            "How often the device reports its health to the server.",
            min=5,
            max=86400,
        ),
    ],
)
DEVICE = Section(
    "device",
    "Which office this device serves and where it keeps its data.",
    [
        Key(
            "office_code",
            "str",
            "",
            "Code of the office (as registered on the server), e.g. XA-PHUOCLONG.",
            pattern=r"[A-Za-z0-9._-]*",
            shape="an office code (letters, digits, dot, dash, underscore)",
        ),
        Key(
            "office_name",
            "str",
            "",
            "Office name shown on screen, e.g. Trung tâm Phục vụ hành chính công xã Phước Long.",
        ),
        Key("data_dir", "path", "../var", "Folder for the local database (outbox, catalogue cache, photos)."),
        Key("language", "choice", "vi", "Language shown at start; citizens can switch.", choices=("vi", "en")),
        Key("name", "str", "", "A name for this device on the admin dashboard, e.g. Quầy 2."),
    ],
)
# The text sizes the screens are laid out for: the config check and the theme both hold to it.
MIN_FONT_SCALE, MAX_FONT_SCALE = 0.8, 2.0
DISPLAY = Section(
    "display",
    "The screen.",
    [
        Key("fullscreen", "bool", True, "Fill the whole screen."),
        Key("borderless", "bool", True, "No window border or title bar."),
        Key("hide_cursor", "bool", True, "Hide the mouse pointer (touch screens)."),
        Key("width", "int", 1920, "Window width in pixels when not full screen.", min=320, max=7680),
        Key("height", "int", 1080, "Window height in pixels when not full screen.", min=240, max=4320),
        Key(
            "font_scale",
            "float",
            1.0,
            "Multiply every text size (1.3 for elderly-friendly text).",
            min=MIN_FONT_SCALE,
            max=MAX_FONT_SCALE,
        ),
        Key(
            "kiosk_mode",
            "bool",
            True,
            "Lock the device to the app: no exit by keyboard; admin only through the hidden gesture + PIN.",
        ),
        Key(
            "multisamples",
            "choice",
            "0",
            "Antialiasing samples for drawn edges. 0: the screens' text, bars and rounded buttons look "
            "the same, and without a GPU driver a 1920x1080 window needs ~60 MB less memory (each sample "
            "is another frame-sized buffer); 2 or 4 on a GPU if rounded corners look stepped.",
            choices=("0", "2", "4", "8"),
        ),
    ],
)
ADMIN = Section(
    "admin",
    "The on-device admin screen (hidden gesture, then PIN).",
    [
        Key(
            "pin",
            "str",
            "",
            "Admin PIN as plain digits (4 to 8). Used only when pin_hash is empty. "
            "Prefer pin_hash: anyone who can read this file can read a plain PIN.",
            pattern=r"(\d{4,8})?",
            shape="4 to 8 digits",
        ),
        Key(
            "pin_hash",
            "str",
            "",
            "Admin PIN as pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>; "
            "make one with `python -m motcua.config hash-pin 1234`. Wins over pin.",
            pattern=f"({pin.PATTERN.pattern})?",
            shape=pin.SHAPE,
        ),
    ],
)
COMMON_SECTIONS = [SERVER, DEVICE, DISPLAY, ADMIN]


def device_schema(app: str, sections, title: str) -> Schema:
    """The schema of one device app: the common sections plus the app's own (owned by `app`)."""
    schema = Schema(COMMON_SECTIONS, title=title)
    for section in sections:
        schema.add_section(section, owner=app)
    return schema


def check_admin_pin(cfg, entered: str) -> bool:
    """Checks a PIN typed on the device against [admin] pin_hash, else [admin] pin; no PIN set = refused."""
    admin = cfg.admin
    if admin.pin_hash:
        return pin.check_pin(entered, admin.pin_hash)
    if admin.pin:
        return hmac.compare_digest(entered.encode(), admin.pin.encode())
    return False


def theme_section(help_text: str, extra: list) -> Section:
    """An app's [theme]: the colours both apps have, then its own (`extra`); empty keeps the shared theme."""
    return Section(
        "theme",
        help_text,
        [
            Key("primary", "colour", None, "Buttons and the top bar (white text on it)."),
            Key("background", "colour", None, "Screen background (dark text on it)."),
            Key("text", "colour", None, "Text colour."),
            *extra,
        ],
    )


def theme_colours(cfg) -> dict:
    """The configured [theme] colours only, for touchui's theme."""
    return {k: v for k, v in cfg.theme.as_dict().items() if v}
