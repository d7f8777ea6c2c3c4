"""What every tablet screen shares: the services, the rating flow and the navigator, given at construction."""

from kivy.properties import ObjectProperty
from kivy.uix.screenmanager import Screen

from touchui.i18n import i18n


def t(key, lang=None, **fmt) -> str:
    """The tablet's text `key` (rating/texts.py) in `lang` (default: the current language)."""
    return i18n.t("rating." + key, lang, **fmt)


class TabletScreen(Screen):
    """A screen given `services` (rating.services.TabletServices), `flow` (its RatingFlow) and `nav`
    (the App: open_signin, close_staff_screen, ask_officer_pin, toggle_language, exit_app) at
    construction, never looked up. Behaviour is here in Python; the kv rules only bind `root.…`."""

    services = ObjectProperty(None, allownone=True)
    flow = ObjectProperty(None, allownone=True)
    nav = ObjectProperty(None, allownone=True)

    def refresh(self):
        """Redraw from the flow and the services (the App calls it whenever either changed)."""
