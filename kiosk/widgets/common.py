"""Small building blocks every kiosk screen uses: wrapping labels and the top bar with Back and Home."""

from kivy.clock import Clock
from kivy.properties import NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from touchui.widgets import BigButton, Card  # noqa: F401  (the shared big button and panel)


class BodyLabel(Label):
    """Body text that wraps to its width and grows to its height (≥ 30 px at 1080p)."""


class HeadingLabel(BodyLabel):
    """A section heading inside a screen."""


class TitleLabel(BodyLabel):
    """The name of what the screen shows, biggest text on it."""


class FactCard(Card):
    """A panel that grows with its content, for lists of facts inside a scrolling screen."""


class ReusedCard(FactCard):
    """A FactCard whose labels are kept and given new text on every fill, never rebuilt.

    Building and dropping labels on every visit costs a new texture and vertex buffer per
    paragraph; with Mesa's software renderer the freed memory is not given back, so a kiosk's
    RSS kept growing. Reusing the labels only re-renders the paragraphs whose text changed.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.heading = HeadingLabel()
        self.lines: list[BodyLabel] = []

    def show_lines(self, heading, lines) -> bool:
        """Show `heading` (or none) over one label per line; False when there is nothing to show."""
        lines = [line for line in lines if line and line.strip()]
        if not lines:
            self.clear_widgets()
            return False
        wanted = [self.heading] if heading else []
        self.heading.text = heading or ""
        while len(self.lines) < len(lines):
            self.lines.append(BodyLabel())
        for label, line in zip(self.lines, lines):
            label.text = line
        wanted += self.lines[: len(lines)]
        if list(reversed(self.children)) != wanted:
            self.clear_widgets()
            for widget in wanted:
                self.add_widget(widget)
        return True


class KioskTopBar(BoxLayout):
    """Title with Back, Home and the language switch: every screen has a way out."""

    screen = ObjectProperty(None)
    title = StringProperty("")
    title_size = NumericProperty(40)
    """The title's font size: 40 sp × font scale, smaller only when a long title needs it to fit."""

    def on_kv_post(self, _):
        from touchui.theme import theme

        self._fit = Clock.create_trigger(self.fit_title, 0)
        self.bind(title=self._fit, size=self._fit)
        self.ids.title.bind(width=self._fit)
        theme.bind(font_scale=self._fit)
        self.fit_title()

    def fit_title(self, *_):
        """The largest size from 40 sp down to 28 px at which the wrapped title fits the bar."""
        from kiosk.widgets.wrap import text_height
        from touchui.theme import theme

        label = self.ids.title
        size = theme.sp_scaled(40)
        smallest = min(size, 28.0)  # large text in portrait leaves the title a narrow slot: 28 px, not cut
        room = self.height - self.padding[1] - self.padding[3]
        if label.width > 50 and self.title:
            while size > smallest and text_height(self.title, size, label.width, bold=True) > room:
                size = max(smallest, size * 0.9)
        self.title_size = size


def on_primary():
    """The colour of text on the primary colour, whatever touchui's theme calls it this week."""
    from touchui.theme import theme

    for name in ("primary_text", "on_primary"):
        value = getattr(theme, name, None)
        if value is not None and not callable(value):
            return value
    return [1, 1, 1, 1]
