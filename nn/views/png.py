"""Tiny PNG images (standard library only): a layer's activations or gradients as a picture,
and the colours every part of the network picture shares (TensorFlow Playground's: blue for
positive, orange for negative, white for zero)."""

from __future__ import annotations

import base64
import math
import struct
import zlib
from collections.abc import Sequence

__all__ = ["NEGATIVE", "POSITIVE", "colour", "ink_on", "png_data_url", "rgb"]

POSITIVE = (37, 99, 235)  # blue
NEGATIVE = (234, 88, 12)  # orange
WHITE = (255, 255, 255)


def rgb(x: float, scale: float = 1.0) -> tuple[int, int, int]:
    """x as a colour: white at 0, full blue at +scale and beyond, full orange at -scale."""
    if not math.isfinite(x):
        return (0, 0, 0)
    t = min(1.0, abs(x) / scale) if scale > 0 else 0.0
    end = POSITIVE if x > 0 else NEGATIVE
    return (
        round(WHITE[0] + (end[0] - WHITE[0]) * t),
        round(WHITE[1] + (end[1] - WHITE[1]) * t),
        round(WHITE[2] + (end[2] - WHITE[2]) * t),
    )


def colour(x: float, scale: float = 1.0) -> str:
    """`rgb` as a CSS hex colour."""
    return "#{:02x}{:02x}{:02x}".format(*rgb(x, scale))


def ink_on(x: float, scale: float = 1.0) -> str:
    """The text colour (near-black or white) with the higher contrast on `colour` (x, scale)."""

    def luminance(c: tuple[int, int, int]) -> float:
        lin = [v / 255 / 12.92 if v <= 10 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    back = luminance(rgb(x, scale))
    dark = (back + 0.05) / (luminance((17, 24, 39)) + 0.05)
    light = 1.05 / (back + 0.05)
    return "#111827" if dark >= light else "#ffffff"


def png_data_url(values: Sequence[float], width: int, height: int, scale: float) -> str:
    """A width x height PNG (row by row) of ``values`` coloured by `rgb`, as a data URL."""
    if len(values) != width * height:
        raise ValueError(f"png: {width}x{height} needs {width * height} values, got {len(values)}")
    raw = bytearray()
    for r in range(height):
        raw.append(0)  # filter: none
        for x in values[r * width : (r + 1) * width]:
            raw.extend(rgb(x, scale))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")
