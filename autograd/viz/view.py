"""The graph document: one layout (SVG) plus every state as data, shown by view.js.

Python does the work: `Document.add_state` records what each state's boxes and edge labels say
(only what changed), Graphviz lays the graph out once with room for the widest text any state
shows, and `Document.html` writes one self-contained block: the SVG drawn at the start state
(the picture where scripts are stripped), the states as JSON, and the script inline. The same
block is a notebook output (`_repr_html_`) and, wrapped in a page, a saved file (`save_html`).
"""

from __future__ import annotations

import html
import importlib
import json
import math
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from autograd.files import write_atomically
from autograd.value import Value
from autograd.viz import style as st
from autograd.viz.layout import Laid, lay_out
from autograd.viz.plan import Plan, natural_key

__all__ = ["Document", "NodeInfo", "Viewable", "script_json", "view_block", "write_page"]

CHAR_W = 6.6  # px per character of the 11px monospace font in boxes
EDGE_CHAR_W = 5.4  # ... of the 9px font of edge labels
LINE_H = 14.0
EDGE_LINE_H = 11.0
PAD = 6.0
MONO = "ui-monospace, Menlo, Consolas, 'DejaVu Sans Mono', monospace"
ROW_LOOK = {  # as SVG attributes, so the picture reads right where styles are stripped too
    "label": ' font-weight="bold"',
    "name": f' fill="{st.MUTED}"',
    "box": f' fill="{st.MUTED}"',
    "cut": f' fill="{st.MUTED}"',
    "fanout": f' fill="{st.FANOUT}"',
}  # the arithmetic block scrolls past this many lines

PICTURE = {  # what the picture shown without a script is, for a view that steps or not
    True: "The picture{where} shows state {state} of {states}, the end of backward.",
    False: "The picture{where} is the graph as drawn.",
}
HOW_TO_RUN = {  # where the view is -> how to let its script run
    "page": " To {act}, allow JavaScript for this file in your browser and reload: its script "
    "is inside the file and loads nothing from the network.",
    "notebook": " To {act}: in Jupyter, trust the notebook (JupyterLab: the command palette's "
    '"Trust Notebook"; Notebook 7: File > Trust Notebook) and run the cell again; in a web '
    "page exported from it, allow JavaScript.",
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MIN_FONT_PX = {"box": 11, "edge": 9}  # the sizes view.css draws text at (view.js keeps >= 6.6 px)


def no_script_hint(
    where: str, stepping: bool, state: int, states: int, above: bool, picture: str | None = None
) -> str:
    """The line shown where the view's script does not run: what the picture is (``picture``,
    a template like `PICTURE`'s, for a view whose last state is not the end of backward), and
    how to get the live view there (a saved page, a notebook, a picture output above)."""
    picture = (picture or PICTURE[stepping]).format(
        where=" above" if above else "", state=state + 1, states=states
    )
    act = "step through it" if stepping else "zoom and see node details"
    return picture + HOW_TO_RUN[where].format(act=act)


@dataclass
class NodeInfo:
    """What clicking a node shows, beside its current rows."""

    name: str
    op: str
    data: float
    locals: list[tuple[str, float]]
    uses: int
    nudges: list[tuple[float, float, float | None]] = field(
        default_factory=list
    )  # h, predicted, actual
    grad: float = 0.0  # the grad at the end of backward, which the nudge prediction uses


class Document:
    """A graph view being built: the plan, its states (as changes), then layout and HTML."""

    def __init__(
        self,
        plan: Plan,
        *,
        clusters: Mapping[Value, str],
        rankdir: str,
        show_local: bool,
        interval: int = 1200,
        params: Iterable[Value] = (),
        names: Mapping[Value, str] | None = None,
    ) -> None:
        self.plan = plan
        self.clusters = clusters
        self.rankdir = rankdir
        self.show_local = show_local
        self.interval = interval
        self.params = set(params)
        self.names = names
        # Labelled edges: (child, slot) of every drawn operand edge, in plan order.
        self.edges: list[tuple[Value, int, Value]] = []
        self.edges_in: dict[Value, list[int]] = {}
        for child in plan.values:
            if child in plan.truncated:
                continue
            for slot, parent in enumerate(child.parents):
                if parent in plan.index and not (child in plan.boxes and not parent.parents):
                    self.edges_in.setdefault(child, []).append(len(self.edges))
                    self.edges.append((child, slot, parent))
        self.row_kinds: list[list[str]] = []
        self.slot_of_row: list[list[int]] = []  # node index -> slot per row
        self.slot_of_edge: list[list[int]] = []  # edge index -> slot per label line
        self.widths: list[int] = []  # slot -> widest text in characters
        self.last: list[str] = []  # slot -> text in the latest state
        self.changes: list[tuple[int, int, str]] = []
        self.phases: list[tuple[int, int, str]] = []
        self.last_phase: list[str] = []
        self.current: list[int] = []
        self.hot: list[list[int]] = []
        self.texts: list[list[str]] = []
        self.infos: list[NodeInfo] = []
        self.start = 0
        self.picture: int | None = None  # the state drawn for readers without a script (last)
        self.static_highlight: set[int] = set()
        self._laid: Laid | None = None

    # ------------------------------------------------------------ states

    @property
    def states(self) -> int:
        return len(self.current)

    def add_state(
        self,
        style: st.Style,
        *,
        touched: Iterable[Value] | None = None,
        current: Value | None = None,
        hot: Sequence[int] = (),
        text: Sequence[str] = (),
    ) -> None:
        """Record one state: the rows of ``touched`` nodes (all, the first time) and their
        incoming edge labels, the node it is about, its highlighted edges and its arithmetic."""
        k = self.states
        plan = self.plan
        first = not self.slot_of_row
        nodes = plan.values if touched is None or first else touched
        for node in nodes:
            i = plan.index.get(node)
            if i is None:
                continue
            rows = st.value_rows(node, plan, style)
            if first:
                self.row_kinds.append([r.kind for r in rows])
                self.slot_of_row.append([self._new_slot() for _ in rows])
            for slot, row in zip(self.slot_of_row[i], rows, strict=True):
                self._set(k, slot, row.text)
            phase = "" if style.knows_data(node) else "pending"
            if first:
                self.last_phase.append(phase)
                self.phases.append((k, i, phase))
            elif phase != self.last_phase[i]:
                self.last_phase[i] = phase
                self.phases.append((k, i, phase))
            for e in self.edges_in.get(node, ()):  # a dot's constants show without show_local
                child, slot, _ = self.edges[e]
                lines = st.edge_lines(child, slot, style)
                if first:
                    self.slot_of_edge.extend([] for _ in range(e + 1 - len(self.slot_of_edge)))
                    self.slot_of_edge[e] = [self._new_slot() for _ in lines]
                for line_slot, line in zip(self.slot_of_edge[e], lines, strict=True):
                    self._set(k, line_slot, line)
        self.current.append(-1 if current is None else plan.index[current])
        self.hot.append(list(hot))
        self.texts.append(list(text))

    def _new_slot(self) -> int:
        self.widths.append(0)
        self.last.append("\0")
        return len(self.last) - 1

    def _set(self, state: int, slot: int, text: str) -> None:
        if self.last[slot] != text:
            self.last[slot] = text
            self.changes.append((state, slot, text))
            self.widths[slot] = max(self.widths[slot], len(text))

    def snapshot(self, state: int) -> tuple[list[str], list[str]]:
        """Every slot's text and every node's phase in ``state``."""
        texts = [""] * len(self.last)
        for s, slot, text in self.changes:
            if s > state:
                break
            texts[slot] = text
        phases = [""] * len(self.plan.values)
        for s, node, phase in self.phases:
            if s > state:
                break
            phases[node] = phase
        return texts, phases

    # ------------------------------------------------------------ layout

    def box_size(self, i: int) -> tuple[float, float]:
        chars = max(self.widths[s] for s in self.slot_of_row[i])
        return chars * CHAR_W + 2 * PAD, len(self.slot_of_row[i]) * LINE_H + PAD

    def layout_source(self) -> str:
        """DOT for Graphviz: fixed-size boxes and edge labels as wide as their widest state."""
        plan = self.plan
        lines = [
            "digraph view {",
            f"  rankdir={self.rankdir}; nodesep={0.35 if self.show_local else 0.2}; ranksep=0.35;",
            '  node [fixedsize=true, fontsize=10, fontname=Courier, label=""];',
            "  edge [fontname=Courier, fontsize=10, arrowsize=0.6];",  # 9px drawn: room to spare
        ]
        groups: dict[str | None, list[str]] = {}
        for i, node in enumerate(plan.values):
            w, h = self.box_size(i)
            decl = [f"  v{i} [shape=box, width={w / 72:.4f}, height={h / 72:.4f}];"]
            if node.parents and node not in plan.boxes:
                ow = max(len(st.op_text(node)) * CHAR_W + 16, 28)
                decl.append(f"  v{i}op [shape=ellipse, width={ow / 72:.4f}, height=0.3];")
            groups.setdefault(self.clusters.get(node), []).extend(decl)
        lines += groups.pop(None, [])
        for c, name in enumerate(sorted(groups, key=lambda n: natural_key(str(n)))):
            lines.append(
                f'  subgraph cluster_{c} {{ label="{st.dot_escape(str(name))}"; fontsize=11;'
            )
            lines += groups[name]
            lines.append("  }")
        for i, node in enumerate(plan.values):
            if node.parents and node not in plan.boxes:
                lines.append(f'  v{i}op -> v{i} [id="o{i}"];')
        for e, (child, _, parent) in enumerate(self.edges):
            target = f"v{plan.index[child]}" + ("" if child in plan.boxes else "op")
            widths = [self.widths[s] for s in self.slot_of_edge[e]]
            label = "\\n".join("0" * w for w in widths if w)
            attr = f', label="{label}"' if label else ""
            lines.append(f'  v{plan.index[parent]} -> {target} [id="e{e}"{attr}];')
        lines.append("}")
        return "\n".join(lines)

    def laid(self) -> Laid:
        if self._laid is None:
            self._laid = lay_out(self.layout_source())
        return self._laid

    # ------------------------------------------------------------ SVG and HTML

    def svg(self, state: int) -> str:
        """The graph drawn in ``state``: every slot, node and edge marked for view.js."""
        laid = self.laid()
        plan = self.plan
        out = [
            f'<svg class="cr-graph" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {laid.width:.1f} {laid.height:.1f}" width="{laid.width:.0f}" '
            f'height="{laid.height:.0f}" style="max-width:100%;height:auto" role="img" '
            f'aria-label="computation graph" font-family="{MONO}" font-size="11" '
            f'text-anchor="middle" fill="#111827">'
        ]
        for label, (x, y, w, h) in laid.clusters:
            out.append(
                f'<g class="cr-cluster"><rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" '
                f'height="{h:.1f}" rx="8" fill="{st.FILL_CLUSTER}" stroke="#94a3b8"/>'
                f'<text x="{x + w / 2:.1f}" y="{y + 14:.1f}" fill="{st.MUTED}" '
                f'class="cr-cluster-label">{_esc(label)}</text></g>'
            )
        hot = set(self.hot[state]) if self.hot else set()
        texts, phases = self.snapshot(state)
        for i, node in enumerate(plan.values):
            if node.parents and node not in plan.boxes:
                line, arrow, _ = laid.edges[f"o{i}"]
                out.append(f'<g class="cr-edge">{_edge_paths(line, arrow, False)}</g>')
        for e in range(len(self.edges)):
            line, arrow, point = laid.edges[f"e{e}"]
            cls = "cr-edge cr-hot" if e in hot else "cr-edge"
            parts = [f'<g class="{cls}" data-edge="{e}" font-size="9">']
            parts.append(_edge_paths(line, arrow, e in hot))
            if point is not None:
                slots = self.slot_of_edge[e]
                shown = [s for s in slots if self.widths[s]]
                for j, s in enumerate(shown):
                    y = point[1] + (j - (len(shown) - 1) / 2) * EDGE_LINE_H + 3
                    parts.append(
                        f'<text class="cr-elabel" data-slot="{s}" x="{point[0]:.1f}" '
                        f'fill="{st.RED if e in hot else "#374151"}" '
                        f'y="{y:.1f}">{_esc(texts[s])}</text>'
                    )
            parts.append("</g>")
            out.append("".join(parts))
        current = self.current[state] if self.current else -1
        for i, node in enumerate(plan.values):
            cur = i == current or i in self.static_highlight
            if node.parents and node not in plan.boxes:
                cx, cy, w, h = laid.nodes[f"v{i}op"]
                out.append(
                    f'<g class="cr-op{" cr-cur" if cur else ""}" data-op-of="{i}">'
                    f'<ellipse cx="{cx:.1f}" cy="{cy:.1f}" rx="{w / 2:.1f}" ry="{h / 2:.1f}" '
                    f'fill="{st.FILL_OP}" stroke="{st.RED if cur else st.BORDER}"/>'
                    f'<text x="{cx:.1f}" y="{cy + 3.5:.1f}">{_esc(st.op_text(node))}</text></g>'
                )
        for i, node in enumerate(plan.values):
            cx, cy, w, h = laid.nodes[f"v{i}"]
            cur = i == current or i in self.static_highlight
            name = node.label or (self.names or {}).get(node) or f"#{i}"
            fill = st.fill_of(node, plan, st.Style(params=self.params))
            attrs = ' data-current="true"' if i == current else ""
            phase = phases[i]
            if phase:
                attrs += f' data-phase="{phase}"'
            if i in self.static_highlight:
                attrs += ' data-highlight="true"'
            root = " cr-root" if node is plan.root else ""
            out.append(
                f'<g class="cr-node{root}" data-node="{_esc(name)}" data-i="{i}"{attrs}>'
                f'<rect x="{cx - w / 2:.1f}" y="{cy - h / 2:.1f}" width="{w:.1f}" '
                f'height="{h:.1f}" rx="6" fill="{fill}" stroke="{st.RED if cur else st.BORDER}" '
                f'stroke-width="{3 if cur else 2 if node is plan.root else 1}"/>'
                f'<rect class="cr-ring" x="{cx - w / 2 - 4:.1f}" y="{cy - h / 2 - 4:.1f}" '
                f'width="{w + 8:.1f}" height="{h + 8:.1f}" rx="9" fill="none" stroke="none"/>'
            )
            top = cy - h / 2 + PAD / 2
            for r, (slot, kind) in enumerate(zip(self.slot_of_row[i], self.row_kinds[i])):
                y = top + (r + 0.78) * LINE_H
                look = ROW_LOOK.get(kind, "")
                out.append(
                    f'<text class="cr-{kind}" data-slot="{slot}" x="{cx:.1f}" y="{y:.1f}"{look}>'
                    f"{_esc(texts[slot])}</text>"
                )
            out.append("</g>")
        out.append("</svg>")
        return "".join(out)

    def data(self) -> dict[str, Any]:
        """The states as JSON-ready data for view.js."""
        laid = self.laid()
        boxes = [list(laid.nodes[f"v{i}"]) for i in range(len(self.plan.values))]
        row_slots = [
            {kind: slot for slot, kind in zip(slots, kinds) if kind in ("data", "grad")}
            for slots, kinds in zip(self.slot_of_row, self.row_kinds)
        ]
        edge_text = any(self.widths[s] for slots in self.slot_of_edge for s in slots)
        return {
            "states": self.states,
            "start": self.start,
            "interval": self.interval,
            "width": laid.width,
            "height": laid.height,
            "changes": self.changes,
            "phases": self.phases,
            "current": self.current,
            "hot": self.hot,
            "texts": self.texts,
            "boxes": boxes,
            "rowSlots": row_slots,
            "minFont": MIN_FONT_PX["edge" if edge_text else "box"],
            "nodes": [
                {
                    "name": n.name,
                    "op": n.op,
                    "data": _number(n.data),
                    "locals": [[name, _number(g)] for name, g in n.locals],
                    "uses": n.uses,
                    "nudges": [[h, _number(p), _number(a)] for h, p, a in n.nudges],
                    "grad": _number(n.grad),
                }
                for n in self.infos
            ],
        }

    def html(self, where: str = "notebook", *, companion: bool = False) -> str:
        """The view as one HTML block: works inline in a notebook and inside a saved page.

        ``where`` ("notebook" or "page") only changes the no-script hint. Without a script
        the block shows the last state (the end of backward) as inline SVG; with
        ``companion=True`` an image output just before it is that picture instead (what an
        untrusted notebook shows), so the SVG waits in a script element that sanitizers drop
        whole, and view.js hides the image.
        """
        picture = self.states - 1 if self.picture is None else self.picture
        return view_block(
            self.svg(picture),
            self.data(),
            self.texts,
            where,
            picture=picture,
            companion=companion,
        )


def view_block(
    svg: str,
    data: Mapping[str, Any],
    texts: Sequence[Sequence[str]],
    where: str = "notebook",
    *,
    picture: int | None = None,
    companion: bool = False,
    kind: str | None = None,
    root_attrs: str = "",
    embedded: bool = False,
    picture_text: str | None = None,
) -> str:
    """One view as an HTML block, for any drawing view.js shows (a graph, a network): ``svg``
    drawn at state ``picture`` (default: the last; what shows without a script), ``data`` (the
    states as view.js reads them, starting at ``data["start"]``), each state's step text, the
    controls and the script. ``kind`` becomes the root's ``data-kind``; ``root_attrs`` (already
    escaped) are added to the root as they are. An ``embedded`` view (opened by view.js inside
    another view's details) comes without its own style and script. ``picture_text`` says
    what the picture shows, if not the end of backward (see `no_script_hint`)."""
    uid = f"cr-{uuid.uuid4().hex[:12]}"
    k = int(data.get("start", 0))
    n = len(texts)
    picture = n - 1 if picture is None else picture
    stepping = n > 1
    hint = no_script_hint(where, stepping, picture, n, above=companion, picture=picture_text)
    zoom = (
        '<span class="cr-zoom">'
        '<button type="button" class="cr-out" aria-label="Zoom out">&#8722;</button>'
        '<button type="button" class="cr-fit" aria-label="Fit to the view">fit</button>'
        '<button type="button" class="cr-in" aria-label="Zoom in">+</button></span>'
    )
    if stepping:  # a narrow view folds speed and zoom behind "More" (view.css, view.js)
        count = f"{n} / {n}"
        bar = (
            '<div class="cr-bar">'
            '<button type="button" class="cr-prev" aria-label="Previous step">&#9664;</button>'
            '<button type="button" class="cr-play" aria-label="Play">Play</button>'
            '<button type="button" class="cr-next" aria-label="Next step">&#9654;</button>'
            f'<input type="range" class="cr-slider" aria-label="State" min="0" max="{n - 1}" '
            f'value="{k}" step="1">'
            f'<span class="cr-count" style="--cr-count-ch:{len(count)}">{k + 1} / {n}</span>'
            f'<button type="button" class="cr-more" aria-label="More controls: speed and zoom" '
            f'title="Speed and zoom" aria-expanded="false" aria-controls="{uid}-more">'
            "&#8943;</button>"
            f'<span class="cr-extra" id="{uid}-more">'
            '<label class="cr-speed-label">speed <select class="cr-speed" aria-label="Speed">'
            '<option value="0.5">0.5×</option><option value="1" selected>1×</option>'
            '<option value="2">2×</option><option value="4">4×</option></select></label>'
            f"{zoom}</span></div>"
        )
    else:
        bar = f'<div class="cr-bar">{zoom}</div>'
    # The controls come with the script (view.js inserts them): no dead control without it.
    fields = {**data, "bar": bar, "companion": companion}
    payload = script_json(json.dumps(fields, separators=(",", ":"), allow_nan=False))
    text = ""
    if any(texts):
        lines = "\n".join(_esc(t) for t in texts[picture])
        text = f'<div class="cr-text" role="status" aria-live="polite">{lines}</div>'
    graph = svg
    if companion:  # markup only, never run: "</script" cannot occur (all text is escaped)
        graph = f'<script type="text/x-chainrule-svg" class="cr-svg">{graph}</script>'
    kind_attr = f' data-kind="{_esc(kind)}"' if kind else ""
    style = "" if embedded else f"<style>{_asset('view.css')}</style>"
    script = (
        ""
        if embedded
        else f"<script>(function(){{{_asset('view.js')}\nvar me = document.currentScript;"
        "chainruleView(me && me.closest('[data-chainrule-view]') || "
        f'document.getElementById("{uid}"));}})();</script>'
    )
    return st.printable(
        f'<div class="cr-view" id="{uid}" data-chainrule-view{kind_attr} data-state="{picture}" '
        f'data-states="{n}" tabindex="0"{root_attrs}>{style}'
        f'<p class="cr-nojs">{_esc(hint)}</p>'
        f'<div class="cr-stage"><div class="cr-scroll">{graph}</div></div>{text}'
        '<div class="cr-info" role="region" aria-label="Node details" hidden></div>'
        f'<script type="application/json" class="cr-data">{payload}</script>{script}</div>'
    )


class Viewable:
    """A view's two outputs: inline HTML for Jupyter and a self-contained saved page. A graph
    view gives its `view_document`; another drawing (a network) overrides `html` instead."""

    page_title = "chainrule graph"

    def view_document(self) -> Document:
        """The graph document this object shows (built once)."""
        raise NotImplementedError

    def html(self, where: str = "notebook", *, companion: bool = False) -> str:
        """The view as one HTML block (see `Document.html`)."""
        return self.view_document().html(where, companion=companion)

    def picture_png(self) -> bytes:
        """The picture for readers whose front end runs no script (an untrusted notebook):
        the state the view shows without one, rendered by Graphviz as PNG."""
        raise NotImplementedError

    def _repr_html_(self) -> str:
        """The interactive view, script inline, its own no-script picture inside."""
        return self.html()

    def _ipython_display_(self) -> None:
        """In Jupyter: two outputs, a PNG picture (shown where the notebook is not trusted:
        the sanitizer keeps no inline SVG, and prefers sanitized HTML to an image in the
        same output) and the interactive view, whose script hides the picture."""
        display = importlib.import_module("IPython.display").display
        try:
            png = self.picture_png()
        except (RuntimeError, OSError, ValueError):  # no Graphviz PNG here: the view alone
            png = b""
        if png[:8] == PNG_SIGNATURE:
            width = int.from_bytes(png[16:20], "big")  # IHDR: drawn at 96 dpi, shown at 72
            display(
                {"image/png": png},
                raw=True,
                metadata={"image/png": {"width": round(width * 0.75)}},
            )
        html = self.html(companion=png[:8] == PNG_SIGNATURE)
        display({"text/html": html, "text/plain": repr(self)}, raw=True)

    def save_html(self, path: str | os.PathLike[str]) -> Path:
        """Write the view as one HTML file that works from ``file://``; returns its path."""
        return write_page(Path(path), self.html("page"), self.page_title)


def write_page(path: Path, body: str, title: str = "chainrule graph") -> Path:
    """A complete HTML page around ``body``, written atomically."""
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_esc(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<style>body{font-family:system-ui,sans-serif;margin:1rem;}</style></head>"
        f"<body>{body}</body></html>\n"
    )
    write_atomically(path, page)
    return path


def _edge_paths(line: str, arrow: str, hot: bool) -> str:
    colour = st.RED if hot else st.BORDER
    return (
        f'<path d="{line}" fill="none" stroke="{colour}" stroke-width="{2.5 if hot else 1}"/>'
        f'<path class="cr-arrow" d="{arrow}" fill="{colour}" stroke="none"/>'
    )


def _number(x: float | None) -> float | str | None:
    """A number for JSON, which has no inf or nan: those become strings JavaScript reads."""
    if x is None or math.isfinite(x):
        return x
    return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")


def script_json(text: str) -> str:
    """JSON safe inside ``<script>``: ``<``, ``>`` and ``&`` as ``\\u003c``-style escapes (as
    Django's json_script does), so no label (``<!--``, ``<script>``, ``</script>``) can move
    the HTML parser out of the script's text."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _asset(name: str) -> str:
    return resources.files("autograd.viz").joinpath(name).read_text(encoding="utf-8")
