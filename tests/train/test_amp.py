"""Mixed precision: ``ug.autocast`` against ``torch.autocast``, ``GradScaler`` against
``torch.amp.GradScaler``, and ``fit(precision=...)`` agreeing across backends."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from fit_support import BOTH, blobs, mlp, quiet_fit, sgd

import unigrad as ug
import unigrad.nn.functional as F
from unigrad.amp import GradScaler, autocast, float32_inputs, get_autocast_dtype, is_autocast_enabled
from unigrad.errors import ArgumentError, DTypeError, UsageError
from unigrad.train.errors import FitArgumentError

TF = torch.nn.functional
BF16_TOLERANCE = {"rtol": 1.6e-2, "atol": 2e-2}  # a few bfloat16 roundings of O(1) values


def _inputs(*shapes: tuple[int, ...], seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape).astype(np.float32) for shape in shapes]


def _bf16(t):
    return ug.astype(t, ug.bfloat16)


# name: (shapes of the float32 inputs, the unigrad function, torch's), each run under bf16 autocast
CASES = {
    "linear": ([(4, 8), (6, 8), (6,)], F.linear, TF.linear),
    "matmul": ([(2, 4, 8), (8, 5)], ug.matmul, torch.matmul),
    "einsum": ([(4, 8), (6, 8)], lambda a, b: ug.einsum("ij,kj->ik", a, b), lambda a, b: torch.einsum("ij,kj->ik", a, b)),
    "tensordot": ([(4, 8), (8, 3)], lambda a, b: ug.tensordot(a, b, axes=1), lambda a, b: torch.tensordot(a, b, dims=1)),
    "conv1d": ([(2, 3, 9), (4, 3, 3), (4,)], F.conv1d, TF.conv1d),
    "conv2d": ([(2, 3, 8, 8), (4, 3, 3, 3), (4,)], F.conv2d, TF.conv2d),
    "conv2d_grouped": ([(2, 4, 6, 6), (4, 2, 3, 3)], lambda x, w: F.conv2d(x, w, groups=2), lambda x, w: TF.conv2d(x, w, groups=2)),
    "conv3d": ([(1, 2, 4, 4, 4), (3, 2, 2, 2, 2)], F.conv3d, TF.conv3d),
    "conv_transpose1d": ([(2, 3, 7), (3, 4, 3)], F.conv_transpose1d, TF.conv_transpose1d),
    "conv_transpose2d": ([(2, 3, 5, 5), (3, 4, 3, 3)], lambda x, w: F.conv_transpose2d(x, w, stride=2), lambda x, w: TF.conv_transpose2d(x, w, stride=2)),
    "sdpa": ([(2, 3, 5, 8), (2, 3, 6, 8), (2, 3, 6, 8)], F.scaled_dot_product_attention, TF.scaled_dot_product_attention),
    "sdpa_causal": ([(2, 5, 8), (2, 5, 8), (2, 5, 8)], lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True), lambda q, k, v: TF.scaled_dot_product_attention(q, k, v, is_causal=True)),
    # the float32 list: bfloat16 in, float32 out
    "cross_entropy": ([(6, 5)], lambda z: F.cross_entropy(_bf16(z), ug.asarray(np.arange(6) % 5)), lambda z: TF.cross_entropy(z.bfloat16(), torch.arange(6) % 5)),
    "max_pool3d": ([(1, 2, 4, 4, 4)], lambda x: F.max_pool3d(_bf16(x), 2), lambda x: TF.max_pool3d(x.bfloat16(), 2)),
    "avg_pool3d": ([(1, 2, 4, 4, 4)], lambda x: F.avg_pool3d(_bf16(x), 2), lambda x: TF.avg_pool3d(x.bfloat16(), 2)),
    # unigrad's losses written over ops, on torch's float32 list too
    "mse_loss": ([(4, 3), (4, 3)], lambda x, t: F.mse_loss(_bf16(x), _bf16(t)), lambda x, t: TF.mse_loss(x.bfloat16(), t.bfloat16())),
    "l1_loss": ([(4, 3), (4, 3)], lambda x, t: F.l1_loss(_bf16(x), _bf16(t)), lambda x, t: TF.l1_loss(x.bfloat16(), t.bfloat16())),
    "huber_loss": ([(4, 3), (4, 3)], lambda x, t: F.huber_loss(_bf16(x), _bf16(t)), lambda x, t: TF.huber_loss(x.bfloat16(), t.bfloat16())),
    "nll_loss": ([(6, 5)], lambda z: F.nll_loss(_bf16(z), ug.asarray(np.arange(6) % 5)), lambda z: TF.nll_loss(z.bfloat16(), torch.arange(6) % 5)),
    "bce_with_logits": ([(4, 3), (4, 3)], lambda x, t: F.binary_cross_entropy_with_logits(_bf16(x), _bf16(t)), lambda x, t: TF.binary_cross_entropy_with_logits(x.bfloat16(), t.bfloat16())),
    "cross_entropy_smoothed": ([(6, 5)], lambda z: F.cross_entropy(_bf16(z), ug.asarray(np.arange(6) % 5), label_smoothing=0.1), lambda z: TF.cross_entropy(z.bfloat16(), torch.arange(6) % 5, label_smoothing=0.1)),
    # neither list: the input's dtype (a bfloat16 input with float32 weights)
    "layer_norm": ([(4, 8), (8,), (8,)], lambda x, w, b: F.layer_norm(_bf16(x), (8,), w, b), lambda x, w, b: TF.layer_norm(x.bfloat16(), (8,), w, b)),
    "group_norm": ([(4, 6, 3), (6,), (6,)], lambda x, w, b: F.group_norm(_bf16(x), 2, w, b), lambda x, w, b: TF.group_norm(x.bfloat16(), 2, w, b)),
    "softmax": ([(4, 8)], lambda x: F.softmax(_bf16(x), dim=-1), lambda x: TF.softmax(x.bfloat16(), dim=-1)),
    "relu": ([(4, 8)], lambda x: F.relu(_bf16(x)), lambda x: TF.relu(x.bfloat16())),
    "embedding": ([(5, 3)], lambda w: F.embedding(ug.asarray(np.array([1, 4])), w), lambda w: TF.embedding(torch.tensor([1, 4]), w)),
    # a product's bfloat16 result meeting float32 elsewhere: promoted, as torch does
    "linear_then_mse": ([(4, 8), (3, 8), (4, 3)], lambda x, w, t: F.mse_loss(F.linear(x, w), t), lambda x, w, t: TF.mse_loss(TF.linear(x, w), t)),
    "residual": ([(4, 8), (8, 8)], lambda x, w: x + F.linear(x, w), lambda x, w: x + TF.linear(x, w)),
    "residual_scaled": ([(4, 8), (8, 8)], lambda x, w: F.linear(x, w) * 0.5 - x, lambda x, w: TF.linear(x, w) * 0.5 - x),
}  # fmt: skip


def _torch_reference(torch_fn, arrays):
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = torch_fn(*(torch.from_numpy(a) for a in arrays))
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_an_op_under_autocast_gives_torch_autocasts_dtype_and_values(ug_backend, name):
    shapes, ug_fn, torch_fn = CASES[name]
    arrays = _inputs(*shapes)
    expected = _torch_reference(torch_fn, arrays)
    with autocast(dtype=ug.bfloat16):
        got = ug_fn(*(ug.asarray(a) for a in arrays))
    assert ug.as_dtype(got.dtype) == ug.as_dtype(expected.dtype), name
    np.testing.assert_allclose(
        np.asarray(ug.to_numpy(ug.astype(got, ug.float32))),
        expected.float().numpy(),
        **BF16_TOLERANCE,
        err_msg=name,
    )


@pytest.mark.parametrize(
    ("name", "make_ug", "make_torch", "shape"),
    [
        ("lstm", lambda: ug.nn.LSTM(8, 4), lambda: torch.nn.LSTM(8, 4), (3, 2, 8)),
        ("gru", lambda: ug.nn.GRU(8, 4), lambda: torch.nn.GRU(8, 4), (3, 2, 8)),
        ("rnn", lambda: ug.nn.RNN(8, 4), lambda: torch.nn.RNN(8, 4), (3, 2, 8)),
        (
            "multihead",
            lambda: ug.nn.MultiheadAttention(8, 2),
            lambda: torch.nn.MultiheadAttention(8, 2),
            None,
        ),
        ("batchnorm", lambda: ug.nn.BatchNorm1d(8), lambda: torch.nn.BatchNorm1d(8), None),
    ],
)
def test_a_layer_under_autocast_gives_the_dtypes_and_values_of_torchs(
    ug_backend, name, make_ug, make_torch, shape
):
    ug.random.seed(0)
    layer = make_ug()
    reference = make_torch()
    reference.load_state_dict(
        {k: torch.from_numpy(np.array(ug.to_numpy(v))) for k, v in layer.state_dict().items()}
    )
    if name == "multihead":
        arrays = _inputs((3, 2, 8), (4, 2, 8), (4, 2, 8))
    elif name == "batchnorm":  # a bfloat16 input (a product's output) with float32 weights and statistics
        arrays = _inputs((6, 8))
    else:
        arrays = _inputs(shape)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        tensors = [torch.from_numpy(a) for a in arrays]
        expected = reference(tensors[0].bfloat16()) if name == "batchnorm" else reference(*tensors)
    with autocast():
        inputs = [ug.asarray(a) for a in arrays]
        got = layer(_bf16(inputs[0])) if name == "batchnorm" else layer(*inputs)
    got_leaves, expected_leaves = ug.tree.flatten(got)[0], ug.tree.flatten(expected)[0]
    got_leaves = [g for g in got_leaves if g is not None]
    expected_leaves = [e for e in expected_leaves if e is not None]
    for g, e in zip(got_leaves, expected_leaves, strict=True):
        assert ug.as_dtype(g.dtype) == ug.as_dtype(e.dtype), name
        np.testing.assert_allclose(
            np.asarray(ug.to_numpy(ug.astype(g, ug.float32))), e.detach().float().numpy(), **BF16_TOLERANCE
        )


def _conv_net():
    return ug.nn.Sequential(
        ug.nn.Conv2d(3, 4, 3, padding=1),
        ug.nn.ReLU(),
        ug.nn.Flatten(),
        ug.nn.Linear(4 * 6 * 6, 5),
    )


def test_gradients_are_float32_for_float32_parameters_and_agree_with_torch(ug_backend):
    ug.random.seed(0)
    model = _conv_net()
    reference = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(144, 5)
    )
    reference.load_state_dict(
        {k: torch.from_numpy(np.array(ug.to_numpy(v))) for k, v in model.state_dict().items()}
    )
    (x,) = _inputs((2, 3, 6, 6))
    labels = np.array([1, 3])
    params = list(model.parameters())
    with ug.GradientTape() as tape, autocast():
        logits = model(ug.asarray(x))
        loss = F.cross_entropy(logits, ug.asarray(labels))
    grads = tape.gradient(loss, params)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        torch_loss = TF.cross_entropy(reference(torch.from_numpy(x)), torch.from_numpy(labels))
    torch_loss.backward()
    assert ug.as_dtype(logits.dtype) == ug.bfloat16 and ug.as_dtype(loss.dtype) == ug.float32
    for p, g, (name, q) in zip(params, grads, reference.named_parameters(), strict=True):
        assert ug.as_dtype(p.dtype) == ug.float32 and ug.as_dtype(g.dtype) == ug.float32, name
        np.testing.assert_allclose(
            np.asarray(ug.to_numpy(g)), q.grad.numpy(), rtol=3e-2, atol=3e-3, err_msg=name
        )


def test_autocast_nests_disables_and_decorates(ug_backend):
    (x, w) = (ug.asarray(a) for a in _inputs((2, 3), (4, 3)))
    assert not is_autocast_enabled() and get_autocast_dtype() is None
    with autocast(dtype=ug.float16):
        assert get_autocast_dtype() == ug.float16
        assert ug.as_dtype(F.linear(x, w).dtype) == ug.float16
        with autocast(enabled=False):
            assert not is_autocast_enabled()
            assert ug.as_dtype(F.linear(x, w).dtype) == ug.float32
        assert ug.as_dtype(F.linear(x, w).dtype) == ug.float16
    assert ug.as_dtype(F.linear(x, w).dtype) == ug.float32

    @autocast()
    def product(a, b):
        return ug.matmul(a, b)

    assert ug.as_dtype(product(x, ug.permute_dims(w, (1, 0))).dtype) == ug.bfloat16
    assert ug.as_dtype(ug.matmul(x, ug.permute_dims(w, (1, 0))).dtype) == ug.float32


def test_float32_inputs_widens_only_under_autocast(ug_backend):
    low = _bf16(ug.asarray([1.5, -2.0]))
    assert float32_inputs(low, None)[0] is low
    with autocast():
        wide, missing = float32_inputs(low, None)
    assert ug.as_dtype(wide.dtype) == ug.float32 and missing is None
    np.testing.assert_array_equal(np.asarray(ug.to_numpy(wide)), [1.5, -2.0])


def test_autocast_refuses_a_dtype_it_cannot_compute_in():
    with pytest.raises(DTypeError, match="bfloat16 or float16, got dtype float64"):
        autocast(dtype=ug.float64)


def test_autocast_holds_inside_a_compiled_function(ug_backend):
    if ug_backend == "torch":
        pytest.skip("torch.compile honours torch.autocast itself; compiling here costs seconds")
    (x, w) = (ug.asarray(a) for a in _inputs((2, 3), (4, 3)))

    @ug.function
    def forward(a, b):
        with autocast():
            return F.linear(a, b)

    assert ug.as_dtype(forward(x, w).dtype) == ug.bfloat16


# -- GradScaler ---------------------------------------------------------------------------------


FACTORS = [1.0, 1.0, float("inf"), 1.0, 1.0, 1.0, float("nan"), 1.0, 1.0]
SCALER_OPTIONS = {"init_scale": 8.0, "growth_factor": 2.0, "backoff_factor": 0.25, "growth_interval": 2}


def _torch_sequence():
    w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    opt = torch.optim.SGD([w], lr=0.1)
    scaler = torch.amp.GradScaler("cpu", **SCALER_OPTIONS)
    scales = []
    for factor in FACTORS:
        opt.zero_grad()
        scaler.scale(torch.sum(w * w * factor)).backward()
        scaler.step(opt)
        scaler.update()
        scales.append(scaler.get_scale())
    return scales, w.detach().numpy(), scaler.state_dict()


def _ug_sequence(compiled: bool = False):
    w = ug.nn.Parameter(ug.asarray([1.0, -2.0]))
    opt = ug.optim.SGD([w], lr=0.1)
    scaler = GradScaler(**SCALER_OPTIONS)

    def step(factor):
        with ug.GradientTape() as tape:
            scaled = scaler.scale(ug.sum(w * w * factor))
        scaler.step(opt, tape.gradient(scaled, [w]))
        scaler.update()

    run = ug.function(step) if compiled else step
    scales = []
    for factor in FACTORS:
        run(ug.asarray(factor))
        scales.append(scaler.get_scale())
    return scales, np.asarray(ug.to_numpy(w)), scaler


def test_grad_scaler_matches_torchs_scale_sequence_and_skips_bad_steps(ug_backend):
    torch_scales, torch_w, torch_state = _torch_sequence()
    scales, w, scaler = _ug_sequence()
    # a skipped step (inf, nan) backs the scale off and leaves the weights; two good ones grow it
    assert torch_scales == [8.0, 16.0, 4.0, 4.0, 8.0, 8.0, 2.0, 2.0, 4.0]
    assert scales == torch_scales
    np.testing.assert_allclose(w, torch_w, rtol=1e-6)
    assert scaler.state_dict() == torch_state


def test_grad_scaler_skips_in_a_compiled_step(ug_backend):
    if ug_backend == "torch":
        pytest.skip(
            "torch.compile breaks its graph at the check, as torch.amp.GradScaler; compiling costs seconds"
        )
    torch_scales, torch_w, _ = _torch_sequence()
    scales, w, _ = _ug_sequence(compiled=True)
    assert scales == torch_scales
    np.testing.assert_allclose(w, torch_w, rtol=1e-6)


def test_unscale_before_clipping_matches_torch(ug_backend):
    w = ug.nn.Parameter(ug.asarray([3.0, -4.0]))
    opt = ug.optim.SGD([w], lr=0.5)
    scaler = GradScaler(init_scale=1024.0)
    with ug.GradientTape() as tape:
        scaled = scaler.scale(ug.sum(w * w))
    grads = tape.gradient(scaled, [w])
    assert scaler.unscale_(opt, grads) is grads
    np.testing.assert_allclose(np.asarray(ug.to_numpy(grads[0])), [6.0, -8.0])
    with pytest.raises(UsageError, match="already called"):
        scaler.unscale_(opt, grads)
    ug.nn.utils.clip_grad_norm_(grads, 1.0)
    scaler.step(opt, grads)  # already unscaled: not again
    with pytest.raises(UsageError, match="update"):
        scaler.step(opt, grads)
    scaler.update()

    tw = torch.nn.Parameter(torch.tensor([3.0, -4.0]))
    topt = torch.optim.SGD([tw], lr=0.5)
    tscaler = torch.amp.GradScaler("cpu", init_scale=1024.0)
    tscaler.scale(torch.sum(tw * tw)).backward()
    tscaler.unscale_(topt)
    torch.nn.utils.clip_grad_norm_([tw], 1.0)
    tscaler.step(topt)
    np.testing.assert_allclose(np.asarray(ug.to_numpy(w)), tw.detach().numpy(), rtol=1e-6)


def test_grad_scaler_state_dict_loads_torchs_and_step_needs_gradients(ug_backend):
    _, _, torch_state = _torch_sequence()
    scaler = GradScaler()
    scaler.load_state_dict(torch_state)
    assert scaler.state_dict() == torch_state
    w = ug.nn.Parameter(ug.asarray([1.0]))
    with pytest.raises(ArgumentError, match="needs the gradients"):
        scaler.step(ug.optim.SGD([w], lr=0.1))
    disabled = GradScaler(enabled=False)
    assert disabled.scale(w) is w and disabled.get_scale() == 1.0 and disabled.state_dict() == {}


def test_grad_scaler_refuses_float16_gradients(ug_backend):
    w = ug.nn.Parameter(ug.asarray([1.0], dtype=ug.float16))
    scaler = GradScaler()
    with ug.GradientTape() as tape:
        scaled = scaler.scale(ug.sum(w * w))
    with pytest.raises(DTypeError, match="float16 gradients"):
        scaler.step(ug.optim.SGD([w], lr=0.1), tape.gradient(scaled, [w]))


# -- fit(precision=...) --------------------------------------------------------------------------

FIT_TOLERANCE = {"rtol": 2e-2, "atol": 5e-3}  # the stated agreement of bf16-mixed curves (docs/training.md)


def _fit(backend, precision, epochs=4, compile=False):
    x, y = blobs()
    model = mlp(backend)
    with ug.use_backend(backend):
        history = quiet_fit(
            model, x, y, loss="cross_entropy", optimizer=sgd(model, 0.2), epochs=epochs, batch_size=16,
            seed=0, metrics=["accuracy"], validation_split=0.25, precision=precision, compile=compile,
        )  # fmt: skip
    return history.history, model


def test_fit_bf16_mixed_trains_with_float32_weights(ug_backend):
    history, model = _fit(ug_backend, "bf16-mixed")
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert all(ug.as_dtype(p.dtype) == ug.float32 for p in model.parameters())
    full, _ = _fit(ug_backend, "32")
    np.testing.assert_allclose(history["loss"], full["loss"], **FIT_TOLERANCE)


@pytest.mark.skipif(not BOTH, reason="needs torch and tensorflow")
def test_fit_bf16_mixed_curves_agree_across_backends():
    runs = {backend: _fit(backend, "bf16-mixed")[0] for backend in ("torch", "tensorflow")}
    for key in runs["torch"]:
        np.testing.assert_allclose(runs["torch"][key], runs["tensorflow"][key], **FIT_TOLERANCE, err_msg=key)


def test_fit_16_mixed_scales_the_loss_and_trains(ug_backend):
    history, model = _fit(ug_backend, "16-mixed")
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert all(ug.as_dtype(p.dtype) == ug.float32 for p in model.parameters())


@pytest.mark.parametrize("precision", ["bf16-mixed", "16-mixed"])
def test_a_compiled_mixed_precision_fit_matches_the_eager_one(ug_backend, precision):
    if ug_backend == "torch":
        pytest.skip("torch.compile costs seconds here; the step is the same Python code")
    eager, _ = _fit(ug_backend, precision, epochs=2)
    compiled, _ = _fit(ug_backend, precision, epochs=2, compile=True)
    for key in eager:
        # bfloat16 roundings differ where the graph fuses a product with its bias (one rounding, not two)
        np.testing.assert_allclose(compiled[key], eager[key], **FIT_TOLERANCE, err_msg=key)


def test_fit_names_the_precisions_it_accepts():
    x, y = blobs()
    model = mlp(ug.get_backend())
    with pytest.raises(
        FitArgumentError, match=r"unknown precision 'fp8'; use one of '32', .*'bf16-mixed', '16-mixed'"
    ):
        quiet_fit(model, x, y, loss="cross_entropy", optimizer="sgd", precision="fp8")
