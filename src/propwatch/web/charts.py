"""Server-side SVG charts for the dashboard: geometry is computed here, the templates draw it.

Nothing runs in the browser and nothing is fetched: a chart is plain SVG in the page, each mark with
a <title> for hover, and the same numbers are in a table next to it for screen readers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 720


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str  # tooltip: what the bar counts


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class RowLabel:
    y: float
    text: str
    value_text: str
    href: str | None


@dataclass(frozen=True)
class HBarChart:
    width: int
    height: int
    label_width: int
    bar_left: int
    bars: list[Bar]
    rows: list[RowLabel]
    ticks: list[Tick]
    axis_y: float


def hbar_chart(
    rows: Sequence[tuple[str, float, str, str | None]],
    *,
    colour: str = "pal-0",
    maximum: float | None = None,
    percent: bool = True,
) -> HBarChart:
    """Horizontal bars, one per (label, value, value text, link); values in [0, maximum]."""
    label_width, value_width, row_height, top = 190, 70, 26, 8
    bar_left = label_width + 8
    bar_space = WIDTH - bar_left - value_width
    top_value = maximum if maximum is not None else max([value for _, value, _, _ in rows] + [0.0])
    scale_top = _nice_ceiling(top_value) if top_value > 0 else 1.0
    bars: list[Bar] = []
    labels: list[RowLabel] = []
    for index, (label, value, value_text, href) in enumerate(rows):
        y = top + index * row_height
        length = bar_space * (value / scale_top) if scale_top else 0.0
        bars.append(Bar(bar_left, y + 4, max(length, 1.0), row_height - 8, colour, f"{label}: {value_text}"))
        labels.append(RowLabel(y + row_height / 2, label, value_text, href))
    axis_y = top + len(rows) * row_height + 4
    ticks = [
        Tick(bar_left + bar_space * fraction, _format(scale_top * fraction, percent))
        for fraction in _fractions(scale_top)
    ]
    return HBarChart(WIDTH, int(axis_y + 22), label_width, bar_left, bars, labels, ticks, axis_y)


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: list[float]


@dataclass(frozen=True)
class LegendItem:
    x: float
    y: float
    name: str
    colour: str


@dataclass(frozen=True)
class ColumnChart:
    width: int
    height: int
    left: int
    bottom: float
    right: float
    bars: list[Bar]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    legend: list[LegendItem]
    # The numbers for screen readers (an image's bar titles are not read out): series names, then each
    # period with its value per series.
    series_names: list[str]
    table: list[tuple[str, list[str]]]


def stacked_columns(periods: Sequence[str], series: Sequence[Series], *, unit: str = "spans") -> ColumnChart:
    """One column per period, stacked by series (e.g. technique categories per month)."""
    left, right, top = 48, WIDTH - 12, 10
    plot_height = 200
    bottom = top + plot_height
    totals = [sum(s.values[i] for s in series) for i in range(len(periods))]
    scale_top = _nice_ceiling(max([*totals, 0.0])) or 1.0
    slot = (right - left) / max(len(periods), 1)
    column = min(slot * 0.7, 48.0)
    bars: list[Bar] = []
    for index, period in enumerate(periods):
        x = left + slot * index + (slot - column) / 2
        y = float(bottom)
        for s in series:
            value = s.values[index]
            if value <= 0:
                continue
            height = plot_height * value / scale_top
            y -= height
            bars.append(Bar(x, y, column, height, s.colour, f"{period} · {s.name}: {_number(value)} {unit}"))
    y_ticks = [Tick(bottom - plot_height * f, _number(scale_top * f)) for f in _fractions(scale_top)]
    every = max(1, math.ceil(len(periods) / 12))  # at most a dozen period names under the axis
    x_ticks = [
        Tick(left + slot * index + slot / 2, period)
        for index, period in enumerate(periods)
        if index % every == 0
    ]
    legend: list[LegendItem] = []
    x, y = float(left), bottom + 40.0
    for s in series:
        width = 22 + 7.2 * len(s.name)
        if x + width > right:
            x, y = float(left), y + 20
        legend.append(LegendItem(x, y, s.name, s.colour))
        x += width + 14
    height = int(y + 16)
    table = [(period, [_number(s.values[index]) for s in series]) for index, period in enumerate(periods)]
    return ColumnChart(
        WIDTH, height, left, bottom, right, bars, y_ticks, x_ticks, legend, [s.name for s in series], table
    )


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    size: float
    opacity: float
    text: str
    title: str


@dataclass(frozen=True)
class Heatmap:
    width: int
    height: int
    cells: list[Cell]
    rows: list[Tick]
    columns: list[Tick]
    label_width: int
    top: int


def heatmap(
    row_names: Sequence[str], column_names: Sequence[str], counts: dict[tuple[str, str], int]
) -> Heatmap:
    """Counts in a grid (e.g. articles per outlet and narrative); darker cells count more."""
    label_width, top, size = 190, 120, 34.0
    peak = max(counts.values(), default=0) or 1
    cells = [
        Cell(
            label_width + c * size,
            top + r * size,
            size - 3,
            # at most 0.8: the darkest cell keeps its dark number at 5:1 (3.5:1 at full strength)
            0.08 + 0.72 * counts.get((row, column), 0) / peak,
            str(counts.get((row, column), 0)),
            f"{row} · {column}: {counts.get((row, column), 0)}",
        )
        for r, row in enumerate(row_names)
        for c, column in enumerate(column_names)
    ]
    rows = [Tick(top + r * size + size / 2, row) for r, row in enumerate(row_names)]
    columns = [Tick(label_width + c * size + size / 2, column) for c, column in enumerate(column_names)]
    width = int(max(WIDTH, label_width + len(column_names) * size + 20))
    return Heatmap(width, int(top + len(row_names) * size + 10), cells, rows, columns, label_width, top)


def _nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at least ``value``: round axis ends."""
    if value <= 0:
        return 0.0
    power = float(10 ** math.floor(math.log10(value)))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power + 1e-12:
            return step * power
    return 10 * power


def _fractions(top: float) -> list[float]:
    """Where the ticks of an axis ending at a nice ``top`` go, so every tick is a round number."""
    if top <= 0:
        return [0.0, 1.0]
    leading = top / float(10 ** math.floor(math.log10(top)))
    step = {1.0: 0.2, 2.0: 0.5, 2.5: 0.5, 5.0: 1.0}.get(round(leading, 6), leading / 4)
    count = round(leading / step)
    return [index / count for index in range(count + 1)]


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value - round(value)) < 1e-9 else f"{value:,.1f}"


def _format(value: float, percent: bool) -> str:
    return f"{_number(value * 100)}%" if percent else _number(value)
