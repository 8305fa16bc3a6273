"""Tensor products in the main namespace: ``matmul``, ``tensordot``, ``vecdot``, ``einsum``.

These are the standard's linear-algebra functions that live on ``ug`` itself
(with ``matrix_transpose``); the ``linalg`` extension proper is
:mod:`unigrad.linalg`, reached as ``ug.linalg``. Each function runs on the
active backend and takes and returns its native tensors; see
:mod:`unigrad.ops._dispatch` for how they are built and what happens when one
fails.
"""

from __future__ import annotations

from typing import Any

from ..types import Array
from ._dispatch import binary_op, op

__all__ = [
    "matmul",
    "matrix_transpose",
    "tensordot",
    "vecdot",
    "einsum",
]


@binary_op
def matmul(x1: Array, x2: Array, /) -> Array:
    """Matrix product with NumPy's rules for 1-d operands and batch broadcasting.

    Examples:
        >>> import unigrad as ug
        >>> ug.matmul(ug.ones((2, 3)), ug.ones((3, 4))).shape == (2, 4)
        True
    """


@op
def matrix_transpose(x: Array, /) -> Array:
    """Swap the last two axes."""


@binary_op
def tensordot(x1: Array, x2: Array, /, *, axes: int | tuple[Any, Any] = 2) -> Array:
    """Sum of products over the given axes of ``x1`` and ``x2``."""


@binary_op
def vecdot(x1: Array, x2: Array, /, *, axis: int = -1) -> Array:
    """Dot product of vectors along ``axis`` (conjugating ``x1``)."""


@op
def einsum(subscripts: str, /, *operands: Array) -> Array:
    """Einstein summation, e.g. ``einsum("ij,jk->ik", a, b)``."""
