"""Line charts drawn as SVG on the server: no chart library, and they work without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from webapp import clock


@dataclass
class Point:
    x: float
    y: float
    value: float
    when: datetime


@dataclass
class Chart:
    """Everything a template needs to draw one line chart."""

    id: str
    title: str
    description: str
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    points: list[Point] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)

    @property
    def path(self) -> str:
        return " ".join(
            f"{'M' if n == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for n, p in enumerate(self.points)
        )


def line_chart(
    chart_id: str,
    title: str,
    series: list[tuple[datetime, float]],
    *,
    low: float,
    high: float,
    ticks: list[float],
    describe: str,
    width: int = 320,
    height: int = 180,
) -> Chart:
    """A line chart of values over time, scaled between ``low`` and ``high``."""
    chart = Chart(
        id=chart_id,
        title=title,
        description=describe,
        width=width,
        height=height,
        plot_left=32,
        plot_right=width - 12,
        plot_top=12,
        plot_bottom=height - 28,
    )
    span_y = chart.plot_bottom - chart.plot_top
    span_x = chart.plot_right - chart.plot_left

    def y_of(value: float) -> float:
        return chart.plot_bottom - (value - low) / (high - low) * span_y

    chart.y_ticks = [(y_of(t), f"{t:g}") for t in ticks]
    if not series:
        return chart
    start, end = series[0][0], series[-1][0]
    seconds = (end - start).total_seconds()
    for when, value in series:
        fraction = (when - start).total_seconds() / seconds if seconds else 0.5
        chart.points.append(Point(chart.plot_left + fraction * span_x, y_of(value), value, when))
    # Month labels under the first and last points (and the middle one when there is room).
    labelled = [chart.points[0], chart.points[-1]] if seconds else [chart.points[0]]
    seen = set()
    for point in labelled:
        label = clock.show(point.when, "short_month_year")
        if label not in seen:
            seen.add(label)
            chart.x_labels.append((point.x, label))
    return chart
