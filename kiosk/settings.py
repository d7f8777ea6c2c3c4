"""The lobby kiosk's own config sections: [kiosk], [attract], [printer], [theme] (common ones: motcua.settings)."""

from motcua.catalogue import SEARCH_MAX
from motcua.config import Config, Key, Section, load_config
from motcua.settings import device_schema, theme_section

KIOSK = Section(
    "kiosk",
    "What the lobby kiosk shows and when it forgets a citizen.",
    [
        Key(
            "logo",
            "path",
            None,
            "Logo image (PNG) shown on the home screen next to the office name; "
            "empty = the placeholder in assets/kiosk/logo.png.",
        ),
        Key(
            "idle_seconds",
            "seconds",
            90,
            "After this long without a touch, any screen goes back home and "
            "everything typed is cleared (nothing of one citizen is left for the next).",
            min=10,
            max=3600,
        ),
        Key(
            "idle_warning_seconds",
            "seconds",
            10,
            "Before that reset the kiosk counts down on screen for this long ("
            '"back to the home screen in 10 seconds — touch to continue"); 0 = no countdown. '
            "At most half of idle_seconds.",
            min=0,
            max=60,
        ),
        Key(
            "stats_period",
            "choice",
            "30d",
            "Period of the statistics screen: the last 30 days, this month, quarter or year.",
            choices=("30d", "month", "quarter", "year"),
        ),
        Key("search_limit", "int", 50, "Most results shown for one search.", min=5, max=SEARCH_MAX),
        Key(
            "extra_words",
            "path",
            None,
            "The office's own everyday words for search, added to the shipped lexicon "
            "(motcua/data/synonyms.txt, same format: 'sổ đỏ = quyền sử dụng đất' a line); empty = none.",
        ),
        Key(
            "portal_link",
            "str",
            "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{id}",
            "Link to a procedure's page on the national portal, shown as a QR on its screen and "
            "printed on its slip; {id} is the portal's id of the procedure, stored when the portal's "
            "JSON is imported. A procedure without that id gets no QR and no link; empty = never.",
            pattern=r"(https?://[^\s{}]*\{id\}[^\s{}]*)?",
            shape="an http(s) address holding {id}, or empty",
        ),
        Key(
            "scanner_max_gap_ms",
            "int",
            50,
            "A USB barcode scanner types each character within this many "
            "milliseconds of the previous one; slower typing is a person.",
            min=5,
            max=500,
        ),
        Key(
            "admin_corner",
            "choice",
            "top-right",
            "Corner of the hidden admin gesture (tap it 5 times within 3 seconds, then the PIN from [admin]).",
            choices=("top-right", "top-left", "bottom-right", "bottom-left"),
        ),
    ],
)
ATTRACT = Section(
    "attract",
    "The slideshow of announcements shown while nobody uses the kiosk.",
    [
        Key("enabled", "bool", False, "Show the slideshow when the kiosk has been idle on the home screen."),
        Key(
            "after_seconds",
            "seconds",
            60,
            "How long the home screen stays idle before the slideshow starts.",
            min=5,
            max=3600,
        ),
        Key("slide_seconds", "seconds", 8, "How long each slide stays.", min=2, max=600),
        Key("images", "list", [], "Slide images (PNG/JPG), comma-separated, relative to the config file."),
        Key("texts", "str", "", "Text slides separated by |, e.g. Giờ làm việc: 7h30–17h00 | Miễn phí tra cứu."),
    ],
)
HELP = Section(
    "help",
    "What the help screen (Hướng dẫn / Thông tin) tells citizens about the office; an empty key is not shown.",
    [
        Key(
            "opening_hours",
            "str",
            "",
            "Opening hours, one line per part separated by |, e.g. Sáng 7 giờ 30 – 11 giờ 30, chiều 13 giờ 30 – "
            "17 giờ 00, thứ Hai đến thứ Sáu | Sáng thứ Bảy: tiếp nhận hồ sơ.",
        ),
        Key("address", "str", "", "The office's street address, e.g. Số 1 đường Lê Lợi, xã Phước Long."),
        Key(
            "hotline",
            "str",
            "",
            "Hotline or enquiry number citizens can call, e.g. 0236 3 822 222 or 1022.",
            pattern=r"(\+?[0-9][0-9 .\-]{1,22}[0-9])?",
            shape="a phone number: digits, spaces, dots or dashes, optionally starting with +",
        ),
    ],
)
PRINTER = Section(
    "printer",
    "The receipt printer for checklist slips (python-escpos).",
    [
        Key(
            "kind",
            "choice",
            "none",
            "none (no print button), usb, network, file (a device such as "
            "/dev/usb/lp0) or dummy (tests: bytes kept in memory).",
            choices=("none", "usb", "network", "file", "dummy"),
        ),
        Key(
            "usb_vendor",
            "str",
            "",
            "USB vendor id in hex, e.g. 04b8 (kind = usb).",
            pattern=r"([0-9a-fA-F]{4})?",
            shape="4 hex digits",
        ),
        Key(
            "usb_product",
            "str",
            "",
            "USB product id in hex, e.g. 0202 (kind = usb).",
            pattern=r"([0-9a-fA-F]{4})?",
            shape="4 hex digits",
        ),
        Key("host", "str", "", "Printer address (kind = network)."),
        Key("port", "int", 9100, "Printer TCP port (kind = network).", min=1, max=65535),
        Key("device", "str", "/dev/usb/lp0", "Device file (kind = file)."),
        Key(
            "text_mode",
            "choice",
            "image",
            "image prints the slip as a picture drawn with a Vietnamese font (every ESC/POS printer can, "
            "diacritics and all); ascii prints text without diacritics; unicode sends the text as is, only "
            "for printers with the Vietnamese code page 1258.",
            choices=("image", "ascii", "unicode"),
        ),
        Key(
            "width_dots",
            "int",
            576,
            "Printable width in dots for text_mode = image: 576 for 80 mm paper, 384 for 58 mm.",
            min=256,
            max=832,
        ),
        Key(
            "font",
            "path",
            None,
            "TrueType font for text_mode = image (it must have the Vietnamese letters); "
            "empty = Roboto, shipped with Kivy.",
        ),
        Key("qr_native", "bool", True, "Let the printer draw the QR code (ESC/POS GS ( k); no = send it as an image."),
    ],
)
THEME = theme_section(
    "Colours (#rrggbb); empty keeps the shared high-contrast theme. Text size: [display] font_scale.",
    [
        Key("surface", "colour", None, "Panels and list rows (dark text on them)."),
        Key("accent", "colour", None, "Highlight of a pressed button (dark text on it)."),
    ],
)
SECTIONS = [KIOSK, ATTRACT, HELP, PRINTER, THEME]
SCHEMA = device_schema("kiosk", SECTIONS, "lobby kiosk")


def load(path, env: dict | None = None) -> Config:
    """The kiosk's config file loaded and checked (motcua.config.ConfigError lists every problem)."""
    return load_config(path, SCHEMA, env)
