"""What the layer tests share: run a unigrad layer and its PyTorch twin, compare values and gradients.

``check_layer(make, make_torch, inputs)`` builds the unigrad layer on every
installed backend from the same seed, checks that the initial state dicts are
bit-identical, loads that state into the PyTorch reference layer, and compares
outputs and the gradients of ``sum(output * cotangent)`` with respect to every
float input and every parameter: across backends and against PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from support import BACKENDS

import unigrad as ug


@dataclass
class Run:
    outputs: list[np.ndarray]
    input_grads: list[np.ndarray | None]
    param_grads: dict[str, np.ndarray]
    state: dict[str, np.ndarray]
    # the state after the forward pass (running statistics a training step moved)
    after: dict[str, np.ndarray] | None = None


def leaves(value: Any) -> list[Any]:
    """Tensors inside nested tuples and lists, in order, ``None`` skipped."""
    if value is None:
        return []
    if isinstance(value, (tuple, list)):
        return [leaf for v in value for leaf in leaves(v)]
    return [value]


def cotangent(shape: Sequence[int], index: int, dtype: Any) -> np.ndarray:
    """A fixed random seed for the output gradient, so every output counts."""
    return np.random.default_rng(1000 + index).standard_normal(tuple(shape)).astype(dtype)


def _is_float(a: Any) -> bool:
    return isinstance(a, np.ndarray) and a.dtype.kind == "f"


def run_layer(
    make: Callable[[], Any],
    inputs: Sequence[Any],
    backend: str,
    *,
    seed: int = 0,
    call: Callable[..., Any] | None = None,
    prepare: Callable[[Any], Any] | None = None,
    grads: bool = True,
) -> Run:
    """Seed, build ``make()`` on ``backend``, run it on ``inputs`` (NumPy) under a tape."""
    with ug.use_backend(backend):
        ug.random.seed(seed)
        layer = make()
        if prepare is not None:
            prepare(layer)
        is_module = isinstance(layer, ug.nn.Module)
        state = {k: np.array(ug.to_numpy(v)) for k, v in layer.state_dict().items()} if is_module else {}
        xs = [ug.asarray(a) if isinstance(a, np.ndarray) else a for a in inputs]
        params = dict(layer.named_parameters()) if is_module else {}
        with ug.GradientTape() as tape:
            watched = [x for x, a in zip(xs, inputs) if _is_float(a)]
            tape.watch(watched)
            outs = leaves(call(layer, *xs) if call is not None else layer(*xs))
            loss = None
            for i, out in enumerate(outs):
                term = ug.sum(out * ug.asarray(cotangent(out.shape, i, ug.to_numpy(out).dtype)))
                loss = term if loss is None else loss + term
        result = Run([np.array(ug.to_numpy(o)) for o in outs], [], {}, state)
        if is_module:
            result.after = {k: np.array(ug.to_numpy(v)) for k, v in layer.state_dict().items()}
        if grads:
            found = tape.gradient(loss, [*watched, *params.values()])
            as_numpy = [None if g is None else np.array(ug.to_numpy(g)) for g in found]
            result.input_grads = as_numpy[: len(watched)]
            result.param_grads = dict(zip(params, as_numpy[len(watched) :]))
        return result


def run_torch(
    module: torch.nn.Module,
    state: dict[str, np.ndarray],
    inputs: Sequence[Any],
    call: Callable[..., Any] | None = None,
) -> Run:
    """The PyTorch reference with the unigrad layer's state, same inputs and cotangents."""
    module.load_state_dict({k: torch.as_tensor(v) for k, v in state.items()})
    xs = [torch.tensor(a, requires_grad=_is_float(a)) if isinstance(a, np.ndarray) else a for a in inputs]
    outs = leaves(call(module, *xs) if call is not None else module(*xs))
    loss = sum(
        (o * torch.as_tensor(cotangent(o.shape, i, o.detach().numpy().dtype))).sum()
        for i, o in enumerate(outs)
    )
    loss.backward()
    return Run(
        [o.detach().numpy() for o in outs],
        [
            x.grad.numpy() if x.grad is not None else None
            for x in xs
            if isinstance(x, torch.Tensor) and x.requires_grad
        ],
        {name: p.grad.numpy() for name, p in module.named_parameters() if p.grad is not None},
        {k: v.detach().numpy() for k, v in module.state_dict().items()},
    )


def tolerance(inputs: Sequence[Any]) -> tuple[float, float]:
    doubles = any(_is_float(a) and a.dtype == np.float64 for a in inputs)
    return (1e-9, 1e-10) if doubles else (2e-5, 2e-5)


def assert_runs_close(actual: Run, expected: Run, what: str, rtol: float, atol: float) -> None:
    assert len(actual.outputs) == len(expected.outputs), (
        f"{what}: {len(actual.outputs)} outputs vs {len(expected.outputs)}"
    )
    for i, (a, e) in enumerate(zip(actual.outputs, expected.outputs)):
        np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, err_msg=f"{what}: output {i}")
    for i, (a, e) in enumerate(zip(actual.input_grads, expected.input_grads)):
        assert (a is None) == (e is None), f"{what}: input {i} gradient {a} vs {e}"
        if a is not None:
            np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, err_msg=f"{what}: gradient of input {i}")
    assert set(actual.param_grads) == set(expected.param_grads), f"{what}: parameters differ"
    for name, a in actual.param_grads.items():
        np.testing.assert_allclose(
            a, expected.param_grads[name], rtol=rtol, atol=atol, err_msg=f"{what}: gradient of {name}"
        )


def check_layer(
    make: Callable[[], Any],
    make_torch: Callable[[], torch.nn.Module],
    inputs: Sequence[Any],
    *,
    call: Callable[..., Any] | None = None,
    torch_call: Callable[..., Any] | None = None,
    prepare: Callable[[Any], Any] | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    seed: int = 0,
) -> dict[str, Run]:
    """The unigrad layer on every backend agrees with itself (state bit for bit) and with PyTorch."""
    default = tolerance(inputs)
    rtol, atol = rtol if rtol is not None else default[0], atol if atol is not None else default[1]
    runs = {b: run_layer(make, inputs, b, seed=seed, call=call, prepare=prepare) for b in BACKENDS}
    first = runs[BACKENDS[0]]
    for backend, result in runs.items():
        assert list(result.state) == list(first.state), f"{backend}: state dict keys {list(result.state)}"
        for key, value in result.state.items():
            assert value.dtype == first.state[key].dtype and value.tobytes() == first.state[key].tobytes(), (
                f"{key} differs between {BACKENDS[0]} and {backend} for the same seed"
            )
    reference_module = make_torch()
    if any(_is_float(a) and a.dtype == np.float64 for a in inputs):
        reference_module = reference_module.double()
    reference = run_torch(reference_module, first.state, inputs, torch_call or call)
    assert list(reference.state) == list(first.state), (
        f"state dict keys {list(first.state)} vs PyTorch's {list(reference.state)}"
    )
    for backend, result in runs.items():
        assert_runs_close(result, reference, f"{backend} vs torch.nn", rtol, atol)
        for key, value in (result.after or {}).items():  # buffers after the forward (running statistics)
            np.testing.assert_allclose(
                value,
                reference.state[key],
                rtol=rtol,
                atol=atol,
                err_msg=f"{backend}: {key} after the forward",
            )
    return runs


def check_paths(
    function: Callable[..., Any],
    generic: Callable[..., Any],
    inputs: Sequence[Any],
    *,
    rtol: float | None = None,
    atol: float | None = None,
) -> None:
    """On every backend the fast path (``function``, the public one) agrees with the generic definition.

    Both take the inputs as tensors (NumPy arrays are converted) and return a
    tensor or a tuple of them (``None`` skipped); gradients are compared for
    every float input.
    """
    default = tolerance(inputs)
    rtol, atol = rtol if rtol is not None else default[0], atol if atol is not None else default[1]
    for backend in BACKENDS:
        fast = run_layer(lambda: function, inputs, backend, call=lambda f, *xs: f(*xs))
        slow = run_layer(lambda: generic, inputs, backend, call=lambda f, *xs: f(*xs))
        assert_runs_close(fast, slow, f"{backend}: fast path vs generic", rtol, atol)
