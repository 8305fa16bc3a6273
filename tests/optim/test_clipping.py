"""clip_grad_norm / clip_grad_value against torch.nn.utils' in-place versions."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import unigrad as ug

rng = np.random.default_rng(3)
GRADS = [rng.standard_normal((4, 5)), rng.standard_normal(5), rng.standard_normal(())]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])  # clipped, and a coefficient clamped to 1
def test_clip_grad_norm_matches_torch(ug_backend, dtype, norm_type, max_norm):
    arrays = [g.astype(dtype) for g in GRADS]
    reference = [
        torch.nn.Parameter(
            torch.zeros(a.shape, dtype=torch.float64 if dtype == np.float64 else torch.float32)
        )
        for a in arrays
    ]
    for p, a in zip(reference, arrays):
        p.grad = torch.tensor(a)
    expected_norm = torch.nn.utils.clip_grad_norm_(reference, max_norm, norm_type)
    grads = [ug.asarray(a) for a in arrays]
    clipped, norm = ug.optim.clip_grad_norm([grads[0], None, grads[1], grads[2]], max_norm, norm_type)
    rtol = 1e-12 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(ug.to_numpy(norm), expected_norm.numpy(), rtol=rtol)
    assert clipped[1] is None
    for got, p in zip([clipped[0], clipped[2], clipped[3]], reference):
        assert ug.to_numpy(got).dtype == dtype
        np.testing.assert_allclose(ug.to_numpy(got), p.grad.numpy(), rtol=rtol)
    for g, a in zip(grads, arrays):  # functional: the inputs are left alone
        np.testing.assert_array_equal(ug.to_numpy(g), a)


def test_clip_grad_norm_without_gradients(ug_backend):
    clipped, norm = ug.optim.clip_grad_norm([None, None], 1.0)
    assert clipped == [None, None] and float(ug.to_numpy(norm)) == 0.0


def test_clip_grad_norm_on_the_gradients_backend():
    backends = ug.available_backends()
    with ug.use_backend(backends[0]):
        grad = ug.asarray([3.0, 4.0])
    with ug.use_backend(backends[-1]):
        (clipped,), _ = ug.optim.clip_grad_norm([grad], 1.0)
    assert type(clipped) is type(grad) or backends[0] == "tensorflow"
    np.testing.assert_allclose(ug.to_numpy(clipped), [0.6, 0.8], rtol=1e-5)


def test_clip_grad_value_matches_torch(ug_backend):
    reference = [torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64)) for g in GRADS]
    for p, g in zip(reference, GRADS):
        p.grad = torch.tensor(g)
    torch.nn.utils.clip_grad_value_(reference, 0.7)
    clipped = ug.optim.clip_grad_value([None, *(ug.asarray(g) for g in GRADS)], 0.7)
    assert clipped[0] is None
    for got, p in zip(clipped[1:], reference):
        np.testing.assert_array_equal(ug.to_numpy(got), p.grad.numpy())
    with pytest.raises(ug.optim.OptimizerError, match="clip_value must be a number >= 0, got -1"):
        ug.optim.clip_grad_value([ug.ones(2)], -1)
