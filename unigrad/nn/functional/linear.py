"""Linear layers as functions: ``linear``.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> tuple(F.linear(ug.ones((4, 3)), ug.ones((2, 3))).shape)
    (4, 2)
"""

from __future__ import annotations

from ...types import Array
from ._dispatch import current_backend, failed

__all__ = ["linear"]


def linear(x: Array, weight: Array, bias: Array | None = None) -> Array:
    """``x @ weight.T + bias``; ``weight`` is ``(out_features, in_features)`` as in PyTorch."""
    try:
        return current_backend().nn_linear(x, weight, bias)
    except Exception as exc:
        return failed(exc, "nn_linear", x, weight, bias)
