"""Help and information: the office (name, opening hours, address, hotline) and how to use the kiosk."""

from kivy.properties import StringProperty

from kiosk.screens.base import KioskScreen


class InfoScreen(KioskScreen):
    """Help text in the citizen's language; the office's facts come from the config's [help] section."""

    hours_text = StringProperty("")
    address_text = StringProperty("")
    hotline_text = StringProperty("")

    def on_settings(self, _, settings):
        help_ = getattr(settings, "help", None) if settings is not None else None
        if help_ is None:
            self.hours_text = self.address_text = self.hotline_text = ""
            return
        self.hours_text = "\n".join(part.strip() for part in help_.opening_hours.split("|") if part.strip())
        self.address_text = help_.address.strip()
        self.hotline_text = help_.hotline.strip()
