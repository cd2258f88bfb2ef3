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


def sample_index(
    logits: Sequence[Value] | Sequence[float], temperature: float, gen: random.Random
) -> int:
    """An index drawn with ``gen.choices`` from ``softmax(logits / temperature)``; the logits are
    Values or plain floats (e.g. a PyTorch model's, so both engines sample alike)."""
    data = [z.data if isinstance(z, Value) else z for z in logits]
    top = max(data)  # subtracted first: z / 1e-300 would overflow
    weights = [math.exp((z - top) / temperature) for z in data]
    return gen.choices(range(len(logits)), weights=weights)[0]
