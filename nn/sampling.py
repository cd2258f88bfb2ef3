"""Drawing the next token from a model's logits: the one sampling rule the character RNN and the
GPT share, so a temperature means the same thing for both."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from autograd import Value
from nn.checks import check_real, shown

__all__ = ["check_temperature", "sample_index"]


def check_temperature(temperature: object) -> float:
    """``temperature`` as a float: a finite number > 0 (TypeError for a non-number)."""
    t = check_real("temperature", temperature)
    if t == 0:
        raise ValueError(f"temperature must be a finite number > 0, got {shown(temperature)}")
    return t


def sample_index(logits: Sequence[Value], temperature: float, gen: random.Random) -> int:
    """An index drawn with ``gen.choices`` from ``softmax(logits / temperature)``."""
    top = max(z.data for z in logits)  # subtracted first: z / 1e-300 would overflow
    weights = [math.exp((z.data - top) / temperature) for z in logits]
    return gen.choices(range(len(logits)), weights=weights)[0]
