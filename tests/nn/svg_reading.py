"""Reading a chart's SVG back with xml.etree, as a test sees it: texts with their size and
place, tick labels as numbers, lines as point lists. Independent of nn.charts' own code."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

SVG = "{http://www.w3.org/2000/svg}"
_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


@dataclass
class Text:
    text: str
    size: float
    x: float
    y: float
    cls: str
    anchor: str


def parse(chart: Any) -> ET.Element:
    """The chart's SVG document as an element tree (fails if it is not well-formed XML)."""
    root = ET.fromstring(chart.svg)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element, cls: str | None = None) -> list[Text]:
    """Every <text> (of class ``cls``), with its own font size and position; a text inside a
    translated group is reported at the group's offset plus its own."""
    out: list[Text] = []

    def walk(node: ET.Element, dx: float, dy: float) -> None:
        m = re.match(r"translate\(([-\d.]+) ([-\d.]+)\)", node.get("transform", ""))
        if m and node.tag == f"{SVG}g":
            dx, dy = dx + float(m.group(1)), dy + float(m.group(2))
        if node.tag == f"{SVG}text":
            out.append(
                Text(
                    node.text or "",
                    float(node.get("font-size", "nan")),
                    dx + float(node.get("x", "0")),
                    dy + float(node.get("y", "0")),
                    node.get("class", ""),
                    node.get("text-anchor", "start"),
                )
            )
        for child in node:
            walk(child, dx, dy)

    walk(root, 0.0, 0.0)
    return [t for t in out if cls is None or t.cls == cls]


def number(label: str) -> float:
    """A tick label as a float: 2.5, −0.4 (minus sign), 20,000, 10⁻⁵, 2×10⁶."""
    s = label.replace("\N{MINUS SIGN}", "-").replace(",", "")
    if "10" in s and any(c in label for c in "⁰¹²³⁴⁵⁶⁷⁸⁹"):
        head, _, power = s.rpartition("10")
        mantissa = float(head.rstrip("×")) if head.rstrip("×") not in ("", "-") else 1.0
        if head == "-":
            mantissa = -1.0
        return mantissa * 10.0 ** int(power.translate(_SUPER))
    return float(s)


def polylines(root: ET.Element) -> list[list[tuple[float, float]]]:
    """The points of every <polyline> (the drawn series)."""
    return [
        [(float(a), float(b)) for a, b in (p.split(",") for p in el.get("points", "").split())]
        for el in root.iter(f"{SVG}polyline")
    ]


def by_class(root: ET.Element, cls: str) -> list[ET.Element]:
    """Every element whose class attribute is ``cls``."""
    return [el for el in root.iter() if el.get("class") == cls]


def reader(root: ET.Element, axis: str = "y", *, log: bool = False) -> Any:
    """A function from a pixel to the value there, read off the first and last tick labels of
    ``axis`` (as a person reads a chart)."""
    ticks = texts(root, f"tick-{axis}")
    first, last = ticks[0], ticks[-1]
    p0, p1 = (first.y, last.y) if axis == "y" else (first.x, last.x)
    v0, v1 = number(first.text), number(last.text)
    if log:
        v0, v1 = math.log10(v0), math.log10(v1)

    def read(p: float) -> float:
        v = v0 + (p - p0) / (p1 - p0) * (v1 - v0)
        return 10.0**v if log else v

    return read


def pixels(group: ET.Element) -> dict[tuple[int, int], str]:
    """{(row, col): fill} of an image drawn as paths of unit rectangles "Mx yhnv1h-nz"."""
    out: dict[tuple[int, int], str] = {}
    for path in group:
        for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", path.get("d", "")):
            for i in range(int(n)):
                assert (int(y), int(x) + i) not in out, "a pixel drawn twice"
                out[int(y), int(x) + i] = path.get("fill", "")
    return out
