"""A horizontal bar chart laid out for inline SVG, drawn on the server.

The page needs no JavaScript to show it, and screen readers get the chart's title and
description from `<title>`/`<desc>` plus the same numbers as a data table beside it.
Horizontal bars leave room for long category names (a street, a district) without rotated
text. Negative values (a net result) grow left from the zero line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Bar", "BarChart", "bar_chart"]

WIDTH = 720
ROW = 28
BAR = 18
TOP = 8
MAX_LABEL = 36
CHAR = 7.5  # the widest average advance of a 13 px label (`.chart-label`), digits included
_GAP = 16


@dataclass(frozen=True)
class Bar:
    label: str  # the full category name (the table alternative shows it)
    short: str  # the name as drawn, shortened to fit
    value: float
    text: str  # the value as the page writes numbers
    x: float
    y: float
    width: float
    text_x: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_x: int
    zero_x: float
    bar_height: int


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _room(texts: Sequence[str]) -> int:
    """Pixels that the longest of these texts needs, with a gap."""
    return int(max((len(t) for t in texts), default=0) * CHAR) + _GAP


def bar_chart(values: Sequence[tuple[str, float, str]]) -> BarChart:
    """Lay out (category, value, value as text) as bars scaled to the largest magnitude.

    The label column is as wide as the longest (shortened) label and the value column as the
    longest value, so no text is cut off at the picture's edge, and the bars take the rest."""
    left = _room([_short(label) for label, _, _ in values])
    span = WIDTH - left - _room([text for _, _, text in values])
    low = min([0.0, *(v for _, v, _ in values)])
    high = max([0.0, *(v for _, v, _ in values)])
    scale = span / (high - low) if high > low else 0.0
    zero = left + (0 - low) * scale
    bars = []
    for i, (label, value, text) in enumerate(values):
        end = zero + value * scale
        x, width = min(zero, end), abs(end - zero)
        y = TOP + i * ROW
        bars.append(Bar(label, _short(label), value, text, x, y, max(width, 1.0), x + width + 6))
    height = TOP * 2 + ROW * len(values)
    return BarChart(bars, WIDTH, height, left - 8, zero, BAR)
