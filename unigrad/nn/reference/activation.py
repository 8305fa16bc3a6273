"""The definitions of the neural-network functions, over ``ug`` ops only.

These define what each function computes. A backend carries each of them as
``nn_<name>``: its own fused kernel where it has one that agrees (tests hold
the two to tolerance), else the function here. A third-party backend gets
all of them for free from the Array API namespace.
"""

from __future__ import annotations

import math
from typing import Any

from .. import ops as _ops  # noqa: F401 - the package, for the modules below
from ..ops import binary, creation, linalg, manipulation, statistical, unary
from ..ops.searching import where

__all__ = [
    "linear",
    "relu",
    "gelu",
    "sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
    "erf",
    "layer_norm",
    "embedding",
    "sparse_cross_entropy",
    "labels_checked_by_kernel",
]


def linear(x: Any, weight: Any, bias: Any = None) -> Any:
    """``x @ weight.T + bias``, with ``weight`` shaped ``(out_features, in_features)`` as PyTorch."""
    y = linalg.matmul(x, manipulation.permute_dims(weight, (1, 0)))
    return y if bias is None else binary.add(y, bias)


def relu(x: Any) -> Any:
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


def gelu(x: Any, approximate: str = "none") -> Any:
    """Gaussian error linear unit; ``approximate="tanh"`` for the tanh form (as PyTorch)."""
    if approximate == "tanh":
        inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)
        return 0.5 * x * (1.0 + unary.tanh(inner))
    if approximate != "none":
        raise ValueError(f"gelu's approximate must be 'none' or 'tanh', got {approximate!r}")
    # x * Phi(x) = x/2 * erfc(-x / sqrt 2): no cancellation for negative x, as 1 + erf would have
    return 0.5 * x * _erfc(x * (-1.0 / math.sqrt(2.0)))


def sigmoid(x: Any) -> Any:
    # 1 / (1 + exp(-x)) overflows to inf for very negative x, which still gives 0
    return 1.0 / (1.0 + unary.exp(unary.negative(x)))


def tanh(x: Any) -> Any:
    return unary.tanh(x)


def softmax(x: Any, axis: int = -1) -> Any:
    shifted = x - statistical.max(x, axis=axis, keepdims=True)
    exps = unary.exp(shifted)
    return exps / statistical.sum(exps, axis=axis, keepdims=True)


def log_softmax(x: Any, axis: int = -1) -> Any:
    return x - statistical.logsumexp(x, axis=axis, keepdims=True)


def layer_norm(
    x: Any, normalized_shape: tuple[int, ...], weight: Any = None, bias: Any = None, eps: float = 1e-5
) -> Any:
    axes = tuple(range(-len(normalized_shape), 0))
    mean = statistical.mean(x, axis=axes, keepdims=True)
    centered = x - mean
    variance = statistical.mean(centered * centered, axis=axes, keepdims=True)
    y = centered / unary.sqrt(variance + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def embedding(indices: Any, weight: Any) -> Any:
    flat = manipulation.reshape(indices, (-1,))
    rows = manipulation.take(weight, flat, axis=0)
    return manipulation.reshape(rows, (*tuple(indices.shape), int(weight.shape[1])))


def sparse_cross_entropy(
    logits: Any, labels: Any, ignore_index: int = -100, reduction: str = "none", ignored: bool = True
) -> Any:
    """``-log_softmax(logits)[i, labels[i]]`` for ``(N, C)`` logits, 0 where ignored, reduced.

    ``reduction``: ``"none"`` (per sample), ``"sum"``, or ``"mean"`` over the
    samples not ignored (as PyTorch). Labels are known to be in range (or
    ``ignore_index``): the caller checked them; ``ignored=False`` says that
    it also saw that none equals ``ignore_index``.
    """
    keep = binary.not_equal(labels, ignore_index)
    safe = where(keep, labels, creation.zeros_like(labels))
    log_probs = log_softmax(logits, axis=1)
    picked = manipulation.take_along_axis(log_probs, manipulation.expand_dims(safe, axis=1), axis=1)[:, 0]
    per_sample = where(keep, unary.negative(picked), creation.zeros_like(picked))
    if reduction == "none":
        return per_sample
    total = statistical.sum(per_sample)
    if reduction == "sum":
        return total
    return binary.divide(total, statistical.sum(creation.astype(keep, per_sample.dtype)))


def labels_checked_by_kernel(labels: Any) -> bool:
    """Whether the backend's cross-entropy kernel raises for labels out of range (so no check before)."""
    return False
