"""What every kiosk screen shares: the services, the navigator, orientation and a reset."""

from kivy.properties import BooleanProperty, ObjectProperty
from kivy.uix.screenmanager import Screen


class KioskScreen(Screen):
    """A screen given its services (`services`, `nav`, `settings`) at construction, never looked up."""

    services = ObjectProperty(None)
    nav = ObjectProperty(None)
    settings = ObjectProperty(None)
    portrait = BooleanProperty(False)

    def on_size(self, _, size):
        self.portrait = size[1] > size[0]

    def reset(self):
        """Forget everything the last citizen typed or saw (idle timeout, Home)."""

    def show(self, **kwargs):
        """Called by the navigator before the screen appears, with what to show."""
