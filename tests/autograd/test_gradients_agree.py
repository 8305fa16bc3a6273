"""Property test: for every differentiable function of the namespace, the tape's
gradient agrees across backends and with float64 central finite differences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import BACKENDS

import unigrad as ug
from unigrad.testing import assert_backends_agree
from unigrad.testing import strategies as ugst


@dataclass
class Case:
    name: str
    call: Callable[..., Any]
    shapes: tuple[tuple[int, ...], ...] = ((2, 3),)
    low: float = -2.0
    high: float = 2.0
    prepare: Callable[[list[np.ndarray]], list[np.ndarray]] = field(default=lambda xs: xs)


def _apart(xs):
    """Values at least 0.05 apart, so max/min/sort have no ties to differentiate through."""
    out = []
    for i, x in enumerate(xs):
        order = np.argsort(x, axis=None, kind="stable")
        spread = np.empty(x.size)
        spread[order] = np.arange(x.size) * 0.1
        out.append(x * 0.01 + spread.reshape(x.shape) - x.size * 0.05 + 0.033 * i)  # inputs apart too
    return out


def _off_integers(xs):
    return [np.floor(x) + 0.1 + 0.3 * (x - np.floor(x)) for x in xs]  # away from integers and halves


def _spd(xs):
    (m,) = xs
    return [m @ m.T + 3 * np.eye(m.shape[0])]


def _away_from_zero(xs):
    return [np.where(np.abs(x) < 0.3, np.sign(x + 1e-9) * 0.3 + x, x) for x in xs]


UNARY = [
    Case("exp", ug.exp),
    Case("expm1", ug.expm1),
    Case("sin", ug.sin),
    Case("cos", ug.cos),
    Case("tan", ug.tan, low=-1.2, high=1.2),
    Case("tanh", ug.tanh),
    Case("sinh", ug.sinh),
    Case("cosh", ug.cosh),
    Case("asinh", ug.asinh),
    Case("atan", ug.atan),
    Case("asin", ug.asin, low=-0.9, high=0.9),
    Case("acos", ug.acos, low=-0.9, high=0.9),
    Case("atanh", ug.atanh, low=-0.9, high=0.9),
    Case("acosh", ug.acosh, low=1.2, high=4.0),
    Case("log", ug.log, low=0.2, high=5.0),
    Case("log1p", ug.log1p, low=-0.5, high=4.0),
    Case("log2", ug.log2, low=0.2, high=5.0),
    Case("log10", ug.log10, low=0.2, high=5.0),
    Case("sqrt", ug.sqrt, low=0.2, high=5.0),
    Case("reciprocal", ug.reciprocal, low=0.3, high=3.0),
    Case("square", ug.square),
    Case("negative", ug.negative),
    Case("positive", ug.positive),
    Case("abs", ug.abs, prepare=_away_from_zero),
    Case("sign", ug.sign, prepare=_away_from_zero),
    Case("floor", ug.floor, prepare=_off_integers),
    Case("ceil", ug.ceil, prepare=_off_integers),
    Case("round", ug.round, prepare=_off_integers),
    Case("trunc", ug.trunc, prepare=_off_integers),
    Case("clip", lambda x: ug.clip(x, min=-0.95, max=1.05)),
]
TWO = ((2, 3), (2, 3))
BINARY = [
    Case("add", ug.add, TWO),
    Case("subtract", ug.subtract, TWO),
    Case("multiply", ug.multiply, TWO),
    Case("divide", ug.divide, TWO, prepare=_away_from_zero),
    Case("pow", ug.pow, TWO, low=0.5, high=2.0),
    Case("maximum", ug.maximum, TWO, prepare=_apart),
    Case("minimum", ug.minimum, TWO, prepare=_apart),
    Case("atan2", ug.atan2, TWO, prepare=_away_from_zero),
    Case("hypot", ug.hypot, TWO, prepare=_away_from_zero),
    Case("logaddexp", ug.logaddexp, TWO),
    Case("broadcasting", lambda a, b: a * b + b, ((2, 3), (3,))),
    Case("scalar operands", lambda a: 2.0 * a - a / 3.0 + 1.0),
]
REDUCTIONS = [
    Case("sum", lambda x: ug.sum(x, axis=1)),
    Case("sum all", ug.sum),
    Case("mean", lambda x: ug.mean(x, axis=0)),
    Case("prod", lambda x: ug.prod(x, axis=1), prepare=_away_from_zero),
    Case("max", lambda x: ug.max(x, axis=1), prepare=_apart),
    Case("min", ug.min, prepare=_apart),
    Case("var", lambda x: ug.var(x, axis=1, correction=1)),
    Case("std", lambda x: ug.std(x), prepare=_apart),
    Case("logsumexp", lambda x: ug.logsumexp(x, axis=1)),
    Case("cumulative_sum", lambda x: ug.cumulative_sum(x, axis=1)),
    Case("cumulative_prod", lambda x: ug.cumulative_prod(x, axis=0), prepare=_away_from_zero),
    Case("vector_norm", lambda x: ug.linalg.vector_norm(x, axis=1), prepare=_away_from_zero),
    Case("matrix_norm", ug.linalg.matrix_norm, prepare=_away_from_zero),
    Case(
        "sort", lambda x: ug.sort(x, axis=1) * ug.asarray([1.0, 2.0, 3.0], dtype=ug.float64), prepare=_apart
    ),
]
MANIPULATION = [
    Case("reshape", lambda x: ug.reshape(x, (3, 2))),
    Case("permute_dims", lambda x: ug.permute_dims(x, (1, 0))),
    Case("matrix_transpose", ug.matrix_transpose),
    Case("flip", lambda x: ug.flip(x, axis=1)),
    Case("roll", lambda x: ug.roll(x, 1, axis=1)),
    Case("expand_dims", lambda x: ug.expand_dims(x, axis=1)),
    Case("squeeze", lambda x: ug.squeeze(x, axis=0), ((1, 3),)),
    Case("moveaxis", lambda x: ug.moveaxis(x, 0, 1)),
    Case("broadcast_to", lambda x: ug.broadcast_to(x, (4, 2, 3))),
    Case("tile", lambda x: ug.tile(x, (2, 1))),
    Case("repeat", lambda x: ug.repeat(x, 2, axis=1)),
    Case("concat", lambda a, b: ug.concat([a, b], axis=0), TWO),
    Case("stack", lambda a, b: ug.stack([a, b], axis=1), TWO),
    Case("unstack", lambda x: ug.unstack(x, axis=1)[2] * 2.0 + ug.unstack(x, axis=1)[0]),
    Case("take", lambda x: ug.take(x, ug.asarray([2, 0, 2, -1]), axis=1)),
    Case("take_along_axis", lambda x: ug.take_along_axis(x, ug.asarray([[0, 2], [1, 1]]), axis=1)),
    Case("where", lambda a, b: ug.where(a > b, a * 2.0, b), TWO, prepare=_apart),
    Case("getitem", lambda x: x[1, 1:] * 3.0),
]
LINALG = [
    Case("matmul", ug.matmul, ((2, 3), (3, 4))),
    Case("matmul batched", ug.matmul, ((2, 2, 3), (3, 2))),
    Case("matmul vector", ug.matmul, ((3,), (3, 2))),
    Case("tensordot", lambda a, b: ug.tensordot(a, b, axes=1), ((2, 3), (3, 2))),
    Case("vecdot", ug.vecdot, TWO),
    Case("einsum", lambda a, b: ug.einsum("ij,kj->ik", a, b), TWO),
    Case("inv", ug.linalg.inv, ((3, 3),), prepare=_spd),
    Case("det", ug.linalg.det, ((3, 3),), prepare=_spd),
    Case(
        "solve",
        lambda a, b: ug.linalg.solve(a, b),
        ((3, 3), (3, 2)),
        prepare=lambda xs: [*_spd(xs[:1]), xs[1]],
    ),
    # (symmetrised: the frameworks differentiate cholesky as a function of symmetric input)
    Case(
        "cholesky", lambda a: ug.linalg.cholesky((a + ug.matrix_transpose(a)) / 2.0), ((3, 3),), prepare=_spd
    ),
    Case("trace", ug.linalg.trace, ((3, 3),)),
    Case("diagonal", ug.linalg.diagonal, ((3, 3),)),
    Case("outer", ug.linalg.outer, ((3,), (2,))),
    Case("cross", ug.linalg.cross, ((2, 3), (2, 3))),
]
CASES = UNARY + BINARY + REDUCTIONS + MANIPULATION + LINALG


def _loss(case: Case, weights: np.ndarray | None, tensors: list[Any]) -> Any:
    out = case.call(*tensors)
    flat = ug.reshape(ug.astype(out, ug.float64), (-1,))
    return ug.sum(flat * ug.asarray(weights)) if weights is not None else ug.sum(flat)


def _tape_gradients(
    case: Case, inputs: list[np.ndarray], weights: np.ndarray, backend: str
) -> list[np.ndarray]:
    with ug.use_backend(backend):
        tensors = [ug.asarray(x) for x in inputs]
        with ug.GradientTape() as tape:
            tape.watch(tensors)
            loss = _loss(case, weights, tensors)
        grads = tape.gradient(loss, tensors, unconnected_gradients="zero")
        return [np.array(ug.to_numpy(g), copy=True) for g in grads]


def _finite_differences(
    case: Case, inputs: list[np.ndarray], weights: np.ndarray, eps: float = 1e-6
) -> list[np.ndarray]:
    def value(arrays: list[np.ndarray]) -> float:
        with ug.use_backend(BACKENDS[0]):
            return float(ug.to_numpy(_loss(case, weights, [ug.asarray(a) for a in arrays])))

    grads = []
    for i, x in enumerate(inputs):
        g = np.zeros_like(x)
        for index in np.ndindex(x.shape):
            up, down = [a.copy() for a in inputs], [a.copy() for a in inputs]
            up[i][index] += eps
            down[i][index] -= eps
            g[index] = (value(up) - value(down)) / (2 * eps)
        grads.append(g)
    return grads


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@given(data=st.data())
def test_gradient_agrees_across_backends_and_with_finite_differences(case, data):
    inputs = [
        data.draw(ugst.arrays("float64", shape, low=case.low, high=case.high, special=False), label=f"x{i}")
        for i, shape in enumerate(case.shapes)
    ]
    inputs = [np.asarray(x, dtype=np.float64) for x in case.prepare(inputs)]
    with ug.use_backend(BACKENDS[0]):
        size = int(np.prod(ug.to_numpy(case.call(*[ug.asarray(x) for x in inputs])).shape))
    weights = data.draw(ugst.arrays("float64", (size,), low=-1, high=1, special=False), label="weights")
    expected = _finite_differences(case, inputs, weights)
    for backend in BACKENDS:
        grads = _tape_gradients(case, inputs, weights, backend)
        for got, want in zip(grads, expected, strict=True):
            np.testing.assert_allclose(
                got, want, rtol=1e-5, atol=1e-6, err_msg=f"{case.name} on {backend} vs FD"
            )
    # across backends, outputs and input gradients agree to float64 rounding (the user-facing toolkit)
    if len(BACKENDS) > 1:
        assert_backends_agree(case.call, *inputs, rtol=1e-9, atol=1e-12, backends=BACKENDS)
