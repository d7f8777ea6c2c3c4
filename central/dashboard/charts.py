"""Server-rendered inline SVG charts (bars and lines) with Vietnamese labels: no JavaScript, no CDN."""

from html import escape

COLOURS = ["#1f6fb2", "#d9822b", "#2e8b57", "#a23b72", "#6b6b6b"]
WIDTH, HEIGHT = 600, 260
LEFT, RIGHT, TOP, BOTTOM = 50, 12, 18, 50


def _label_step(n: int, room: float) -> int:
    """Show every k-th x label so labels never overlap (≈ 64 px per label)."""
    return max(1, -(-n * 64 // max(int(room), 1)))


def _frame(title: str, body: list[str], legend: list[tuple[str, str]] | None = None) -> str:
    legend_svg = []
    x = LEFT
    for name, colour in legend or []:
        legend_svg.append(
            f'<rect x="{x}" y="{HEIGHT - 14}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{HEIGHT - 4}" class="legend">{escape(name)}</text>'
        )
        x += 28 + 8 * len(name)
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        + "".join(body)
        + "".join(legend_svg)
        + "</svg>"
    )


def _y_axis(top_value: float, as_percent: bool, plot_h: float) -> list[str]:
    out = []
    for i in range(5):
        value = top_value * i / 4
        y = TOP + plot_h - plot_h * i / 4
        text = (
            f"{value * 100:.0f}%"
            if as_percent
            else (f"{value:,.0f}".replace(",", ".") if value >= 1 or value == 0 else f"{value:.1f}")
        )
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" class="axis" text-anchor="end">{text}</text>'
        )
    return out


def _nice_max(value: float) -> float:
    """Smallest 'round' top of the axis ≥ value whose quarters are whole numbers."""
    if value <= 0:
        return 4
    k = 1
    while True:
        for c in (4, 8, 12, 16, 20, 40, 60, 80):
            if value <= c * k:
                return c * k
        k *= 10


def _x_labels(labels: list[str], xs: list[float], plot_h: float) -> list[str]:
    step = _label_step(len(labels), WIDTH - LEFT - RIGHT)
    return [
        f'<text x="{x:.1f}" y="{TOP + plot_h + 16}" class="axis" text-anchor="middle">{escape(label)}</text>'
        for i, (label, x) in enumerate(zip(labels, xs))
        if i % step == 0
    ]


def bar_chart(
    title: str,
    labels: list[str],
    values: list[float | None],
    colour: str = COLOURS[0],
    as_percent: bool = False,
    value_labels: bool = True,
) -> str:
    """Vertical bars; each bar carries its value when there is room."""
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    n = max(len(values), 1)
    top_value = 1 if as_percent else _nice_max(max([v or 0 for v in values] + [0]))
    slot = plot_w / n
    bar_w = max(2.0, slot * 0.7)
    body = _y_axis(top_value, as_percent, plot_h)
    xs = []
    for i, value in enumerate(values):
        x = LEFT + slot * i + (slot - bar_w) / 2
        xs.append(x + bar_w / 2)
        if value is None:
            continue
        h = plot_h * (value / top_value if top_value else 0)
        body.append(
            f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
            f'fill="{colour}"><title>{escape(labels[i])}: {value}</title></rect>'
        )
        if value_labels and slot >= 30:
            text = f"{value * 100:.0f}%" if as_percent else f"{value:,.0f}".replace(",", ".")
            body.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{TOP + plot_h - h - 4:.1f}" class="value" '
                f'text-anchor="middle">{text}</text>'
            )
    body.extend(_x_labels(labels, xs, plot_h))
    return _frame(title, body)


def line_chart(
    title: str, labels: list[str], series: list[tuple[str, list[float | None]]], as_percent: bool = True
) -> str:
    """One line per series (rates 0..1 by default); gaps where a bucket has nothing to divide."""
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    n = max(len(labels), 1)
    top_value = 1 if as_percent else _nice_max(max([v or 0 for _, vals in series for v in vals] + [0]))
    slot = plot_w / n
    xs = [LEFT + slot * i + slot / 2 for i in range(len(labels))]
    body = _y_axis(top_value, as_percent, plot_h)
    legend = []
    for k, (name, values) in enumerate(series):
        colour = COLOURS[k % len(COLOURS)]
        legend.append((name, colour))
        runs, run = [], []
        for x, value in zip(xs, values):
            if value is None:
                if run:
                    runs.append(run)
                run = []
                continue
            y = TOP + plot_h - plot_h * (value / top_value)
            run.append((x, y, value))
        if run:
            runs.append(run)
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in run)
                body.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
            for x, y, value in run:
                text = f"{value * 100:.1f}%" if as_percent else str(value)
                body.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                    f"<title>{escape(name)}: {text}</title></circle>"
                )
    body.extend(_x_labels(labels, xs, plot_h))
    return _frame(title, body, legend)
