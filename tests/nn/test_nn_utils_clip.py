"""ug.nn.utils' in-place clipping and parameter/vector conversion against torch.nn.utils."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import unigrad as ug

rng = np.random.default_rng(4)
GRADS = [rng.standard_normal((4, 5)), rng.standard_normal(5), rng.standard_normal(())]


def torch_reference(clip, *args, **kwargs):
    """Parameters whose .grad torch.nn.utils clipped in place, and what the call returned."""
    params = [torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64)) for g in GRADS]
    for p, g in zip(params, GRADS):
        p.grad = torch.tensor(g)
    return params, clip(params, *args, **kwargs)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm_in_place_matches_torch(ug_backend, norm_type, max_norm):
    reference, expected_norm = torch_reference(torch.nn.utils.clip_grad_norm_, max_norm, norm_type)
    grads = [ug.asarray(GRADS[0]), None, ug.asarray(GRADS[1]), ug.asarray(GRADS[2])]
    same_list = grads
    norm = ug.nn.utils.clip_grad_norm_(grads, max_norm, norm_type=norm_type)
    assert grads is same_list and grads[1] is None
    np.testing.assert_allclose(ug.to_numpy(norm), expected_norm.numpy(), rtol=1e-12)
    for got, p in zip([grads[0], grads[2], grads[3]], reference):
        np.testing.assert_allclose(ug.to_numpy(got), p.grad.numpy(), rtol=1e-12)


def test_clip_grad_norm_of_a_dict_and_then_a_step(ug_backend):
    params = {"a": ug.nn.Parameter(ug.zeros(2)), "b": ug.nn.Parameter(ug.zeros(1))}
    with ug.GradientTape() as tape:
        loss = ug.sum(params["a"] * ug.asarray([3.0, 0.0])) + ug.sum(params["b"] * 4.0)
    grads = tape.gradient(loss, params)
    norm = ug.nn.utils.clip_grad_norm_(grads, 1.0)
    assert float(ug.to_numpy(norm)) == pytest.approx(5.0)
    ug.optim.SGD(list(params.values()), lr=1.0).step(grads)
    np.testing.assert_allclose(ug.to_numpy(params["a"]), [-0.6, 0.0], rtol=1e-6)
    np.testing.assert_allclose(ug.to_numpy(params["b"]), [-0.8], rtol=1e-6)


@pytest.mark.backends("torch")
def test_clip_grad_norm_of_torch_parameters_scales_their_grad(ug_backend):
    """As in PyTorch: parameters (a generator too) whose .grad is clipped; one without .grad is skipped."""
    reference, expected_norm = torch_reference(torch.nn.utils.clip_grad_norm_, 0.5)
    params = [ug.nn.Parameter(ug.zeros(g.shape, dtype=ug.float64)) for g in GRADS]
    for p, g in zip(params, GRADS):
        p.grad = torch.tensor(g)
    skipped = ug.nn.Parameter(ug.zeros(3, dtype=ug.float64))
    norm = ug.nn.utils.clip_grad_norm_(iter([params[0], skipped, params[1], params[2]]), 0.5)
    np.testing.assert_allclose(ug.to_numpy(norm), expected_norm.numpy(), rtol=1e-12)
    for p, r in zip(params, reference):
        np.testing.assert_allclose(p.grad.numpy(), r.grad.numpy(), rtol=1e-12)
    assert skipped.grad is None
    single = ug.nn.Parameter(ug.zeros(5, dtype=ug.float64))
    single.grad = torch.tensor(GRADS[1])
    ug.nn.utils.clip_grad_value_(single, 0.3)
    np.testing.assert_array_equal(single.grad.numpy(), np.clip(GRADS[1], -0.3, 0.3))


def test_clip_grad_norm_error_if_nonfinite(ug_backend):
    grads = [ug.asarray([1.0, math.inf])]
    with pytest.raises(
        ug.optim.OptimizerError, match=r"total norm of order 2.0 of the gradients is non-finite \(inf\)"
    ):
        ug.nn.utils.clip_grad_norm_(grads, 1.0, error_if_nonfinite=True)
    assert math.isinf(float(ug.to_numpy(ug.nn.utils.clip_grad_norm_(grads, 1.0))))


def test_clip_grad_norm_without_gradients(ug_backend):
    grads = [None, None]
    assert float(ug.to_numpy(ug.nn.utils.clip_grad_norm_(grads, 1.0))) == 0.0 and grads == [None, None]
    assert float(ug.to_numpy(ug.nn.utils.clip_grad_norm_([], 1.0))) == 0.0


def test_clip_grad_value_in_place_matches_torch(ug_backend):
    reference, returned = torch_reference(torch.nn.utils.clip_grad_value_, 0.7)
    grads = [ug.asarray(g) for g in GRADS]
    assert ug.nn.utils.clip_grad_value_(grads, 0.7) is returned is None
    for got, p in zip(grads, reference):
        np.testing.assert_array_equal(ug.to_numpy(got), p.grad.numpy())


def test_clipping_what_cannot_change_in_place(ug_backend):
    with pytest.raises(TypeError, match=r"pass them in a list \(or dict\), which is updated, got tuple"):
        ug.nn.utils.clip_grad_norm_((ug.ones(2),), 1.0)
    if ug_backend == "tensorflow":
        with pytest.raises(TypeError, match=r"tensorflow parameters carry no \.grad; pass the gradients"):
            ug.nn.utils.clip_grad_value_([ug.nn.Parameter(ug.ones(2))], 1.0)


def test_parameters_to_vector_and_back_match_torch(ug_backend):
    reference = [torch.nn.Parameter(torch.tensor(g)) for g in GRADS]
    expected = torch.nn.utils.parameters_to_vector(reference)
    params = [ug.nn.Parameter(ug.asarray(g)) for g in GRADS]
    vector = ug.nn.utils.parameters_to_vector(params)
    np.testing.assert_array_equal(ug.to_numpy(vector), expected.detach().numpy())
    torch.nn.utils.vector_to_parameters(expected * 2, reference)
    ug.nn.utils.vector_to_parameters(vector * 2, params)
    for p, r in zip(params, reference):
        assert tuple(p.shape) == tuple(r.shape)
        np.testing.assert_array_equal(ug.to_numpy(p), r.detach().numpy())
    with pytest.raises(TypeError, match="expects a tensor for vec, got list"):
        ug.nn.utils.vector_to_parameters([1.0], params)
    with pytest.raises(ug.ShapeError, match=r"a vector of shape \(3,\) for parameters of 26 elements"):
        ug.nn.utils.vector_to_parameters(ug.zeros(3), params)
