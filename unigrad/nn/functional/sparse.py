"""Sparse layers as functions: ``embedding``.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> tuple(F.embedding(ug.asarray([[0, 2]]), ug.ones((3, 4))).shape)
    (1, 2, 4)
"""

from __future__ import annotations

from ...types import Array
from ._dispatch import current_backend, failed

__all__ = ["embedding"]


def embedding(indices: Array, weight: Array) -> Array:
    """Rows of ``weight`` at integer ``indices``; indices outside the table raise
    :class:`unigrad.IndexOutOfRangeError` on every backend."""
    try:
        return current_backend().nn_embedding(indices, weight)
    except Exception as exc:
        return failed(exc, "nn_embedding", indices, weight)
