"""Colours the tablet adds to touchui's shared theme: the thank-you green and the ticked reason."""

from kivy.utils import get_color_from_hex as _hex

COLOURS = {
    "ok": _hex("#1B5E20"),  # thank-you text and the invitation button (white on it: 7.9:1)
    "pressed": _hex("#D6E4F5"),
    "selected": _hex("#FDE7E7"),  # a ticked reason, behind dark text
    "selected_edge": _hex("#A50E0E"),
    "notice_bg": _hex("#FFF4D6"),
}
