"""chainrule's charts: SVG pictures in pure Python (no numpy, no matplotlib), so the course's
plots draw the same on CPython and in the browser (Pyodide).

Every chart shows itself when it is a notebook cell's last value (``_repr_html_`` inline,
following the notebook's light or dark theme; ``_repr_svg_``), has ``.svg`` (the document as
text) and ``.save("name.svg")`` (atomic). User text (titles, labels, names) is escaped.
Unlike matplotlib, nothing draws as a side effect: end the cell with the chart (no trailing
``;``, no ``fig = ...`` as the last line), or call ``IPython.display.display(chart)``.

One call per kind (all keyword options after the data; each returns a `Panel` unless noted)::

    from nn import charts

    charts.line_chart(ys)                               # one line, x = 0, 1, 2...
    charts.line_chart({"train": a, "test": b}, x=epochs, title="loss", xlabel="epoch",
                      ylabel="loss", log_y=True, log_x=False, ylim=(0, 1), markers=True,
                      symlog_y=None,                    # 10: linear in ±10, log beyond
                      references={"baseline": 0.69},    # dotted horizontal lines, in the legend
                      points={"now": (x, y)})           # marked points (first one a star)
    charts.bar_chart(probs, labels=[...], colors=[...], ylim=(0, 1), ylabel="probability")
    charts.bar_chart({"right": a, "wrong": b}, labels=[...])       # grouped, with a legend
    charts.histogram({"right": a, "wrong": b}, bins=20, low=0, high=1, density=True)
    charts.scatter(xs, ys, classes, names=["class 0", "class 1"])  # coloured by class
    charts.heatmap(grid, xs=centres_x, ys=centres_y, colorbar="log f")   # numeric axes, y up
    charts.heatmap(grid, x_labels=tokens, y_labels=tokens, vmin=0, vmax=1,
                   colorbar="weight")                   # no xs/ys: row 0 on top, labelled cells
    charts.image_grid(images, shape=(8, 8), captions=[...], columns=10)   # -> ImageGrid
    charts.image_grid(weights, shape=(8, 8), colormap="diverging", vmin=-m, vmax=m,
                      colorbar="weight")                # shared colorbar
    charts.grid([chart_a, chart_b, ...], columns=3, title="...")          # side by side -> Grid
    charts.grid([charts.image_grid([x], shape=(8, 8), captions=["label 3, read 5"]),
                 charts.bar_chart(probs, colors=[...], ylim=(0, 1))], columns=2)  # mixed

`nn.plots` builds on these: ``plot_history(history)`` or ``plot_history({"full batch": h1,
"SGD": h2})`` (overlaid runs; -> Grid of loss and accuracy), ``plot_decision_boundary(model,
data, loss=, resolution=, title=, names=)`` (-> Panel; several side by side with
``charts.grid``), ``plot_first_layer(model, shape=(8, 8))``, ``plot_grad_norms``,
``plot_loss_curves``, ``plot_gradient_components``, ``plot_learning_rates``; and
`nn.attention_plots.plot_attention`. They take no ``ax``/``axes``: compose with ``grid``.

Panel's common options: ``title``, ``xlabel``, ``ylabel``, ``log_x``, ``log_y``, ``symlog_y``,
``xlim``, ``ylim``, ``width``, ``height`` (px, default 460 x 300), ``x_ticks``/``y_ticks``
([(value, label)] in place of the automatic ones). Add layers to a panel (each returns the
panel, so calls chain); colours follow a colour-blind-safe palette in order unless given::

    p = charts.Panel(title="paths over log f", xlabel="x", ylabel="y", width=460, height=360)
    p.heatmap(heights, xs=grid_x, ys=grid_y, colormap="greys", colorbar="log f")
    p.contours(heights, xs=grid_x, ys=grid_y, levels=20)           # or levels=[0.5, 1, 2]
    p.line(path_ys, path_xs, name="gradient descent", marker="dot")  # ys first, then xs
    p.line(ys, xs, name="Newton", dash="dashed", marker="circle")    # solid dashed dotted dashdot
    p.points([x], [y], name="minimum", marker="star", size=12)      # dot circle square x star
    p.hline(level, name="w*", dash="dotted")
    p.bars(heights, xs, name="...", colors=[...], width=0.8)
    p.classes(class_grid, xs=..., ys=..., names=[...])              # pale class regions + borders
    p.points_by_class(xs, ys, labels, names=[...], legend=True)     # points coloured by class

``charts.PALETTE[i]`` is the i-th series colour: 0 blue, 1 red, 2 green, 3 yellow, 4 cyan,
5 purple, 6 orange, 7 grey (e.g. ``colors=[PALETTE[7]] * 10`` with the right digit's bar
``PALETTE[2]`` and a wrong guess ``PALETTE[1]``).

Colour maps: ``viridis`` (sequential), ``diverging`` (blue, white at the middle, red), ``gray``
(white to black: digits), ``greys`` (light, for a background under lines).
"""

from nn.charts.chart import Chart, Grid, grid
from nn.charts.colors import COLORMAPS, PALETTE
from nn.charts.images import ImageGrid
from nn.charts.kinds import (
    bar_chart,
    heatmap,
    histogram,
    image_grid,
    line_chart,
    scatter,
)
from nn.charts.layers import DASHES, MARKERS
from nn.charts.panel import Panel

__all__ = [
    "COLORMAPS",
    "DASHES",
    "MARKERS",
    "PALETTE",
    "Chart",
    "Grid",
    "ImageGrid",
    "Panel",
    "bar_chart",
    "grid",
    "heatmap",
    "histogram",
    "image_grid",
    "line_chart",
    "scatter",
]
