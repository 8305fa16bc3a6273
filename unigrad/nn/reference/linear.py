"""The reference definition of ``F.linear``.

See :mod:`unigrad.nn.reference` for what a reference definition is.
"""

from __future__ import annotations

from typing import Any

from ...ops import binary, manipulation
from ...ops.products import matmul

__all__ = ["linear"]


def linear(x: Any, weight: Any, bias: Any = None) -> Any:
    """``x @ weight.T + bias``, with ``weight`` shaped ``(out_features, in_features)`` as PyTorch."""
    y = matmul(x, manipulation.permute_dims(weight, (1, 0)))
    return y if bias is None else binary.add(y, bias)
