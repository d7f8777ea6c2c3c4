"""Dossier screen: invites the citizen to scan the receipt's barcode so the rating names the dossier."""

from pathlib import Path

from kivy.lang import Builder

from rating.screens.base import TabletScreen

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
SCAN_ICON = str(Path(__file__).resolve().parents[2] / "assets" / "rating" / "scan.png")


class DossierScreen(TabletScreen):
    scan_icon = SCAN_ICON
