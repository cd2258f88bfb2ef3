"""Data sets, the train/test split and batching."""

import math
import random
import sys
from collections import Counter
from importlib import resources

import pytest

from nn import data
from nn.data import Dataset


def test_xor():
    d = data.xor()
    assert d.xs == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    assert d.ys == [0, 1, 1, 0]
    assert (d.n_features, d.n_classes, len(d)) == (2, 2, 4)


def test_moons_are_deterministic_and_balanced():
    a, b = data.moons(101, 0.1, seed=3), data.moons(101, 0.1, seed=3)
    assert a == b
    assert a != data.moons(101, 0.1, seed=4)
    assert len(a) == 101 and Counter(a.ys) == {0: 51, 1: 50}
    assert a.ys != sorted(a.ys)  # shuffled, so any prefix has both classes


def test_noiseless_moons_lie_on_their_half_circles():
    d = data.moons(40, noise=0.0, seed=0)
    for (x, y), label in zip(d.xs, d.ys, strict=True):
        if label == 0:  # upper half of the unit circle
            assert math.hypot(x, y) == pytest.approx(1.0) and y >= -1e-12
        else:  # lower half of the unit circle centred at (1, 0.5)
            assert math.hypot(x - 1, y - 0.5) == pytest.approx(1.0) and y <= 0.5 + 1e-12


def test_spirals():
    d = data.spirals(301, classes=3, noise=0.2, seed=0)
    assert len(d) == 301 and Counter(d.ys) == {0: 101, 1: 100, 2: 100}
    assert d == data.spirals(301, classes=3, noise=0.2, seed=0)
    # the noise turns points along their arm, so every radius stays in [0, 1]
    assert max(math.hypot(*x) for x in d.xs) <= 1.0 + 1e-12
    assert data.spirals(10, classes=2, noise=0.0, seed=0).xs != data.spirals(10, 2, 0.0, 1).xs


def test_digits():
    d = data.digits()
    assert (len(d), d.n_features, d.n_classes) == (1797, 64, 10)
    assert min(min(x) for x in d.xs) == 0.0 and max(max(x) for x in d.xs) == 1.0
    assert all(type(v) is float for v in d.xs[0]) and all(type(y) is int for y in d.ys)
    assert Counter(d.ys)[0] == 178  # the UCI test set's documented count of zeros


def test_the_shipped_digits_are_scikit_learns():
    # scikit-learn is in the dev extra, so this runs wherever the tests do (never skipped).
    from sklearn.datasets import load_digits

    bunch = load_digits()
    d = data.digits()
    assert d.ys == bunch.target.tolist()
    assert d.xs == [[v / 16.0 for v in row] for row in bunch.data.tolist()]


def test_digits_need_nothing_installed(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # makes `import sklearn...` fail
    monkeypatch.setitem(sys.modules, "numpy", None)
    assert len(data.digits()) == 1797


def test_the_digits_licence_and_attribution_ship_beside_them():
    folder = resources.files("nn") / "datasets"
    assert (folder / "digits.txt.gz").is_file()
    licence = (folder / "DIGITS-LICENSE.txt").read_text()
    for needed in ("Alpaydin", "Kaynak", "CC BY 4.0", "creativecommons.org/licenses/by/4.0"):
        assert needed in licence
    assert "CC BY 4.0" in data.digits.__doc__ and "Alpaydin" in data.digits.__doc__


# ---------------------------------------------------------------- split


def test_split_sizes_disjoint_and_deterministic():
    d = data.moons(100, seed=0)
    train, test = data.split(d, 0.25, seed=1)
    assert (len(train), len(test)) == (75, 25)
    pairs = lambda ds: {(tuple(x), y) for x, y in ds}  # noqa: E731
    assert pairs(train) | pairs(test) == pairs(d) and not pairs(train) & pairs(test)
    assert data.split(d, 0.25, seed=1) == (train, test)
    assert data.split(d, 0.25, seed=2) != (train, test)
    train, test = data.split(data.digits(), 297)
    assert (len(train), len(test)) == (1500, 297)


@pytest.mark.parametrize(
    ("test", "error", "message"),
    [
        (0, ValueError, "0 test examples out of 10"),
        (10, ValueError, "leaves an empty side"),
        (1.0, ValueError, r"must be in \(0, 1\)"),
        (-0.5, ValueError, r"must be in \(0, 1\)"),
        ("0.2", TypeError, "fraction or a count"),
    ],
)
def test_bad_splits(test, error, message):
    with pytest.raises(error, match=message):
        data.split(data.moons(10), test)


# ---------------------------------------------------------------- batches


def test_batch_sizes_full_mini_and_single():
    d = data.moons(10, seed=0)
    assert [len(b) for b in data.batches(d)] == [10]
    assert [len(b) for b in data.batches(d, 10)] == [10]
    assert [len(b) for b in data.batches(d, 4)] == [4, 4, 2]
    assert [len(b) for b in data.batches(d, 1)] == [1] * 10


def test_every_example_once_per_pass():
    d = data.moons(23, seed=0)
    seen = [(tuple(x), y) for b in data.batches(d, 5, rng=random.Random(0)) for x, y in b]
    assert sorted(seen) == sorted((tuple(x), y) for x, y in d)


def test_shuffling_is_reproducible_and_changes_between_epochs():
    d = data.moons(30, seed=0)

    def order(batch_list):
        return [y for b in batch_list for y in b.xs]

    rng = random.Random(7)
    first, second = order(data.batches(d, 8, rng=rng)), order(data.batches(d, 8, rng=rng))
    assert first != second
    assert order(data.batches(d, 8, rng=random.Random(7))) == first
    assert order(data.batches(d, 8, rng=7)) == first
    assert order(data.batches(d, 8, shuffle=False)) == d.xs


def test_batches_keyword_names_of_the_spec_and_an_empty_dataset():
    d = data.xor()
    assert [len(b) for b in data.batches(dataset=d, batch_size=3, shuffle=False, rng=None)] == [
        3,
        1,
    ]
    empty = Dataset([], [])
    assert list(data.batches(empty)) == [] and list(data.batches(empty, 4)) == []


def test_bad_batches_fail_at_the_call():
    d = data.xor()
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        data.batches(d, 0)
    with pytest.raises(TypeError, match=r"rng must be a random\.Random or an int seed"):
        data.batches(d, 2, rng="seed")
    with pytest.raises(TypeError, match="expects a Dataset"):
        data.batches([[0.0]], 1)


# ---------------------------------------------------------------- Dataset


def test_dataset_normalises_to_floats_and_ints():
    import numpy as np  # comes with the data extra (scikit-learn)

    d = Dataset(np.array([[1, 2], [3, 4]]), np.array([0, 1]))
    assert d.xs == [[1.0, 2.0], [3.0, 4.0]] and d.ys == [0, 1]
    assert all(type(v) is float for v in d.xs[0]) and all(type(y) is int for y in d.ys)
    assert repr(Dataset([[0.0]], [0], "tiny")) == (
        "Dataset('tiny', 1 examples, 1 features, 1 classes)"
    )


@pytest.mark.parametrize(
    ("xs", "ys", "error", "message"),
    [
        ([[0.0], [1.0]], [0], ValueError, "2 examples in xs but 1 labels"),
        ([[0.0, 1.0], [1.0]], [0, 1], ValueError, "example 0 has 2 features but example 1 has 1"),
        ([[0.0]], [-1], ValueError, "label 0 must be a class index"),
        ([[0.0]], [0.5], ValueError, "label 0 must be a class index"),
        ([[0.0]], [True], ValueError, "label 0 must be a class index"),
        ([[math.nan]], [0], ValueError, "example 0 has a non-finite feature"),
        ([["a"]], [0], TypeError, "example 0 is not a list of numbers"),
        ([1.0], [0], TypeError, "example 0 is not a list of numbers"),
        (["12", "34"], [0, 1], TypeError, "example 0 is not a list of numbers"),  # not [1.0, 2.0]
        ([[0.0], ["1.5"]], [0, 1], TypeError, "example 1 is not a list of numbers"),
        ("ab", [0, 1], TypeError, "xs must be a list"),
        ([[0.0]], 0, TypeError, "ys must be a list"),
    ],
)
def test_bad_datasets(xs, ys, error, message):
    with pytest.raises(error, match=message):
        Dataset(xs, ys)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: data.moons(1), "n must be an integer >= 2"),
        (lambda: data.moons(10, noise=-0.1), "noise must be a finite number >= 0"),
        (lambda: data.spirals(10, classes=0), "classes must be a positive integer"),
        (lambda: data.moons(10, noise=math.inf), "noise must be a finite number >= 0"),
        (lambda: data.spirals(10, noise=math.inf), "noise must be a finite number >= 0"),
        (lambda: data.moons(10, noise=math.nan), "noise must be a finite number >= 0"),
    ],
)
def test_bad_generator_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------- names


def test_names_are_the_census_first_names():
    names = data.names()
    assert len(names) == len(set(names)) == 5163
    assert names[:3] == ["mary", "patricia", "linda"]  # the female list, most common first
    assert {"james", "john", "emma", "olivia"} <= set(names)
    assert all(n.isalpha() and n.islower() and n.isascii() for n in names)
    assert {len(n) for n in names} == set(range(2, 12))


def test_names_without_the_package_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "names", None)
    with pytest.raises(ImportError, match=r"names package.*pip install 'chainrule\[data\]'"):
        data.names()


def test_char_vocab_encodes_with_a_boundary_and_decodes_back():
    vocab = data.CharVocab(["emma", "bob"])
    assert vocab.chars == [".", "a", "b", "e", "m", "o"] and len(vocab) == 6
    assert vocab.encode("emma") == [0, 3, 4, 4, 1, 0]
    assert vocab.decode(vocab.encode("bob")) == "bob"
    assert vocab.decode([2, 5, 2, 0, 1, 1]) == "bob"  # ends at the boundary
    assert vocab.decode([]) == ""
    with pytest.raises(ValueError, match="'z' is not in the vocabulary"):
        vocab.encode("zoe")
    with pytest.raises(ValueError, match="boundary character"):
        vocab.encode("a.b")
    with pytest.raises(ValueError, match=r"token 1 is 6, outside 0\.\.5"):
        vocab.decode([0, 6])
    with pytest.raises(ValueError, match=r"token 0 is -1, outside"):
        vocab.decode([-1])
    with pytest.raises(TypeError, match="token 1 must be an int, got bool"):
        vocab.decode([0, True])
    with pytest.raises(ValueError, match="boundary character"):
        data.CharVocab(["a.b"])
    with pytest.raises(ValueError, match="at least one"):
        data.CharVocab([""])


# ---------------------------------------------------------------- far too large, bools


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: data.moons(10**400), "n must be an integer >= 2 no larger than"),
        (lambda: data.moons(10, noise=10**400), "noise must be a finite number >= 0"),
        (lambda: data.spirals(10**400), "n must be a positive integer no larger than"),
        (lambda: data.spirals(10, noise=10**400), "noise must be a finite number >= 0"),
        (lambda: data.spirals(300, classes=10**400), "classes must be .* no larger than 300"),
        (lambda: data.spirals(10, classes=11), "classes must be .* no larger than 10, got 11"),
        (lambda: Dataset([[10**400]], [0]), "example 0 has a non-finite feature"),
        (lambda: Dataset([[0.0]], [10**400]), "label 0 must be a class index"),
        (lambda: list(data.batches(data.xor(), 10**400)), "batch_size must be a positive"),
        (lambda: data.split(data.xor(), 10**400), "leaves an empty side"),
    ],
)
def test_10_to_the_400_is_a_value_error_and_nothing_hangs(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("row", [[True, 0.0], [0.0, False]])
def test_a_dataset_refuses_bool_features(row):
    with pytest.raises(
        TypeError, match=r"example 0 is not a list of numbers: it holds (True|False)"
    ):
        Dataset([row], [0])


def test_batches_refuses_a_shuffle_that_is_not_a_bool():
    with pytest.raises(TypeError, match="shuffle must be True or False"):
        data.batches(data.xor(), 2, shuffle="no")
