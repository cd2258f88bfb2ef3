"""Axis scales and their tick values: round numbers a reader can use.

A linear axis gets ticks at 1, 2 or 5 times a power of ten. A log axis gets one tick per decade
(or every few decades), decades plus 2 and 5 over a short range, and plain linear ticks when the
data span less than a decade, so 2.2 to 3.3 reads "2.2, 2.4, ... 3.2", not "3 x 10^0". A log
scale works on log10 of the values, so data near the largest float never overflow. A symlog
axis shows 0 and both signs, log-like beyond a threshold.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "Scale",
    "Tick",
    "format_number",
    "linear_ticks",
    "log_ticks",
    "superscript",
    "symlog",
    "symlog_ticks",
]

MINUS = "\N{MINUS SIGN}"
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


@dataclass(frozen=True)
class Tick:
    """A tick at ``at`` (in the scale's own terms: log10 of the value on a log axis)."""

    at: float
    label: str


def superscript(n: int) -> str:
    """``n`` in superscript digits, for powers of ten written as 10⁻⁵."""
    return str(n).translate(_SUPERSCRIPTS)


def _step(span: float, count: int) -> float:
    """The round step (1, 2 or 5 times a power of ten) giving the nearest to ``count`` ticks."""
    raw = span / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    ratio = raw / power  # in [1, 10)
    if ratio >= 7.07:  # the geometric midpoints between 1, 2, 5 and 10
        return 10.0 * power
    if ratio >= 3.16:
        return 5.0 * power
    if ratio >= 1.41:
        return 2.0 * power
    return power


def format_number(value: float, step: float) -> str:
    """``value`` written with as many decimals as ``step`` needs: a minus sign, not a hyphen;
    thousands separated; as a power of ten from a million up or below 0.0001."""
    size = max(abs(value), step)
    if value != 0 and (size >= 1e6 or size < 1e-4):
        exponent = math.floor(math.log10(abs(value)))
        digits = max(0, exponent - math.floor(math.log10(step) + 1e-9))
        mantissa = round(value / 10.0**exponent, digits)
        if abs(mantissa) >= 10:  # 9.99... rounded up
            exponent, mantissa = exponent + 1, mantissa / 10
        head = {1.0: "", -1.0: "-"}.get(mantissa, f"{mantissa:.{digits}f}×")
        return (head + "10" + superscript(exponent)).replace("-", MINUS)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return f"{value:,.{decimals}f}".replace("-", MINUS)


def linear_ticks(low: float, high: float, count: int = 5) -> tuple[float, float, list[Tick]]:
    """Round bounds containing [low, high] and the ticks from one to the other."""
    if high <= low:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    step = _step(high - low, count)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    ticks = [Tick(k * step, format_number(k * step, step)) for k in range(first, last + 1)]
    return first * step, last * step, ticks


def _decade(k: int) -> str:
    """10**k as 0.001 ... 10,000, or 10⁻⁵ and 10⁵ beyond."""
    if -3 <= k <= 4:
        return format_number(10.0**k, 10.0 ** min(k, 0))
    return "10" + superscript(k)


def log_ticks(low: float, high: float, count: int = 5) -> tuple[float, float, list[Tick]]:
    """Bounds and ticks for positive data from ``low`` to ``high``, both given as log10 values."""
    if high - low < 1.0:
        lo, hi = 10.0**low, 10.0**high
        if hi <= lo:
            lo, hi = lo * 0.9, hi * 1.1
        step = _step(hi - lo, 4)
        first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
        if first >= 1:  # else the round bound below the data would be 0: use decades
            ticks = [
                Tick(math.log10(k * step), format_number(k * step, step))
                for k in range(first, last + 1)
            ]
            return math.log10(first * step), math.log10(last * step), ticks
    first, last = math.floor(low + 1e-9), math.ceil(high - 1e-9)
    decades = last - first
    if decades <= 2:
        ticks = []
        for k in range(first, last + 1):
            for m in (1, 2, 5):
                at = k + math.log10(m)
                if at <= last + 1e-9:
                    label = _decade(k) if m == 1 else format_number(m * 10.0**k, 10.0 ** min(k, 0))
                    ticks.append(Tick(at, label))
        return float(first), float(last), ticks
    stride = 1 if decades <= 8 else round(_step(decades, 3))
    start = stride * math.ceil(first / stride)
    ticks = [Tick(float(k), _decade(k)) for k in range(start, last + 1, stride)]
    return float(first), float(last), ticks


def symlog(value: float, threshold: float) -> float:
    """The symmetric log of ``value``: about linear within ±threshold, log10 beyond, so one
    axis can show 0, small values and huge ones of either sign."""
    return math.copysign(math.log10(1.0 + abs(value) / threshold), value)


def symlog_ticks(low: float, high: float, threshold: float) -> list[Tick]:
    """Ticks at 0 and at ± powers of ten from ``threshold`` up, for a symlog axis whose data
    run from ``low`` to ``high`` (values, not transformed)."""
    start = math.ceil(math.log10(threshold) - 1e-9)
    top = max(abs(low), abs(high), threshold)
    end = math.floor(math.log10(top) + 1e-9)
    stride = max(1, round(_step(max(end - start, 1), 3)) if end - start > 4 else 1)
    ticks = [Tick(0.0, "0")] if low <= 0 <= high else []
    for k in range(start, end + 1, stride):
        for sign in (-1, 1):
            if low <= sign * 10.0**k <= high:
                label = _decade(k) if sign > 0 else MINUS + _decade(k)
                ticks.append(Tick(symlog(sign * 10.0**k, threshold), label))
    return sorted(ticks, key=lambda t: t.at)


@dataclass
class Scale:
    """Maps data values to pixels along one axis: linear, log10 or symlog (``threshold``),
    optionally reversed. ``low``, ``high`` and the ticks are in the scale's own terms."""

    low: float
    high: float
    ticks: list[Tick]
    log: bool = False
    reverse: bool = False
    px_low: float = 0.0
    px_high: float = 1.0
    threshold: float | None = None

    @classmethod
    def fit(
        cls,
        values: Sequence[float],
        *,
        log: bool = False,
        limits: tuple[float | None, float | None] = (None, None),
        nice: bool = True,
        threshold: float | None = None,
    ) -> Scale:
        """A scale covering every finite ``values`` (positive ones on a log scale) and the
        ``limits`` asked for; ``nice`` rounds its ends out to ticks. A ``threshold`` makes it
        a symlog scale."""
        usable = [v for v in values if math.isfinite(v) and (v > 0 or not log)]
        usable += [v for v in limits if v is not None and (v > 0 or not log)]
        if not usable:
            usable = [1.0] if log else [0.0, 1.0]
        low, high = min(usable), max(usable)
        if high - low <= 1e-6 * max(abs(low), abs(high)):  # flat: show a band around it
            pad = 0.05 * abs(high) or 1.0
            low, high = (high / 1.12, high * 1.12) if log else (low - pad, high + pad)
        if threshold is not None:
            if not (math.isfinite(threshold) and threshold > 0):
                raise ValueError(f"a symlog threshold must be a positive number, got {threshold}")
            a, b = symlog(low, threshold), symlog(high, threshold)
            return cls(a, b, symlog_ticks(low, high, threshold), threshold=threshold)
        if log:
            low, high = math.log10(low), math.log10(high)
        a, b, ticks = log_ticks(low, high) if log else linear_ticks(low, high)
        if not nice and high > low:
            a, b = low, high
            ticks = [t for t in ticks if a - 1e-9 * (b - a) <= t.at <= b + 1e-9 * (b - a)]
        return cls(a, b, ticks, log)

    def to(self, value: float) -> float | None:
        """``value`` in the scale's own terms, or None where it cannot be shown (nan, inf, or
        <= 0 on a log scale)."""
        if not math.isfinite(value) or (self.log and value <= 0):
            return None
        if self.threshold is not None:
            return symlog(value, self.threshold)
        return math.log10(value) if self.log else value

    def at(self, value: float) -> float | None:
        """The pixel of ``value``, or None where this scale cannot show it."""
        t = self.to(value)
        return None if t is None else self.px(t)

    def px(self, t: float) -> float:
        """The pixel of ``t`` in the scale's own terms (log10 of the value on a log scale)."""
        f = (t - self.low) / (self.high - self.low or 1.0)
        if self.reverse:
            f = 1.0 - f
        return self.px_low + f * (self.px_high - self.px_low)
