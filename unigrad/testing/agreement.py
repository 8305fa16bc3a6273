"""``assert_backends_agree``: one line to check that a function or model gives the same numbers everywhere.

Examples:
    >>> import numpy as np, unigrad as ug
    >>> from unigrad.testing import assert_backends_agree
    >>> x = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    >>> assert_backends_agree(lambda: ug.nn.Linear(3, 2), x)   # a model: outputs and every gradient
    >>> assert_backends_agree(lambda t: ug.tanh(t) * 2.0, x)   # a function: outputs and input gradients
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import config, random, tree
from ..autograd import GradientTape
from ..errors import ArgumentError, ArgumentTypeError
from ..nn.module import Module
from ..ops.conversion import backend_of, to_numpy
from ..ops.creation import asarray, astype
from ..ops.manipulation import reshape
from ..ops.statistical import sum as ug_sum

__all__ = ["assert_backends_agree", "BackendsDisagreeError", "run_on_backend"]


class BackendsDisagreeError(AssertionError):
    """Raised by :func:`assert_backends_agree`: which value differs, where, by how much."""


def _is_factory(candidate: Callable[..., Any]) -> bool:
    """A model factory takes no required positional argument; a function takes the inputs."""
    if isinstance(candidate, Module):
        raise ArgumentTypeError(
            "assert_backends_agree needs to build the model once per backend: pass a factory "
            "(the class, or lambda: MyNet(...)), not a model instance"
        )
    if isinstance(candidate, type) and issubclass(candidate, Module):
        return True
    try:
        signature = inspect.signature(candidate)
    except (TypeError, ValueError):
        return False
    return not any(
        p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        for p in signature.parameters.values()
    )


def _native_inputs(inputs: Sequence[Any]) -> list[Any]:
    """NumPy arrays (and tensors of any backend) as tensors of the active backend."""
    converted = []
    for value in inputs:
        if isinstance(value, np.ndarray):
            converted.append(asarray(value))
        elif hasattr(value, "__dlpack__") or hasattr(value, "numpy"):  # a tensor of any backend
            converted.append(asarray(np.asarray(to_numpy(value))))
        else:
            converted.append(value)
    return converted


def _differentiable(x: Any) -> bool:
    dtype = getattr(x, "dtype", None)
    return dtype is not None and backend_of(x).dtype_of(x).kind == "float"


def run_on_backend(
    candidate: Callable[..., Any], inputs: Sequence[Any], backend: str, *, grads: bool = True, seed: int = 0
) -> dict[str, np.ndarray[Any, Any]]:
    """Build (if a factory) and run ``candidate`` on ``backend``; named host results.

    Names are ``output``, ``output[i]`` / ``output['key']`` for structured outputs,
    ``grad of parameter '<name>'`` and ``grad of input <i>``. Gradients are of
    ``sum(output * w)`` with fixed random weights ``w`` (the same on every backend),
    so that every element of every output matters.
    """
    results: dict[str, np.ndarray[Any, Any]] = {}
    with config.use_backend(backend):
        random.seed(seed)
        factory = _is_factory(candidate)
        model = candidate() if factory else None
        function = model if model is not None else candidate
        tensors = _native_inputs(inputs)
        watched = [t for t in tensors if _differentiable(t)] if grads else []
        params = list(model.named_parameters()) if (grads and isinstance(model, Module)) else []
        with GradientTape() as tape:
            tape.watch(watched)
            outputs = function(*tensors)
            leaves, spec = tree.flatten(outputs)
            total = None
            weights = np.random.default_rng(seed + 1)
            for leaf in leaves:
                if not hasattr(leaf, "shape") or not _differentiable(leaf):
                    continue
                w = weights.uniform(-1, 1, tuple(int(d) for d in leaf.shape)).astype(np.float64)
                term = ug_sum(reshape(astype(leaf, "float64"), (-1,)) * asarray(w.reshape(-1)))
                total = term if total is None else total + term
        names = _leaf_names(spec, len(leaves))
        for name, leaf in zip(names, leaves, strict=True):
            results[name] = np.array(to_numpy(leaf) if hasattr(leaf, "shape") else leaf, copy=True)
        if grads and total is not None and (watched or params):
            sources = [p for _, p in params] + watched
            found = tape.gradient(total, sources, unconnected_gradients="zero")
            for (name, _), g in zip(params, found[: len(params)], strict=True):
                results[f"grad of parameter {name!r}"] = np.array(to_numpy(g), copy=True)
            positions = [i for i, t in enumerate(tensors) if any(t is w for w in watched)]
            for i, g in zip(positions, found[len(params) :], strict=True):
                results[f"grad of input {i}"] = np.array(to_numpy(g), copy=True)
    return results


def _leaf_names(spec: tree.TreeSpec, count: int) -> list[str]:
    if spec is tree.LEAF:
        return ["output"]
    return [f"output[{i}]" for i in range(count)]


def _where(actual: np.ndarray[Any, Any], expected: np.ndarray[Any, Any]) -> str:
    difference = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
    difference = np.where(np.isnan(difference), np.inf, difference)
    index = np.unravel_index(int(np.argmax(difference)), difference.shape) if difference.size else ()
    worst = float(difference[index]) if difference.size else 0.0
    scale = float(np.abs(expected[index])) if difference.size else 0.0
    relative = worst / scale if scale else float("inf")
    return (
        f"largest difference {worst:.3g} (relative {relative:.3g}) at index {tuple(int(i) for i in index)}: "
        f"{actual[index] if difference.size else ''} vs {expected[index] if difference.size else ''}"
    )


def assert_backends_agree(
    fn_or_module_factory: Callable[..., Any],
    *inputs: Any,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    grads: bool = True,
    backends: Sequence[str] | None = None,
    seed: int = 0,
) -> None:
    """Run a function, or build and run a model, on every backend; compare outputs and gradients.

    ``fn_or_module_factory`` is either a function of the inputs (``lambda x:
    ug.tanh(x)``), or something that makes a ``ug.nn.Module`` when called with
    no arguments (a class, ``lambda: MyNet(3)``). Each backend gets the same
    ``ug.random.seed(seed)`` before building, so models start from the same
    weights, and the same inputs (NumPy arrays or tensors of any backend).

    Compared: every output, and with ``grads`` the gradient of every parameter
    and of every floating-point input (of ``sum(output * w)`` for fixed random
    ``w``). A difference beyond ``rtol``/``atol`` raises :class:`BackendsDisagreeError`
    naming the value, the two backends, where, and by how much.
    """
    names = list(backends) if backends is not None else config.available_backends()
    if len(names) < 2:
        raise ArgumentError(f"assert_backends_agree needs two backends to compare, got {names}")
    results = {
        name: run_on_backend(fn_or_module_factory, inputs, name, grads=grads, seed=seed) for name in names
    }
    first, *others = names
    problems = []
    for other in others:
        if set(results[other]) != set(results[first]):
            problems.append(f"{other} gives {sorted(results[other])}, {first} gives {sorted(results[first])}")
            continue
        for key, expected in results[first].items():
            actual = results[other][key]
            if actual.shape != expected.shape:
                problems.append(f"{key}: shape {actual.shape} on {other}, {expected.shape} on {first}")
            elif actual.dtype.kind in "fc" or expected.dtype.kind in "fc":
                if not np.allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True):
                    problems.append(f"{key}: {other} vs {first}: {_where(actual, expected)}")
            elif not np.array_equal(actual, expected):
                problems.append(f"{key}: {other} vs {first}: {_where(actual, expected)}")
    if problems:
        raise BackendsDisagreeError(
            f"the backends disagree (rtol={rtol}, atol={atol}) on {len(problems)} value(s):\n  "
            + "\n  ".join(problems)
        )
