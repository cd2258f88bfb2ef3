"""nn.GPT and its parts: the equations against a plain-float implementation written here from the
issue's formulas, gradients against central differences, the cached sampler against a full
recompute, saving, and the errors."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Value, gradcheck, testing
from nn.attention import FeedForward, KVCache

# ---------------------------------------------------------------- an independent reference

Matrix = list[list[float]]


def matvec(m: Matrix, x: list[float]) -> list[float]:
    return [math.fsum(w * v for w, v in zip(row, x, strict=True)) for row in m]


def rms(x: list[float], eps: float = 1e-5) -> list[float]:
    scale = 1.0 / math.sqrt(math.fsum(v * v for v in x) / len(x) + eps)
    return [v * scale for v in x]


def plus(a: list[float], b: list[float]) -> list[float]:
    return [x + y for x, y in zip(a, b, strict=True)]


def floats(rows) -> Matrix:
    return [[v.data for v in row] for row in rows]


def reference_attention(w: dict[str, Matrix], xs: list[list[float]], n_head: int):
    """Outputs and weights[head][t][s] of causal multi-head attention, in plain floats."""
    q = [matvec(w["wq"], x) for x in xs]
    k = [matvec(w["wk"], x) for x in xs]
    v = [matvec(w["wv"], x) for x in xs]
    hd = len(xs[0]) // n_head
    weights = [[] for _ in range(n_head)]
    outs = []
    for t in range(len(xs)):
        concat = []
        for h in range(n_head):
            cols = range(h * hd, (h + 1) * hd)
            scores = [
                math.fsum(q[t][j] * k[s][j] for j in cols) / math.sqrt(hd) for s in range(t + 1)
            ]
            top = max(scores)
            exps = [math.exp(z - top) for z in scores]
            probs = [e / math.fsum(exps) for e in exps]
            weights[h].append(probs)
            concat += [math.fsum(probs[s] * v[s][j] for s in range(t + 1)) for j in cols]
        outs.append(matvec(w["wo"], concat))
    return outs, weights


def reference_gpt(model: nn.GPT, tokens: list[int]):
    """The issue's equations on the model's weights as floats: (logits, last block's weights)."""
    xs = [
        rms(plus(floats(model.wte.weight)[tok], floats(model.wpe.weight)[t]))
        for t, tok in enumerate(tokens)
    ]
    weights = None
    for block in model.blocks:
        a = block.attn
        mats = {name: floats(getattr(a, name)) for name in ("wq", "wk", "wv", "wo")}
        attended, weights = reference_attention(mats, [rms(x) for x in xs], a.n_head)
        xs = [plus(x, o) for x, o in zip(xs, attended)]
        fc1, fc2 = floats(block.mlp.fc1), floats(block.mlp.fc2)
        xs = [plus(x, matvec(fc2, [max(0.0, u) for u in matvec(fc1, rms(x))])) for x in xs]
    return [matvec(floats(model.lm_head), x) for x in xs], weights


def close(a: list[float], b: list[float], tol: float = 1e-9) -> bool:
    return all(math.isclose(x, y, rel_tol=tol, abs_tol=tol) for x, y in zip(a, b, strict=True))


# ---------------------------------------------------------------- shapes drawn by hypothesis

WIDTHS = [(4, 1), (4, 2), (6, 3), (8, 4)]  # (n_embd, n_head)


@st.composite
def models_and_tokens(draw, layers=(1, 2), widths=WIDTHS, min_tokens=1):
    n_embd, n_head = draw(st.sampled_from(widths))
    vocab = draw(st.integers(2, 6))
    block = draw(st.integers(min_tokens, 5))
    n_layer = draw(st.integers(*layers))
    model = nn.GPT(vocab, block, n_embd, n_head, n_layer, seed=draw(st.integers(0, 10**6)))
    tokens = draw(st.lists(st.integers(0, vocab - 1), min_size=min_tokens, max_size=block))
    return model, tokens


# ---------------------------------------------------------------- equations


@settings(max_examples=25)
@given(models_and_tokens())
def test_gpt_logits_and_attention_weights_match_the_float_reference(case):
    model, tokens = case
    logits = model(tokens)
    expected, weights = reference_gpt(model, tokens)
    assert len(logits) == len(tokens)
    for got, want in zip(logits, expected):
        assert len(got) == model.vocab_size
        assert close([z.data for z in got], want)
    last = model.blocks[-1].attn.attention_weights
    assert len(last) == model.n_head
    for head, want_head in zip(last, weights):
        assert [len(row) for row in head] == list(range(1, len(tokens) + 1))
        for row, want_row in zip(head, want_head):
            assert close(row, want_row)
            assert math.isclose(math.fsum(row), 1.0)


@given(testing.points(5, -3.0, 3.0))
def test_rmsnorm_matches_its_formula(xs):
    got = nn.rmsnorm([Value(x) for x in xs], eps=1e-3)
    assert close([v.data for v in got], rms(xs, eps=1e-3))


def test_rmsnorm_default_eps_is_1e_5():
    got = nn.rmsnorm([Value(0.0), Value(1e-3)])
    assert close([v.data for v in got], rms([0.0, 1e-3], eps=1e-5))


def test_embedding_returns_its_row():
    emb = nn.Embedding(5, 3, seed=1)
    assert [len(row) for row in emb.weight] == [3] * 5
    row = emb(2)
    assert [v is w for v, w in zip(row, emb.weight[2])] == [True] * 3
    assert nn.Embedding(5, 3, seed=1).state_dict() == emb.state_dict()


def test_attention_module_on_its_own_matches_the_reference():
    attn = nn.CausalSelfAttention(6, 2, seed=3)
    gen = random.Random(0)
    xs = [[gen.uniform(-1, 1) for _ in range(6)] for _ in range(4)]
    outs = attn([[Value(x) for x in row] for row in xs])
    mats = {name: floats(getattr(attn, name)) for name in ("wq", "wk", "wv", "wo")}
    expected, weights = reference_attention(mats, xs, 2)
    for got, want in zip(outs, expected):
        assert close([v.data for v in got], want)
    for head, want in zip(attn.attention_weights, weights, strict=True):
        assert all(close(r, w) for r, w in zip(head, want, strict=True))


def test_weights_copied_in_as_plain_lists_are_used():
    """A test against another framework may assign plain lists of rows; they must just work."""
    model = nn.GPT(5, 4, n_embd=4, n_head=2, seed=0)
    gen = random.Random(1)

    def fresh(rows, cols):
        return [[Value(gen.gauss(0, 0.5)) for _ in range(cols)] for _ in range(rows)]

    model.lm_head = fresh(5, 4)
    model.blocks[0].attn.wq = fresh(4, 4)
    model.blocks[0].mlp.fc2 = fresh(4, 16)
    model.wte.weight = fresh(5, 4)
    tokens = [1, 4, 0]
    for got, want in zip(model(tokens), reference_gpt(model, tokens)[0]):
        assert close([z.data for z in got], want)
    assert any(p is model.lm_head[2][3] for p in model.parameters())
    assert len(model.generate([0], 3, seed=0)) == 3


def test_layout_and_parameter_names():
    model = nn.GPT(7, 5, n_embd=8, n_head=2, n_layer=2, seed=0)
    shapes = {
        "wte.weight": 7 * 8,
        "wpe.weight": 5 * 8,
        "lm_head": 7 * 8,
        **{f"blocks.{i}.attn.w{m}": 64 for i in range(2) for m in "qkvo"},
        **{f"blocks.{i}.mlp.fc{j}": 32 * 8 for i in range(2) for j in (1, 2)},
    }
    state = model.state_dict()
    assert {k: len(v) for k, v in state.items()} == shapes
    assert len(model.blocks[0].mlp.fc1) == 32 and len(model.blocks[0].mlp.fc1[0]) == 8
    assert len(model.blocks[0].mlp.fc2) == 8 and len(model.blocks[0].mlp.fc2[0]) == 32
    assert len(model.parameters()) == sum(shapes.values())
    assert nn.GPT.count_parameters(model.config()) == sum(shapes.values())
    fc1 = model.blocks[1].mlp.fc1
    assert fc1.shape == (32, 8) and fc1.weight is fc1
    x = [Value(0.1 * i) for i in range(8)]
    assert [h.data for h in fc1(x)] == [h.data for h in autograd.dots(fc1, x)]


def test_fused_graph_is_small():
    """One dot node per matrix row, per score and per weighted sum: no node per multiply."""
    n, heads, hd, vocab, t = 8, 2, 4, 5, 4
    model = nn.GPT(vocab, t, n_embd=n, n_head=heads, seed=0)
    loss = autograd.sum(nn.cross_entropy(z, 1) for z in model([0, 1, 2, 3]))
    ops = [v.op for v in autograd.topological_order(loss) if v.op]
    on = ops.count("relu")  # hidden units the ReLU lets through: only their fc1 rows take part
    assert 0 < on < t * 4 * n
    rows = t * (4 * n + n + vocab) + on  # q k v o, fc2, lm_head, fc1 (units on)
    scores = heads * (1 + 2 + 3 + 4)
    assert ops.count("dot") == rows + 3 * t + scores + t * heads * hd  # + rmsnorm's squares
    assert ops.count("sum") == t * heads + t + 1  # softmax denominators, losses, their sum
    assert ops.count("*") == 3 * t * (1 + n) + scores  # rmsnorm scales, score scales


def test_feed_forward_leaves_out_units_the_relu_switches_off():
    """fc2's dots skip a hidden unit whose ReLU gives 0 (none, one, or all of them on): the
    outputs and every weight's gradient are those of the full sum(w * relu(h)) graph."""
    for on in ([], [2], [0, 3], [0, 1, 2, 3]):
        mlp = FeedForward(2, 4, seed=1)
        for i, row in enumerate(mlp.fc1):  # unit i is on exactly when i is in `on`
            row[0].data, row[1].data = (0.5 + i, 0.25) if i in on else (-0.5 - i, -0.25)
        x = [Value(1.0), Value(2.0)]
        fused = mlp(x)
        out = autograd.sum(fused)
        out.backward()
        got = [p.grad for p in mlp.parameters()] + [v.grad for v in x]
        hidden = [
            (row[0] * x[0] + row[1] * x[1]).relu() for row in mlp.fc1
        ]  # the full graph, one node per * and +
        full = [sum((w * h for w, h in zip(row, hidden)), Value(0.0)) for row in mlp.fc2]
        for p in [*mlp.parameters(), *x]:
            p.grad = 0.0
        (full[0] + full[1]).backward()
        assert [y.data for y in fused] == pytest.approx([y.data for y in full], abs=1e-15)
        assert got == pytest.approx([p.grad for p in mlp.parameters()] + [v.grad for v in x])
        assert sum(v.op == "relu" for v in autograd.topological_order(out)) == len(on)


# ---------------------------------------------------------------- gradients


def parameter_containers(model: nn.GPT) -> list[list[list[Value]]]:
    """Every weight matrix, in `parameters()` order."""
    mats = [model.wte.weight, model.wpe.weight]
    for block in model.blocks:
        a, m = block.attn, block.mlp
        mats += [a.wq, a.wk, a.wv, a.wo, m.fc1, m.fc2]
    return [*mats, model.lm_head]


def loss_with_weights(model: nn.GPT, tokens: list[int]):
    """f(*weights) -> mean next-token loss, with the given leaves put in as the weights."""

    def f(*leaves: Value) -> Value:
        it = iter(leaves)
        for mat in parameter_containers(model):
            for row in mat:
                row[:] = [next(it) for _ in row]
        targets = [*tokens[1:], tokens[0]]
        losses = [nn.cross_entropy(z, y) for z, y in zip(model(tokens), targets)]
        return autograd.sum(losses) * (1.0 / len(losses))

    return f


@pytest.mark.parametrize("n_layer", [1, 2])
@settings(max_examples=3)
@given(data=st.data())
def test_gpt_gradients_match_central_differences(n_layer, data):
    shapes = models_and_tokens((n_layer, n_layer), [(4, 1), (4, 2), (6, 3)], min_tokens=2)
    model, tokens = data.draw(shapes)
    params = model.parameters()
    assert [p for mat in parameter_containers(model) for row in mat for p in row] == params
    assert gradcheck(loss_with_weights(model, tokens), [p.data for p in params], atol=1e-6)


def test_gradients_reach_every_weight_through_two_layers():
    model = nn.GPT(5, 6, n_embd=4, n_head=2, n_layer=2, seed=0)
    tokens = [0, 1, 2, 3, 4, 0]
    losses = [nn.cross_entropy(z, y) for z, y in zip(model(tokens[:-1]), tokens[1:])]
    autograd.sum(losses).backward()
    for name, group in model.named_parameter_groups():
        if name != "wpe.weight":
            assert any(p.grad != 0 for p in group), name
    assert all(p.grad == 0 for p in model.wpe.weight[5])  # position 5 was never used
    assert any(p.grad != 0 for p in model.wpe.weight[4])


# ---------------------------------------------------------------- the cached sampler


@settings(max_examples=10)
@given(models_and_tokens(), st.integers(0, 99), st.sampled_from([0.5, 1.0, 2.0]))
def test_cached_step_equals_full_recompute(case, seed, temperature):
    model, tokens = case
    prompt = tokens[:1]
    n = model.block_size - len(prompt) + 1
    got = model.generate(prompt, n, temperature, seed=seed)
    gen = random.Random(seed)
    seq = list(prompt)
    expected = []
    for _ in range(n):
        logits = [z.data for z in model(seq)[-1]]
        top = max(logits)
        weights = [math.exp((z - top) / temperature) for z in logits]
        expected.append(gen.choices(range(model.vocab_size), weights=weights)[0])
        seq.append(expected[-1])
        seq = seq[: model.block_size]
    assert got == expected
    caches = [block.attn.new_cache() for block in model.blocks]
    full = model(tokens)
    for t, tok in enumerate(tokens):
        assert close([z.data for z in model.step(tok, t, caches)], [z.data for z in full[t]])
    assert all(len(c) == len(tokens) for c in caches)


def test_generate_stops_after_the_stop_token_and_builds_no_graph():
    model = nn.GPT(3, 16, n_embd=4, n_head=2, seed=0)
    out = model.generate([0], 16, seed=1, stop=0)
    assert 0 < len(out) <= 16 and (out[-1] == 0 or len(out) == 16)
    assert 0 not in out[:-1]
    assert model.generate([0, 1], 0) == []
    assert all(p.grad == 0 for p in model.parameters())


def test_generate_with_the_same_seed_repeats():
    model = nn.GPT(6, 8, n_embd=4, n_head=2, seed=0)
    assert model.generate([1, 2], 5, seed=7) == model.generate([1, 2], 5, seed=7)
    low = model.generate([1], 8, temperature=1e-3, seed=1)
    assert low == model.generate([1], 8, temperature=1e-3, seed=2)  # nearly greedy


# ---------------------------------------------------------------- a Module like the others


def test_save_load_round_trip(tmp_path):
    model = nn.GPT(6, 5, n_embd=8, n_head=4, n_layer=2, seed=2)
    path = tmp_path / "gpt.json"
    model.save(path)
    loaded = nn.load(path)
    assert isinstance(loaded, nn.GPT) and loaded.config() == model.config()
    assert loaded.state_dict() == model.state_dict()
    tokens = [5, 0, 3]
    assert [[z.data for z in row] for row in loaded(tokens)] == [
        [z.data for z in row] for row in model(tokens)
    ]
    model.zero_grad()
    assert all(p.grad == 0 for p in model.parameters())


def test_parts_save_and_load_too(tmp_path):
    for part in (nn.Embedding(4, 3, seed=0), nn.CausalSelfAttention(4, 2, seed=0)):
        part.save(tmp_path / "part.json")
        assert nn.load(tmp_path / "part.json").state_dict() == part.state_dict()


# ---------------------------------------------------------------- errors


def test_bad_tokens_are_errors():
    model = nn.GPT(4, 3, n_embd=4, n_head=2, seed=0)
    with pytest.raises(ValueError, match="block_size 3"):
        model([0, 1, 2, 3])
    with pytest.raises(ValueError, match="in the vocabulary"):
        model([0, 4])
    with pytest.raises(ValueError, match="in the vocabulary"):
        model([-1])
    with pytest.raises(TypeError, match=r"token 0 \(in the vocabulary\) must be an int"):
        model([True])
    with pytest.raises(ValueError, match="at least one token"):
        model([])
    with pytest.raises(TypeError):
        model("ab")
    with pytest.raises(ValueError, match="block_size"):
        model.generate([0, 1], 3)  # positions for 2 + 2 tokens
    assert len(model.generate([0, 1], 2)) == 2
    with pytest.raises(ValueError, match="temperature"):
        model.generate([0], 1, temperature=0.0)
    with pytest.raises(ValueError, match="n must be"):
        model.generate([0], -1)
    with pytest.raises(ValueError, match="Embedding index is 9"):
        model.wte(9)


def test_bad_sizes_are_errors():
    with pytest.raises(ValueError, match="multiple of n_head"):
        nn.GPT(4, 4, n_embd=6, n_head=4)
    with pytest.raises(ValueError, match="n_layer"):
        nn.GPT(4, 4, n_layer=0)
    with pytest.raises(ValueError, match="vocab_size"):
        nn.GPT(0, 4)
    with pytest.raises(ValueError, match="multiple of n_head"):
        nn.CausalSelfAttention(5, 2)
    with pytest.raises(ValueError, match="expects vectors of 4"):
        nn.CausalSelfAttention(4, 2).step([Value(1.0)], KVCache([[], []], [[], []]))
    with pytest.raises(ValueError, match="empty"):
        nn.rmsnorm([])


def test_count_parameters_reads_the_constructor_defaults_and_checks_heads(tmp_path):
    assert nn.GPT.count_parameters({"vocab_size": 27, "block_size": 16}) == len(
        nn.GPT(27, 16).parameters()
    )
    with pytest.raises(ValueError, match="multiple of n_head"):
        nn.GPT.count_parameters({"vocab_size": 3, "block_size": 2, "n_embd": 6, "n_head": 4})
    model = nn.GPT(3, 2, n_embd=4, n_head=2, seed=0)
    model.save(tmp_path / "m.json")
    text = (tmp_path / "m.json").read_text().replace('"n_head": 2', '"n_head": 3')
    (tmp_path / "m.json").write_text(text)
    with pytest.raises(nn.ModelFileError, match="multiple of n_head"):
        nn.load(tmp_path / "m.json")
