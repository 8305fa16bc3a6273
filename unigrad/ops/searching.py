"""Array API searching, sorting and set functions.

Each function runs on the active backend and takes and returns its native
tensors; see :mod:`unigrad.ops._dispatch` for what happens when one fails.
"""

from __future__ import annotations

from typing import Any

from ..types import Array, ArrayLike
from ._dispatch import _scoped_get, _state, failed

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


def argmax(x: Array, /, *, axis: int | None = None, keepdims: bool = False) -> Array:
    """Index of the largest element along ``axis`` (of the flattened tensor if None); first on ties."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.argmax(x, axis=axis, keepdims=keepdims)
    except Exception as exc:
        return failed(exc, "argmax", x, axis=axis, keepdims=keepdims)


def argmin(x: Array, /, *, axis: int | None = None, keepdims: bool = False) -> Array:
    """Index of the smallest element along ``axis``; first on ties."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.argmin(x, axis=axis, keepdims=keepdims)
    except Exception as exc:
        return failed(exc, "argmin", x, axis=axis, keepdims=keepdims)


def count_nonzero(x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """Number of non-zero elements along ``axis``."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.count_nonzero(x, axis=axis, keepdims=keepdims)
    except Exception as exc:
        return failed(exc, "count_nonzero", x, axis=axis, keepdims=keepdims)


def nonzero(x: Array, /) -> tuple[Array, ...]:
    """Indices of the non-zero elements, one tensor per axis."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.nonzero(x)
    except Exception as exc:
        return failed(exc, "nonzero", x)


def searchsorted(x1: Array, x2: Array, /, *, side: str = "left", sorter: Array | None = None) -> Array:
    """Indices at which to insert ``x2`` into the sorted 1-d ``x1`` to keep it sorted."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.searchsorted(x1, x2, side=side, sorter=sorter)
    except Exception as exc:
        return failed(exc, "searchsorted", x1, x2, side=side, sorter=sorter)


def where(condition: Array, x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Elements of ``x1`` where ``condition`` holds, else of ``x2`` (broadcast, promoted)."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.where(condition, x1, x2)
    except Exception as exc:
        return failed(exc, "where", condition, x1, x2)


def isin(x1: Array, x2: Array, /, *, invert: bool = False) -> Array:
    """Whether each element of ``x1`` occurs in ``x2``."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.isin(x1, x2, invert=invert)
    except Exception as exc:
        return failed(exc, "isin", x1, x2, invert=invert)


def unique_all(x: Array, /) -> Any:
    """Unique values, first indices, inverse indices and counts (a named tuple)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.unique_all(x)
    except Exception as exc:
        return failed(exc, "unique_all", x)


def unique_counts(x: Array, /) -> Any:
    """Unique values and their counts (a named tuple)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.unique_counts(x)
    except Exception as exc:
        return failed(exc, "unique_counts", x)


def unique_inverse(x: Array, /) -> Any:
    """Unique values and the indices that rebuild ``x`` (a named tuple)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.unique_inverse(x)
    except Exception as exc:
        return failed(exc, "unique_inverse", x)


def unique_values(x: Array, /) -> Array:
    """The sorted unique values of ``x``."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.unique_values(x)
    except Exception as exc:
        return failed(exc, "unique_values", x)


def argsort(x: Array, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Array:
    """Indices that sort ``x`` along ``axis``; stable by default."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.argsort(x, axis=axis, descending=descending, stable=stable)
    except Exception as exc:
        return failed(exc, "argsort", x, axis=axis, descending=descending, stable=stable)


def sort(x: Array, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Array:
    """``x`` sorted along ``axis``; stable by default."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.sort(x, axis=axis, descending=descending, stable=stable)
    except Exception as exc:
        return failed(exc, "sort", x, axis=axis, descending=descending, stable=stable)
