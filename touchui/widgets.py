"""Base widgets both apps build on: BigButton (≥ 88 px), Card, and a TopBar with back and VI/EN."""

import os

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty, OptionProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from touchui.i18n import i18n
from touchui.theme import theme

Builder.load_file(os.path.join(os.path.dirname(__file__), "widgets.kv"))

MIN_TOUCH_HEIGHT = 88
"""No touch target smaller than this (px at 1080p): an elderly finger must not miss."""


class BigButton(ButtonBehavior, Label):
    """A large, high-contrast button; `role` picks the colours (primary, secondary, danger)."""

    role = OptionProperty("primary", options=["primary", "secondary", "danger", "accent"])

    def min_height(self):
        return max(MIN_TOUCH_HEIGHT, theme.sp_scaled(MIN_TOUCH_HEIGHT))


class Card(BoxLayout):
    """A white panel with a border, for one procedure, one officer, one result."""

    background = ColorProperty(None, allownone=True)
    """Panel colour; None = the theme's surface colour."""


class TopBar(BoxLayout):
    """Title bar: back button on the left (hidden with `show_back`), title, VI/EN switch.

    Events: ``on_back``. The language button flips the shared translator (`touchui.i18n.i18n`),
    so every label written as ``i18n.t(key, i18n.lang)`` switches at once.
    """

    title = StringProperty("")
    show_back = BooleanProperty(True)
    show_language = BooleanProperty(True)

    __events__ = ("on_back",)

    def switch_language(self):
        i18n.switch()

    def on_back(self):
        pass
