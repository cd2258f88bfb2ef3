"""Small classification data sets, a train/test split, and batches.

A `Dataset` is two parallel lists: ``xs[i]`` is one example's features (a list of floats) and
``ys[i]`` its class index (an int from 0). Plain lists, because a network here is called on one
example at a time. Every generator is deterministic for a given seed.

Full-batch, mini-batch and stochastic (batch 1) gradient descent are the same loop over
`batches` with a different ``batch_size``.
"""

from __future__ import annotations

import gzip
import math
import numbers
import random
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from nn.checks import check_count, check_flag, check_index, check_real, is_integer, is_real, shown

__all__ = [
    "CharVocab",
    "Dataset",
    "batches",
    "digits",
    "moons",
    "names",
    "spirals",
    "split",
    "xor",
]

DATA_EXTRA_HINT = "pip install 'chainrule[data]'"


@dataclass(frozen=True)
class Dataset:
    """Features ``xs`` (one list of floats per example) and class indices ``ys``."""

    xs: list[list[float]]
    ys: list[int]
    name: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        xs, ys = self.xs, self.ys
        if isinstance(xs, (str, bytes)) or not hasattr(xs, "__len__"):
            raise TypeError(f"Dataset xs must be a list of feature lists, got {type(xs).__name__}")
        if isinstance(ys, (str, bytes)) or not hasattr(ys, "__len__"):
            raise TypeError(f"Dataset ys must be a list of class indices, got {type(ys).__name__}")
        if len(xs) != len(ys):
            raise ValueError(f"Dataset: {len(xs)} examples in xs but {len(ys)} labels in ys")
        rows = [_features(x, i) for i, x in enumerate(xs)]
        widths = {len(r) for r in rows}
        if len(widths) > 1:
            first = len(rows[0])
            i = next(i for i, r in enumerate(rows) if len(r) != first)
            raise ValueError(
                f"Dataset: example 0 has {first} features but example {i} has {len(rows[i])}"
            )
        labels = [_label(y, i) for i, y in enumerate(ys)]
        object.__setattr__(self, "xs", rows)
        object.__setattr__(self, "ys", labels)

    @classmethod
    def _trusted(cls, xs: list[list[float]], ys: list[int], name: str = "") -> Dataset:
        """A Dataset from lists already known to be valid (slices of one), without re-checking."""
        data = object.__new__(cls)
        object.__setattr__(data, "xs", xs)
        object.__setattr__(data, "ys", ys)
        object.__setattr__(data, "name", name)
        return data

    def __len__(self) -> int:
        return len(self.ys)

    def __iter__(self) -> Iterator[tuple[list[float], int]]:
        return zip(self.xs, self.ys, strict=True)

    def subset(self, indices: Sequence[int]) -> Dataset:
        """The examples at ``indices``, in that order."""
        return Dataset._trusted(
            [self.xs[i] for i in indices], [self.ys[i] for i in indices], self.name
        )

    @property
    def n_features(self) -> int:
        return len(self.xs[0]) if self.xs else 0

    @property
    def n_classes(self) -> int:
        """The number of classes, taken as the largest label + 1."""
        return max(self.ys) + 1 if self.ys else 0

    def __repr__(self) -> str:
        name = f"{self.name!r}, " if self.name else ""
        size = f"{len(self)} examples, {self.n_features} features, {self.n_classes} classes"
        return f"Dataset({name}{size})"


def _features(x: Any, i: int) -> list[float]:
    """Example ``i`` as floats. Only numbers: text is refused, though float() would take "12",
    and so is a bool, which is a yes/no answer, not a measurement."""
    try:
        if isinstance(x, (str, bytes)):
            raise TypeError
        items = list(x)
    except TypeError:
        raise TypeError(f"Dataset: example {i} is not a list of numbers: {shown(x)}") from None
    for v in items:
        if type(v) is not float and not is_real(v):
            raise TypeError(
                f"Dataset: example {i} is not a list of numbers: it holds {shown(v)} "
                f"({type(v).__name__}; features are numbers, not bools or text)"
            )
    try:
        row = [float(v) for v in items]
    except OverflowError:
        row = [math.inf]
    if not all(map(math.isfinite, row)):
        raise ValueError(f"Dataset: example {i} has a non-finite feature")
    return row


def _label(y: Any, i: int) -> int:
    if not is_integer(y) or not 0 <= y <= sys.maxsize:  # 10**400 classes is no class index
        raise ValueError(f"Dataset: label {i} must be a class index (an int >= 0), got {shown(y)}")
    return int(y)


# ---------------------------------------------------------------- generators


def xor() -> Dataset:
    """The four XOR cases: label 1 when exactly one input is 1."""
    return Dataset([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0], "xor")


def moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two interleaving half circles (class 0 on top, class 1 below), ``n`` points in a random
    order, Gaussian noise of standard deviation ``noise`` on both coordinates."""
    n = check_count("moons: n", n, 2)
    noise = check_real("moons: noise", noise)
    rng = random.Random(seed)
    n_top = n - n // 2
    points: list[tuple[list[float], int]] = []
    for i in range(n_top):
        t = math.pi * i / max(n_top - 1, 1)
        points.append(([math.cos(t), math.sin(t)], 0))
    for i in range(n // 2):
        t = math.pi * i / max(n // 2 - 1, 1)
        points.append(([1.0 - math.cos(t), 0.5 - math.sin(t)], 1))
    return _noisy_shuffled(points, noise, rng, "moons")


def spirals(n: int = 300, classes: int = 3, noise: float = 0.2, seed: int = 0) -> Dataset:
    """``classes`` interleaved spiral arms, ``n`` points in all, in a random order.

    Point j of arm k sits at radius r = j / (m - 1) and angle 4k + 4r (plus Gaussian noise of
    standard deviation ``noise`` on the angle), so each arm turns about two thirds of a circle.
    """
    n = check_count("spirals: n", n, 1)
    classes = check_count("spirals: classes", classes, 1, most=n)  # no arm without a point
    noise = check_real("spirals: noise", noise)
    rng = random.Random(seed)
    points: list[tuple[list[float], int]] = []
    for k in range(classes):
        m = n // classes + (1 if k < n % classes else 0)
        for j in range(m):
            r = j / max(m - 1, 1)
            angle = 4.0 * k + 4.0 * r + rng.gauss(0.0, noise)
            points.append(([r * math.sin(angle), r * math.cos(angle)], k))
    return _noisy_shuffled(points, 0.0, rng, "spirals")


DIGITS_FILE = "datasets/digits.txt.gz"
"""The digits, inside the `nn` package: one gzipped ASCII line per image, its label then its 64
pixel counts (0-16) as base-17 digits (format, source and licence: datasets/DIGITS-LICENSE.txt)."""

_PIXEL = {c: i / 16.0 for i, c in enumerate("0123456789abcdefg")}


def digits() -> Dataset:
    """1,797 handwritten digits, 8x8 pixels scaled to [0, 1] (row by row), labels 0-9: the test
    set of UCI's "Optical Recognition of Handwritten Digits" (E. Alpaydin, C. Kaynak, 1998;
    CC BY 4.0), shipped inside chainrule in the order scikit-learn's ``load_digits`` gives.
    Needs nothing installed (it runs in the browser too)."""
    raw = resources.files("nn").joinpath(DIGITS_FILE).read_bytes()
    lines = gzip.decompress(raw).decode("ascii").split()
    xs = [[_PIXEL[c] for c in line[1:]] for line in lines]
    return Dataset(xs, [int(line[0]) for line in lines], "digits")


def names() -> list[str]:
    """The US Census 1990 lists of first names (female, then male, each most common first),
    lowercased, each name once: 5,163 names of 2 to 11 letters a-z. Read from the files the
    ``names`` package ships, so nothing is downloaded. Needs the ``data`` extra."""
    import importlib.resources  # here: 14 ms to import, for this one function

    try:
        census = importlib.resources.files("names")
    except ImportError as e:
        raise ImportError(
            f"nn.data.names() needs the names package, which is not installed: {DATA_EXTRA_HINT}"
        ) from e
    found: dict[str, None] = {}
    for sex in ("female", "male"):
        lines = census.joinpath(f"dist.{sex}.first").read_text(encoding="ascii").splitlines()
        found.update((line.split()[0].lower(), None) for line in lines if line.strip())
    return list(found)


BOUNDARY = "."
"""How `CharVocab` shows its boundary token."""


class CharVocab:
    """The characters of a list of words plus a boundary token (index 0, shown as ``.``) that
    marks where a word starts and ends: a model reads ``.emma`` and learns to predict ``emma.``."""

    boundary = 0

    def __init__(self, words: Iterable[str]) -> None:
        chars = sorted(set("".join(words)))
        if not chars:
            raise ValueError("CharVocab needs at least one non-empty word")
        if BOUNDARY in chars:
            raise ValueError(f"the words may not contain the boundary character {BOUNDARY!r}")
        self.chars = [BOUNDARY, *chars]
        self.index = {c: i for i, c in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, word: str) -> list[int]:
        """``[boundary, *each character's index, boundary]``; ValueError naming an unknown
        character (the boundary's own character included)."""
        if BOUNDARY in word:
            raise ValueError(f"{word!r} contains the boundary character {BOUNDARY!r}")
        try:
            return [self.boundary, *[self.index[c] for c in word], self.boundary]
        except KeyError as e:
            raise ValueError(f"character {e.args[0]!r} is not in the vocabulary") from None

    def decode(self, tokens: Sequence[int]) -> str:
        """The word in ``tokens``: a leading boundary is skipped, the next one ends the word."""
        out: list[str] = []
        for i, tok in enumerate(tokens):
            tok = check_index(f"token {i}", tok, len(self.chars))
            if tok == self.boundary:
                if i == 0:
                    continue
                break
            out.append(self.chars[tok])
        return "".join(out)

    def __repr__(self) -> str:
        return f"CharVocab({''.join(self.chars[1:])!r} + boundary {BOUNDARY!r})"


def _noisy_shuffled(
    points: list[tuple[list[float], int]], noise: float, rng: random.Random, name: str
) -> Dataset:
    rng.shuffle(points)
    xs = [[v + rng.gauss(0.0, noise) for v in x] if noise else x for x, _ in points]
    return Dataset(xs, [y for _, y in points], name)


# ---------------------------------------------------------------- splitting and batching


def split(data: Dataset, test: float | int = 0.2, *, seed: int = 0) -> tuple[Dataset, Dataset]:
    """A random (seeded) split into (train, test). ``test`` is a fraction in (0, 1) or a count."""
    if not isinstance(data, Dataset):
        raise TypeError(f"split expects a Dataset, got {type(data).__name__}")
    n = len(data)
    if not is_real(test):
        raise TypeError(f"split: test must be a fraction or a count, got {type(test).__name__}")
    if isinstance(test, numbers.Integral):
        n_test = int(test)
    elif 0.0 < test < 1.0:
        n_test = round(n * float(test))
    else:
        raise ValueError(f"split: a fractional test size must be in (0, 1), got {test!r}")
    if not 0 < n_test < n:
        raise ValueError(f"split: {shown(test)} test examples out of {n} leaves an empty side")
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return data.subset(order[n_test:]), data.subset(order[:n_test])


def batches(
    dataset: Dataset,
    batch_size: int | None = None,
    shuffle: bool = True,
    rng: random.Random | int | None = None,
) -> Iterator[Dataset]:
    """One pass over ``dataset`` in batches of ``batch_size`` (the last may be smaller).

    ``batch_size=None`` (or ``len(dataset)``) is full-batch, 1 is SGD; an empty dataset gives
    no batches. With ``shuffle``, the order comes from ``rng`` (a random.Random, or an int seed);
    pass the same Random every epoch for a new, reproducible order each time. Arguments are
    checked (and the order drawn) at the call, not at the first batch.
    """
    if not isinstance(dataset, Dataset):
        raise TypeError(f"batches expects a Dataset, got {type(dataset).__name__}")
    check_flag("batches: shuffle", shuffle)
    n = len(dataset)
    size = max(n, 1) if batch_size is None else check_count("batches: batch_size", batch_size)
    order = list(range(n))
    if shuffle:
        if not isinstance(rng, random.Random):
            if rng is not None and not is_integer(rng):
                raise TypeError(f"batches: rng must be a random.Random or an int seed, got {rng!r}")
            rng = random.Random(rng)
        rng.shuffle(order)
    return (dataset.subset(order[start : start + size]) for start in range(0, n, size))
