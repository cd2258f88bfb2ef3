"""Training: the must-reach results (XOR, two moons, digits), the loop, history and progress."""

import gc
import itertools
import random
import sys

import pytest

import autograd
import nn
from nn import data
from nn.objectives import OBJECTIVES, Objective
from nn.optim import cosine_lr

# ---------------------------------------------------------------- must reach


def test_xor_all_four_right_with_the_classic_setup():
    # A 2-2-1 tanh/sigmoid net, plain gradient descent with learning rate 0.1, up to 10,000
    # epochs (stopping once the mean squared error is below 0.01).
    xor = data.xor()
    model = nn.MLP(2, [2, 1], activation="tanh", output_activation="sigmoid", seed=0)
    history = nn.fit(
        model,
        xor,
        loss="mse",
        optimizer=nn.SGD(model.parameters(), lr=0.1),
        epochs=10_000,
        batch_size=None,
        shuffle=False,
        progress=False,
        callback=lambda epoch, h: h["loss"][-1] < 0.01,
    )
    losses = history["loss"]
    assert len(losses) < 10_000 and losses[-1] < 0.01
    outputs = [model(x)[0].data for x in xor.xs]
    assert [int(o > 0.5) for o in outputs] == xor.ys
    # the error falls steadily: every 100 epochs lower than the 100 before
    samples = [*losses[::100], losses[-1]]
    assert all(b < a for a, b in itertools.pairwise(samples))


def test_two_moons_reach_100_percent_training_accuracy():
    moons = data.moons(100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
    history = nn.fit(
        model,
        moons,
        loss="hinge",
        optimizer=nn.Adam(model.parameters(), lr=0.05),
        epochs=100,
        batch_size=None,
        progress=False,
    )
    assert len(history["loss"]) == 100
    assert nn.accuracy(model, moons, "hinge") == 1.0


@pytest.mark.slow
def test_digits_reach_95_percent_held_out_accuracy():
    # 3Blue1Brown's shape, 64-16-16-10, softmax cross-entropy, mini-batches of 32, Adam with a
    # cosine learning-rate decay; 1,500 training images and 297 held out.
    train, test = data.split(data.digits(), 297, seed=0)
    model = nn.MLP(64, [16, 16, 10], activation="tanh", seed=0)
    epochs = 8
    history = nn.fit(
        model,
        train,
        loss="cross_entropy",
        optimizer=nn.Adam(model.parameters(), lr=0.01),
        epochs=epochs,
        batch_size=32,
        lr_schedule=cosine_lr(0.01, epochs),
        progress=False,
    )
    held_out = nn.accuracy(model, test)
    assert held_out >= 0.95
    assert history["accuracy"][-1] > 0.97


# ---------------------------------------------------------------- the loop


def test_fit_equals_the_loop_written_by_hand():
    moons = data.moons(20, seed=1)
    a = nn.MLP(2, [4, 1], seed=0)
    b = nn.MLP(2, [4, 1], seed=0)
    nn.fit(a, moons, loss="hinge", optimizer=nn.SGD(a.parameters(), 0.1), epochs=3,
           batch_size=8, seed=5, progress=False)  # fmt: skip

    optimizer = nn.SGD(b.parameters(), 0.1)
    rng = random.Random(5)
    for _ in range(3):
        for batch in data.batches(moons, 8, rng=rng):
            scores = [b(x)[0] for x in batch.xs]
            loss = nn.batch_mean(nn.hinge_loss, scores, [2 * y - 1 for y in batch.ys])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]


def test_full_mini_and_single_batches_take_the_expected_steps():
    moons = data.moons(10, seed=0)
    for batch_size, steps in [(None, 1), (4, 3), (1, 10)]:
        model = nn.MLP(2, [3, 1], seed=0)
        history = nn.fit(model, moons, loss="hinge", epochs=2, batch_size=batch_size,
                         progress=False)  # fmt: skip
        assert len(history["step_loss"]) == 2 * steps


def test_history_is_plain_per_epoch_lists():
    train, test = data.split(data.moons(40, seed=0), 10)
    model = nn.MLP(2, [4, 1], seed=0)
    history = nn.fit(model, train, loss="hinge", epochs=3, test=test, progress=False)
    assert set(history) == {"loss", "accuracy", "seconds", "step_loss", "test_loss",
                            "test_accuracy"}  # fmt: skip
    for key in ("loss", "accuracy", "seconds", "test_loss", "test_accuracy"):
        assert len(history[key]) == 3 and all(type(v) is float for v in history[key])
    assert history["seconds"] == sorted(history["seconds"])
    # the test numbers are those of evaluate() on the final weights
    assert (history["test_loss"][-1], history["test_accuracy"][-1]) == nn.evaluate(
        model, test, "hinge"
    )


def test_training_loss_is_the_mean_over_the_epoch():
    moons = data.moons(12, seed=0)
    model = nn.MLP(2, [3, 1], seed=0)
    history = nn.fit(model, moons, loss="hinge", epochs=1, batch_size=5, progress=False)
    sizes = [5, 5, 2]
    expected = sum(s * loss for s, loss in zip(sizes, history["step_loss"], strict=True)) / 12
    assert history["loss"][0] == pytest.approx(expected)


def test_trainer_continues_its_history():
    moons = data.moons(20, seed=0)
    trainer = nn.Trainer(nn.MLP(2, [4, 1], seed=0), "hinge", progress=False)
    trainer.fit(moons, 2)
    history = trainer.fit(moons, 3)
    assert len(history["loss"]) == 5
    assert history["seconds"] == sorted(history["seconds"])


def test_callback_stops_early_and_schedule_sets_the_lr():
    moons = data.moons(20, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=1.0)
    seen = []

    def callback(epoch, history):
        seen.append((epoch, optimizer.lr))
        return epoch == 3

    nn.fit(model, moons, loss="hinge", optimizer=optimizer, epochs=10, progress=False,
           callback=callback, lr_schedule=lambda e: 0.1 / e)  # fmt: skip
    assert seen == [(1, 0.1), (2, 0.05), (3, 0.1 / 3)]


class GradSpy(nn.MLP):
    """An MLP that records whether a graph would be built on each call."""

    def __call__(self, x):
        self.calls.append(autograd.is_grad_enabled())
        return super().__call__(x)


def test_evaluate_builds_no_graph_changes_nothing_and_matches_a_hand_count():
    moons = data.moons(20, seed=0)
    model = GradSpy(2, [4, 1], seed=0)
    model.calls = []
    before = model.state_dict()
    loss, acc = nn.evaluate(model, moons, "hinge")
    assert model.calls and not any(model.calls)
    assert model.state_dict() == before and autograd.is_grad_enabled()
    # by hand: hinge on y = -1/+1, predicted class 1 when the score is > 0
    with autograd.no_grad():
        scores = [model(x)[0].data for x in moons.xs]
    signs = [2 * y - 1 for y in moons.ys]
    assert loss == pytest.approx(sum(max(0.0, 1 - s * t) for s, t in zip(scores, signs)) / 20)
    assert acc == sum((s > 0) == (y == 1) for s, y in zip(scores, moons.ys)) / 20


def test_training_makes_collector_passes_rarer_and_restores_them():
    before = gc.get_threshold()
    seen = []
    moons = data.moons(10, seed=0)
    nn.fit(nn.MLP(2, [3, 1], seed=0), moons, loss="hinge", epochs=1, progress=False,
           callback=lambda epoch, h: seen.append(gc.get_threshold()))  # fmt: skip
    assert seen == [(10_000, *before[1:])] and gc.get_threshold() == before

    def fail(epoch, history):
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        nn.fit(nn.MLP(2, [3, 1], seed=0), moons, loss="hinge", epochs=1, progress=False,
               callback=fail)  # fmt: skip
    assert gc.get_threshold() == before and gc.isenabled()


# ---------------------------------------------------------------- objectives


@pytest.mark.parametrize(
    ("name", "outputs", "label"),
    [
        ("cross_entropy", [0.1, 2.0, -1.0], 1),
        ("hinge", [0.3], 1),
        ("hinge", [-0.3], 0),
        ("mse", [0.7], 1),
        ("mse", [0.2, 0.1, 0.9], 2),
        ("bce", [0.4], 0),
    ],
)
def test_prediction_rules(name, outputs, label):
    assert OBJECTIVES[name].predict(outputs) == label


def test_objective_losses_by_hand():
    v = autograd.Value
    assert OBJECTIVES["hinge"].loss([v(0.25)], 0).data == 1.25  # label 0 is y = -1
    assert OBJECTIVES["mse"].loss([v(0.5), v(0.0)], 0).data == pytest.approx(0.125)
    assert OBJECTIVES["bce"].loss([v(0.5)], 1).data == pytest.approx(0.6931471805599453)


def test_a_custom_objective():
    square = Objective("square", lambda out, y: (out[0] - y) ** 2, lambda out: round(out[0]))
    model = nn.MLP(2, [4, 1], seed=0)
    history = nn.fit(model, data.xor(), loss=square, epochs=2, batch_size=None, progress=False)
    assert len(history["loss"]) == 2


# ---------------------------------------------------------------- progress


def test_progress_bar_shows_loss_and_accuracy(capsys):
    nn.fit(nn.MLP(2, [3, 1], seed=0), data.moons(20), loss="hinge", epochs=2, batch_size=5)
    err = capsys.readouterr().err
    assert "epoch 2/2" in err and "loss=" in err and "acc=" in err and "8/8" in err


def test_progress_false_is_silent(capsys):
    nn.fit(nn.MLP(2, [3, 1], seed=0), data.moons(20), loss="hinge", epochs=2, progress=False)
    assert capsys.readouterr() == ("", "")


def test_without_tqdm_about_ten_epoch_lines(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    nn.fit(nn.MLP(2, [3, 1], seed=0), data.moons(20), loss="hinge", epochs=30, batch_size=None)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 10
    assert lines[-1].startswith("epoch 30/30  loss ") and "acc " in lines[-1]


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda m: nn.fit(m, data.digits(), progress=False), ValueError,
         "has 64 features but the model takes 2 inputs"),
        (lambda m: nn.fit(m, [[0.0, 1.0]], progress=False), TypeError,
         r"must be an nn\.data\.Dataset"),
        (lambda m: nn.fit(m, data.Dataset([], []), progress=False), ValueError, "is empty"),
        (lambda m: nn.fit(m, data.xor(), loss="l1", progress=False), ValueError,
         "unknown loss 'l1'"),
        (lambda m: nn.fit(m, data.xor(), batch_size=0), ValueError,
         "batch_size must be a positive"),
        (lambda m: nn.fit(m, data.xor(), epochs=-1), ValueError, "epochs must be an integer >= 0"),
        (lambda m: nn.fit(m, data.xor(), optimizer="adam"), TypeError, "optimizer must be"),
        (lambda m: nn.fit("model", data.xor()), TypeError, "model must be an nn.Module"),
        (lambda m: nn.fit(nn.MLP(2, [2], seed=0), data.xor(), loss="hinge", progress=False),
         ValueError, "'hinge' loss needs a model with 1 output, this one has 2"),
        (lambda m: nn.evaluate(m, data.xor(), "nope"), ValueError, "unknown loss 'nope'"),
        # a bad label in the last batch: refused before the first step changes any weight
        (lambda m: nn.fit(m, data.Dataset([[0.0, 0.0]] * 5, [0, 1, 0, 1, 2]), loss="hinge",
                          batch_size=1, shuffle=False, progress=False), ValueError,
         r"label 2 \(example 4\) is out of range.*'hinge' loss.*classes 0 to 1"),
        (lambda m: nn.fit(m, data.Dataset([[0.0, 0.0]], [0]), loss="cross_entropy",
                          progress=False, test=data.Dataset([[0.0, 0.0]], [1])), ValueError,
         "the test data: label 1 .* 1 output.* classes 0 to 0"),
        (lambda m: nn.evaluate(nn.MLP(2, [3], seed=0), data.Dataset([[0.0, 0.0]], [3]), "mse"),
         ValueError, "label 3 .* 3 outputs.*'mse' loss"),
        (lambda m: nn.fit(m, data.xor(), loss="hinge", epochs=3, progress=False,
                          lr_schedule=lambda e: 0.1 - 0.1 * e), ValueError,
         r"lr_schedule\(2\) gave -0.1"),
        (lambda m: nn.Trainer(m, update_every=0), ValueError, "update_every must be a positive"),
    ],
)  # fmt: skip
def test_bad_training_arguments(call, error, message):
    model = nn.MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(error, match=message):
        call(model)
    assert model.state_dict() == before


# ---------------------------------------------------------------- checked before the first step


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"callback": 3}, TypeError, "callback must be a function"),
        ({"callback": "stop"}, TypeError, "callback must be a function"),
        ({"shuffle": "no"}, TypeError, "shuffle must be True or False, got 'no'"),
        ({"shuffle": 0}, TypeError, "shuffle must be True or False, got 0"),
        ({"lr_schedule": 0.1}, TypeError, "lr_schedule must be a function"),
        ({"epochs": 10**400}, ValueError, "epochs must be an integer >= 0 no larger than"),
        ({"batch_size": 10**400}, ValueError, "batch_size must be a positive integer no larger"),
    ],
)
def test_bad_fit_arguments_fail_before_any_step(kwargs, error, message):
    model = nn.MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(error, match=message):
        nn.fit(model, data.xor(), loss="hinge", progress=False, **kwargs)
    assert model.state_dict() == before


@pytest.mark.parametrize("progress", ["no", 0, None])
def test_progress_must_be_a_bool(progress):
    model = nn.MLP(2, [3, 1], seed=0)
    with pytest.raises(TypeError, match="progress must be True or False"):
        nn.Trainer(model, loss="hinge", progress=progress)


def test_trainer_step_is_batch_mean_of_the_objective():
    model = nn.MLP(2, [3, 2], seed=0)
    xs, ys = data.xor().xs, data.xor().ys
    expected = nn.batch_mean(nn.cross_entropy, [model(x) for x in xs], ys).data
    loss, _ = nn.Trainer(model, progress=False).step(data.xor())
    assert loss == expected


@pytest.mark.parametrize("order", ["first in, first out", "last in, first out"])
def test_rare_gc_passes_restores_the_thresholds_whatever_order_threads_leave(order):
    import gc
    import threading

    from autograd.collector import rare_gc_passes

    before = gc.get_threshold()
    assert before[0] < 10_000  # the test needs a change to see
    a_in, both_in = threading.Event(), threading.Barrier(3)
    leave = {"a": threading.Event(), "b": threading.Event()}
    inside = []

    def a():
        with rare_gc_passes():
            a_in.set()
            both_in.wait()
            leave["a"].wait()

    def b():
        a_in.wait()  # a enters first, then b
        with rare_gc_passes():
            both_in.wait()
            leave["b"].wait()

    threads = {"a": threading.Thread(target=a), "b": threading.Thread(target=b)}
    for t in threads.values():
        t.start()
    both_in.wait()
    inside.append(gc.get_threshold()[0])
    first, second = ("a", "b") if order == "first in, first out" else ("b", "a")
    leave[first].set()
    threads[first].join()
    inside.append(gc.get_threshold()[0])  # the other thread is still training: still rare
    leave[second].set()
    threads[second].join()
    assert inside == [10_000, 10_000]
    assert gc.get_threshold() == before


def test_snapshots_are_the_weights_each_kth_step_computed_its_loss_with():
    moons = data.moons(20, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    start = [p.data for p in model.parameters()]
    history = nn.fit(model, moons, loss="hinge", epochs=3, batch_size=5, snapshot_every=4,
                     progress=False)  # fmt: skip
    # 12 steps: before steps 0, 4 and 8, then the trained weights after step 12
    assert history["snapshot_step"] == [0, 4, 8, 12]
    assert list(history["snapshots"][0]) == start
    assert list(history["snapshots"][-1]) == [p.data for p in model.parameters()]
    for step, loss in zip(history["snapshot_step"][:-1], history["snapshot_loss"], strict=False):
        assert loss == history["step_loss"][step]
    # the last one: the trained weights on the last batch, evaluated by hand
    again = nn.MLP(2, [4, 1], seed=0)
    again.load_state_dict(model.state_dict())
    rng = random.Random(0)
    last = [b for _ in range(3) for b in data.batches(moons, 5, rng=rng)][-1]
    scores = [again(x)[0] for x in last.xs]
    expected = nn.batch_mean(nn.hinge_loss, scores, [2 * y - 1 for y in last.ys]).data
    assert history["snapshot_loss"][-1] == expected


def test_snapshots_stay_bounded_by_thinning():
    moons = data.moons(10, seed=0)
    model = nn.MLP(2, [2, 1], seed=0)
    trainer = nn.Trainer(model, "hinge", batch_size=1, progress=False, snapshot_every=1)
    history = trainer.fit(moons, 25)  # 250 steps, one snapshot each at first
    steps = history["snapshot_step"]
    assert len(history["snapshots"]) <= nn.train.MAX_SNAPSHOTS
    assert steps == sorted(steps) and steps[0] == 0 and steps[-1] == 250
    assert trainer.snapshot_every == 4  # doubled twice: 1 -> 2 (at 100) -> 4 (at 200)
    assert all(s % 4 == 0 for s in steps[:-1])
    trainer.fit(moons, 1)  # continuing keeps one snapshot per step taken
    assert len(set(history["snapshot_step"])) == len(history["snapshot_step"])


def test_without_snapshot_every_no_snapshots():
    history = nn.fit(nn.MLP(2, [2, 1], seed=0), data.moons(10), loss="hinge", epochs=1,
                     progress=False)  # fmt: skip
    assert "snapshots" not in history
