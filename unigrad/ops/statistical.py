"""Array API statistical and utility functions, and ``logsumexp``.

Each function runs on the active backend and takes and returns its native
tensors; see :mod:`unigrad.ops._dispatch` for what happens when one fails.
"""

from __future__ import annotations

from typing import Any

from ..types import Array
from ._dispatch import _scoped_get, _state, failed

__all__ = [
    "cumulative_prod",
    "cumulative_sum",
    "max",
    "mean",
    "min",
    "prod",
    "std",
    "sum",
    "var",
    "all",
    "any",
    "diff",
    "logsumexp",
]


def cumulative_prod(
    x: Array, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False
) -> Array:
    """Cumulative product along ``axis``."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.cumulative_prod(x, axis=axis, dtype=dtype, include_initial=include_initial)
    except Exception as exc:
        return failed(exc, "cumulative_prod", x, axis=axis, dtype=dtype, include_initial=include_initial)


def cumulative_sum(
    x: Array, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False
) -> Array:
    """Cumulative sum along ``axis``."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.cumulative_sum(x, axis=axis, dtype=dtype, include_initial=include_initial)
    except Exception as exc:
        return failed(exc, "cumulative_sum", x, axis=axis, dtype=dtype, include_initial=include_initial)


def max(x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """Largest element along ``axis`` (all axes if None)."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        if axis is None and not keepdims:
            return backend.max(x)  # the common whole-tensor case, without keyword parsing
        return backend.max(x, axis=axis, keepdims=keepdims)
    except Exception as exc:
        return failed(exc, "max", x, axis=axis, keepdims=keepdims)


def mean(x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """Arithmetic mean along ``axis``; integer input is averaged in the default float."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        if axis is None and not keepdims:
            return backend.mean(x)  # the common whole-tensor case, without keyword parsing
        return backend.mean(x, axis=axis, keepdims=keepdims)
    except Exception as exc:
        return failed(exc, "mean", x, axis=axis, keepdims=keepdims)


def min(x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """Smallest element along ``axis``."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        if axis is None and not keepdims:
            return backend.min(x)  # the common whole-tensor case, without keyword parsing
        return backend.min(x, axis=axis, keepdims=keepdims)
    except Exception as exc:
        return failed(exc, "min", x, axis=axis, keepdims=keepdims)


def prod(
    x: Array, /, *, axis: int | tuple[int, ...] | None = None, dtype: Any = None, keepdims: bool = False
) -> Array:
    """Product along ``axis``; integers accumulate in ``int64``."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.prod(x, axis=axis, dtype=dtype, keepdims=keepdims)
    except Exception as exc:
        return failed(exc, "prod", x, axis=axis, dtype=dtype, keepdims=keepdims)


def std(
    x: Array, /, *, axis: int | tuple[int, ...] | None = None, correction: float = 0.0, keepdims: bool = False
) -> Array:
    """Standard deviation along ``axis`` with ``N - correction`` degrees of freedom."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.std(x, axis=axis, correction=correction, keepdims=keepdims)
    except Exception as exc:
        return failed(exc, "std", x, axis=axis, correction=correction, keepdims=keepdims)


def sum(
    x: Array, /, *, axis: int | tuple[int, ...] | None = None, dtype: Any = None, keepdims: bool = False
) -> Array:
    """Sum along ``axis``; integers accumulate in ``int64``.

    Examples:
        >>> import unigrad as ug
        >>> ug.to_numpy(ug.sum(ug.ones((2, 3)), axis=1))
        array([3., 3.], dtype=float32)
    """
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        if axis is None and not keepdims and dtype is None:
            return backend.sum_all(x)  # the common whole-tensor case, without keyword parsing
        return backend.sum(x, axis=axis, dtype=dtype, keepdims=keepdims)
    except Exception as exc:
        return failed(exc, "sum", x, axis=axis, dtype=dtype, keepdims=keepdims)


def var(
    x: Array, /, *, axis: int | tuple[int, ...] | None = None, correction: float = 0.0, keepdims: bool = False
) -> Array:
    """Variance along ``axis`` with ``N - correction`` degrees of freedom."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.var(x, axis=axis, correction=correction, keepdims=keepdims)
    except Exception as exc:
        return failed(exc, "var", x, axis=axis, correction=correction, keepdims=keepdims)


def all(x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """Whether every element along ``axis`` is true."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.all(x, axis=axis, keepdims=keepdims)
    except Exception as exc:
        return failed(exc, "all", x, axis=axis, keepdims=keepdims)


def any(x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """Whether any element along ``axis`` is true."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.any(x, axis=axis, keepdims=keepdims)
    except Exception as exc:
        return failed(exc, "any", x, axis=axis, keepdims=keepdims)


def diff(
    x: Array, /, *, axis: int = -1, n: int = 1, prepend: Array | None = None, append: Array | None = None
) -> Array:
    """The ``n``-th forward difference along ``axis``."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.diff(x, axis=axis, n=n, prepend=prepend, append=append)
    except Exception as exc:
        return failed(exc, "diff", x, axis=axis, n=n, prepend=prepend, append=append)


def logsumexp(x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """``log(sum(exp(x)))`` along ``axis``, computed without overflow."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.logsumexp(x, axis=axis, keepdims=keepdims)
    except Exception as exc:
        return failed(exc, "logsumexp", x, axis=axis, keepdims=keepdims)
