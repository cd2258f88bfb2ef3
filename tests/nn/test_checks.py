"""nn.checks: messages stay one short line whatever number was given."""

import pytest

import nn
from nn import checks
from nn.attention import Embedding


@pytest.mark.parametrize(
    "call",
    [
        lambda: Embedding(3, 2, seed=0)(10**400),
        lambda: nn.GPT(3, 3, 4, 2, seed=0)([10**400]),
        lambda: checks.check_index("i", -(10**400), 3),
    ],
)
def test_an_index_of_400_digits_is_shown_cut(call):
    with pytest.raises(ValueError, match=r" is -?10+\.\.\., outside 0\.\.2$"):
        call()


@pytest.mark.parametrize(
    ("n", "shown"),
    [(0, "0"), (10**15 - 1, "999,999,999,999,999"), (10**15, "about 10^15"),
     (2 * 10**16, "about 10^16"), (10**4000, "about 10^4000")],
)  # fmt: skip
def test_shown_count_never_prints_thousands_of_digits(n, shown):
    assert checks.shown_count(n) == shown
