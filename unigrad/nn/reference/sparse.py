"""The reference definition of ``F.embedding``.

See :mod:`unigrad.nn.reference` for what a reference definition is.
"""

from __future__ import annotations

from typing import Any

from ...ops import manipulation

__all__ = ["embedding"]


def embedding(indices: Any, weight: Any) -> Any:
    """Rows of ``weight`` at ``indices`` (checked by the caller), shaped ``(*indices.shape, dim)``."""
    flat = manipulation.reshape(indices, (-1,))
    rows = manipulation.take(weight, flat, axis=0)
    return manipulation.reshape(rows, (*tuple(indices.shape), int(weight.shape[1])))
