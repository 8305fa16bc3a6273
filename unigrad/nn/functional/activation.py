"""Activations: ``relu``, ``gelu``, ``sigmoid``, ``tanh``, ``softmax``, ``log_softmax``.

Each runs the active backend's ``nn_<name>``: its fused kernel where it has
one that agrees with :mod:`unigrad.nn.reference.activation`, else that
definition.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> ug.to_numpy(F.relu(ug.asarray([-1.0, 2.0]))).tolist()
    [0.0, 2.0]
"""

from __future__ import annotations

from ...types import Array
from ._dispatch import current_backend, failed

__all__ = [
    "relu",
    "gelu",
    "sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
]


def relu(x: Array) -> Array:
    """``max(x, 0)``; the gradient at 0 is 0."""
    try:
        return current_backend().nn_relu(x)
    except Exception as exc:
        return failed(exc, "nn_relu", x)


def gelu(x: Array, approximate: str = "none") -> Array:
    """``x * Φ(x)`` with the exact normal CDF, or its tanh approximation (``approximate="tanh"``)."""
    try:
        return current_backend().nn_gelu(x, approximate)
    except Exception as exc:
        return failed(exc, "nn_gelu", x, approximate)


def sigmoid(x: Array) -> Array:
    """``1 / (1 + exp(-x))``."""
    try:
        return current_backend().nn_sigmoid(x)
    except Exception as exc:
        return failed(exc, "nn_sigmoid", x)


def tanh(x: Array) -> Array:
    """Hyperbolic tangent."""
    try:
        return current_backend().nn_tanh(x)
    except Exception as exc:
        return failed(exc, "nn_tanh", x)


def softmax(x: Array, axis: int = -1) -> Array:
    """``exp(x) / sum(exp(x))`` along ``axis``, computed without overflow."""
    try:
        return current_backend().nn_softmax(x, axis)
    except Exception as exc:
        return failed(exc, "nn_softmax", x, axis=axis)


def log_softmax(x: Array, axis: int = -1) -> Array:
    """``x - logsumexp(x)`` along ``axis``."""
    try:
        return current_backend().nn_log_softmax(x, axis)
    except Exception as exc:
        return failed(exc, "nn_log_softmax", x, axis=axis)
