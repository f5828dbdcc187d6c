"""Bar charts drawn on the server as SVG: no chart library, and they work without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 480
LABEL_WIDTH = 200
ROW_HEIGHT = 26
BAR_HEIGHT = 18
VALUE_SPACE = 44


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    y: int
    width: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int

    @property
    def text_y_offset(self) -> int:
        return BAR_HEIGHT // 2 + 4


def bar_chart(rows: list[tuple]) -> BarChart | None:
    """A horizontal bar per (label, number, …) row; None when there is nothing to draw."""
    numbers = [(str(r[0]), r[1]) for r in rows if isinstance(r[1], int | float)]
    if not numbers:
        return None
    biggest = max(value for _, value in numbers) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_SPACE
    bars = [
        Bar(
            label=label if len(label) <= 30 else label[:29] + "…",
            value=value,
            text=f"{value:g}",
            y=i * ROW_HEIGHT,
            width=round(room * value / biggest, 1),
        )
        for i, (label, value) in enumerate(numbers)
    ]
    return BarChart(bars, WIDTH, len(bars) * ROW_HEIGHT, LABEL_WIDTH)
