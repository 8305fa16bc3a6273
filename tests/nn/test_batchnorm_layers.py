"""BatchNorm1d and BatchNorm2d against torch.nn: values, gradients, running statistics, modes."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from layer_support import check_layer, check_paths
from support import BACKENDS

import unigrad as ug
import unigrad.nn.functional as F
from unigrad.nn.functional import normalization as functional_normalization
from unigrad.nn.reference.normalization import batch_norm as reference_batch_norm

rng = np.random.default_rng(2)


def data(*shape, dtype=np.float32):
    return (rng.standard_normal(shape) * 2 + 0.5).astype(dtype)


CASES = [
    ("1d-NC", lambda **k: ug.nn.BatchNorm1d(4, **k), lambda **k: torch.nn.BatchNorm1d(4, **k), (6, 4)),
    ("1d-NCL", lambda **k: ug.nn.BatchNorm1d(4, **k), lambda **k: torch.nn.BatchNorm1d(4, **k), (3, 4, 5)),
    ("2d", lambda **k: ug.nn.BatchNorm2d(4, **k), lambda **k: torch.nn.BatchNorm2d(4, **k), (2, 4, 3, 5)),
]
OPTIONS = [dict(), dict(affine=False), dict(track_running_stats=False), dict(momentum=None, eps=1e-3)]


@pytest.mark.parametrize(
    "options", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default"
)
@pytest.mark.parametrize("name, make, make_torch, shape", CASES, ids=[c[0] for c in CASES])
def test_training_forward_and_gradients_match_torch(name, make, make_torch, shape, options):
    check_layer(lambda: make(**options), lambda: make_torch(**options), [data(*shape)])


def test_channels_last_and_float64():
    x = data(2, 3, 5, 4)  # NHWC
    check_layer(
        lambda: ug.nn.BatchNorm2d(4, data_format="channels_last"),
        lambda: torch.nn.BatchNorm2d(4),
        [x],
        torch_call=lambda m, t: m(t.permute(0, 3, 1, 2)).permute(0, 2, 3, 1),
    )
    check_layer(
        lambda: ug.nn.BatchNorm2d(4, dtype=ug.float64),
        lambda: torch.nn.BatchNorm2d(4),
        [data(2, 4, 3, 3, dtype=np.float64)],
    )


def _state(module):
    return {
        k: np.array(ug.to_numpy(v) if not isinstance(v, torch.Tensor) else v.detach().numpy())
        for k, v in module.state_dict().items()
    }


@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
@pytest.mark.parametrize("last", [False, True], ids=["nchw", "nhwc"])
def test_running_statistics_follow_torch_over_steps_and_eval_uses_them(momentum, last):
    batches = [data(4, 3, 2, 5) * (i + 1) for i in range(3)]
    reference = torch.nn.BatchNorm2d(3, momentum=momentum)
    for batch in batches:
        reference(torch.as_tensor(batch))
    reference.eval()
    probe = data(2, 3, 2, 5)
    expected_eval = reference(torch.as_tensor(probe)).detach().numpy()
    to_layout = (lambda a: a.transpose(0, 2, 3, 1)) if last else (lambda a: a)
    for backend in BACKENDS:
        with ug.use_backend(backend):
            layer = ug.nn.BatchNorm2d(
                3, momentum=momentum, data_format="channels_last" if last else "channels_first"
            )
            for batch in batches:
                layer(ug.asarray(to_layout(batch)))
            for key, value in _state(reference).items():
                np.testing.assert_allclose(
                    _state(layer)[key], value, rtol=1e-5, atol=1e-6, err_msg=f"{backend}: {key}"
                )
            assert ug.to_numpy(layer.num_batches_tracked).dtype == np.int64
            layer.eval()
            np.testing.assert_allclose(
                ug.to_numpy(layer(ug.asarray(to_layout(probe)))),
                to_layout(expected_eval),
                rtol=1e-5,
                atol=1e-5,
                err_msg=f"{backend}: eval output",
            )
            before = _state(layer)
            layer(ug.asarray(to_layout(probe)))
            assert all((before[k] == v).all() for k, v in _state(layer).items()), (
                "eval must not update statistics"
            )
            layer.train()
            layer(ug.asarray(to_layout(probe)))
            assert int(ug.to_numpy(layer.num_batches_tracked)) == 4


def test_eval_gradients_match_torch():
    def prepare(layer):
        layer.load_state_dict(
            {
                **layer.state_dict(),
                "running_mean": np.array([0.5, -1.0, 2.0], np.float32),
                "running_var": np.array([0.5, 2.0, 4.0], np.float32),
            }
        )
        layer.eval()

    def make_torch():
        return torch.nn.BatchNorm1d(3).eval()

    check_layer(lambda: ug.nn.BatchNorm1d(3), make_torch, [data(5, 3, 4)], prepare=prepare)


@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize(
    "shape, last",
    [((6, 4), False), ((3, 4, 5), False), ((2, 4, 3, 5), False), ((2, 3, 5, 4), True), ((3, 5, 4), True)],
    ids=["NC", "NCL", "NCHW", "NHWC", "NLC"],
)
def test_batch_norm_fast_path_matches_generic(shape, last, training):
    x, weight, bias = data(*shape), data(4), data(4)
    stats = (np.abs(data(4)), np.abs(data(4)) + 0.5)
    fmt = "channels_last" if last else "channels_first"

    def fast(x, weight, bias, mean, var):
        return functional_normalization.batch_norm_stats(x, mean, var, weight, bias, training, 0.3, 1e-4, fmt)

    def slow(x, weight, bias, mean, var):
        return reference_batch_norm(x, mean, var, weight, bias, training, 0.3, 1e-4, last)

    check_paths(fast, slow, [x, weight, bias, *stats], rtol=1e-5, atol=2e-5)


def test_functional_batch_norm_updates_in_place_like_torch(ug_backend):
    x = data(5, 3)
    expected_mean, expected_var = torch.zeros(3), torch.ones(3)
    expected = torch.nn.functional.batch_norm(
        torch.as_tensor(x), expected_mean, expected_var, training=True, momentum=0.2
    )
    mean = ug.nn.Parameter(ug.zeros(3), trainable=False)
    var = ug.nn.Parameter(ug.ones(3), trainable=False)
    y = F.batch_norm(ug.asarray(x), mean, var, training=True, momentum=0.2)
    np.testing.assert_allclose(ug.to_numpy(y), expected.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ug.to_numpy(mean), expected_mean.numpy(), rtol=1e-6)
    np.testing.assert_allclose(ug.to_numpy(var), expected_var.numpy(), rtol=1e-6)
    if ug_backend == "tensorflow":
        with pytest.raises(ug.BackendError, match="in place"):
            F.batch_norm(ug.asarray(x), ug.zeros(3), ug.ones(3), training=True)


def test_batchnorm_errors_name_the_shapes(ug_backend):
    with pytest.raises(
        ValueError, match=r"BatchNorm2d\(3\) expects input of shape \(N, 3, H, W\), got shape \(2, 4, 5, 5\)"
    ):
        ug.nn.BatchNorm2d(3)(ug.ones((2, 4, 5, 5)))
    with pytest.raises(
        ug.ShapeError, match=r"2-D \(N, C\) or 3-D \(N, C, L\) input, got shape \(2, 3, 4, 4\)"
    ):
        ug.nn.BatchNorm1d(3)(ug.ones((2, 3, 4, 4)))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        ug.nn.BatchNorm1d(3)(ug.ones((1, 3)))
    with pytest.raises(
        ug.ShapeError,
        match=r"running_mean of shape \(4,\) expects input of shape \(N, 4, L\), got input of shape \(2, 3, 5\)",
    ):
        F.batch_norm(ug.ones((2, 3, 5)), ug.zeros(4), ug.ones(4))
