"""Bar charts drawn with Kivy's canvas (no matplotlib): rates per month, on a fixed 0–100% scale."""

from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Line, Rectangle
from kivy.properties import ColorProperty, ListProperty, NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from touchui.theme import theme


class BarChart(Widget):
    """Bars for `values` (fractions 0..1 or None for "no data"); labels are drawn by the screen."""

    values = ListProperty([])
    bar_colour = ColorProperty([0.04, 0.24, 0.57, 1])
    axis_colour = ColorProperty([0.24, 0.27, 0.32, 1])
    gap = NumericProperty(0.3)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.bind(
            values=self.redraw, pos=self.redraw, size=self.redraw, bar_colour=self.redraw, axis_colour=self.redraw
        )

    def bar_rects(self):
        """(x, y, w, h) of each bar in window-relative widget coordinates; None for missing data."""
        n = len(self.values)
        if not n:
            return []
        slot = self.width / n
        width = slot * (1 - self.gap)
        rects = []
        for i, value in enumerate(self.values):
            if value is None:
                rects.append(None)
                continue
            height = max(0.0, min(1.0, float(value))) * self.height
            rects.append((self.x + i * slot + (slot - width) / 2, self.y, width, height))
        return rects

    def redraw(self, *_):
        self.canvas.clear()
        with self.canvas:
            Color(*self.axis_colour)
            Line(points=[self.x, self.y, self.right, self.y], width=2)
            for fraction in (0.5, 1.0):  # faint guides at 50% and 100%
                Color(self.axis_colour[0], self.axis_colour[1], self.axis_colour[2], 0.25)
                y = self.y + self.height * fraction
                Line(points=[self.x, y, self.right, y], width=1)
            Color(*self.bar_colour)
            for rect in self.bar_rects():
                if rect:
                    Rectangle(pos=rect[:2], size=rect[2:])


class LabelledBars(BoxLayout):
    """A BarChart with each bar's label (e.g. T10/2026) and value printed under it."""

    values = ListProperty([])
    labels = ListProperty([])
    texts = ListProperty([])

    def __init__(self, **kwargs):
        super().__init__(orientation="vertical", spacing=6, **kwargs)
        self.chart = BarChart()
        self.row = BoxLayout(size_hint_y=None)
        self.add_widget(self.chart)
        self.add_widget(self.row)
        self.bind(values=self._rebuild, labels=self._rebuild, texts=self._rebuild)
        self.row.bind(width=self._fit)
        theme.bind(font_scale=self._rebuild, primary=self._rebuild)

    def _rebuild(self, *_):
        self.chart.values = self.values
        self.chart.bar_colour = theme.primary
        self.row.clear_widgets()
        size = theme.sp_scaled(28)
        self.row.height = size * 2.6
        for label, text in self._captions():
            self.row.add_widget(
                Label(text=f"{label}\n[b]{text}[/b]", markup=True, font_size=size, color=theme.text, halign="center")
            )
        self._fit()

    def _captions(self) -> list[tuple[str, str]]:
        """(label, bold text) under each bar."""
        return [
            (self.labels[i] if i < len(self.labels) else "", self.texts[i] if i < len(self.texts) else "")
            for i in range(len(self.values))
        ]

    def _fit(self, *_):
        """Each bar's label stays within its own slot: with large text (font_scale 1.3) or a narrow chart the
        labels get smaller rather than run into one another ("T10/2026T11/2026")."""
        if not self.row.children or self.row.width <= 1:
            return
        size = theme.sp_scaled(28)
        room = self.row.width / len(self.row.children) * 0.94
        plain, bold = CoreLabel(font_size=size), CoreLabel(font_size=size, bold=True)
        widest = max(max(plain.get_extents(label)[0], bold.get_extents(text)[0]) for label, text in self._captions())
        fitted = size * min(1.0, room / widest) if widest else size
        for w in self.row.children:
            w.font_size = fitted
