"""Array API linear algebra in the main namespace, and ``einsum``.

Each function runs on the active backend and takes and returns its native
tensors; see :mod:`unigrad.ops._dispatch` for what happens when one fails.
"""

from __future__ import annotations

from typing import Any

from ..types import Array
from ._dispatch import _scoped_get, _state, failed

__all__ = [
    "matmul",
    "matrix_transpose",
    "tensordot",
    "vecdot",
    "einsum",
]


def matmul(x1: Array, x2: Array, /) -> Array:
    """Matrix product with NumPy's rules for 1-d operands and batch broadcasting.

    Examples:
        >>> import unigrad as ug
        >>> ug.matmul(ug.ones((2, 3)), ug.ones((3, 4))).shape == (2, 4)
        True
    """
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.matmul(x1, x2)
    except Exception as exc:
        return failed(exc, "matmul", x1, x2)


def matrix_transpose(x: Array, /) -> Array:
    """Swap the last two axes."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.matrix_transpose(x)
    except Exception as exc:
        return failed(exc, "matrix_transpose", x)


def tensordot(x1: Array, x2: Array, /, *, axes: int | tuple[Any, Any] = 2) -> Array:
    """Sum of products over the given axes of ``x1`` and ``x2``."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.tensordot(x1, x2, axes=axes)
    except Exception as exc:
        return failed(exc, "tensordot", x1, x2, axes=axes)


def vecdot(x1: Array, x2: Array, /, *, axis: int = -1) -> Array:
    """Dot product of vectors along ``axis`` (conjugating ``x1``)."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.vecdot(x1, x2, axis=axis)
    except Exception as exc:
        return failed(exc, "vecdot", x1, x2, axis=axis)


def einsum(subscripts: str, /, *operands: Array) -> Array:
    """Einstein summation, e.g. ``einsum("ij,jk->ik", a, b)``."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.einsum(subscripts, *operands)
    except Exception as exc:
        return failed(exc, "einsum", subscripts, *operands)
