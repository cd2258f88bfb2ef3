"""nn.sampling: the temperature rule shared by the character RNN and the GPT."""

import math
import random

import pytest

from autograd import Value
from nn.sampling import check_temperature, sample_index


def test_sample_index_draws_from_the_tempered_softmax():
    logits = [Value(0.0), Value(1.0), Value(3.0)]
    gen = random.Random(0)
    draws = [sample_index(logits, 2.0, gen) for _ in range(20_000)]
    weights = [math.exp(z.data / 2.0) for z in logits]
    for i, w in enumerate(weights):
        assert abs(draws.count(i) / len(draws) - w / sum(weights)) < 0.02


def test_a_tiny_temperature_is_greedy_not_nan():
    logits = [Value(2.0), Value(4.0), Value(-1.0)]
    gen = random.Random(0)
    assert {sample_index(logits, 1e-308, gen) for _ in range(50)} == {1}


@pytest.mark.parametrize(
    ("temperature", "error"),
    [(0.0, ValueError), (-1.0, ValueError), (math.inf, ValueError), ("1", TypeError)],
)
def test_bad_temperatures_are_refused(temperature, error):
    with pytest.raises(error, match="temperature"):
        check_temperature(temperature)
