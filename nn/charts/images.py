"""`ImageGrid`: small images (digits, a layer's weights) in rows, each with a caption, and an
optional shared colorbar."""

from __future__ import annotations

import math
from collections.abc import Sequence

from nn.charts.chart import Chart
from nn.charts.colorbar import Colorbar
from nn.charts.colors import color_at
from nn.charts.raster import cell_paths
from nn.charts.svg import heading, num, rect, text, text_width

__all__ = ["ImageGrid"]

CAPTION_FONT = 11.0
GAP = 10.0


class ImageGrid(Chart):
    """Images (each a list of rows of numbers) ``columns`` to a row, each ``cell`` px square
    with its caption above, coloured by ``colormap`` from ``vmin`` to ``vmax`` (default: the
    images' smallest and largest values), and a colorbar labelled ``colorbar`` unless None.
    Made by `nn.charts.image_grid`, where the options' defaults are."""

    def __init__(
        self,
        images: Sequence[Sequence[Sequence[float]]],
        *,
        captions: Sequence[str] | None,
        columns: int,
        colormap: str,
        vmin: float | None,
        vmax: float | None,
        colorbar: str | None,
        cell: float,
        title: str | None,
    ) -> None:
        self.images = [[[float(v) for v in row] for row in image] for image in images]
        if not self.images or not all(img and img[0] for img in self.images):
            raise ValueError("image_grid: give a non-empty list of images (lists of rows)")
        if captions is not None and len(captions) != len(self.images):
            raise ValueError(f"image_grid: {len(self.images)} images but {len(captions)} captions")
        if not isinstance(columns, int) or columns < 1:
            raise ValueError(f"image_grid: columns must be a positive int, got {columns!r}")
        if not cell >= 16:
            raise ValueError(f"image_grid: cell must be at least 16 px, got {cell!r}")
        color_at(colormap, 0.0)  # an unknown colour map fails here
        every = [v for img in self.images for row in img for v in row]
        self.low = min(every) if vmin is None else float(vmin)
        self.high = max(every) if vmax is None else float(vmax)
        self.colormap, self.cell, self.title = colormap, float(cell), title
        self.captions = [str(c) for c in captions] if captions is not None else None
        self.columns = min(columns, len(self.images))
        self.bar = (
            Colorbar(colormap, self.low, self.high, colorbar or None)
            if colorbar is not None
            else None
        )
        widest = max((text_width(c, CAPTION_FONT) for c in self.captions or []), default=0.0)
        self._pitch = max(self.cell, widest) + GAP
        self._caption_h = 18.0 if self.captions else 0.0
        self._row_h = self.cell + self._caption_h + 8
        rows = math.ceil(len(self.images) / self.columns)
        self.width = self.columns * self._pitch + (self.bar.width() + 12 if self.bar else 0) + 4
        self._title, title_h = heading(title or "", self.width / 2, 4, self.width - 12)
        self._top = title_h + 10 if title else 4.0
        self.height = self._top + rows * self._row_h + 4
        if self.bar:
            self.height = max(self.height, self._top + 120)

    def body(self) -> str:
        out = []
        if self.title:
            out.append(self._title)
        span = self.high - self.low or 1.0
        for n, image in enumerate(self.images):
            r, c = divmod(n, self.columns)
            x = c * self._pitch + (self._pitch - self.cell) / 2
            y = self._top + r * self._row_h + self._caption_h
            if self.captions:
                out.append(
                    text(
                        x + self.cell / 2,
                        y - 9,
                        self.captions[n],
                        size=CAPTION_FONT,
                        anchor="middle",
                    )
                )
            shades = [
                [color_at(self.colormap, (v - self.low) / span) for v in row] for row in image
            ]
            scale = f"scale({num(self.cell / len(image[0]))} {num(self.cell / len(image))})"
            out.append(
                f'<g class="image" transform="translate({num(x)} {num(y)}) {scale}" '
                f'shape-rendering="crispEdges">{cell_paths(shades)}</g>'
            )
            out.append(
                rect(
                    x,
                    y,
                    self.cell,
                    self.cell,
                    fill="none",
                    stroke="currentColor",
                    stroke_opacity=0.4,
                )
            )
        if self.bar:
            x = self.columns * self._pitch + 10
            out.append(self.bar.draw(x, self._top + self._caption_h, self.height - 12))
        return "".join(out)
