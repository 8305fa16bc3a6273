"""ug.nn.functional and the simple layers against torch.nn, and fused vs generic paths."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given
from hypothesis import strategies as st

import unigrad as ug
import unigrad.nn.functional as F
from unigrad.nn import reference as nn_reference
from unigrad.testing import strategies as ugst

rng = np.random.default_rng(0)


def values(x):
    return np.array(ug.to_numpy(x), copy=True)


def with_grads(fn, *arrays, differentiate=None):
    """fn over tensors made from ``arrays``; (output, gradients of sum(output * w) for the first
    ``differentiate`` inputs, all by default)."""
    tensors = [ug.asarray(a) for a in arrays]
    watched = tensors[: differentiate if differentiate is not None else len(tensors)]
    with ug.GradientTape() as tape:
        tape.watch(watched)
        out = fn(*tensors)
        weights = ug.asarray(
            np.linspace(-1, 1, int(np.prod(out.shape)) or 1)[: int(np.prod(out.shape))].reshape(out.shape)
        )
        loss = ug.sum(out * ug.astype(weights, out.dtype))
    grads = tape.gradient(loss, watched, unconnected_gradients="zero")
    return values(out), [values(g) for g in grads]


def torch_with_grads(fn, *arrays, differentiate=None):
    count = differentiate if differentiate is not None else len(arrays)
    tensors = [torch.tensor(a, requires_grad=i < count and a.dtype.kind == "f") for i, a in enumerate(arrays)]
    out = fn(*tensors)
    weights = torch.tensor(
        np.linspace(-1, 1, out.numel() or 1)[: out.numel()].reshape(out.shape), dtype=out.dtype
    )
    (out * weights).sum().backward()
    grads = [
        t.grad.numpy() if t.grad is not None else np.zeros_like(a)
        for t, a in zip(tensors, arrays, strict=True)
    ]
    return out.detach().numpy(), grads[:count]


def assert_like_torch(ours, reference, rtol=1e-10, atol=1e-12):
    out, grads = ours
    ref_out, ref_grads = reference
    np.testing.assert_allclose(out, ref_out, rtol=rtol, atol=atol)
    for g, r in zip(grads, ref_grads, strict=True):
        np.testing.assert_allclose(g, r, rtol=rtol, atol=atol)


ACTIVATIONS = [
    ("relu", F.relu, torch.relu),
    ("gelu", F.gelu, TF.gelu),
    ("gelu_tanh", lambda x: F.gelu(x, "tanh"), lambda x: TF.gelu(x, approximate="tanh")),
    ("sigmoid", F.sigmoid, torch.sigmoid),
    ("tanh", F.tanh, torch.tanh),
    ("softmax", lambda x: F.softmax(x, axis=0), lambda x: torch.softmax(x, 0)),
    ("log_softmax", F.log_softmax, lambda x: torch.log_softmax(x, -1)),
]


@pytest.mark.parametrize(("name", "ours", "theirs"), ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
@given(x=ugst.arrays("float64", ugst.shapes(min_dims=1, min_side=1), low=-6, high=6, special=False))
def test_activations_match_torch(ug_backend, name, ours, theirs, x):
    # (gelu's slope near -0.75 is a difference of two ~0.23 terms: an absolute tolerance)
    assert_like_torch(with_grads(ours, x), torch_with_grads(theirs, x), rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("name", ["relu", "gelu", "sigmoid", "tanh", "softmax", "log_softmax", "erf"])
@given(x=ugst.arrays("float32", ugst.shapes(min_dims=1, min_side=1), low=-6, high=6, special=False))
def test_fused_kernels_agree_with_the_generic_definition(ug_backend, name, x):
    backend = ug.config.active_backend()
    fused, generic = getattr(backend, f"nn_{name}"), getattr(nn_reference, name)
    # (torch's float32 gelu computes 1 + erf(x) and loses digits for x << 0: hence atol for gelu)
    np.testing.assert_allclose(
        values(fused(ug.asarray(x))),
        values(generic(ug.asarray(x))),
        rtol=2e-6,
        atol=1e-6 if name == "gelu" else 3e-7,
    )
    fused_out = with_grads(fused, x.astype(np.float64))
    generic_out = with_grads(generic, x.astype(np.float64))
    # (the generic erf is a rational fit: its value is good to 1.2e-7, its slope to ~1e-5)
    loose = name in ("erf", "gelu")
    assert_like_torch(fused_out, generic_out, rtol=2e-5 if loose else 1e-6, atol=2e-6 if loose else 1e-7)


def test_linear_and_layer_norm_match_torch(ug_backend):
    x, w, b = rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)
    assert_like_torch(with_grads(F.linear, x, w, b), torch_with_grads(TF.linear, x, w, b))
    x3 = rng.standard_normal((2, 4, 3))
    assert_like_torch(with_grads(F.linear, x3, w, b), torch_with_grads(TF.linear, x3, w, b))
    gamma, beta = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    ours = with_grads(lambda t, g, s: F.layer_norm(t, (4, 3), g, s), x3, gamma, beta)
    theirs = torch_with_grads(lambda t, g, s: TF.layer_norm(t, (4, 3), g, s), x3, gamma, beta)
    assert_like_torch(ours, theirs, rtol=1e-9, atol=1e-10)
    generic = with_grads(lambda t, g, s: nn_reference.layer_norm(t, (4, 3), g, s), x3, gamma, beta)
    assert_like_torch(generic, theirs, rtol=1e-9, atol=1e-10)


@pytest.mark.backends("tensorflow")
def test_linear_large_layers_path_matches_torch(ug_backend, monkeypatch):
    from unigrad.backends.tensorflow import nn as tf_nn

    monkeypatch.setattr(tf_nn, "_BATCH_MATMUL_FROM", 0)  # every 2-D linear through BatchMatMulV2(adj_y)
    x, w, b = rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)
    assert_like_torch(with_grads(F.linear, x, w, b), torch_with_grads(TF.linear, x, w, b))

    # an input no tape watches (a first layer's): the weight's gradient alone, on its own path
    def weight_first(w, b, x):
        return F.linear(x, w, b)

    def torch_weight_first(w, b, x):
        return TF.linear(x, w, b)

    assert_like_torch(
        with_grads(weight_first, w, b, x, differentiate=2),
        torch_with_grads(torch_weight_first, w, b, x, differentiate=2),
    )
    # a layer's parameters (variables on TensorFlow), and the gradient of the gradient
    layer = ug.nn.Linear(3, 2)
    weight = torch.tensor(values(layer.weight), dtype=torch.float64, requires_grad=True)
    with ug.GradientTape() as outer:
        with ug.GradientTape() as inner:
            loss = ug.sum(layer(ug.asarray(x.astype(np.float32))) ** 2)
        (g,) = inner.gradient(loss, [layer.weight])
        g_sum = ug.sum(g**2)
    (gg,) = outer.gradient(g_sum, [layer.weight])
    torch_loss = (
        (TF.linear(torch.tensor(x), weight, torch.tensor(values(layer.bias), dtype=torch.float64))) ** 2
    ).sum()
    (torch_g,) = torch.autograd.grad(torch_loss, [weight], create_graph=True)
    (torch_gg,) = torch.autograd.grad((torch_g**2).sum(), [weight])
    np.testing.assert_allclose(values(g), torch_g.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(values(gg), torch_gg.numpy(), rtol=1e-4, atol=1e-5)


def test_embedding(ug_backend):
    table = rng.standard_normal((5, 3))
    indices = np.array([[0, 4], [2, -1]])
    out = values(F.embedding(ug.asarray(indices), ug.asarray(table)))
    np.testing.assert_array_equal(out, table[indices])
    with pytest.raises(ug.IndexOutOfRangeError, match="index 5 is out of range for axis 0 of size 5"):
        F.embedding(ug.asarray([1, 5]), ug.asarray(table))
    layer = ug.nn.Embedding(10, 4)
    assert layer(ug.asarray([[1, 2, 3]])).shape == (1, 3, 4)


def test_dropout(ug_backend):
    x = ug.ones((1000,))
    ug.random.seed(0)
    dropped = values(F.dropout(x, 0.25))
    kept = dropped != 0
    assert 0.70 < kept.mean() < 0.80
    np.testing.assert_allclose(dropped[kept], 1 / 0.75, rtol=1e-6)
    assert values(F.dropout(x, 0.25, training=False)).tolist() == [1.0] * 1000
    layer = ug.nn.Dropout(0.5).eval()
    assert values(layer(x)).tolist() == [1.0] * 1000
    with pytest.raises(ValueError, match=r"dropout probability must be in \[0, 1\], got 1.5"):
        F.dropout(x, 1.5)


def test_dropout_masks_are_the_same_on_every_backend():
    masks = []
    for backend in ug.available_backends():
        with ug.use_backend(backend):
            ug.random.seed(7)
            masks.append(values(F.dropout(ug.ones((50,)), 0.5)))
    for mask in masks[1:]:
        np.testing.assert_array_equal(mask, masks[0])


# -- losses ----------------------------------------------------------------------

REDUCTIONS = ["mean", "sum", "none"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses(ug_backend, reduction):
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    for ours, theirs in [(F.mse_loss, TF.mse_loss), (F.l1_loss, TF.l1_loss)]:
        assert_like_torch(
            with_grads(lambda x, y: ours(x, y, reduction=reduction), a, b),
            torch_with_grads(lambda x, y: theirs(x, y, reduction=reduction), a, b),
        )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(6, 4), (3, 4, 2)])
def test_cross_entropy_with_indices(ug_backend, reduction, smoothing, weighted, shape):
    logits = rng.standard_normal(shape)
    labels = rng.integers(0, 4, (shape[0], *shape[2:]))
    labels.flat[1] = -100  # ignored
    weight = rng.uniform(0.5, 2.0, 4) if weighted else None

    def ours(x, *w):
        return F.cross_entropy(
            x, ug.asarray(labels), weight=w[0] if w else None, reduction=reduction, label_smoothing=smoothing
        )

    def theirs(x, *w):
        return TF.cross_entropy(
            x,
            torch.tensor(labels),
            weight=w[0] if w else None,
            reduction=reduction,
            label_smoothing=smoothing,
        )

    args = (logits, weight) if weighted else (logits,)
    assert_like_torch(
        with_grads(ours, *args, differentiate=1),
        torch_with_grads(theirs, *args, differentiate=1),
        rtol=1e-9,
        atol=1e-10,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy_with_probabilities(ug_backend, reduction, smoothing):
    logits = rng.standard_normal((5, 3))
    probs = rng.dirichlet(np.ones(3), 5)
    weight = rng.uniform(0.5, 2.0, 3)
    ours = with_grads(
        lambda x, p, w: F.cross_entropy(x, p, weight=w, reduction=reduction, label_smoothing=smoothing),
        logits,
        probs,
        weight,
        differentiate=2,
    )
    theirs = torch_with_grads(
        lambda x, p, w: TF.cross_entropy(x, p, weight=w, reduction=reduction, label_smoothing=smoothing),
        logits,
        probs,
        weight,
        differentiate=2,
    )
    assert_like_torch(ours, theirs, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss(ug_backend, reduction):
    log_probs = np.log(rng.dirichlet(np.ones(4), 6))
    labels = np.array([0, 3, 1, -100, 2, 2])
    weight = rng.uniform(0.5, 2, 4)
    ours = with_grads(
        lambda x, w: F.nll_loss(x, ug.asarray(labels), weight=w, reduction=reduction),
        log_probs,
        weight,
        differentiate=1,
    )
    theirs = torch_with_grads(
        lambda x, w: TF.nll_loss(x, torch.tensor(labels), weight=w, reduction=reduction),
        log_probs,
        weight,
        differentiate=1,
    )
    assert_like_torch(ours, theirs)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_losses(ug_backend, reduction):
    logits = rng.standard_normal((4, 3)) * 3
    targets = rng.uniform(0, 1, (4, 3))
    weight, pos_weight = rng.uniform(0.5, 2, (4, 3)), rng.uniform(0.5, 3, 3)
    probs = 1 / (1 + np.exp(-logits))
    assert_like_torch(
        with_grads(
            lambda p, t, w: F.binary_cross_entropy(p, t, weight=w, reduction=reduction),
            probs,
            targets,
            weight,
            differentiate=1,
        ),
        torch_with_grads(
            lambda p, t, w: TF.binary_cross_entropy(p, t, weight=w, reduction=reduction),
            probs,
            targets,
            weight,
            differentiate=1,
        ),
        rtol=1e-9,
        atol=1e-10,
    )
    assert_like_torch(
        with_grads(
            lambda x, t, pw: F.binary_cross_entropy_with_logits(x, t, reduction=reduction, pos_weight=pw),
            logits,
            targets,
            pos_weight,
            differentiate=2,
        ),
        torch_with_grads(
            lambda x, t, pw: TF.binary_cross_entropy_with_logits(x, t, reduction=reduction, pos_weight=pw),
            logits,
            targets,
            pos_weight,
            differentiate=2,
        ),
        rtol=1e-9,
        atol=1e-10,
    )


def test_binary_cross_entropy_clamps_the_log(ug_backend):
    loss = F.binary_cross_entropy(ug.asarray([0.0, 1.0]), ug.asarray([1.0, 0.0]), reduction="none")
    assert values(loss).tolist() == [100.0, 100.0]


@pytest.mark.parametrize("bad", [4, -1, 7])
def test_out_of_range_labels(ug_backend, bad):
    logits = ug.ones((3, 4))
    with pytest.raises(ug.LabelError, match=f"label {bad} is out of range for 4 classes") as info:
        F.cross_entropy(logits, ug.asarray([0, bad, 1]))
    assert isinstance(info.value, ValueError)
    with pytest.raises(ValueError, match=f"label {bad} is out of range"):
        F.nll_loss(logits, ug.asarray([bad, 0, 0]))


def test_bad_reduction(ug_backend):
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none', got 'avg'"):
        F.mse_loss(ug.ones(2), ug.ones(2), reduction="avg")


@given(n=st.integers(1, 4), classes=st.integers(2, 5))
def test_cross_entropy_agrees_across_backends(n, classes):
    logits = np.random.default_rng(n).standard_normal((n, classes)).astype(np.float32)
    labels = np.arange(n) % classes
    results = []
    for backend in ug.available_backends():
        with ug.use_backend(backend):
            results.append(values(F.cross_entropy(ug.asarray(logits), ug.asarray(labels))))
    for r in results[1:]:
        np.testing.assert_allclose(r, results[0], rtol=1e-6)


def test_simple_layers_match_torch(ug_backend):
    ug.random.seed(0)
    layer = ug.nn.Linear(5, 3)
    reference = torch.nn.Linear(5, 3).double()
    reference.load_state_dict(
        {k: torch.tensor(values(v), dtype=torch.float64) for k, v in layer.state_dict().items()}
    )
    x = rng.standard_normal((4, 5)).astype(np.float32)
    np.testing.assert_allclose(
        values(layer(ug.asarray(x))),
        reference(torch.tensor(x, dtype=torch.float64)).detach(),
        rtol=1e-5,
        atol=1e-6,
    )
    bound = 1 / np.sqrt(5)
    w = values(layer.weight)
    assert w.shape == (3, 5) and np.all(np.abs(w) <= bound)
    flatten = ug.nn.Flatten()
    assert flatten(ug.ones((2, 3, 4, 5))).shape == (2, 60)
    assert ug.nn.Flatten(0, 1)(ug.ones((2, 3, 4))).shape == (6, 4)


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@pytest.mark.parametrize("ignore", [False, True])
def test_fused_sparse_cross_entropy_agrees_with_the_generic_definition(ug_backend, ignore, reduction):
    logits = rng.standard_normal((6, 4))
    labels = np.array([0, 3, 1, 2, 2, 1])
    if ignore:
        labels[2] = -100
    backend = ug.config.active_backend()

    def fused(x, hint=ignore):  # hint: whether the caller says a label may be ignored
        return backend.nn_sparse_cross_entropy(x, ug.asarray(labels), -100, reduction, hint)

    def generic(x):
        return nn_reference.sparse_cross_entropy(x, ug.asarray(labels), -100, reduction)

    assert_like_torch(with_grads(fused, logits), with_grads(generic, logits), rtol=1e-12, atol=1e-12)
    reference = torch_with_grads(
        lambda x: TF.cross_entropy(x, torch.tensor(labels), reduction=reduction), logits
    )
    assert_like_torch(with_grads(fused, logits), reference, rtol=1e-12, atol=1e-12)
    # "a label may be ignored" is always a safe hint
    assert_like_torch(with_grads(lambda x: fused(x, True), logits), reference, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "log_probs_shape, targets, input_lengths, target_lengths, blank, error, message",
    [
        ((5, 1, 3, 1), [[1]], [5], [1], 0, ug.ShapeError, r"log_probs must be \(T, N, C\) or \(T, C\)"),
        ((5, 2, 3), [[1], [2]], [5, 5], [1, 1], 3, ug.ShapeError, "blank 3 is not one of the 3 classes"),
        ((5, 2, 3), [[1], [2]], [6, 5], [1, 1], 0, ug.ShapeError, r"input_lengths must be in \[1, 5\]"),
        ((5, 2, 3), [[1], [2]], [5], [1, 1], 0, ug.ShapeError, "input_lengths must be 2 integers"),
        ((5, 2, 3), [1, 2, 1], [5, 5], [1, 1], 0, ug.ShapeError, "concatenated targets hold 3 labels"),
        ((5, 2, 3), [[1], [2]], [5, 5], [2, 1], 0, ug.ShapeError, "a target length 2 exceeds the targets' 1"),
    ],
)
def test_ctc_loss_bad_input(
    ug_backend, log_probs_shape, targets, input_lengths, target_lengths, blank, error, message
):
    log_probs = F.log_softmax(ug.zeros(log_probs_shape), dim=-1)
    with pytest.raises(error, match=f"ug.nn.functional.ctc_loss: {message}"):
        F.ctc_loss(log_probs, ug.asarray(targets), input_lengths, target_lengths, blank=blank)


def test_gumbel_softmax_is_seeded_alike_on_every_backend_and_samples_the_softmax():
    logits = np.log(np.array([[0.5, 0.3, 0.2]], np.float32)).repeat(4000, axis=0)
    samples = {}
    for backend in ug.available_backends():
        with ug.use_backend(backend):
            ug.random.seed(3)
            samples[backend] = values(F.gumbel_softmax(ug.asarray(logits), tau=0.7))
    first, *others = samples.values()
    for other in others:
        np.testing.assert_allclose(other, first, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(first.sum(axis=1), 1.0, rtol=1e-5)
    frequencies = np.bincount(first.argmax(axis=1), minlength=3) / len(first)
    np.testing.assert_allclose(frequencies, [0.5, 0.3, 0.2], atol=0.03)  # the Gumbel-max trick


@pytest.mark.parametrize("dim", [-1, 0])
def test_gumbel_softmax_hard_is_one_hot_with_the_soft_gradient(ug_backend, dim):
    logits = ug.asarray(np.random.default_rng(0).normal(size=(4, 5)).astype(np.float32))
    weights = ug.asarray(np.arange(20, dtype=np.float32).reshape(4, 5))
    grads = []
    for hard in (True, False):
        ug.random.seed(1)
        with ug.GradientTape() as tape:
            tape.watch(logits)
            sample = F.gumbel_softmax(logits, tau=0.5, hard=hard, dim=dim)
            total = ug.sum(sample * weights)
        grads.append(values(tape.gradient(total, logits)))
        if hard:
            assert sorted(np.unique(values(sample)).tolist()) == [0.0, 1.0]
            np.testing.assert_array_equal(values(sample).sum(axis=dim), 1.0)
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6)  # straight through
    with pytest.raises(ug.ArgumentError, match="tau must be positive, got 0"):
        F.gumbel_softmax(logits, tau=0)


@pytest.mark.parametrize(
    "make, error, message",
    [
        (
            lambda: ug.ones((2, 5)),
            ug.ShapeError,
            "Linear: expected input with 4 features (last dimension), got shape (2, 5)",
        ),
        (
            lambda: np.ones((2, 4)),  # NumPy's float64 into float32 parameters: no silent cast
            ug.DTypeError,
            "Linear: input of dtype float64 does not match the layer's float32 parameters; cast it first, "
            "ug.astype(x, ug.float32)",
        ),
    ],
    ids=["features", "dtype"],
)
def test_linear_input_errors_are_unigrads_with_one_text(make, error, message):
    """The framework's refusal (torch's "mat1 and mat2 shapes cannot be multiplied", TensorFlow's
    MatMul node) becomes the same unigrad error on every backend, naming the layer."""
    for backend in ug.available_backends():
        with ug.use_backend(backend):
            ug.random.seed(0)
            with pytest.raises(error) as info:
                ug.nn.Linear(4, 3)(make())
            assert str(info.value) == message
            with pytest.raises(error, match=r"ug\.nn\.functional\.linear: "):
                F.linear(make(), ug.ones((3, 4)))


@pytest.mark.parametrize(
    "make, shape, name",
    [
        (lambda: ug.nn.Conv1d(3, 4, 3), (1, 3, 5), "conv1d"),
        (lambda: ug.nn.Conv2d(3, 4, 3), (1, 3, 5, 5), "conv2d"),
        (lambda: ug.nn.ConvTranspose2d(3, 4, 3), (1, 3, 5, 5), "conv_transpose2d"),
    ],
    ids=["conv1d", "conv2d", "conv_transpose2d"],
)
def test_a_float64_array_into_a_float32_convolution_is_a_dtype_error(make, shape, name):
    messages = set()
    for backend in ug.available_backends():
        with ug.use_backend(backend), pytest.raises(ug.DTypeError) as info:
            make()(np.ones(shape))
        messages.add(str(info.value))
    assert messages == {
        f"ug.nn.functional.{name}: input of dtype float64 does not match the layer's float32 parameters; "
        "cast it first, ug.astype(x, ug.float32)"
    }


_IMAGES = rng.standard_normal((2, 3, 4, 4)).astype(np.float32)
_LOGITS = rng.standard_normal((3, 4)).astype(np.float32)
# (name, call with NumPy arrays / lists / numbers, the same call with tensors)
ARRAY_LIKE_CALLS = [
    ("relu", lambda: F.relu(_IMAGES), lambda: F.relu(ug.asarray(_IMAGES))),
    (
        "cross_entropy, list labels",
        lambda: F.cross_entropy(_LOGITS, [0, 3, 1]),
        lambda: F.cross_entropy(ug.asarray(_LOGITS), ug.asarray(np.array([0, 3, 1]))),
    ),
    (
        "nll_loss, uint8 labels",
        lambda: F.nll_loss(_LOGITS, np.array([0, 3, 1], np.uint8)),
        lambda: F.nll_loss(ug.asarray(_LOGITS), ug.asarray(np.array([0, 3, 1]))),
    ),
    (
        "l1_loss, list target",
        lambda: F.l1_loss(_LOGITS[0], [1.0, 2.0, 3.0, 4.0]),
        lambda: F.l1_loss(ug.asarray(_LOGITS[0]), ug.asarray(np.array([1.0, 2.0, 3.0, 4.0], np.float32))),
    ),
    (
        "mse_loss, scalar target",
        lambda: F.mse_loss(_LOGITS[:1, :1], 1.0),
        lambda: F.mse_loss(ug.asarray(_LOGITS[:1, :1]), ug.ones((1, 1))),
    ),
    (
        "dropout, eval",
        lambda: F.dropout(_IMAGES, 0.5, training=False),
        lambda: F.dropout(ug.asarray(_IMAGES), 0.5, training=False),
    ),
    ("one_hot", lambda: F.one_hot(np.array([0, 2]), 3), lambda: F.one_hot(ug.asarray(np.array([0, 2])), 3)),
    (
        "interpolate",
        lambda: F.interpolate(_IMAGES, scale_factor=2),
        lambda: F.interpolate(ug.asarray(_IMAGES), scale_factor=2),
    ),
    ("pad", lambda: F.pad(_IMAGES, (1, 1)), lambda: F.pad(ug.asarray(_IMAGES), (1, 1))),
    (
        "binary_cross_entropy_with_logits",
        lambda: F.binary_cross_entropy_with_logits(_LOGITS, np.zeros_like(_LOGITS)),
        lambda: F.binary_cross_entropy_with_logits(ug.asarray(_LOGITS), ug.zeros((3, 4))),
    ),
    (
        "conv2d, keyword weight",
        lambda: F.conv2d(_IMAGES, weight=np.ones((2, 3, 3, 3), np.float32)),
        lambda: F.conv2d(ug.asarray(_IMAGES), ug.ones((2, 3, 3, 3))),
    ),
    (
        "embedding",
        lambda: F.embedding([0, 1], _LOGITS),
        lambda: F.embedding(ug.asarray(np.array([0, 1])), ug.asarray(_LOGITS)),
    ),
]


@pytest.mark.parametrize(("name", "given", "tensors"), ARRAY_LIKE_CALLS, ids=[c[0] for c in ARRAY_LIKE_CALLS])
def test_functional_calls_take_numpy_arrays_lists_and_numbers(ug_backend, name, given, tensors):
    """Converted once at ug.nn.functional's boundary, as model(np_array) is: the result is a
    tensor of the active backend, equal to the call made with tensors."""
    got, want = given(), tensors()
    assert ug.config.active_backend().is_tensor(got)
    np.testing.assert_allclose(values(got), values(want), rtol=1e-6)


def test_a_float64_array_into_float32_weights_is_a_dtype_error_naming_both(ug_backend):
    with pytest.raises(ug.DTypeError, match=r"float64.*float32|float32.*float64"):
        F.linear(_LOGITS.astype(np.float64), ug.ones((2, 4)))


def test_relu_inplace_writes_into_its_input_on_torch_and_computes_out_of_place_on_tensorflow(ug_backend):
    x = ug.asarray(np.array([-1.0, 2.0], np.float32)) * 1.0
    y = ug.nn.ReLU(inplace=True)(x)
    assert values(y).tolist() == [0.0, 2.0]
    assert values(x).tolist() == ([0.0, 2.0] if ug.get_backend() == "torch" else [-1.0, 2.0])
    z = ug.asarray(np.array([-1.0, 2.0], np.float32)) * 1.0
    assert values(F.leaky_relu(z, 0.5, inplace=True)).tolist() == [-0.5, 2.0]
    assert values(z).tolist()[0] == (-0.5 if ug.get_backend() == "torch" else -1.0)


def test_adaptive_log_softmax_errors_name_what_was_given(ug_backend):
    asm = ug.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 7])
    with pytest.raises(ug.LabelError, match=r"label 10 is out of range; target values should be in \[0, 9\]"):
        asm(ug.ones((3, 8)), ug.asarray([0, 5, 10]))
    with pytest.raises(ug.ShapeError, match=r"same size in the batch dimension.*\(3, 8\).*\(2,\)"):
        asm(ug.ones((3, 8)), ug.asarray([0, 5]))
    with pytest.raises(ug.ShapeError, match=r"0D target tensor expects 1D input"):
        asm(ug.ones((3, 8)), ug.asarray(1))
    with pytest.raises(ug.ShapeError, match="multi-target not supported"):
        asm(ug.ones((3, 8)), ug.ones((3, 2), dtype=ug.int64))
    with pytest.raises(ug.ArgumentError, match=r"between 1 and n_classes-1 \(9\), got \[7, 4\]"):
        ug.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [7, 4])
    with pytest.raises(ug.ArgumentError, match="length larger than 0"):
        ug.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [])


def test_linear_cross_entropy_errors_and_repr_are_torchs(ug_backend):
    x, w = ug.ones((2, 3)), ug.ones((4, 3))
    with pytest.raises(ug.ShapeError, match="expected equal input and linear_weight last dimensions"):
        F.linear_cross_entropy(x, ug.ones((4, 5)), ug.asarray([0, 1]))
    with pytest.raises(ug.ShapeError, match=r"expected linear_bias shape \(4,\)"):
        F.linear_cross_entropy(x, w, ug.asarray([0, 1]), linear_bias=ug.ones((3,)))
    with pytest.raises(ug.ShapeError, match="requires batched input"):
        F.linear_cross_entropy(ug.ones((3,)), ug.ones((4, 2, 3)), ug.asarray(0))
    with pytest.raises(ug.ArgumentError, match="ignore_index cannot be specified"):
        F.linear_cross_entropy(x, w, ug.ones((2, 4)) / 4, ignore_index=1)
    with pytest.raises(ug.ShapeError, match=r"expected weight shape to be \(4,\)"):
        ug.nn.LinearCrossEntropyLoss(3, 4, weight=ug.ones((3,)))
    ours, theirs = (
        ug.nn.LinearCrossEntropyLoss(3, 4, bias=True),
        torch.nn.LinearCrossEntropyLoss(3, 4, bias=True),
    )
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["linear.weight", "linear.bias"]
    weighted = ug.nn.LinearCrossEntropyLoss(3, 4, weight=ug.ones((4,)))
    assert list(weighted.state_dict()) == ["weight", "linear.weight"]


def test_cross_map_lrn2d_forward_is_torchs_quirk_included(ug_backend):
    x = np.random.default_rng(0).standard_normal((2, 7, 3, 4)).astype(np.float64)
    for size in (1, 2, 3, 4, 5, 9):
        expected = torch.nn.CrossMapLRN2d(size, 0.5, 0.75, 1.0)(torch.as_tensor(x)).numpy()
        np.testing.assert_allclose(
            ug.to_numpy(ug.nn.CrossMapLRN2d(size, 0.5, 0.75, 1.0)(ug.asarray(x))), expected, rtol=1e-12
        )
    assert repr(ug.nn.CrossMapLRN2d(3)) == repr(torch.nn.CrossMapLRN2d(3))
    with pytest.raises(ug.ShapeError, match=r"expected input to be 4D \(N, C, H, W\), got 3D"):
        ug.nn.CrossMapLRN2d(3)(ug.ones((2, 3, 4)))


def test_linear_takes_one_sample_without_a_batch_axis_as_torch(ug_backend):
    ug.random.seed(0)
    layer = ug.nn.Linear(6, 5)
    x = rng.standard_normal(6).astype(np.float32)
    want = values(layer(ug.asarray(x[None])))[0]
    got = values(layer(ug.asarray(x)))
    assert got.shape == (5,)
    np.testing.assert_allclose(got, want, rtol=1e-6)
