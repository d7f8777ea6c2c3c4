"""Heights of wrapped text, for list rows that grow with their text instead of cutting it short.

A RecycleView lays its rows out from its data before any row exists, so a row that must fit a long
procedure name on two or three lines (large text, a narrow list beside the keyboard) gets its height
in the data, measured here with the font its label draws with.
"""

from functools import lru_cache


@lru_cache(maxsize=4096)
def text_height(text: str, font_size: float, width: float, bold: bool = False, font_name: str = "Roboto") -> float:
    """Height in px of `text` drawn by a Label with `text_size = (width, None)`."""
    from kivy.core.text import Label as CoreLabel

    core = CoreLabel(text=text, font_size=font_size, bold=bold, font_name=font_name, text_size=(max(1, width), None))
    one_width, one_height = core.get_extents(text or " ")
    if one_width <= width and "\n" not in text:
        return float(one_height)  # one line: no need to draw it
    core.refresh()
    return float(core.texture.size[1])
