"""`Chart`: an SVG picture that shows itself in Jupyter and saves atomically; `Grid` lays
several side by side."""

from __future__ import annotations

import os
from collections.abc import Sequence

from autograd.files import write_atomically
from nn.charts.svg import FONT, element, escape, heading, num

__all__ = ["Chart", "Grid", "grid"]

_STYLE = (
    # Only a chart that is the whole document (a saved .svg, an <img>) sets its own colours;
    # drawn inline in a page it takes the page's text colour through currentColor.
    "svg.chainrule-chart:root{color:#1b1b1b;background:#ffffff}"
    "@media (prefers-color-scheme: dark){"
    "svg.chainrule-chart:root{color:#e4e4e4;background:#1b1b1b}}"
)


class Chart:
    """A picture of ``width`` x ``height`` px drawn by `body`; ``.svg`` is the whole document."""

    width: float
    height: float
    title: str | None = None

    def body(self) -> str:
        """The SVG elements, in this chart's own coordinates (0, 0 at its top left)."""
        raise NotImplementedError

    @property
    def svg(self) -> str:
        """The chart as a standalone SVG document (UTF-8 text)."""
        return self._document()

    def _document(self, style: str | None = None) -> str:
        label = self.title or "chart"
        return element(
            "svg",
            {
                "style": style,
                "xmlns": "http://www.w3.org/2000/svg",
                "class": "chainrule-chart",
                "width": float(self.width),
                "height": float(self.height),
                "viewBox": f"0 0 {num(self.width)} {num(self.height)}",
                "font-family": FONT,
                "role": "img",
                "aria-label": label,
            },
            [f"<title>{escape(label)}</title>", f"<style>{_STYLE}</style>", self.body()],
        )

    def __repr__(self) -> str:
        named = f" {self.title!r}" if self.title else ""
        return f"<{type(self).__name__}{named}, {self.width:g} x {self.height:g} px>"

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_html_(self) -> str:
        # Inline, so the text follows the notebook's light or dark theme (currentColor); a
        # chart wider than the notebook shrinks to fit, as a picture would.
        return self._document("max-width:100%;height:auto")

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the SVG document to ``path`` (atomically: a reader sees the old file or the
        new one). The path must end in .svg."""
        if not os.fspath(path).lower().endswith(".svg"):
            raise ValueError(f"Chart.save writes SVG; give a path ending in .svg, not {path!r}")
        write_atomically(path, self.svg + "\n")


class Grid(Chart):
    """Charts in rows of ``columns``, left to right, with an optional overall title."""

    GAP = 12.0

    def __init__(
        self, charts: Sequence[Chart], *, columns: int | None = None, title: str | None = None
    ) -> None:
        items = list(charts)
        if not items or not all(isinstance(c, Chart) for c in items):
            raise ValueError("grid needs a non-empty list of charts")
        self.charts = items
        self.columns = len(items) if columns is None else columns
        if not isinstance(self.columns, int) or self.columns < 1:
            raise ValueError(f"grid: columns must be a positive int, got {columns!r}")
        self.title = title
        rows = [items[i : i + self.columns] for i in range(0, len(items), self.columns)]
        widths = [max(row[c].width for row in rows if c < len(row)) for c in range(len(rows[0]))]
        heights = [max(c.height for c in row) for row in rows]
        self._rows, self._widths, self._heights = rows, widths, heights
        self.width = sum(widths) + self.GAP * (len(widths) - 1)
        self._title, title_h = heading(title or "", self.width / 2, 4, self.width - 12, 15)
        self._top = title_h + 10 if title else 0.0
        self.height = self._top + sum(heights) + self.GAP * (len(heights) - 1)

    def body(self) -> str:
        parts = []
        if self.title:
            parts.append(self._title)
        y = self._top
        for row, h in zip(self._rows, self._heights):
            x = 0.0
            for chart, w in zip(row, self._widths):
                parts.append(f'<g transform="translate({num(x)} {num(y)})">{chart.body()}</g>')
                x += w + self.GAP
            y += h + self.GAP
        return "".join(parts)


def grid(charts: Sequence[Chart], *, columns: int | None = None, title: str | None = None) -> Grid:
    """Several charts as one picture, ``columns`` to a row (all in one row by default)."""
    return Grid(charts, columns=columns, title=title)
