"""Colours and font scale shared by the kiosk and the tablet: high contrast, readable at arm's length."""

from kivy.event import EventDispatcher
from kivy.metrics import sp
from kivy.properties import ColorProperty, NumericProperty, StringProperty
from kivy.utils import get_color_from_hex

from motcua.settings import MAX_FONT_SCALE, MIN_FONT_SCALE  # one range for the config check and the theme

# Defaults: dark text on white, a deep public-service blue for actions. Every pair used for
# text passes WCAG AAA (≥ 7:1) except accent, which is only ever a background for dark text.
DEFAULT_COLOURS = {
    "primary": "#0B3D91",  # buttons, top bar (white text on it: 10.6:1)
    "on_primary": "#FFFFFF",
    "background": "#F4F6FA",
    "surface": "#FFFFFF",  # cards, keyboard keys
    "text": "#111111",
    "muted": "#3C4452",  # secondary text (9.6:1 on white)
    "accent": "#FFC627",  # highlights behind dark text (12:1)
    "danger": "#A50E0E",  # errors, wrong PIN (8.3:1 on white)
    "key_special": "#D8DEE9",  # keyboard function keys, behind dark text
}


def parse_colour(name, value):
    """A `#RRGGBB` (or `#RRGGBBAA`) string as an RGBA list; a clear error naming the key otherwise."""
    text = str(value).strip()
    if not text.startswith("#") or len(text) not in (7, 9):
        raise ValueError(f"theme colour {name!r}: expected #RRGGBB, got {value!r}")
    try:
        int(text[1:], 16)
    except ValueError:
        raise ValueError(f"theme colour {name!r}: expected #RRGGBB, got {value!r}") from None
    return get_color_from_hex(text)


class Theme(EventDispatcher):
    """The look every touchui widget reads; kv rules bind to it, so a change repaints live."""

    primary = ColorProperty(get_color_from_hex(DEFAULT_COLOURS["primary"]))
    on_primary = ColorProperty(get_color_from_hex(DEFAULT_COLOURS["on_primary"]))
    background = ColorProperty(get_color_from_hex(DEFAULT_COLOURS["background"]))
    surface = ColorProperty(get_color_from_hex(DEFAULT_COLOURS["surface"]))
    text = ColorProperty(get_color_from_hex(DEFAULT_COLOURS["text"]))
    muted = ColorProperty(get_color_from_hex(DEFAULT_COLOURS["muted"]))
    accent = ColorProperty(get_color_from_hex(DEFAULT_COLOURS["accent"]))
    danger = ColorProperty(get_color_from_hex(DEFAULT_COLOURS["danger"]))
    key_special = ColorProperty(get_color_from_hex(DEFAULT_COLOURS["key_special"]))

    font_scale = NumericProperty(1.0)
    """Multiplies every text size and touch target (config: 1.0 normal, 1.3 for large text)."""

    font_name = StringProperty("Roboto")
    """Roboto draws every Vietnamese letter; it has no emoji: use images for faces and icons."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Kivy binds an attribute named on_<property> as that property's change handler: the
        # colour `on_primary` (text on primary, the name the apps use) is not a handler.
        self.funbind("primary", self.on_primary)

    def configure(self, colours=None, font_scale=None, font_name=None):
        """Apply plain values from an app's config; unknown colour names are an error."""
        for name, value in (colours or {}).items():
            if name not in DEFAULT_COLOURS:
                known = ", ".join(sorted(DEFAULT_COLOURS))
                raise ValueError(f"unknown theme colour {name!r} (known: {known})")
            setattr(self, name, parse_colour(name, value))
        if font_scale is not None:
            scale = float(font_scale)
            if not MIN_FONT_SCALE <= scale <= MAX_FONT_SCALE:
                raise ValueError(f"font_scale {font_scale!r} out of range {MIN_FONT_SCALE}..{MAX_FONT_SCALE}")
            self.font_scale = scale
        if font_name:
            self.font_name = font_name
        return self

    def sp_scaled(self, value, font_scale=None):
        """`sp(value)` times the font scale. Pass `theme.font_scale` from kv so the rule rebinds."""
        return sp(value) * (self.font_scale if font_scale is None else font_scale)

    def reset(self):
        """Back to the defaults (tests and config reloads)."""
        self.configure(DEFAULT_COLOURS, 1.0, "Roboto")


theme = Theme()


def sp_scaled(value):
    """`sp(value)` times the current font scale (Python side; kv uses `theme.sp_scaled(v, theme.font_scale)`)."""
    return theme.sp_scaled(value)


def configure_theme(colours=None, font_scale=None, font_name=None):
    """Set the shared theme from an app's config values (plain dict and numbers, no config object)."""
    return theme.configure(colours, font_scale, font_name)
