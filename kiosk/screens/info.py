"""Help and information: how to use the kiosk, and the office."""

from kiosk.screens.base import KioskScreen


class InfoScreen(KioskScreen):
    """Static help text in the citizen's language (kv only)."""
