"""Small building blocks every kiosk screen uses: big buttons, wrapping labels, the top bar."""
from kivy.properties import BooleanProperty, ColorProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label


class BigButton(ButtonBehavior, Label):
    """A large, high-contrast touch target (≥ 110 px high at 1080p, never below 88 px)."""

    primary = BooleanProperty(True)
    icon = StringProperty("")


class BodyLabel(Label):
    """Body text that wraps to its width and grows to its height (≥ 30 px at 1080p)."""


class HeadingLabel(BodyLabel):
    """A section heading inside a screen."""


class TitleLabel(BodyLabel):
    """The name of what the screen shows, biggest text on it."""


class Card(BoxLayout):
    """A white panel with a thin border, for a group of facts."""

    background = ColorProperty(None, allownone=True)


class TopBar(BoxLayout):
    """Title with Back, Home and the language switch: every screen has a way out."""

    screen = ObjectProperty(None)
    title = StringProperty("")
