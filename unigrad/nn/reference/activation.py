"""Activations: the reference definitions of ``F.relu``, ``gelu``, ``sigmoid``, ``tanh``, ``softmax``, ...

See :mod:`unigrad.nn.reference` for what a reference definition is.
"""

from __future__ import annotations

import math
from typing import Any

from ...errors import ArgumentError
from ...ops import binary, creation, statistical, unary
from ...ops.searching import where

__all__ = [
    "relu",
    "leaky_relu",
    "relu6",
    "gelu",
    "sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
    "erf",
]


def relu(x: Any, inplace: bool = False) -> Any:
    """``max(x, 0)``, with gradient 0 at 0; computed out of place whatever ``inplace`` says."""
    # where(x > 0, ...) rather than maximum(x, 0): the gradient at 0 is 0, as
    # both frameworks' own relu kernels have it (maximum's would be 1)
    return where(binary.greater(x, 0), x, creation.zeros_like(x))


def _erfc_of_nonnegative(z: Any) -> Any:
    """erfc(z) for z >= 0, relative error below 1.2e-7: the Chebyshev fit of Numerical
    Recipes, erfc(z) = t * exp(-z² + P(t)), t = 1 / (1 + z / 2)."""
    t = 1.0 / (1.0 + 0.5 * z)
    coefficients = (
        -1.26551223,
        1.00002368,
        0.37409196,
        0.09678418,
        -0.18628806,
        0.27886807,
        -1.13520398,
        1.48851587,
        -0.82215223,
        0.17087277,
    )
    poly = coefficients[-1] * t
    for c in reversed(coefficients[1:-1]):
        poly = (poly + c) * t
    return t * unary.exp(-z * z + (poly + coefficients[0]))


def _erfc(x: Any) -> Any:
    # |x| written as a where, so that gradients at 0 follow the x >= 0 branch
    # (abs's gradient at 0 is 0, which would make erf flat there)
    positive = binary.greater_equal(x, 0)
    tail = _erfc_of_nonnegative(where(positive, x, unary.negative(x)))
    return where(positive, tail, 2.0 - tail)


def erf(x: Any) -> Any:
    """The error function, to ~1.2e-7 (A&S 7.1.26 would be too coarse for GELU)."""
    return 1.0 - _erfc(x)


def leaky_relu(x: Any, negative_slope: float = 0.01, inplace: bool = False) -> Any:
    """``x`` where ``x > 0``, else ``negative_slope * x`` (the slope's gradient at 0, as PyTorch);
    computed out of place whatever ``inplace`` says."""
    return where(binary.greater(x, 0), x, x * negative_slope)


def relu6(x: Any, inplace: bool = False) -> Any:
    """``min(max(x, 0), 6)``, with gradient 0 at and beyond 0 and 6 (as torch's ``hardtanh``); NaN
    stays NaN. Computed out of place whatever ``inplace`` says."""
    return where(
        binary.less_equal(x, 0),
        creation.zeros_like(x),
        where(binary.greater_equal(x, 6), creation.full_like(x, 6), x),
    )


def gelu(x: Any, approximate: str = "none") -> Any:
    """Gaussian error linear unit; ``approximate="tanh"`` for the tanh form (as PyTorch)."""
    if approximate == "tanh":
        inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)
        return 0.5 * x * (1.0 + unary.tanh(inner))
    if approximate != "none":
        raise ArgumentError(f"gelu's approximate must be 'none' or 'tanh', got {approximate!r}")
    # x * Phi(x) = x/2 * erfc(-x / sqrt 2): no cancellation for negative x, as 1 + erf would have
    return 0.5 * x * _erfc(x * (-1.0 / math.sqrt(2.0)))


def sigmoid(x: Any) -> Any:
    """``1 / (1 + exp(-x))``."""
    # 1 / (1 + exp(-x)) overflows to inf for very negative x, which still gives 0
    return 1.0 / (1.0 + unary.exp(unary.negative(x)))


def tanh(x: Any) -> Any:
    """Hyperbolic tangent."""
    return unary.tanh(x)


def softmax(x: Any, axis: int = -1) -> Any:
    """``exp(x) / sum(exp(x))`` along ``axis``, shifted by the maximum so that nothing overflows."""
    shifted = x - statistical.max(x, axis=axis, keepdims=True)
    exps = unary.exp(shifted)
    return exps / statistical.sum(exps, axis=axis, keepdims=True)


def log_softmax(x: Any, axis: int = -1) -> Any:
    """``x - logsumexp(x)`` along ``axis``."""
    return x - statistical.logsumexp(x, axis=axis, keepdims=True)
