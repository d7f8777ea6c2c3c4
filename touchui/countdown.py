"""The warning before an idle reset: "back to the home screen in 10 seconds — touch to continue"."""

import math

from kivy.lang import Builder
from kivy.properties import NumericProperty
from kivy.uix.modalview import ModalView

Builder.load_string(
    """
#:import theme touchui.theme.theme
#:import i18n touchui.i18n.i18n

<IdleCountdown>:
    size_hint: 1, 1
    background_color: 0, 0, 0, 0
    overlay_color: 0, 0, 0, .55
    AnchorLayout:
        BoxLayout:
            orientation: "vertical"
            size_hint: None, None
            width: min(root.width - theme.sp_scaled(48, theme.font_scale), theme.sp_scaled(1100, theme.font_scale))
            height: self.minimum_height
            padding: theme.sp_scaled(40, theme.font_scale)
            spacing: theme.sp_scaled(20, theme.font_scale)
            canvas.before:
                Color:
                    rgba: theme.surface
                RoundedRectangle:
                    pos: self.pos
                    size: self.size
                    radius: [18]
                Color:
                    rgba: theme.accent
                Line:
                    rounded_rectangle: (self.x, self.y, self.width, self.height, 18)
                    width: 4
            Label:
                id: number
                text: str(root.whole_seconds)
                color: theme.primary
                bold: True
                font_name: theme.font_name
                font_size: theme.sp_scaled(120, theme.font_scale)
                size_hint_y: None
                height: self.texture_size[1]
            Label:
                id: message
                text: root.message(root.whole_seconds, i18n.lang)
                color: theme.text
                font_name: theme.font_name
                font_size: theme.sp_scaled(36, theme.font_scale)
                halign: "center"
                text_size: self.width, None
                size_hint_y: None
                height: self.texture_size[1]
"""
)


class IdleCountdown(ModalView):
    """A full-screen notice with the seconds left before the idle reset.

    A touch anywhere closes it and is used up (it only says "I am still here": the button under the
    finger is not pressed). The app updates `seconds` and closes it on any other activity.
    """

    seconds = NumericProperty(10)
    whole_seconds = NumericProperty(10)

    def __init__(self, **kwargs):
        kwargs.setdefault("auto_dismiss", False)
        super().__init__(**kwargs)

    @staticmethod
    def message(seconds: int, lang: str) -> str:
        """The sentence under the number; the last second in the singular ("1 second")."""
        from touchui.i18n import i18n

        return i18n.t("idle.countdown_one" if seconds == 1 else "idle.countdown", lang, seconds=seconds)

    def on_seconds(self, _, value):
        self.whole_seconds = max(1, math.ceil(value - 1e-6))

    @property
    def showing(self):
        return self._is_open

    def on_touch_down(self, touch):
        self.dismiss()
        return True

    def on_touch_move(self, touch):
        return True

    def on_touch_up(self, touch):
        return True
