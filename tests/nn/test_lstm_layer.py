"""LSTM against torch.nn.LSTM, across backends, and the fast paths against the generic definition."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from layer_support import check_layer, check_paths, run_layer
from support import BACKENDS

import unigrad as ug
from unigrad.nn import reference as nn_reference
from unigrad.nn.functional import recurrent as functional_recurrent

rng = np.random.default_rng(3)


def seq(*shape, dtype=np.float32, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


CONFIGS = [
    dict(),
    dict(num_layers=2, bidirectional=True),
    dict(batch_first=True, bias=False),
    dict(num_layers=3, batch_first=True, bidirectional=True),
]


def with_state(m, x, h, c):
    return m(x, (h, c))


@pytest.mark.parametrize(
    "config", CONFIGS, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()) or "default"
)
def test_lstm_matches_torch(config):
    args = dict(input_size=3, hidden_size=5) | config
    x = seq(2, 6, 3) if config.get("batch_first") else seq(6, 2, 3)
    check_layer(lambda: ug.nn.LSTM(**args), lambda: torch.nn.LSTM(**args), [x])


@pytest.mark.parametrize("unbatched", [False, True], ids=["batched", "unbatched"])
def test_lstm_initial_state_matches_torch(unbatched):
    args = dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=True)
    batch = () if unbatched else (2,)
    inputs = [seq(5, *batch, 3), seq(4, *batch, 4), seq(4, *batch, 4)]
    check_layer(lambda: ug.nn.LSTM(**args), lambda: torch.nn.LSTM(**args), inputs, call=with_state)


def test_lstm_float64_and_large_cells():
    args = dict(input_size=3, hidden_size=4, num_layers=2)
    check_layer(
        lambda: ug.nn.LSTM(**args, dtype=ug.float64),
        lambda: torch.nn.LSTM(**args),
        [seq(7, 2, 3, dtype=np.float64)],
    )
    # cell states far past TensorFlow's default clip of 3 must not be clipped
    make = lambda: ug.nn.LSTM(3, 4)  # noqa: E731

    def big(layer):
        layer.bias_ih_l0.assign(ug.full((16,), 4.0))

    runs = check_layer(
        make, lambda: torch.nn.LSTM(3, 4), [seq(12, 2, 3, scale=5.0)], prepare=big, rtol=1e-4, atol=1e-4
    )
    assert max(np.abs(r.outputs[2]).max() for r in runs.values()) > 6.0


@pytest.mark.parametrize(
    "config",
    [dict(num_layers=2), dict(num_layers=3, bidirectional=True, batch_first=True)],
    ids=["stacked", "bidirectional"],
)
def test_lstm_dropout_masks_agree_across_backends(config):
    args = dict(input_size=3, hidden_size=4, dropout=0.4) | config
    x = seq(2, 5, 3) if config.get("batch_first") else seq(5, 2, 3)
    runs = {b: run_layer(lambda: ug.nn.LSTM(**args), [x], b, seed=7) for b in BACKENDS}
    plain = run_layer(lambda: ug.nn.LSTM(**(args | dict(dropout=0.0))), [x], BACKENDS[0], seed=7)
    first = runs[BACKENDS[0]]
    assert not np.allclose(first.outputs[0], plain.outputs[0]), "dropout changed nothing"
    for backend, result in runs.items():
        for a, e in zip(result.outputs + result.input_grads, first.outputs + first.input_grads):
            np.testing.assert_allclose(a, e, rtol=2e-5, atol=2e-5, err_msg=backend)
        for name, grad in result.param_grads.items():
            np.testing.assert_allclose(grad, first.param_grads[name], rtol=2e-5, atol=2e-5, err_msg=name)
    # in evaluation dropout is off, as in PyTorch
    check_layer(
        lambda: ug.nn.LSTM(**args),
        lambda: torch.nn.LSTM(**args).eval(),
        [x],
        prepare=lambda layer: layer.eval(),
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "config",
    [(1, False, False, True), (2, True, True, True), (2, False, False, False)],
    ids=["single", "bidirectional", "no-bias"],
)
def test_lstm_fast_path_matches_generic(config, dtype):
    num_layers, bidirectional, batch_first, has_biases = config
    directions = 2 if bidirectional else 1
    weights = []
    for layer in range(num_layers):
        for _ in range(directions):
            inputs = 3 if layer == 0 else 4 * directions
            weights += [seq(16, inputs, dtype=dtype), seq(16, 4, dtype=dtype)]
            weights += [seq(16, dtype=dtype), seq(16, dtype=dtype)] if has_biases else []
    x = seq(2, 5, 3, dtype=dtype) if batch_first else seq(5, 2, 3, dtype=dtype)
    h0, c0 = seq(num_layers * directions, 2, 4, dtype=dtype), seq(num_layers * directions, 2, 4, dtype=dtype)
    options = (has_biases, num_layers, 0.0, True, bidirectional, batch_first)
    check_paths(
        lambda x, h, c, *w: functional_recurrent.lstm(x, (h, c), w, *options),
        lambda x, h, c, *w: nn_reference.lstm(x, (h, c), w, *options),
        [x, h0, c0, *weights],
    )


def test_lstm_errors_name_the_shapes(ug_backend):
    lstm = ug.nn.LSTM(3, 4, batch_first=True)
    with pytest.raises(ValueError, match=r"expects input of shape \(N, L, 3\).*got shape \(2, 5, 4\)"):
        lstm(ug.ones((2, 5, 4)))
    with pytest.raises(ug.ShapeError, match=r"got shape \(1, 2, 5, 3\)"):
        lstm(ug.ones((1, 2, 5, 3)))
    with pytest.raises(ug.ShapeError, match=r"expected h_0 of shape \(1, 2, 4\), got \(2, 2, 4\)"):
        lstm(ug.ones((2, 5, 3)), (ug.zeros((2, 2, 4)), ug.zeros((1, 2, 4))))
