"""A colorbar: the colour map as a strip, ticks giving its values, and a label; shared by heat
maps and image grids."""

from __future__ import annotations

from dataclasses import dataclass

from nn.charts.colors import color_at
from nn.charts.svg import line, rect, text, text_width
from nn.charts.ticks import Tick, linear_ticks

__all__ = ["Colorbar"]

STRIP = 12.0
TICK_FONT = 11.0
LABEL_FONT = 12.0
STEPS = 48


@dataclass
class Colorbar:
    """``colormap`` from ``low`` (bottom) to ``high`` (top), labelled ``label`` (or not)."""

    colormap: str
    low: float
    high: float
    label: str | None = None

    def ticks(self) -> list[Tick]:
        """Round values between low and high."""
        _, _, ticks = linear_ticks(self.low, self.high, 4)
        span = abs(self.high - self.low) * 1e-9
        return [t for t in ticks if self.low - span <= t.at <= self.high + span]

    def width(self) -> float:
        """The px it takes to the right of where it starts (strip, tick labels, label)."""
        widest = max((text_width(t.label, TICK_FONT) for t in self.ticks()), default=0.0)
        return STRIP + 10 + widest + (22 if self.label else 0)

    def draw(self, x: float, y0: float, y1: float) -> str:
        """The strip at ``x``, from ``y0`` (top, high) to ``y1`` (bottom, low)."""
        h = (y1 - y0) / STEPS
        out = [
            rect(
                x, y1 - (k + 1) * h, STRIP, h + 0.3, fill=color_at(self.colormap, (k + 0.5) / STEPS)
            )
            for k in range(STEPS)
        ]
        out.append(
            rect(x, y0, STRIP, y1 - y0, fill="none", stroke="currentColor", stroke_width=0.8)
        )
        span = self.high - self.low or 1.0
        widest = 0.0
        for t in self.ticks():
            y = y1 - (t.at - self.low) / span * (y1 - y0)
            out.append(line(x + STRIP, y, x + STRIP + 4, y))
            out.append(text(x + STRIP + 7, y, t.label, size=TICK_FONT, extra={"class": "tick-c"}))
            widest = max(widest, text_width(t.label, TICK_FONT))
        if self.label:
            mid = x + STRIP + 10 + widest + 11
            out.append(
                text(mid, (y0 + y1) / 2, self.label, size=LABEL_FONT, anchor="middle", rotate=-90)
            )
        return f'<g class="colorbar">{"".join(out)}</g>'
