# mypy: disable-error-code="empty-body"
"""Array API searching, sorting and set functions.

Each function runs on the active backend over its native tensors; its body is
generated from the signature below (see :mod:`unigrad.ops._dispatch`).
"""

from __future__ import annotations

from typing import Any

from ..types import Array, ArrayLike
from ._dispatch import binary_op, op

__all__ = [
    "argmax",
    "argmin",
    "count_nonzero",
    "nonzero",
    "searchsorted",
    "where",
    "isin",
    "unique_all",
    "unique_counts",
    "unique_inverse",
    "unique_values",
    "argsort",
    "sort",
]


@op
def argmax(x: Array, /, *, axis: int | None = None, keepdims: bool = False) -> Array:
    """Index of the largest element along ``axis`` (of the flattened tensor if None); first on ties."""


@op
def argmin(x: Array, /, *, axis: int | None = None, keepdims: bool = False) -> Array:
    """Index of the smallest element along ``axis``; first on ties."""


@op
def count_nonzero(x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """Number of non-zero elements along ``axis``."""


@op
def nonzero(x: Array, /) -> tuple[Array, ...]:
    """Indices of the non-zero elements, one tensor per axis."""


@op
def searchsorted(x1: Array, x2: Array, /, *, side: str = "left", sorter: Array | None = None) -> Array:
    """Indices at which to insert ``x2`` into the sorted 1-d ``x1`` to keep it sorted."""


@binary_op
def where(condition: Array, x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Elements of ``x1`` where ``condition`` holds, else of ``x2`` (broadcast, promoted)."""


@op
def isin(x1: Array, x2: Array, /, *, invert: bool = False) -> Array:
    """Whether each element of ``x1`` occurs in ``x2``."""


@op
def unique_all(x: Array, /) -> Any:
    """Unique values, first indices, inverse indices and counts (a named tuple)."""


@op
def unique_counts(x: Array, /) -> Any:
    """Unique values and their counts (a named tuple)."""


@op
def unique_inverse(x: Array, /) -> Any:
    """Unique values and the indices that rebuild ``x`` (a named tuple)."""


@op
def unique_values(x: Array, /) -> Array:
    """The sorted unique values of ``x``."""


@op
def argsort(x: Array, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Array:
    """Indices that sort ``x`` along ``axis``; stable by default."""


@op
def sort(x: Array, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Array:
    """``x`` sorted along ``axis``; stable by default."""
