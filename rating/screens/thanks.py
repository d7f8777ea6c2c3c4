"""Thank-you screen, shown only once the rating is durable in the outbox; back to idle by itself."""

from pathlib import Path

from kivy.lang import Builder

from rating.screens.base import TabletScreen

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
TICK = str(Path(__file__).resolve().parents[2] / "assets" / "rating" / "thanks.png")


class ThanksScreen(TabletScreen):
    tick = TICK
