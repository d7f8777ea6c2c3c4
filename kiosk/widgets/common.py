"""Small building blocks every kiosk screen uses: wrapping labels and the top bar with Back and Home."""
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from touchui.widgets import BigButton, Card  # noqa: F401  (the shared big button and panel)


class BodyLabel(Label):
    """Body text that wraps to its width and grows to its height (≥ 30 px at 1080p)."""


class HeadingLabel(BodyLabel):
    """A section heading inside a screen."""


class TitleLabel(BodyLabel):
    """The name of what the screen shows, biggest text on it."""


class FactCard(Card):
    """A panel that grows with its content, for lists of facts inside a scrolling screen."""


class KioskTopBar(BoxLayout):
    """Title with Back, Home and the language switch: every screen has a way out."""

    screen = ObjectProperty(None)
    title = StringProperty("")


def on_primary():
    """The colour of text on the primary colour, whatever touchui's theme calls it this week."""
    from touchui.theme import theme
    for name in ("primary_text", "on_primary"):
        value = getattr(theme, name, None)
        if value is not None and not callable(value):
            return value
    return [1, 1, 1, 1]
